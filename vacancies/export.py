"""The opportunity lists as spreadsheets: a search, every page of it, as CSV (`format=csv`).

A job coach or a regie keeps a list of vacancies or requests in their region in Excel. The file
format (byte order mark, semicolons, every cell quoted, defused formulas, streaming) is
portal.csvexport's; this module says which columns a vacancy and a service request have. A link
to the detail page lets the reader go from a row back to the portal.
"""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from portal import csvexport

from .models import Vacancy


def _date(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value)  # the day it was in Belgium, not in UTC
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


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


def _common_cells(opportunity, *, link, with_distance):
    cells = [
        opportunity.postcode.code,
        opportunity.municipality.name,
        opportunity.province.name if opportunity.province else "",
        _date(opportunity.published_at),
        _date(opportunity.closing_date),
        _("Expired") if opportunity.has_expired else _("Open"),
        link(opportunity),
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


def vacancy_row(vacancy, *, link, with_distance):
    return [
        vacancy.title,
        vacancy.organisation.name,
        vacancy.sector.name,
        vacancy.get_contract_type_display(),
        vacancy.hours_per_week,
        _("yes") if vacancy.open_to_doorstroom else _("no"),
        ", ".join(support.name for support in vacancy.support_list),
        *_common_cells(vacancy, link=link, with_distance=with_distance),
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


def request_row(service_request, *, link, with_distance):
    return [
        service_request.title,
        service_request.organisation.name,
        service_request.category.name,
        service_request.volume,
        _date(service_request.period_start),
        _date(service_request.period_end),
        service_request.get_budget_band_display(),
        *_common_cells(service_request, link=link, with_distance=with_distance),
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

    lines = csvexport.lines(
        opportunities,
        header=lambda: header(with_distance=with_distance),
        row=lambda opportunity: row(opportunity, link=link, with_distance=with_distance),
    )
    return csvexport.limited_response(request, lines, topic=topic)
