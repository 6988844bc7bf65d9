"""`python -m benchmarks`: for each chosen size, make sure its data are there and run the
measurements; then compare the sizes, print a table and write the JSON report
(benchmarks/README.md says how to read it).

The data: the reference data are loaded (idempotent) and the generated data are seeded at the
size's counts with a fixed seed, unless the database already holds exactly those counts; the
seeding time is then a figure of its own. With both sizes, the one the database holds is
measured first, and the data of the other replace it. Measurements run with DEBUG off, as in
production (DEBUG makes Django keep every query it runs).
"""

import argparse
import os
import platform
import subprocess
import sys
import traceback
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from . import generator, measure_pages, registry, report
from .measure_pages import COLD_REQUESTS, PAGE_REQUESTS

RESULTS = Path(__file__).resolve().parent / "results"


def wanted_counts(size):
    return generator.Counts(
        organisations=size.organisations,
        vacancies=(size.opportunities + 1) // 2,
        service_requests=size.opportunities // 2,
        collaborations=size.collaborations,
        vouchers=size.vouchers,
    )


def ensure_data(size, *, seed=1, reseed=False, log=print):
    """Seed the generated data at `size` unless they are there; returns the seeding figures."""
    call_command("load_reference_data", verbosity=0)
    found = generator.existing()
    if found == wanted_counts(size) and not reseed:
        log(f"Data of size {size.name} are in place; not seeding.")
        generator.analyse()
        return []
    if not settings.DEBUG:
        raise registry.BenchmarkError(
            "Seeding fills the database with fictional organisations: run with DJANGO_DEBUG=true."
        )
    log(f"Seeding size {size.name} (seed {seed}); the generated data there are replaced.")
    with transaction.atomic():
        generator.flush()
        started = perf_counter()
        generator.seed(
            organisations=size.organisations,
            opportunities=size.opportunities,
            collaborations=size.collaborations,
            vouchers=size.vouchers,
            seed=seed,
        )
    seconds = perf_counter() - started
    generator.analyse()
    rows = size.organisations + size.opportunities
    return [
        report.Figure(
            "seed.seconds",
            round(seconds, 1),
            "s",
            target=size.seed_target_seconds,
            comparison="<=" if size.seed_target_seconds else None,
            description=(
                f"seed_bulk: {size.organisations} organisations, {size.opportunities} "
                f"opportunities, {size.collaborations} collaborations, {size.vouchers} vouchers"
            ),
        ),
        report.Figure(
            "seed.rate",
            round(rows / seconds, 1),
            "rows/s",
            description="organisations and opportunities written per second",
        ),
    ]


