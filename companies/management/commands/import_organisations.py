"""manage.py import_organisations FILE.csv: the organisations of an official list, unclaimed
until their owners claim them (the checks and the import are companies/organisation_import.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies import organisation_import

from .import_collaborations import HelpFormatter


class Command(BaseCommand):
    help = (
        "Import organisations from an official list (CSV). Every line is checked first and\n"
        "each bad line reported with its number and reason; nothing is imported when a line\n"
        "is bad, unless --skip-invalid. An organisation is its enterprise number: importing\n"
        "the same file again adds nothing, and listings that have members are left alone.\n\n"
        + organisation_import.FORMAT
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--source",
            help="the list's name as the profiles show it, e.g. “lijst erkende "
            "maatwerkbedrijven” (default: the file's name)",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the good lines even when others are bad (the bad ones are reported)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would be imported, without importing",
        )

    def handle(self, *args, file, source, skip_invalid, dry_run, verbosity, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        source = (source or Path(file).stem.replace("-", " ").replace("_", " ")).strip()[:200]
        try:
            result = organisation_import.import_organisations(
                data,
                source=source,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                progress=self.progress if verbosity > 0 else None,
            )
        except organisation_import.ImportFileError as error:
            raise CommandError(str(error)) from None
        for error in result.errors:
            self.stderr.write(str(error))
        if verbosity > 0:
            for notice in result.notices:
                self.stderr.write(str(notice))
        if result.errors and not (skip_invalid or dry_run):
            raise CommandError(
                ngettext(
                    "%(bad)d of %(lines)d line is bad; nothing was imported. Correct it, or "
                    "import the good lines with --skip-invalid.",
                    "%(bad)d of %(lines)d lines are bad; nothing was imported. Correct them, or "
                    "import the good lines with --skip-invalid.",
                    result.bad_lines,
                )
                % {"bad": result.bad_lines, "lines": result.lines}
            )
        self.stdout.write(self.summary(result))

    def progress(self, stage, done, total):
        if stage == "checked":
            text = _("checked %(done)d of %(total)d lines (%(percent)d%%)")
        else:
            text = _("imported %(done)d of %(total)d organisations (%(percent)d%%)")
        self.stderr.write(text % {"done": done, "total": total, "percent": done * 100 // total})

    def summary(self, result):
        values = {
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "claimed": result.claimed,
            "skipped": result.skipped,
        }
        if result.dry_run:
            text = _(
                "Dry run: %(added)d would be added, %(updated)d updated; %(unchanged)d "
                "unchanged, %(claimed)d claimed (left as their owners keep them), "
                "%(skipped)d skipped."
            )
        else:
            text = _(
                "%(added)d added, %(updated)d updated, %(unchanged)d unchanged, %(claimed)d "
                "claimed (left as their owners keep them), %(skipped)d skipped."
            )
        return text % values
