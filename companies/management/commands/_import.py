"""What the import commands share (import_collaborations, import_organisations): the file,
--skip-invalid and --dry-run, reading the file, progress on stderr, every bad line reported and
the import refused when one is bad. Django finds no command here: the name starts with "_"."""

import argparse

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies.csv_import import ImportFileError


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's order of options, with the description's columns kept as written."""


class ImportCommand(BaseCommand):
    """A subclass sets `help` and `imported_progress` (a translated "imported %(done)d of
    %(total)d ..." line), may add options in `add_options`, and writes `run` (the import,
    returning its result: errors, bad_lines, lines, and optionally notices) and `summary`."""

    imported_progress = ""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = HelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file")
        self.add_options(parser)
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

    def add_options(self, parser):
        """Options of one import, between the file and --skip-invalid."""

    def run(self, data, *, file, skip_invalid, dry_run, progress, **options):
        raise NotImplementedError

    def summary(self, result):
        raise NotImplementedError

    def handle(self, *args, file, skip_invalid, dry_run, verbosity, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        try:
            result = self.run(
                data,
                file=file,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                progress=self.progress if verbosity > 0 else None,
                **options,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for error in result.errors:
            self.stderr.write(str(error))
        if verbosity > 0:
            for notice in getattr(result, "notices", ()):
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
            text = str(self.imported_progress)
        self.stderr.write(text % {"done": done, "total": total, "percent": done * 100 // total})
