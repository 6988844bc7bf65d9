from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    """Public buyers (issue 23): which enterprises qualify for which procurement route, the
    buying helper at /buying/, and a buyer's spend in the social economy. Above companies:
    nothing below imports it."""

    name = "procurement"
    verbose_name = _("Public buying")

    def ready(self):
        # Companies imports no procurement code: the profile's "eligible for reserved
        # contracts" badge, the directory's checkbox for it and the buyers' report section
        # register themselves.
        from . import eligibility, reports  # noqa: F401

        eligibility.register()
