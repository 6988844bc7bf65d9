"""The work queue's sections about opportunities (portal/workqueue.py; registered from
VacanciesConfig.ready()): vacancies and service requests of unverified posters waiting for the
regie's check (vacancies/lifecycle.py), per region of the posting organisation.

Two sections, one per model: each links to its own admin list, filtered to exactly what it
counts (status "awaiting", the poster's region), and each is one grouped query."""

from django.utils.translation import gettext_lazy as _

from portal.workqueue import Section, register

from .admin import POSTER_REGIONS
from .models import ServiceRequest, Status, Vacancy

for slug, label, model, order in [
    ("vacancies-to-check", _("Vacancies awaiting a check"), Vacancy, 43),
    ("requests-to-check", _("Service requests awaiting a check"), ServiceRequest, 44),
]:
    register(
        Section(
            slug=slug,
            label=label,
            queryset=lambda model=model: model.objects.filter(status=Status.AWAITING),
            region=POSTER_REGIONS,
            since="submitted_at",
            link=f"admin:vacancies_{model._meta.model_name}_changelist",
            parameters={"status__exact": Status.AWAITING.value},
            region_parameter="region",
            order=order,
        )
    )