def environment():
    """Where the figures were measured, for the report."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    try:
        commit = subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "database": f"{connection.vendor} {version}",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "commit": commit,
    }


def in_order(sizes):
    """The sizes in the order they are measured: the one the database holds first (it needs no
    seeding), then the others from small to large."""
    found = generator.existing()
    by_volume = sorted(sizes, key=lambda size: (size.organisations, size.opportunities))
    present = [size for size in by_volume if wanted_counts(size) == found]
    return present + [size for size in by_volume if size not in present]


def measure_size(size, chosen, *, options, seed, reseed, log):
    """Seed (when needed) and run the chosen measurements at one size.

    Returns (figures, errors, notes, data): figures, errors and notes named without the size.
    """
    figures = ensure_data(size, seed=seed, reseed=reseed, log=log)
    context = registry.Context(size=size, repeat=options["repeat"], log=log, options=options)
    counts = generator.existing()
    errors = {}
    with override_settings(DEBUG=False):
        for item in chosen:
            log(f"{size.name} {item.name}: {item.title}")
            # One failing measurement does not lose the others' figures: it is reported.
            try:
                figures += item.function(context)
            except Exception as error:
                errors[item.name] = f"{type(error).__name__}: {error}"
                log(traceback.format_exc())
    data = {
        "organisations": counts.organisations,
        "vacancies": counts.vacancies,
        "service_requests": counts.service_requests,
        "collaborations": counts.collaborations,
        "vouchers": counts.vouchers,
        # Other work on the machine shows in the timings: the load when this size was done.
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    return figures, errors, context.notes, data


def named(figure, prefix):
    return replace(figure, name=f"{prefix}.{figure.name}")


def compared(chosen, measured):
    """The figures that compare each size with the next larger one, for the measurements that
    know how (registry.Measurement.compare) and ran without error at both sizes."""
    figures = []
    order = sorted(measured, key=lambda size: (size.organisations, size.opportunities))
    for smaller, larger in zip(order, order[1:], strict=False):
        for item in chosen:
            if item.compare is None or any(
                item.name in measured[size]["errors"] for size in (smaller, larger)
            ):
                continue
            by_name = [
                {figure.name: figure for figure in measured[size]["figures"]}
                for size in (smaller, larger)
            ]
            prefix = f"{larger.name}_vs_{smaller.name}"
            figures += [named(figure, prefix) for figure in item.compare(*by_name)]
    return figures


def run(
    *,
    sizes,
    only=None,
    repeat=5,
    requests=PAGE_REQUESTS,
    cold_requests=COLD_REQUESTS,
    seed=1,
    reseed=False,
    output=RESULTS,
    log=print,
    pages=None,
):
    """Run the measurements (all, or those named in `only`) at each size; returns (report
    dict, JSON path). Figures are named after their size ("large.pages.directory.median");
    those comparing two sizes after both ("large_vs_small.pages.directory.median_ratio")."""
    measurements = registry.load()
    chosen = [measurements[name] for name in (only or measurements)]
    options = {
        "repeat": repeat,
        "requests": requests,
        "cold_requests": cold_requests,
        "pages": pages,
    }
    started_at = datetime.now(UTC)
    measured = {}
    for size in in_order(sizes):
        figures, errors, notes, data = measure_size(
            size, chosen, options=options, seed=seed, reseed=reseed, log=log
        )
        measured[size] = {"figures": figures, "errors": errors, "notes": notes, "data": data}
    figures = [
        named(figure, size.name) for size, found in measured.items() for figure in found["figures"]
    ]
    figures += compared(chosen, measured)
    result = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sizes": [size.name for size in measured],
        "repeat": repeat,
        "requests": requests,
        "cold_requests": cold_requests,
        "seed": seed,
        "generated": {size.name: found["data"] for size, found in measured.items()},
        "environment": environment(),
        "figures": [figure.as_dict() for figure in figures],
        "errors": {
            f"{size.name}.{name}": error
            for size, found in measured.items()
            for name, error in found["errors"].items()
        },
        "notes": {
            f"{size.name}.{name}": text
            for size, found in measured.items()
            for name, text in found["notes"].items()
        },
    }
    path = report.write(result, Path(output), stamp=started_at.strftime("%Y%m%dT%H%M%SZ"))
    log("")
    log(report.table(figures))
    for name, error in result["errors"].items():
        log(f"FAILED {name}: {error}")
    log(f"\nReport: {path}")
    return result, path


def parser():
    names = sorted(registry.load())
    arguments = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure the portal at realistic volume (see benchmarks/README.md).",
    )
    arguments.add_argument(
        "--size",
        choices=[*sorted(registry.SIZES), "both"],
        default="both",
        help="the data size to measure at; both (the default) also compares them",
    )
    arguments.add_argument(
        "--only",
        action="append",
        choices=names,
        metavar="NAME",
        help=f"run only this measurement (repeatable): {', '.join(names)}",
    )
    arguments.add_argument(
        "--repeat", type=int, default=5, help="timed runs per figure (the median is reported)"
    )
    arguments.add_argument(
        "--requests",
        type=int,
        default=PAGE_REQUESTS,
        help="timed requests per page (the median and p95 are reported)",
    )
    arguments.add_argument(
        "--cold-requests",
        type=int,
        default=COLD_REQUESTS,
        help="timed requests per report page, each after a change of the data (0: none)",
    )
    arguments.add_argument(
        "--page",
        action="append",
        choices=[page.name for page in measure_pages.pages()],
        metavar="PAGE",
        help="measure only this page and the reference page (repeatable)",
    )
    arguments.add_argument("--seed", type=int, default=1, help="seed of the generated data")
    arguments.add_argument(
        "--reseed", action="store_true", help="seed again even when the data are in place"
    )
    arguments.add_argument(
        "--explain", action="store_true", help="also print the query plans (always in the JSON)"
    )
    arguments.add_argument("--output", type=Path, default=RESULTS, help="where reports go")
    return arguments


def main(argv):
    options = parser().parse_args(argv)
    if options.repeat < 1 or options.requests < 1 or options.cold_requests < 0:
        print(
            "--repeat and --requests must be at least 1, --cold-requests at least 0.",
            file=sys.stderr,
        )
        return 2
    if connection.vendor != "postgresql":
        print("Note: figures are meant for PostgreSQL; this database is " + connection.vendor)
    try:
        result, _ = run(
            sizes=(
                list(registry.SIZES.values())
                if options.size == "both"
                else [registry.SIZES[options.size]]
            ),
            only=options.only,
            repeat=options.repeat,
            requests=options.requests,
            cold_requests=options.cold_requests,
            pages=options.page,
            seed=options.seed,
            reseed=options.reseed,
            output=options.output,
        )
    except (registry.BenchmarkError, generator.GenerationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if options.explain:
        for name, text in result["notes"].items():
            print(f"\n{name}:\n{text}")
    return 1 if result["errors"] else 0
