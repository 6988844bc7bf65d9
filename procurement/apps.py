from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    """Public buyers (issue 23): which enterprises qualify for which procurement route, the
    buying helper at /buying/, and a buyer's spend in the social economy. Above companies:
    nothing below imports it."""

    name = "procurement"
    verbose_name = _("Public buying")

    def ready(self):
        # The profile's "eligible for reserved contracts" badge and the directory's checkbox
        # for it (companies imports no procurement code).
        from . import eligibility

        eligibility.register()
