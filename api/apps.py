from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public API at /api/v1/ and the open data at /open-data/ (issue 24).

    At the top of the portal: it may import every app; nothing imports it.
    """

    name = "api"
    verbose_name = _("API and open data")
