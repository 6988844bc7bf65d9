"""The opportunities' reports (e, f) on /reports/: vacancies and doorstroom, service requests
and accepted offers, per province and year.

Registered in companies.reports from VacanciesConfig.ready(); the framework, the suppression
rule and the pages are there. The place of a figure is the opportunity's own (its postcode),
the firms behind it are the organisations that posted it.
"""

from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from companies.reports import (
    Column,
    YearProvinceSection,
    count_per_year_and_province,
    in_place,
    in_province,
    parse_year_province,
    provinces_for,
    register,
    year_province_table,
)

from .models import Placement, Response, ResponseStatus, ServiceRequest, Vacancy


def _in_years(queryset, field, filters):
    return queryset.filter(
        **{f"{field}__year__gte": filters.year_from, f"{field}__year__lte": filters.year_to}
    )


def _years(found):
    """(first, last) year of an aggregate of two datetimes, None when there is none."""
    if found["first"] is None:
        return None
    return (timezone.localtime(found["first"]).year, timezone.localtime(found["last"]).year)


def _in_row(queryset, field, row_key, path=""):
    """Narrow to one row of the year and province table (the filters are applied already)."""
    year, place = parse_year_province(row_key)
    return in_province(queryset.filter(**{f"{field}__year": year}), place, path)


class VacanciesAndDoorstroom(YearProvinceSection):
    slug = "vacancies"
    letter = "e"
    title = _("Vacancies and doorstroom")
    question = _(
        "How many vacancies were published, and how many candidates from the social economy "
        "were accepted for one, per province and year?"
    )
    method = _(
        "Vacancies by the year they were (last) published and the province of their place; "
        "“open to doorstroom” are those that say what support they offer. Accepted candidates "
        "are doorstroom placements, by the day the employer accepted the candidate. Published "
        "vacancies are public and shown as they are; a figure of accepted candidates of fewer "
        "than 3 employers is hidden."
    )
    filters = frozenset({"years", "province", "region"})

    def columns(self):
        return [
            # Published vacancies are public (/vacancies/ lists them); who was placed is not.
            Column("vacancies", gettext("Vacancies published"), confidential=False),
            Column("open", gettext("Open to doorstroom"), confidential=False),
            Column("placed", gettext("Candidates accepted")),
        ]

    def first_and_last(self):
        found = Vacancy.objects.aggregate(first=Min("published_at"), last=Max("published_at"))
        return _years(found)

    def vacancies(self, filters):
        queryset = Vacancy.objects.filter(published_at__isnull=False)
        return in_place(_in_years(queryset, "published_at", filters), filters)

    def placements(self, filters):
        queryset = _in_years(Placement.objects.all(), "placed_on", filters)
        return in_place(queryset, filters, "vacancy__")

    def build(self, filters):
        counts = count_per_year_and_province(
            self.vacancies(filters),
            date="published_at",
            place="province",
            firm="organisation",
            measures={"vacancies": None, "open": Q(open_to_doorstroom=True)},
            into={},
        )
        count_per_year_and_province(
            self.placements(filters),
            date="placed_on",
            place="vacancy__province",
            firm="employer",
            measures={"placed": None},
            into=counts,
            totals=["placed"],
        )
        return year_province_table(
            filters,
            counts=counts,
            columns=self.columns(),
            provinces=provinces_for(filters, {province for _year, province in counts}),
        )

    def behind(self, filters, row_key, column_key):
        if column_key == "placed":
            placements = _in_row(self.placements(filters), "placed_on", row_key, "vacancy__")
            return Organisation.objects.filter(pk__in=placements.values("employer"))
        vacancies = _in_row(self.vacancies(filters), "published_at", row_key)
        if column_key == "open":
            vacancies = vacancies.filter(open_to_doorstroom=True)
        return Organisation.objects.filter(pk__in=vacancies.values("organisation"))


class RequestsAndOffers(YearProvinceSection):
    slug = "requests"
    letter = "f"
    title = _("Service requests and accepted offers")
    question = _(
        "How many service requests were published, and how many social enterprises' offers "
        "were accepted, per province and year?"
    )
    method = _(
        "Service requests by the year they were (last) published and the province of their "
        "place; accepted offers by the year the requester accepted them. Published requests "
        "are public and shown as they are; a figure of accepted offers of fewer than 3 "
        "requesting organisations is hidden."
    )
    filters = frozenset({"years", "province", "region", "category"})

    def columns(self):
        return [
            # Published requests are public; whose offer was accepted is not.
            Column("requests", gettext("Service requests published"), confidential=False),
            Column("accepted", gettext("Offers accepted")),
        ]

    def first_and_last(self):
        found = ServiceRequest.objects.aggregate(
            first=Min("published_at"), last=Max("published_at")
        )
        return _years(found)

    def requests(self, filters):
        queryset = ServiceRequest.objects.filter(published_at__isnull=False)
        if filters.category is not None:
            queryset = queryset.filter(category=filters.category)
        return in_place(_in_years(queryset, "published_at", filters), filters)

    def accepted(self, filters):
        queryset = Response.objects.filter(
            service_request__isnull=False, status=ResponseStatus.ACCEPTED
        )
        if filters.category is not None:
            queryset = queryset.filter(service_request__category=filters.category)
        return in_place(_in_years(queryset, "decided_at", filters), filters, "service_request__")

    def build(self, filters):
        counts = count_per_year_and_province(
            self.requests(filters),
            date="published_at",
            place="province",
            firm="organisation",
            measures={"requests": None},
            into={},
        )
        count_per_year_and_province(
            self.accepted(filters),
            date="decided_at",
            place="service_request__province",
            firm="service_request__organisation",
            measures={"accepted": None},
            into=counts,
            totals=["accepted"],
        )
        return year_province_table(
            filters,
            counts=counts,
            columns=self.columns(),
            provinces=provinces_for(filters, {province for _year, province in counts}),
        )

    def behind(self, filters, row_key, column_key):
        if column_key == "accepted":
            offers = _in_row(self.accepted(filters), "decided_at", row_key, "service_request__")
            requesters = offers.values("service_request__organisation")
            return Organisation.objects.filter(pk__in=requesters)
        requests = _in_row(self.requests(filters), "published_at", row_key)
        return Organisation.objects.filter(pk__in=requests.values("organisation"))


register(VacanciesAndDoorstroom())
register(RequestsAndOffers())
