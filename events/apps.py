from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from companies import collaborations
        from companies.models import CollaborationSource

        # The events' public figures register themselves with /reports/ (companies imports no
        # event code).
        from . import deals, reports  # noqa: F401

        # Profiles name the event that a collaboration's deal was made at.
        collaborations.register_origin(CollaborationSource.EVENT, deals.origins)
