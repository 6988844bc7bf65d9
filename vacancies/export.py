"""The opportunity lists as spreadsheets: a search, every page of it, as CSV (`format=csv`).

A job coach or a regie keeps a list of vacancies or requests in their region in Excel. The file
format (byte order mark, semicolons, every cell quoted, defused formulas, streaming) is
portal.csvexport's; this module says which columns a vacancy and a service request have. A link
to the detail page lets the reader go from a row back to the portal.
"""

from datetime import datetime
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from portal import csvexport

from .models import BudgetBand, ContractType, Vacancy


def _date(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value)  # the day it was in Belgium, not in UTC
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


class _Words:
    """What rows repeat, made once per file (issue 20: a gettext per label, a date format and a
    URL resolution per row made most of a file's time): the labels of the choices, the status
    and yes/no words, every date written once, and the link around the code."""

    def __init__(self, link):
        self.yes, self.no = _("yes"), _("no")
        self.expired, self.open = _("Expired"), _("Open")
        self.contract_types = {value: str(label) for value, label in ContractType.choices}
        self.budget_bands = {value: str(label) for value, label in BudgetBand.choices}
        self._dates = {}
        # A slug never needs quoting: the link of every code is the same around it.
        self._link = link(SimpleNamespace(code=_PLACEHOLDER)).split(_PLACEHOLDER)

    def date(self, value):
        key = timezone.localtime(value).date() if isinstance(value, datetime) else value
        if key not in self._dates:
            self._dates[key] = _date(key)
        return self._dates[key]

    def link(self, opportunity):
        return opportunity.code.join(self._link)


_PLACEHOLDER = "code0placeholder"


def _common_header(*, with_distance):
    columns = [
        _("Postcode"),
        _("Municipality"),
        _("Province"),
        _("Published"),
        _("Closing date"),
        _("Status"),
        _("Link"),
    ]
    if with_distance:
        columns.append(_("Distance (km)"))
    return columns


def _common_cells(opportunity, *, words, with_distance):
    cells = [
        opportunity.postcode.code,
        opportunity.municipality.name,
        opportunity.province.name if opportunity.province else "",
        words.date(opportunity.published_at),
        words.date(opportunity.closing_date),
        words.expired if opportunity.has_expired else words.open,
        words.link(opportunity),
    ]
    if with_distance:
        # In the page's language: a decimal comma in Dutch and French, as Excel there expects.
        cells.append(number_format(opportunity.distance_km, 1))
    return cells


def vacancy_header(*, with_distance):
    return [
        _("Title"),
        _("Organisation"),
        _("Sector"),
        _("Contract type"),
        _("Hours per week"),
        _("Open to people from the social economy"),
        _("What makes it open"),
        *_common_header(with_distance=with_distance),
    ]


def vacancy_row(vacancy, *, words, with_distance):
    return [
        vacancy.title,
        vacancy.organisation.name,
        vacancy.sector.name,
        words.contract_types.get(vacancy.contract_type, vacancy.contract_type),
        vacancy.hours_per_week,
        words.yes if vacancy.open_to_doorstroom else words.no,
        ", ".join(support.name for support in vacancy.support_list),
        *_common_cells(vacancy, words=words, with_distance=with_distance),
    ]


def request_header(*, with_distance):
    return [
        _("Title"),
        _("Organisation"),
        _("Service"),
        _("Volume"),
        _("From"),
        _("Until"),
        _("Budget"),
        *_common_header(with_distance=with_distance),
    ]


def request_row(service_request, *, words, with_distance):
    return [
        service_request.title,
        service_request.organisation.name,
        service_request.category.name,
        service_request.volume,
        words.date(service_request.period_start),
        words.date(service_request.period_end),
        words.budget_bands.get(service_request.budget_band, service_request.budget_band),
        *_common_cells(service_request, words=words, with_distance=with_distance),
    ]


def response(opportunities, *, request, with_distance):
    """A download of `opportunities` (a list's result set, every page) as CSV.

    The rows are the list's queryset: with its organisation, place and sector or category
    joined, supports prefetched, `has_expired`, and `distance_km` when searched from a postcode.
    """
    if opportunities.model is Vacancy:
        header, row, url_name, topic = vacancy_header, vacancy_row, "vacancy_detail", _("vacancies")
    else:
        header, row, url_name, topic = request_header, request_row, "request_detail", _("requests")

    def link(opportunity):
        path = reverse(f"vacancies:{url_name}", kwargs={"code": opportunity.code})
        return request.build_absolute_uri(path)

    words = []

    def header_once():
        # Made when the file starts, in the language of the request that streams it.
        words.append(_Words(link))
        return header(with_distance=with_distance)

    lines = csvexport.lines(
        opportunities,
        header=header_once,
        row=lambda opportunity: row(opportunity, words=words[0], with_distance=with_distance),
    )
    return csvexport.limited_response(request, lines, rows=opportunities, topic=topic)
