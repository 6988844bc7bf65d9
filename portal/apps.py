from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            reference,  # noqa: F401  (its signals: reference rows changed)
        )
