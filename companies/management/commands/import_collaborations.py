"""manage.py import_collaborations FILE.csv: historical collaborations, matched on enterprise
numbers (the checks and the import are companies/collaboration_import.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from companies import collaboration_import

from ._import import ImportCommand


class Command(ImportCommand):
    help = (
        "Import historical collaborations (since 2012) from a CSV file. Every line is checked\n"
        "first and each bad line reported with its number and reason; nothing is imported when\n"
        "a line is bad, unless --skip-invalid. Importing the same file again adds nothing.\n\n"
        + collaboration_import.FORMAT
    )

    imported_progress = gettext_lazy(
        "imported %(done)d of %(total)d collaborations (%(percent)d%%)"
    )

    def run(self, data, *, file, skip_invalid, dry_run, progress, **options):
        return collaboration_import.import_collaborations(
            data, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress
        )

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
