"""Reading an XLSX upload into the lines companies/csv_import.py reads from a CSV file.

A buyer keeps its purchases in Excel; asking it to save them as CSV first loses nothing but
time, so the spend upload (and later the purchasing plan) also takes the workbook itself.
`read_xlsx` yields what `csv_import.read` yields: `Line` objects numbered by their row in the
sheet, the header's columns checked the same way and refused with the same messages. The first
sheet is read in openpyxl's read-only mode (rows streamed from the zip, not a workbook in
memory), and the file is refused before openpyxl opens it when its parts would unpack to more
than MAX_UNPACKED bytes (a zip bomb), and while reading when it has more than `max_lines` rows.
"""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from companies.csv_import import ImportFileError, Line

# An XLSX file is a zip archive; its parts may unpack to far more than the upload's size.
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNPACKED = 100 * 1024 * 1024


def is_xlsx(data):
    return data[:4] == ZIP_MAGIC


def _text(value):
    """A cell as the text a CSV file would hold: numbers without a spurious ".0", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # 403170701.0 (a number typed as one) becomes "403170701"; a fraction is written with
        # a decimal comma, which no reader takes for a thousands separator: 1.234 (three
        # decimals) must not become 1234. Rounded to nine decimals, so that a sum Excel worked
        # out (0.1 + 0.2 = 0.30000000000000004) reads as it shows.
        if value.is_integer():
            return str(int(value))
        text = format(Decimal(repr(round(value, 9))), "f").rstrip("0")
        return text.replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def read_xlsx(data, *, columns, max_lines):
    """The data lines of the first sheet of XLSX `data` (bytes), with the header's `columns`,
    as `companies.csv_import.read` returns them for a CSV file.

    Raises ImportFileError when the workbook cannot be read, has no header, lacks a column or
    names one twice, would unpack too large, or holds more than `max_lines` data lines.
    """
    # openpyxl is imported here: only uploads of workbooks need it.
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise unreadable() from None
    if unpacked > MAX_UNPACKED:
        raise ImportFileError(
            _("The workbook is too large once unpacked. Split it, or save it as CSV.")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds on a broken file)
        raise unreadable() from None
    try:
        return _lines(workbook.worksheets[0], columns=columns, max_lines=max_lines)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 (a part of the zip that is not the XML it claims)
        raise unreadable() from None
    finally:
        workbook.close()


def _lines(sheet, *, columns, max_lines):
    rows = sheet.iter_rows(values_only=True)
    header = None
    for header_row in rows:
        header = [_text(cell).lower() for cell in header_row]
        break
    if not header or not any(header):
        raise ImportFileError(_("The file is empty or its first line is blank; it needs a header."))
    # Trailing empty cells of the header (a formatted column) are no columns.
    while header and not header[-1]:
        header.pop()
    missing = [name for name in columns if name not in header]
    if missing:
        raise ImportFileError(
            _("The header lacks the column(s) %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ";".join(columns)}
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
    lines = []
    for number, row in enumerate(rows, start=2):
        cells = [_text(cell) for cell in row[: len(header)]]
        if not any(cells):
            continue
        if len(lines) >= max_lines:
            raise too_many_lines(max_lines)
        lines.append(Line(number, dict(zip(header, cells, strict=False))))
    return lines


def unreadable():
    return ImportFileError(
        _("The file cannot be read as an Excel workbook (.xlsx). Save it as .xlsx or CSV again.")
    )


def too_many_lines(max_lines):
    """The refusal of a file with more than `max_lines` data lines (CSV or XLSX alike)."""
    return ImportFileError(
        _(
            "The file holds more than %(limit)s lines; it is too large to import. Add up the "
            "purchases per supplier and category first."
        )
        % {"limit": max_lines}
    )
