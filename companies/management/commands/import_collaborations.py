"""manage.py import_collaborations FILE.csv: historical collaborations, matched on enterprise
numbers (the checks and the import are companies/collaboration_import.py)."""

import argparse

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies import collaboration_import


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's order of options, with the description's columns kept as written."""


class Command(BaseCommand):
    help = (
        "Import historical collaborations (since 2012) from a CSV file. Every line is checked\n"
        "first and each bad line reported with its number and reason; nothing is imported when\n"
        "a line is bad, unless --skip-invalid. Importing the same file again adds nothing.\n\n"
        + collaboration_import.FORMAT
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
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

    def handle(self, *args, file, skip_invalid, dry_run, verbosity, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        try:
            result = collaboration_import.import_collaborations(
                data,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                progress=self.progress if verbosity > 0 else None,
            )
        except collaboration_import.ImportFileError as error:
            raise CommandError(str(error)) from None
        for error in result.errors:
            self.stderr.write(str(error))
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
            text = _("imported %(done)d of %(total)d collaborations (%(percent)d%%)")
        self.stderr.write(text % {"done": done, "total": total, "percent": done * 100 // total})

    def summary(self, result):
        if result.dry_run:
            text = _("Dry run: %(imported)d would be imported, %(present)d already present")
        else:
            text = _("%(imported)d imported, %(present)d already present")
        text %= {"imported": result.imported, "present": result.already_present}
        if result.errors:
            text += ngettext(
                ", %(bad)d bad line skipped", ", %(bad)d bad lines skipped", result.bad_lines
            ) % {"bad": result.bad_lines}
        return text + "."
