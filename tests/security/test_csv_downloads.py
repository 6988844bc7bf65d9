"""Every CSV the portal writes, with formulas typed into an organisation's name, a vacancy's or
request's title, a programme's name and an invoice number: the directory (the buy-social guide),
the vacancy and request lists, a report and the payouts of the regisseur's admin.

A spreadsheet set to commas reads our semicolon files too. Each file must then have every cell
quoted, every hostile value back whole with its leading quote (portal/csvexport.py), and no cell
that a spreadsheet would run, read with semicolons or with commas; and the hostile rows cost no
query more than any other.
"""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection

from tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    StaffFactory,
    VoucherFactory,
    listed_organisation,
    listed_request,
    listed_vacancy,
    log_in_as,
    postcode,
    reference_rows_in_memory,
    region,
)

pytestmark = pytest.mark.django_db

# What was typed, and the cell the file must hold: a quote before every formula start, at the
# start of the value and after a separator inside it.
DEFUSED = {
    "Acme,=2+3": "Acme,'=2+3",
    '=HYPERLINK("http://evil.example","x")': '\'=HYPERLINK("http://evil.example","x")',
    "+1": "'+1",
    "-1": "'-1",
    "@x": "'@x",
    "\t=1+1": "'\t'=1+1",
    "\r=1+1": "'\r'=1+1",
}
# Organisation names lose tabs and line breaks before they are stored (portal/names.py), so
# those two come back as a plain formula, defused all the same.
NAME_DEFUSED = {**DEFUSED, "\t=1+1": "'=1+1", "\r=1+1": "'=1+1"}
NAME_COLUMNS = {"Name", "Organisation", "Applicant", "Provider"}
RUNS = ("=", "+", "-", "@")


@pytest.fixture
def hostile(reference_data):
    """For every hostile value: a listed social enterprise and a firm of that name (both in the
    directory), a vacancy
    and a service request of that title, a programme of that name and a paid voucher with that
    invoice number; and the regisseur of the programmes' region."""
    regisseur = StaffFactory()
    region().regisseurs.add(regisseur)
    for value in DEFUSED:
        enterprise = listed_organisation(name=value, services=["groenonderhoud"])
        firm = OrganisationFactory(name=value, postcode=postcode("3700"))
        listed_vacancy(title=value, organisation=firm)
        listed_request(title=value, organisation=firm, category="groenonderhoud")
        VoucherFactory(
            programme=ProgrammeFactory(name=value),
            applicant=firm,
            provider=enterprise,
            paid=True,
            invoice_number=value,
            payment_reference=value,
        )
    return regisseur


def read(text, delimiter):
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def downloaded(response):
    """The file's text, after checking it is a CSV download with a byte order mark."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return text.removeprefix("\ufeff")


def assert_quoted_and_defused(text, *, columns):
    """Every cell quoted; the hostile values in `columns` back whole and defused; no formula,
    read with semicolons or commas."""
    header, *rows = read(text, ";")
    # Written again with every cell quoted, the rows give the file byte for byte: every cell
    # was quoted, and reading with semicolons loses nothing.
    again = io.StringIO()
    csv.writer(again, delimiter=";", quoting=csv.QUOTE_ALL).writerows([header, *rows])
    assert again.getvalue() == text
    for column in columns:
        expected = NAME_DEFUSED if column in NAME_COLUMNS else DEFUSED
        assert set(expected.values()) <= {row[header.index(column)] for row in rows}, column
    for delimiter in (";", ","):
        cells = [value for row in read(text, delimiter) for value in row]
        assert not [value for value in cells if value.startswith(RUNS)], delimiter


def test_the_directory_csv(client, hostile, django_assert_num_queries):
    reference_rows_in_memory()
    # As pinned in tests/companies/test_directory.py: whether the file is small, the
    # recognitions' names, then one statement on PostgreSQL (services and recognitions as
    # arrays), elsewhere the rows, services and recognitions.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 5):
        text = downloaded(client.get("/en/organisations/", {"format": "csv"}))

    assert_quoted_and_defused(text, columns=["Name"])


def test_the_vacancy_csv(client, hostile, django_assert_num_queries):
    reference_rows_in_memory()
    # As pinned in tests/vacancies/test_vacancy_list.py: whether the file is small, the rows and
    # their supports.
    with django_assert_num_queries(3):
        text = downloaded(client.get("/en/vacancies/", {"format": "csv"}))

    assert_quoted_and_defused(text, columns=["Title", "Organisation"])


def test_the_request_csv(client, hostile, django_assert_num_queries):
    reference_rows_in_memory()
    # As pinned in tests/vacancies/test_request_list.py: whether the file is small, the rows.
    with django_assert_num_queries(2):
        text = downloaded(client.get("/en/requests/", {"format": "csv"}))

    assert_quoted_and_defused(text, columns=["Title", "Organisation"])


def test_the_report_csv(client, hostile, django_assert_num_queries):
    cache.clear()
    # The data version, the programmes' first and last year (the default range), the programmes,
    # the vouchers' figures and the distinct applicants of the total (tests/vouchers/).
    with django_assert_num_queries(5):
        text = downloaded(client.get("/en/reports/vouchers/", {"format": "csv"}))

    assert_quoted_and_defused(text, columns=["Programme"])


def test_the_payouts_csv(client, hostile, django_assert_num_queries):
    log_in_as(client, hostile)
    # Session, user, permissions (two), regions, then the vouchers with their programme and both
    # sides in one query (a session that passed the second factor asks no more about it).
    with django_assert_num_queries(6):
        text = downloaded(client.get("/en/admin/vouchers/voucher/payouts/"))

    assert_quoted_and_defused(
        text,
        columns=["Applicant", "Provider", "Invoice number", "Payment reference"],
    )
