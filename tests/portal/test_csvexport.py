"""Search results as CSV (portal/csvexport.py): the file format every list page's CSV shares."""

import csv
import io

import pytest
from django.utils import timezone, translation

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
    ],
)
def test_a_cell_that_a_spreadsheet_would_run_is_defused(value, cell):
    assert csvexport.cell(value) == cell


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
