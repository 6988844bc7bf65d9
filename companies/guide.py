"""The buy-social guide as a spreadsheet: a directory search, every page of it, as CSV.

A province or regie publishes where to buy socially from a directory search; most open the file
in Excel. The file format (byte order mark, semicolons, every cell quoted, defused formulas,
streaming) is portal.csvexport's; this module says which columns an organisation has.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal import csvexport


def header(*, with_distance):
    columns = [
        _("Name"),
        _("Kind"),
        _("Enterprise number"),
        _("Address"),
        _("Postcode"),
        _("Municipality"),
        _("Province"),
        _("Services"),
        _("Recognitions"),
        _("Website"),
        _("Verified"),
    ]
    if with_distance:
        columns.append(_("Distance (km)"))
    return columns


def row(organisation, *, with_distance):
    cells = [
        organisation.name,
        organisation.get_kind_display(),
        organisation.enterprise_number_display,
        organisation.street,
        organisation.postcode.code,
        organisation.municipality.name,
        organisation.province.name if organisation.province else "",
        ", ".join(service.category.name for service in organisation.service_list),
        ", ".join(recognition.name for recognition in organisation.recognition_list),
        organisation.website,
        _("yes") if organisation.is_verified else _("no"),
    ]
    if with_distance:
        # In the page's language: a decimal comma in Dutch and French, as Excel there expects.
        cells.append(number_format(organisation.distance_km, 1))
    return cells


def lines(organisations, *, with_distance):
    """The CSV file line by line: the byte order mark and header, then one line per organisation.

    `organisations` is the directory's result set (Organisation.objects.for_directory(), with
    `distance_km` when searched from a postcode), read in chunks with its services and
    recognitions.
    """
    return csvexport.lines(
        organisations,
        header=lambda: header(with_distance=with_distance),
        row=lambda organisation: row(organisation, with_distance=with_distance),
    )


def response(organisations, *, with_distance):
    return csvexport.response(lines(organisations, with_distance=with_distance))
