"""manage.py write_open_data: the nightly open-data files, written now (api/dumps.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from api import dumps


class Command(BaseCommand):
    help = (
        "Write the public directory as CSV and JSON to OPEN_DATA_ROOT (what the worker does "
        "every night), replacing the previous files once the new ones are complete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--root", help="the folder to write to (default: the OPEN_DATA_ROOT setting)"
        )

    def handle(self, *args, root=None, **options):
        try:
            index = dumps.write(root=root)
        except OSError as error:
            raise CommandError(
                _("The open data files could not be written; the previous ones are kept: %(error)s")
                % {"error": error}
            ) from None
        self.stdout.write(
            ngettext(
                "%(count)d organisation written to %(root)s.",
                "%(count)d organisations written to %(root)s.",
                index["records"],
            )
            % {"count": index["records"], "root": root or settings.OPEN_DATA_ROOT}
        )
