from time import perf_counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benchmarks import generator


def count(value):
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate volume data for benchmarks: fictional organisations (with an owner each), "
        "vacancies and service requests, collaborations and vouchers, written in bulk. Needs "
        "the reference data (load_reference_data). Refuses when generated data are already "
        "there unless --append (add more) or --flush (delete them first). Local use only: runs "
        "with DJANGO_DEBUG=true."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=count, default=0, metavar="N")
        parser.add_argument(
            "--opportunities",
            type=count,
            default=0,
            metavar="M",
            help="Vacancies and service requests, half each (vacancies get the odd one).",
        )
        parser.add_argument(
            "--collaborations",
            type=count,
            default=0,
            metavar="K",
            help="All collaborations, including the one each redeemed or paid voucher records "
            "(so at least --vouchers).",
        )
        parser.add_argument("--vouchers", type=count, default=0, metavar="V")
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, options and day: same data."
        )
        parser.add_argument("--batch-size", type=count, default=generator.BATCH_SIZE)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--append", action="store_true", help="Add to the generated data already there."
        )
        mode.add_argument(
            "--flush",
            action="store_true",
            help="Delete the generated data already there first (nothing else is touched).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_bulk fills the database with fictional organisations; it only runs with "
                "DJANGO_DEBUG=true."
            )
        if options["vouchers"] > options["collaborations"]:
            raise CommandError(
                "Every redeemed or paid voucher records a collaboration: ask for at least as many "
                "--collaborations as --vouchers."
            )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        found = generator.existing()
        if found and not (options["append"] or options["flush"]):
            raise CommandError(
                f"The database already holds generated data ({describe(found)}). Pass --append "
                "to add to them or --flush to replace them."
            )
        try:
            with transaction.atomic():
                if options["flush"] and found:
                    self.stdout.write(f"Deleting generated data: {describe(found)}.")
                    flushing = perf_counter()
                    generator.flush()
                    self.stdout.write(f"Deleted in {perf_counter() - flushing:.1f} s.")
                started = perf_counter()
                timings = generator.seed(
                    organisations=options["organisations"],
                    opportunities=options["opportunities"],
                    collaborations=options["collaborations"],
                    vouchers=options["vouchers"],
                    seed=options["seed"],
                    batch_size=options["batch_size"],
                    log=self.stdout.write if options["verbosity"] > 1 else None,
                )
        except generator.GenerationError as error:
            raise CommandError(str(error)) from error
        written = perf_counter() - started
        generator.analyse()
        total = perf_counter() - started
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(f"Generated data now: {describe(generator.existing())}.")
        )
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        self.stdout.write(
            f"Written in {written:.1f} s ({phases}); {total:.1f} s with the statistics refreshed."
        )


def describe(counts):
    return (
        f"{counts.organisations:,} organisations, {counts.vacancies:,} vacancies, "
        f"{counts.service_requests:,} service requests, {counts.collaborations:,} "
        f"collaborations, {counts.vouchers:,} vouchers"
    )
