"""The shared readers of the imports (companies/csv_import.py) that procurement's plans and spend
uploads use: the XLSX reader (cells as a CSV file would hold them, the zip bomb, broken
workbooks, the line limit), `read_table` choosing by content, and the amount reader."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from companies import csv_import
from companies.csv_import import AmountError, ImportFileError, TooManyLines, parse_amount


@pytest.fixture(autouse=True)
def in_english():
    # The messages are matched in English (tests run in Dutch, the default language).
    with translation.override("en"):
        yield


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewritten(data, parts):
    """`data`, an XLSX file, with `parts` (name: bytes) added or put in place of its own."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


# --- Cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (403170701.0, "403170701"),  # a number typed as one: no ".0"
        (1500, "1500"),
        (4000.5, "4000,5"),
        # A fraction is written with a decimal comma: 1.234 must not be read as 1234.
        (1.234, "1,234"),
        (0.1 + 0.2, "0,3"),  # rounded to nine decimals, as the sheet shows it
        (1e-05, "0,00001"),  # no exponent
        (2.0000000000001, "2"),  # rounds to a whole number: no dangling comma
        (-12.5, "-12,5"),
        (True, "True"),
        (date(2027, 3, 1), "2027-03-01"),
        (datetime(2027, 3, 1), "2027-03-01"),  # noqa: DTZ001 (a cell has no time zone)
        ("  Parken ", "Parken"),
    ],
)
def test_a_cell_reads_as_the_text_a_csv_file_would_hold(value, text):
    assert csv_import._xlsx_cell(value) == text


def test_the_rows_of_the_first_sheet_are_lines_numbered_by_their_row():
    data = xlsx_file(
        [
            ["Subject", "Amount", None],
            ["Maaien", 1234.56],
            [None, None, None],
            ["Poetsen", 100],
        ]
    )
    lines = csv_import.read_xlsx(data, columns=("subject", "amount"))
    assert [(line.number, line.cells) for line in lines] == [
        (2, {"subject": "Maaien", "amount": "1234,56", "": ""}),
        (4, {"subject": "Poetsen", "amount": "100", "": ""}),
    ]


# --- Workbooks refused as a whole ----------------------------------------------------------------


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_opened():
    # A few hundred kB that unpack to more than the limit: a zip bomb.
    data = rewritten(
        xlsx_file([["subject"], ["Maaien"]]),
        {"xl/padding.bin": b"\0" * (csv_import.XLSX_MAX_UNPACKED_BYTES + 1)},
    )
    assert len(data) < 1024 * 1024
    with pytest.raises(ImportFileError, match="unpacks to more than 50 MB"):
        csv_import.read_xlsx(data, columns=("subject",))


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really a zip",
        b"PK\x03\x04",
        # A zip, but no workbook in it.
        rewritten(xlsx_file([["subject"]]), {"[Content_Types].xml": b"<Types/>"}),
        # A workbook whose sheet is not the XML it claims: openpyxl fails while reading rows.
        rewritten(xlsx_file([["subject"], ["Maaien"]]), {"xl/worksheets/sheet1.xml": b"<x"}),
    ],
)
def test_what_is_no_workbook_is_refused_in_words(data):
    with pytest.raises(ImportFileError, match="cannot be read as an Excel workbook"):
        csv_import.read_table(data, columns=("subject",))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "needs a header"),
        ([[None, None], ["Maaien", 1]], "needs a header"),
        ([["onderwerp"], ["Maaien"]], r"lacks the column\(s\) subject"),
        ([["subject", "Subject"], ["Maaien", "Poetsen"]], "more than once"),
    ],
)
def test_a_workbook_without_its_header_is_refused(rows, message):
    with pytest.raises(ImportFileError, match=message):
        csv_import.read_xlsx(xlsx_file(rows), columns=("subject",))


def test_more_lines_than_taken_are_refused_for_a_workbook_and_a_csv_file():
    rows = [["subject"], *([f"Aankoop {n}"] for n in range(4))]
    with pytest.raises(TooManyLines, match="more than 3 lines") as refused:
        csv_import.read_table(xlsx_file(rows), columns=("subject",), max_lines=3)
    assert refused.value.limit == 3
    text = "\n".join(row[0] for row in rows).encode()
    with pytest.raises(TooManyLines, match="more than 3 lines"):
        csv_import.read_table(text, columns=("subject",), max_lines=3)
    assert len(csv_import.read_table(text, columns=("subject",), max_lines=4)) == 4


def test_read_table_tells_a_workbook_from_a_csv_file_by_its_content():
    from_xlsx = csv_import.read_table(xlsx_file([["subject"], ["Maaien"]]), columns=("subject",))
    from_csv = csv_import.read_table(b"subject\nMaaien\n", columns=("subject",))
    assert [line.cells for line in from_xlsx] == [line.cells for line in from_csv]


# --- Amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234", "1234.00"),  # a dot and three digits group thousands
        ("1.234.567", "1234567.00"),
        ("1,234,567", "1234567.00"),
        ("1 234,5", "1234.50"),
        ("1\u00a0234,5", "1234.50"),
        ("12.500,00", "12500.00"),
        ("12,500.00", "12500.00"),
        ("€ 12", "12.00"),
        ("€ 12 500", "12500.00"),
        ("12 EUR", "12.00"),
        ("+12", "12.00"),
        ("1500", "1500.00"),
        ("4000,5", "4000.50"),  # a workbook's 4000.5 as the XLSX reader writes it
        ("0", "0.00"),
        ("1.234.567,89", "1234567.89"),
        ("-5", "-5.00"),
        ("−5", "-5.00"),  # the minus sign a word processor writes
        ("5-", "-5.00"),
        ("(5,00)", "-5.00"),  # a credit note in brackets
        # No limit of its own: each import refuses what is too large for it.
        ("1" * 40, "1" * 40 + ".00"),
    ],
)
def test_amounts_are_read_the_belgian_and_the_english_way(text, expected):
    assert parse_amount(text) == Decimal(expected)
    assert parse_amount(text).as_tuple().exponent == -2


@pytest.mark.parametrize("text", ["", "  ", "€", " EUR "])
def test_an_empty_amount_is_none(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not an amount"),
        ("veel", "not an amount"),
        ("1,234", "more than two decimals"),  # which was meant: 1234 or 1,234?
        ("12.3456", "more than two decimals"),
        ("1,2345", "more than two decimals"),
        ("1..2", "not an amount"),
        ("1.2.3", "not an amount"),
        ("12.34.567", "not an amount"),  # grouped by two, then three
        ("1.234,567,89", "not an amount"),
        ("1,23.45", "not an amount"),
        ("1234,", "not an amount"),
        ("1e5", "not an amount"),
        ("-", "not an amount"),
        ("()", "not an amount"),
        ("1'234", "not an amount"),
        ("١٢٣", "not an amount"),  # digits, but not the ones a bookkeeping writes
    ],
)
def test_what_is_no_amount_is_refused_with_the_reason(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_amount(text)


def test_the_refusal_quotes_at_most_forty_characters_of_the_cell():
    with pytest.raises(AmountError) as refused:
        parse_amount("x" * 1000)
    assert "x" * 40 in str(refused.value) and "x" * 41 not in str(refused.value)
