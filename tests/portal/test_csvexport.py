"""Search results as CSV (portal/csvexport.py): the file format every list page's CSV shares."""

import csv
import io
import re
from pathlib import Path

import hypothesis
import pytest
from django.conf import settings
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from portal import csvexport
from portal.models import Province

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+32 89 12 34 56", "'+32 89 12 34 56"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Groenwerk", "Groenwerk"),
        ("", ""),
        (None, ""),
        (38, "38"),
        # After a separator a spreadsheet may split on: a comma, semicolon, tab or line break.
        ("Acme,=2+3", "Acme,'=2+3"),
        ("Acme;+1", "Acme;'+1"),
        ("a\t-1", "a\t'-1"),
        ("a\r\n@x", "a\r\n'@x"),
        ('a,"=1', "a,'\"=1"),
        ("\t=1", "'\t'=1"),
        # Ordinary text keeps its commas and dashes.
        ("Gent, -5 %", "Gent, -5 %"),
        ("Kringwinkel - Hasselt", "Kringwinkel - Hasselt"),
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_is_defused(value, cell):
    assert csvexport.cell(value) == cell


# The cells an attacker writes into a name, a title or an invoice number.
HOSTILE = [
    "Acme,=2+3",
    '=HYPERLINK("http://evil.example","x")',
    "+1",
    "-1",
    "@x",
    "\t=1+1",
    "\r=1+1",
    'Acme,"=2+3"',
    "Acme,;=2+3",
    "a\r\n=1+1",
    'x";=1+1,"',
    "ends with a comma,",
]
RUNS = ("=", "+", "-", "@")


def written(rows):
    """The file `lines()` writes for `rows` (lists of cells), without its byte order mark."""
    text = "".join(
        csvexport.lines(rows, header=lambda: ["Name", "Other", "Last"], row=lambda row: row)
    )
    assert text.startswith(csvexport.BOM)
    return text.removeprefix(csvexport.BOM)


def read(text, delimiter):
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_every_cell_is_quoted():
    text = written([["Acme,=2+3", 38, None], ["Groenwerk", "", "x"]])

    assert text == ('"Name";"Other";"Last"\r\n"Acme,\'=2+3";"38";""\r\n"Groenwerk";"";"x"\r\n')


@pytest.mark.parametrize("column", [0, 1, 2])
def test_read_with_semicolons_every_cell_comes_back_whole_and_defused(column):
    rows = [["Acme", "Acme", "Acme"] for _value in HOSTILE]
    for row, value in zip(rows, HOSTILE, strict=True):
        row[column] = value

    _header, *back = read(written(rows), ";")

    assert [row[column] for row in back] == [csvexport.cell(value) for value in HOSTILE]
    for row in back:
        assert not any(value.startswith(csvexport.FORMULA_STARTS) for value in row)


@pytest.mark.parametrize("column", [0, 1, 2])
def test_read_with_commas_no_cell_is_a_formula(column):
    rows = [["Acme", "Acme", "Acme"] for _value in HOSTILE]
    for row, value in zip(rows, HOSTILE, strict=True):
        row[column] = value

    cells = [value for row in read(written(rows), ",") for value in row]

    assert not [value for value in cells if value.startswith(RUNS)]


# Text made mostly of what matters here: separators, quotes and formula starts.
TRICKY = st.text(alphabet=st.sampled_from(list(",;\t\r\n\"'=+-@ a"))) | st.text()


@hypothesis.settings(database=None, deadline=None)
@given(st.lists(st.lists(TRICKY, min_size=3, max_size=3), max_size=4))
def test_whatever_the_cells_no_spreadsheet_reading_runs_a_formula(rows):
    text = written(rows)

    assert read(text, ";")[1:] == [[csvexport.cell(value) for value in row] for row in rows]
    for delimiter in (",", "\t"):
        for row in read(text, delimiter):
            assert not [value for value in row if value.startswith(RUNS)]


def test_the_file_is_named_after_the_portal_the_topic_and_the_day(settings):
    settings.PORTAL_NAME = "Brugwerk"
    today = f"{timezone.localdate():%Y-%m-%d}"

    assert csvexport.filename() == f"brugwerk-{today}.csv"
    assert csvexport.filename("Vacatures") == f"brugwerk-vacatures-{today}.csv"


def test_lines_stream_a_bom_a_header_and_a_row_per_object_in_the_language_asked(reference_data):
    with translation.override("fr"):
        lines = csvexport.lines(
            Province.objects.filter(slug__in=["limburg", "antwerpen"]).order_by("slug"),
            header=lambda: ["Name", "=Formula"],
            row=lambda province: [province.name, "=1"],
        )
    # The lines are written later (after the view returned), in the language of the request.
    text = "".join(lines)

    assert text.startswith("\ufeff")
    assert text.splitlines()[1] == '"Anvers";"\'=1"'
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == [
        ["Name", "'=Formula"],
        ["Anvers", "'=1"],
        ["Limbourg", "'=1"],
    ]


def test_the_response_is_a_download():
    response = csvexport.response(iter(["\ufeffa;b\r\n"]), topic="requests")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert "-requests-" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).decode() == "\ufeffa;b\r\n"


def test_the_portal_writes_csv_only_through_csvexport():
    """One writer for every CSV the portal serves, so that every file is quoted and defused."""
    root = Path(settings.BASE_DIR)
    writers = re.compile(r"csv\.(writer|DictWriter)\(|text/csv|QUOTE_(MINIMAL|NONE)")
    found = [
        str(path.relative_to(root))
        # The apps that serve files; benchmarks/ writes the inputs of imports it measures (a
        # KBO extract, an organisation list), which nobody opens in a spreadsheet.
        for package in ("portal", "companies", "vacancies", "vouchers")
        for path in (root / package).rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
    ]

    assert found == ["portal/csvexport.py"]


@pytest.mark.parametrize("value", [*HOSTILE, "plain", "", None, 12, "a\x00=1"])
def test_a_row_is_defused_as_each_of_its_cells_would_be(value):
    """cells() searches the row once (issue 20); it writes what cell() writes of each."""
    row = ["Acme", value, "ends with a comma,", value, "=1"]

    assert csvexport.cells(row) == [csvexport.cell(item) for item in row]


def test_the_file_streams_in_blocks_not_a_write_per_line():
    lines = [f'"row {number}"\r\n' for number in range(10_000)]

    blocks = list(csvexport.response(iter(lines)).streaming_content)

    assert b"".join(blocks) == "".join(lines).encode()
    assert 1 < len(blocks) < 10
