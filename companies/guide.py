"""The buy-social guide as a spreadsheet: a directory search, every page of it, as CSV.

A province or regie publishes where to buy socially from a directory search; most open the file
in Excel. Hence UTF-8 with a byte order mark (without it Excel reads the accents of
"coöperatie" as Windows-1252) and semicolons between fields (the list separator of Excel in
Belgian and French regional settings, where a comma puts every row in one cell).
"""

import csv

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

BOM = "\ufeff"
DELIMITER = ";"
# Rows are fetched in chunks, each with its services and recognitions in two more queries.
CHUNK_SIZE = 500
# A cell starting with one of these is a formula to a spreadsheet; quoting defuses it
# (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object whose write() hands back the line, for a streaming response."""

    def write(self, value):
        return value


def _cell(value):
    value = "" if value is None else str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def filename():
    return f"{slugify(settings.PORTAL_NAME)}-{timezone.localdate():%Y-%m-%d}.csv"


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
        ", ".join(service.category.name for service in organisation.services.all()),
        ", ".join(recognition.name for recognition in organisation.recognitions.all()),
        organisation.website,
        _("yes") if organisation.is_verified else _("no"),
    ]
    if with_distance:
        # In the page's language: a decimal comma in Dutch and French, as Excel there expects.
        cells.append(number_format(organisation.distance_km, 1))
    return [_cell(cell) for cell in cells]


def lines(organisations, *, with_distance):
    """The CSV file line by line: the byte order mark and header, then one line per organisation.

    `organisations` is the directory's result set (Organisation.objects.for_directory(), with
    `distance_km` when searched from a postcode), read in chunks so that a guide of every
    organisation in Flanders never sits in memory at once. The lines are written after the view
    has returned, so they keep the language of the request explicitly.
    """
    language = translation.get_language()

    def generate():
        with translation.override(language):
            writer = csv.writer(_Line(), delimiter=DELIMITER)
            yield BOM + writer.writerow(header(with_distance=with_distance))
            for organisation in organisations.iterator(chunk_size=CHUNK_SIZE):
                yield writer.writerow(row(organisation, with_distance=with_distance))

    return generate()
