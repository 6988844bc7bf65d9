"""manage.py load_kbo DIR: the KBO Open Data full extract into the register (companies/kbo.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from companies import kbo


class Command(BaseCommand):
    help = (
        "Load the KBO Open Data full extract (the unzipped CSV files enterprise.csv, "
        "denomination.csv, address.csv, activity.csv and code.csv) into the register, replacing "
        "the previous load, and flag the organisations whose enterprise the KBO reports stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the folder holding the extract's CSV files")

    def handle(self, *args, directory, verbosity, **options):
        progress = (lambda text: self.stdout.write(f"… {text}")) if verbosity > 0 else None
        try:
            result = kbo.load(directory, progress=progress)
        except kbo.ExtractError as error:
            raise CommandError(str(error)) from None
        except (DatabaseError, UnicodeDecodeError) as error:
            raise CommandError(
                _("The extract could not be loaded; the register is unchanged: %(error)s")
                % {"error": str(error).strip()}
            ) from None
        self.stdout.write(
            _("%(count)d enterprises in the register, %(stopped)d of them stopped.")
            % {"count": result.enterprises, "stopped": result.stopped}
        )
        if result.flagged:
            self.stdout.write(
                ngettext(
                    "%(count)d organisation on the portal is now flagged as stopped.",
                    "%(count)d organisations on the portal are now flagged as stopped.",
                    len(result.flagged),
                )
                % {"count": len(result.flagged)}
            )
