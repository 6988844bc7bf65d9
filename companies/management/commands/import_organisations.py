"""manage.py import_organisations FILE.csv: the organisations of an official list, unclaimed
until their owners claim them (the checks and the import are companies/organisation_import.py)."""

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies import organisation_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import organisations from an official list (CSV). Every line is checked first and\n"
        "each bad line reported with its number and reason; nothing is imported when a line\n"
        "is bad, unless --skip-invalid. An organisation is its enterprise number: importing\n"
        "the same file again adds nothing, and listings that have members are left alone.\n\n"
        + organisation_import.FORMAT
    )

    imported_progress = gettext_lazy("imported %(done)d of %(total)d organisations (%(percent)d%%)")

    def add_options(self, parser):
        parser.add_argument(
            "--source",
            help="the list's name as the profiles show it, e.g. “lijst erkende "
            "maatwerkbedrijven” (default: the file's name)",
        )

    def run(self, data, *, file, skip_invalid, dry_run, progress, source=None, **options):
        source = (source or Path(file).stem.replace("-", " ").replace("_", " ")).strip()[:200]
        return organisation_import.import_organisations(
            data, source=source, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress
        )

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
