from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Organisations")

    def ready(self):
        # The organisation sections of the work queue (portal/workqueue.py).
        from . import workqueue  # noqa: F401
