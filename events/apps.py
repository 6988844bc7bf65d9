from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        # The events' public figures register themselves with /reports/ (companies imports no
        # event code).
        from . import reports  # noqa: F401
