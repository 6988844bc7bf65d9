from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("Opportunities")

    def ready(self):
        # The opportunity reports register themselves with /reports/, and the opportunities
        # waiting for the regie's check with the work queue (companies and portal import no
        # vacancies code).
        from . import reports, workqueue  # noqa: F401
