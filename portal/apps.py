from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import (
            admintables,
            checks,  # noqa: F401  (registers the system checks)
            datachanges,
            reference,  # noqa: F401  (its signals: reference rows changed)
        )

        admintables.install()

        # Once, after every app's migrations ran (the signal is sent for each app).
        post_migrate.connect(datachanges.restore_sqlite_triggers, sender=self)
