"""Reading CSV import files line by line, as the portal's imports share it.

`manage.py import_collaborations` (companies/collaboration_import.py) and
`manage.py import_organisations` (companies/organisation_import.py) and the buying helper's
purchasing plans (procurement/plans.py) read files the same way:
UTF-8 with or without the byte order mark Excel writes (and, where an import allows it,
Windows-1252, what Excel in Belgium saves as plain "CSV"), separated by semicolons or commas
(the header decides), strictly: a file the csv module cannot read to the end (a quote left
open, a cell over its size limit), a file in another encoding and a header that lacks a column
or names one twice are refused as a whole, with the line. Each data line becomes a `Line` that
the import's checks add their problems to (`Line.refuse`), each with its line number.

`read_xlsx` reads the first sheet of an Excel workbook into the same Lines (a row's number is
its line), and `read_table` picks CSV or XLSX by the file's content, so every import that takes
one takes both. `parse_amount` reads an amount in euro as a cell holds it, Belgian or
international notation; each import adds its own rules (empty, negative, largest) on top.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import enterprise_number

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
# Rows per INSERT, and lines between two progress reports.
BATCH_SIZE = 1000
PROGRESS_EVERY = 1000
# Values per IN (...) when looking up enterprise numbers and keys (SQLite's limit is far higher).
LOOKUP_CHUNK = 500
UTF8 = "utf-8-sig"
WINDOWS_1252 = "cp1252"


class ImportFileError(Exception):
    """The file as a whole cannot be read: not in its encoding, empty, or columns missing."""


class TooManyLines(ImportFileError):
    """The file holds more data lines than the import takes (`read_table`'s `max_lines`); an
    import that advises otherwise than "split it" catches it and says its own words."""

    def __init__(self, limit):
        self.limit = limit
        super().__init__(
            _("The file holds more than %(limit)d lines; split it into smaller files.")
            % {"limit": limit}
        )


@dataclass(frozen=True)
class LineError:
    line: int
    code: str
    message: str

    def __str__(self):
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Line:
    """One data line as read: its number and its cells by column."""

    number: int
    cells: dict
    problems: list = field(default_factory=list)
    # Filled in by the checks.
    numbers: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)

    def refuse(self, code, message):
        self.problems.append(LineError(self.number, code, str(message)))

    def enterprise_number(self, column, key):
        """Cell `column`, when given, as a normalised enterprise number in `numbers[key]`, or
        refused; whether it may be empty is the import's rule."""
        value = self.cells.get(column, "")
        if not value:
            return
        try:
            self.numbers[key] = enterprise_number.normalise(value)
        except ValidationError:
            self.refuse(
                "invalid_enterprise_number",
                _("%(column)s: %(value)s is not a valid enterprise number")
                % {"column": column, "value": value},
            )

    def category(self, categories):
        """The optional `category` cell (a service category's slug, any case) as the category of
        `categories` ({slug: category}) in `values["category"]`, None when empty, or refused."""
        slug = self.cells.get("category", "").lower()
        self.values["category"] = None
        if not slug:
            return
        if slug in categories:
            self.values["category"] = categories[slug]
        else:
            self.refuse(
                "unknown_category",
                _("unknown service category “%(value)s” (use a slug such as groenonderhoud)")
                % {"value": self.cells["category"]},
            )


def _line_of(data, position):
    """The line (from 1) on which byte `position` of `data` lies, counted as the csv module
    counts lines: a line ends at \\n, \\r\\n or a lone \\r."""
    before = data[:position].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return before.count(b"\n") + 1


def _unreadable(number, error):
    """The ImportFileError for a csv.Error raised while reading the record from line `number`.

    The csv module says what went wrong in English only, and without the line; these are the
    errors it raises on our settings (strict, newline="").
    """
    reason = str(error)
    if reason == "unexpected end of data":
        message = _("a quote opened on this line is never closed")
    elif reason.startswith("field larger than field limit"):
        message = _(
            "a cell is longer than %(limit)d characters; is a quote opened on this line never "
            "closed?"
        ) % {"limit": csv.field_size_limit()}
    elif "expected after" in reason:
        message = _(
            "a quoted cell goes on after its closing quote (write a quote inside a cell as "
            'two quotes: "")'
        )
    else:
        message = _("this line cannot be read as CSV (%(reason)s)") % {"reason": reason}
    return ImportFileError(str(LineError(number, "unreadable", message)))


def decode(data, encodings=(UTF8,)):
    """The text of `data` in the first of `encodings` that reads all of it.

    UTF-8 goes first: a UTF-8 file is almost never valid Windows-1252 text that means
    something else, while Windows-1252 reads nearly any bytes.
    """
    errors = []
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            errors.append(error)
    if WINDOWS_1252 in encodings:
        raise ImportFileError(
            _(
                "The file is neither UTF-8 nor Windows-1252: line %(line)d holds bytes that "
                "cannot be read. Save it as “CSV UTF-8” and try again."
            )
            % {"line": _line_of(data, errors[-1].start)}
        ) from None
    raise ImportFileError(
        _(
            "The file is not UTF-8: line %(line)d holds bytes that cannot be read. Save it "
            "as “CSV UTF-8” and try again."
        )
        % {"line": _line_of(data, errors[0].start)}
    ) from None


def read(data, *, columns, encodings=(UTF8,)):
    """The data lines of CSV `data` (bytes) with the header's `columns`, as Line objects.

    Raises ImportFileError, naming the line where it can, when the file as a whole cannot be
    read: not in one of `encodings`, no header, a column missing or named twice, a quote left
    open or a cell over the csv module's size limit (after which no line can be trusted).
    """
    text = decode(data, encodings)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise ImportFileError(_("The file is empty or its first line is blank; it needs a header."))
    # The header decides the separator: Excel in Belgium writes semicolons, others commas.
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    # strict: a quote where none may be is an error with a line, not a cell read otherwise.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    lines = []
    previous_end = 0
    try:
        header = [name.strip().lower() for name in next(reader)]
        _check_header(header, columns, delimiter)
        previous_end = reader.line_num
        for row in reader:
            number = previous_end + 1  # the line the record starts on (a quoted cell may wrap)
            previous_end = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            line = Line(number, dict(zip(header, (cell.strip() for cell in row), strict=False)))
            wrapped = previous_end > number and (
                len(row) != len(header)
                or any(
                    "\n" in line.cells.get(name, "") or "\r" in line.cells.get(name, "")
                    for name in columns
                )
            )
            if wrapped:
                # A quoted cell may wrap, but none of ours holds a line break: a quote was
                # left open and closed lines later, and what lies between was read as a cell.
                line.refuse(
                    "open_quote",
                    _("lines %(first)d to %(last)d are read as one line: is a quote left open?")
                    % {"first": number, "last": previous_end},
                )
            elif len(row) != len(header):
                line.refuse(
                    "field_count",
                    _("expected %(expected)d fields as in the header, found %(found)d")
                    % {"expected": len(header), "found": len(row)},
                )
            lines.append(line)
    except csv.Error as error:
        raise _unreadable(previous_end + 1, error) from None
    return lines


def parse_date(value):
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


# --- Amounts --------------------------------------------------------------------------------------

# "1.234,56", "1 234,56", "1,234.56", "1234.56", "€ 1234": digits, grouped or not, and at most
# one decimal separator; checked in `parse_amount`.
_AMOUNT = re.compile(r"^\d[\d.,]*$", re.ASCII)
_GROUPED = re.compile(r"^\d{1,3}(\D\d{3})*$", re.ASCII)
_CURRENCY = re.compile(r"€|eur", re.IGNORECASE)


class AmountError(ValueError):
    """The cell holds no amount; the message (translated) says why."""


def parse_amount(text):
    """The amount in euro a cell holds, as a Decimal with two decimals; None when the cell holds
    nothing (or only a currency sign). Raises AmountError when it is no amount.

    Read the Belgian way and the English way, strictly. A comma is the decimal separator when it
    is the only kind of separator and occurs once ("1234,56"); dots then group thousands
    ("1.234,56"). A dot is the decimal separator when followed by one or two digits ("1234.5",
    "1,234.56"); a dot followed by three digits groups thousands ("1.234" is 1234). Spaces
    group thousands too ("€ 1 234"). More than two decimals ("1,234", "12.3456": which was
    meant?), a grouping that is not by three, and anything else that is not a number are
    refused. A minus sign ("-5", "−5", "5-") or brackets ("(5,00)", a credit note) give a
    negative amount, which the caller accepts or refuses in its own words, as it does with an
    amount larger than it takes.
    """
    shown = (text or "").strip()[:40]
    not_an_amount = AmountError(
        _("“%(value)s” is not an amount (write e.g. 1234,56 or 1234.56)") % {"value": shown}
    )
    value = _CURRENCY.sub("", re.sub(r"\s", "", text or ""))
    if not value:
        return None
    negative = False
    if value[0] in "-−":
        negative, value = True, value[1:]
    elif value[-1] in "-−":
        negative, value = True, value[:-1]
    elif value[0] == "(" and value[-1] == ")":
        negative, value = True, value[1:-1]
    elif value[0] == "+":
        value = value[1:]
    if not _AMOUNT.fullmatch(value) or value[-1] in ",.":
        raise not_an_amount
    whole, decimals = value, ""
    last_comma, last_dot = value.rfind(","), value.rfind(".")
    if last_comma >= 0 and last_dot >= 0:
        # Both: the last one separates the decimals, the other groups thousands.
        separator = "," if last_comma > last_dot else "."
        whole, decimals = value.rsplit(separator, 1)
        other = "." if separator == "," else ","
        if separator in whole or other not in whole or not _GROUPED.fullmatch(whole):
            raise not_an_amount
    elif last_comma >= 0:
        if value.count(",") == 1:
            whole, decimals = value.split(",")
        elif not _GROUPED.fullmatch(value):
            raise not_an_amount
        # else "1,234,567": commas grouping thousands
    elif last_dot >= 0:
        if value.count(".") == 1 and len(value) - last_dot - 1 != 3:
            whole, decimals = value.split(".")
        elif not _GROUPED.fullmatch(value):
            raise not_an_amount
        # else "1.234" or "1.234.567": dots grouping thousands
    if len(decimals) > 2:
        raise AmountError(
            _("“%(value)s” has more than two decimals (write e.g. 1234,56 or 1234.56)")
            % {"value": shown}
        )
    # Built from its digits, two decimals written out: exact, however many digits (a caller's
    # maximum refuses what is too large), no quantize that could overflow the context.
    digits = re.sub(r"\D", "", whole)
    return Decimal(f"{'-' if negative else ''}{digits}.{decimals:0<2}")


def report_progress(progress: Callable | None, stage, done, total):
    """Call `progress(stage, done, total)` every PROGRESS_EVERY lines of a long file."""
    if progress and total > PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
        progress(stage, done, total)


# --- Excel workbooks (XLSX) ---------------------------------------------------------------------

# What the parts of a workbook may hold once unpacked: a workbook of a few thousand lines is a
# few MB; a small file that unpacks to far more is a zip bomb, refused before it is opened.
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"


def _xlsx_cell(value):
    """A cell's value as the text a CSV file would hold.

    A number typed as one loses its spurious ".0" (403170701.0 is "403170701"). A fraction is
    written with a decimal comma, which no amount reader takes for a thousands separator:
    Excel's 1.234 (three decimals) must not become 1234; and it is rounded to nine decimals, so
    that a sum Excel worked out (0.1 + 0.2 = 0.30000000000000004) reads as the sheet shows it.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        value = round(value, 9)
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f").rstrip("0").replace(".", ",")
    return str(value).strip()


def _not_a_workbook():
    return ImportFileError(_("The file cannot be read as an Excel workbook (XLSX)."))


def read_xlsx(data, *, columns, max_lines=None):
    """The data lines of the first sheet of XLSX `data` (bytes) with the header's `columns`.

    The sheet is streamed (openpyxl's read-only mode), not loaded. Raises ImportFileError when
    the workbook cannot be read, unpacks to more than XLSX_MAX_UNPACKED_BYTES (a zip bomb,
    refused before openpyxl opens it), or its header lacks a column or names one twice; with
    `max_lines`, TooManyLines when it holds more data lines than that (reading stops there).
    """
    from openpyxl import load_workbook  # only imports that take a workbook pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _not_a_workbook() from None
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _("The workbook unpacks to more than %(mb)d MB; split it into smaller files.")
            % {"mb": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises what the broken part makes it raise)
        raise _not_a_workbook() from None
    try:
        return _xlsx_lines(workbook, columns=columns, max_lines=max_lines)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 (a part of the zip that is not the XML it claims)
        raise _not_a_workbook() from None
    finally:
        workbook.close()


def _xlsx_lines(workbook, *, columns, max_lines):
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    rows = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
    header = next(rows, None)
    if not header or not any(_xlsx_cell(cell) for cell in header):
        raise ImportFileError(_("The file is empty or its first line is blank; it needs a header."))
    header = [_xlsx_cell(cell).lower() for cell in header]
    _check_header(header, columns, ",")
    lines = []
    for number, row in enumerate(rows, start=2):
        cells = [_xlsx_cell(cell) for cell in row]
        if not any(cells):
            continue
        if max_lines is not None and len(lines) >= max_lines:
            raise TooManyLines(max_lines)
        lines.append(Line(number, dict(zip(header, cells, strict=False))))
    return lines


def _check_header(header, columns, delimiter):
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportFileError(
            _("The header lacks the column(s) %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": delimiter.join(columns)}
        )
    twice = [name for name in columns if header.count(name) > 1]
    if twice:
        raise ImportFileError(
            _(
                "The header names the column(s) %(columns)s more than once; keep one of "
                "each, so that it is clear which to read."
            )
            % {"columns": ", ".join(twice)}
        )


def read_table(data, *, columns, encodings=(UTF8,), max_lines=None):
    """The data lines of `data`, an XLSX workbook (told by its content: a zip archive) or else
    a CSV file; ImportFileError as read() and read_xlsx() raise it, TooManyLines for more data
    lines than `max_lines`."""
    if data.startswith(ZIP_SIGNATURE):
        return read_xlsx(data, columns=columns, max_lines=max_lines)
    lines = read(data, columns=columns, encodings=encodings)
    if max_lines is not None and len(lines) > max_lines:
        raise TooManyLines(max_lines)
    return lines
