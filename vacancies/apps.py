from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("Opportunities")

    def ready(self):
        # The opportunity reports register themselves with /reports/ (companies imports no
        # vacancies code).
        from . import reports  # noqa: F401
