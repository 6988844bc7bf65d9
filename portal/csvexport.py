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
import secrets
from itertools import islice
from time import monotonic, sleep

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.text import slugify

BOM = "\ufeff"
DELIMITER = ";"
# Seconds between two looks for a free export slot, and a visitor is asked to wait before trying
# again when none came free.
SLOT_POLL = 0.2
# Characters of the file the response yields at a time (`blocks`).
BLOCK_SIZE = 64 * 1024
RETRY_AFTER = 30
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


def blocks(lines, size=BLOCK_SIZE):
    """`lines` joined into pieces of about `size` characters. The server writes each piece the
    response yields to the socket on its own: 50,000 lines were 50,000 writes (issue 20)."""
    held, length = [], 0
    for line in lines:
        held.append(line)
        length += len(line)
        if length >= size:
            yield "".join(held)
            held, length = [], 0
    if held:
        yield "".join(held)


def response(lines, *, topic=""):
    """A download of the CSV `lines`, streamed in blocks."""
    response = StreamingHttpResponse(blocks(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(topic)}"'
    return response


# --- How many large files build at once ---------------------------------------------------------
#
# A file of every organisation keeps a processor busy for a second or more, and streaming it holds
# one of the few threads of a process (gunicorn.conf.py). Three at once on two processors made a
# search wait 16 s (issue 20). So the lists' downloads take one of settings.EXPORT_CONCURRENCY
# slots in the shared cache before they start, held while the file streams and given back when
# the response is closed (Django closes it after the last line, and when the client goes away);
# a download that finds none free within EXPORT_WAIT_SECONDS gets a page that says so (503, with
# Retry-After), and every other page keeps its processors. A slot is a key added with a lease of
# EXPORT_SLOT_SECONDS that the streaming file renews at every chunk: a process that dies while
# streaming frees its slot when the lease runs out. Without Redis `add` succeeds (portal/cache.py):
# downloads are not limited then, rather than refused.


class Slot:
    """One of the EXPORT_CONCURRENCY places for a large download, held under a random token."""

    def __init__(self, key):
        self.key = key
        self.token = secrets.token_hex(8)

    @classmethod
    def take(cls):
        """A free slot, waiting up to EXPORT_WAIT_SECONDS for one; None when none came free."""
        deadline = monotonic() + settings.EXPORT_WAIT_SECONDS
        while True:
            for number in range(settings.EXPORT_CONCURRENCY):
                slot = cls(f"csvexport:slot:{number}")
                if cache.add(slot.key, slot.token, timeout=settings.EXPORT_SLOT_SECONDS):
                    return slot
            if monotonic() >= deadline:
                return None
            sleep(SLOT_POLL)

    def renew(self):
        cache.touch(self.key, timeout=settings.EXPORT_SLOT_SECONDS)

    def release(self):
        # Only our own: after a lease ran out the key may be another download's.
        if cache.get(self.key) == self.token:
            cache.delete(self.key)


def _renewing(lines, slot):
    """`lines`, renewing the slot's lease when a third of it has passed."""
    renewed = monotonic()
    for line in lines:
        if monotonic() - renewed > settings.EXPORT_SLOT_SECONDS / 3:
            slot.renew()
            renewed = monotonic()
        yield line


def small(rows):
    """Whether the queryset `rows` holds at most settings.EXPORT_SMALL_ROWS rows (0: none is
    small): a count of at most one row more, as cheap for every organisation as for a few."""
    limit = settings.EXPORT_SMALL_ROWS
    return limit > 0 and rows.order_by()[: limit + 1].count() <= limit


def limited_response(request, lines, *, rows, topic=""):
    """A download of the CSV `lines` (a list page's `format=csv`, of the queryset `rows`): a
    small one at once, a larger one once an export slot is free, giving the slot back when the
    response is closed. A 503 page when none came free."""
    if small(rows):
        return response(lines, topic=topic)
    slot = Slot.take()
    if slot is None:
        search = request.GET.copy()
        search.pop("format", None)
        back = f"{request.path}?{search.urlencode()}" if search else request.path
        busy = render(request, "csv_busy.html", {"back": back}, status=503)
        busy["Retry-After"] = str(RETRY_AFTER)
        return busy
    download = response(_renewing(lines, slot), topic=topic)
    download._resource_closers.append(slot.release)
    return download
