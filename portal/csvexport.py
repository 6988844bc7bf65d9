"""Search results as a CSV file for a spreadsheet: the `format=csv` of every list page.

Most people open the file in Excel. Hence UTF-8 with a byte order mark (without it Excel reads
the accents of "coöperatie" as Windows-1252) and semicolons between fields (the list separator
of Excel in Belgian and French regional settings, where a comma puts every row in one cell).
The rows stream from the database in chunks, so that a file of every row never sits in memory.

Every CSV the portal writes goes through `lines()`, and every cell is quoted and defused there.
A spreadsheet set to commas reads the semicolon file otherwise: a comma, tab or line break inside
a cell then starts a new cell, and one written unquoted, such as `Acme,=2+3`, would hand it a
cell `=2+3`. Quoting every cell (csv.QUOTE_ALL) keeps a cell whole wherever it is read with
semicolons, and `cell()` also defuses what follows any of those separators inside a cell, for
the reader that splits there all the same.
"""

import csv
import re
from itertools import islice

from django.conf import settings
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import slugify

BOM = "\ufeff"
DELIMITER = ";"
# Rows are fetched in chunks, each with its prefetched relations in one more query per relation.
CHUNK_SIZE = 500
# A cell starting with one of these is a formula to a spreadsheet; a leading quote defuses it
# (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A separator a spreadsheet may split a cell on (the comma, the semicolon, a tab, a line break),
# followed by a formula start, possibly behind quotes (which a reader out of step with the
# quoting takes as the opening or closing quote of a cell): the quote goes right after the
# separator.
_FORMULA_AFTER_SEPARATOR = re.compile(
    '([,;\t\r\n])(?="*[' + re.escape("".join(FORMULA_STARTS)) + "])"
)


class _Line:
    """A file-like object whose write() hands back the line, for a streaming response."""

    def write(self, value):
        return value


def cell(value):
    """The value as text that no spreadsheet runs: a leading quote before a formula start, at
    the start and after every separator inside it ("Acme,=2+3" becomes "Acme,'=2+3")."""
    value = "" if value is None else str(value)
    value = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def cells(values):
    """cell() of every value of a row: the row is searched once for a separator before a
    formula start (rarely there), instead of once per cell. Cells are joined with a character
    that is no separator, so no match reaches from one cell into the next."""
    texts = ["" if value is None else str(value) for value in values]
    if _FORMULA_AFTER_SEPARATOR.search("\0".join(texts)):
        texts = [_FORMULA_AFTER_SEPARATOR.sub(r"\1'", text) for text in texts]
    return [f"'{text}" if text.startswith(FORMULA_STARTS) else text for text in texts]


def filename(topic=""):
    """portal-name[-topic]-YYYY-MM-DD.csv"""
    parts = [slugify(settings.PORTAL_NAME), slugify(topic), f"{timezone.localdate():%Y-%m-%d}"]
    return "-".join(part for part in parts if part) + ".csv"


def chunks(objects, size=CHUNK_SIZE):
    """`objects` (a queryset, read with a server-side cursor where the database has one, or any
    iterable) as lists of at most `size`: only one chunk is held at a time."""
    rows = objects.iterator(chunk_size=size) if isinstance(objects, QuerySet) else iter(objects)
    while chunk := list(islice(rows, size)):
        yield chunk


def lines(objects, *, header, row, related=None):
    """The CSV file line by line: the byte order mark and `header()`, then `row(obj)` for each
    object of `objects` (a queryset, read in chunks, or any iterable), every cell quoted and
    defused.

    `related(chunk)`, when given, is called with each chunk of objects before their rows are
    written, to read what the rows show of other tables for the whole chunk at once (a query
    per relation and chunk). It does what prefetch_related() does for iterator(), without
    building a model instance per related row or a lookup of hundreds of ids through the ORM
    per chunk: for 50,000 organisations that was half the time of the file (issue 20).

    The lines are written after the view has returned, so the generator keeps the language of
    the request explicitly; header() and row() run inside it.
    """
    language = translation.get_language()

    def generate():
        with translation.override(language):
            writer = csv.writer(_Line(), delimiter=DELIMITER, quoting=csv.QUOTE_ALL)
            yield BOM + writer.writerow(cells(header()))
            for chunk in chunks(objects):
                if related is not None:
                    related(chunk)
                for obj in chunk:
                    yield writer.writerow(cells(row(obj)))

    return generate()


def response(lines, *, topic=""):
    """A download of the CSV `lines`."""
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(topic)}"'
    return response
