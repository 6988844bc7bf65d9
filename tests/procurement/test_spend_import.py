"""The spend import (procurement/spend_import.py): CSV and XLSX, line errors with their numbers,
all or nothing, the same file twice, a year replaced, and uploads at once."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import Workbook

from companies.csv_import import ImportFileError
from procurement import spend_import
from procurement.models import SpendLine, SpendYear
from procurement.spend_import import AmountError, import_spend, purchase_amount
from tests.factories import OrganisationFactory, enterprise_number
from tests.races import run_together

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1
HEADER = "supplier_enterprise_number;amount;category;description"


def csv_file(*lines, header=HEADER, encoding="utf-8"):
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def in_english():
    # The messages are matched in English (tests run in Dutch, the default language).
    with translation.override("en"):
        yield


@pytest.fixture
def buyer(reference_data):
    return OrganisationFactory(kind="public", name="Gemeente Testdorp")


def amounts(buyer, year=LAST_YEAR):
    return sorted(
        SpendLine.objects.filter(spend_year__buyer=buyer, spend_year__year=year).values_list(
            "supplier_number", "amount"
        )
    )


# The notation ("1.234,56", "1234.56", "1.234" is 1234, more than two decimals refused) is read
# by companies/csv_import.parse_amount and tested in tests/companies/test_csv_import.py; here the
# spend's own rules on top of it.
@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.234,56", "1234.56"), ("0", "0.00"), ("999.999.999.999,99", "999999999999.99")],
)
def test_a_purchase_amount_is_read_as_every_import_reads_it(text, expected):
    assert purchase_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("€", "the amount is empty"),
        ("-5", "-5 is negative; net a credit note"),
        ("(5,00)", "negative"),
        ("abc", "not an amount"),
        ("1,234", "more than two decimals"),
        ("1000000000000", "too large"),
        ("9" * 100, "too large"),
    ],
)
def test_bad_amounts_are_refused_with_the_reason(text, reason):
    with pytest.raises(AmountError, match=reason):
        purchase_amount(text)


def test_a_csv_file_is_imported_with_numbers_normalised(buyer):
    data = csv_file(
        "0403.170.701;1.234,56;groenonderhoud;Parken",
        "BE0403170701;100.00;;",
        f"{enterprise_number(7)};50;;Catering",
    )
    result = import_spend(data, buyer=buyer, year=LAST_YEAR, file_name="aankopen.csv")
    assert result.written and result.imported == 3 and not result.errors
    assert result.total == Decimal("1384.56")
    assert amounts(buyer) == sorted(
        [
            ("0403170701", Decimal("1234.56")),
            ("0403170701", Decimal("100.00")),
            (enterprise_number(7), Decimal("50.00")),
        ]
    )
    line = SpendLine.objects.get(amount=Decimal("1234.56"))
    assert line.category.slug == "groenonderhoud" and line.description == "Parken"
    assert line.line_number == 2


def test_a_windows_1252_file_with_commas_is_read(buyer):
    data = csv_file(
        '0403170701,"1.234,56",,Café',
        header="supplier_enterprise_number,amount,category,description",
        encoding="cp1252",
    )
    import_spend(data, buyer=buyer, year=LAST_YEAR)
    assert SpendLine.objects.get().description == "Café"


def test_an_xlsx_workbook_yields_the_same_lines_as_the_csv_file(buyer):
    data = xlsx_file(
        [
            ["Supplier_enterprise_number", "Amount", "Category", "Description", None],
            ["0403.170.701", 1234.56, "groenonderhoud", "Parken"],
            [403170701, 100, None, None],  # a number typed as a number: its leading 0 is gone
            [None, None, None, None],
            ["BE0403170701", "1.234,00", "", "tekst"],
        ]
    )
    result = import_spend(data, buyer=buyer, year=LAST_YEAR, file_name="aankopen.xlsx")
    assert result.imported == 3
    assert amounts(buyer) == [
        ("0403170701", Decimal("100.00")),
        ("0403170701", Decimal("1234.00")),
        ("0403170701", Decimal("1234.56")),
    ]
    # Line numbers are the sheet's rows: the empty row is skipped, not renumbered.
    assert list(
        SpendLine.objects.order_by("line_number").values_list("line_number", flat=True)
    ) == [
        2,
        3,
        5,
    ]


def test_an_xlsx_fraction_of_three_decimals_is_refused_not_read_as_thousands(buyer):
    data = xlsx_file([["supplier_enterprise_number", "amount"], ["0403170701", 1.234]])
    result = import_spend(data, buyer=buyer, year=LAST_YEAR)
    assert not result.written
    (error,) = result.errors
    assert (error.line, error.code) == (2, "bad_amount") and "1,234" in error.message


def test_bad_lines_are_reported_with_their_numbers_and_nothing_is_imported(buyer):
    data = csv_file(
        "0403170701;10;;",
        "0403170702;10;;",  # a check digit wrong
        "0403170701;-5;;",
        "0403170701;tien;;",
        "0403170701;;;",
        ";10;;",
        "0403170701;10;vliegtuigen;",
        "0403170701;10;;" + "x" * 301,
    )
    result = import_spend(data, buyer=buyer, year=LAST_YEAR)
    assert not result.written and result.imported == 0
    assert {(error.line, error.code) for error in result.errors} == {
        (3, "invalid_enterprise_number"),
        (4, "bad_amount"),
        (5, "bad_amount"),
        (6, "missing"),
        (7, "missing"),
        (8, "unknown_category"),
        (9, "description_too_long"),
    }
    assert result.bad_lines == 7
    assert not SpendYear.objects.exists() and not SpendLine.objects.exists()


def test_a_bad_line_leaves_the_year_as_it_was(buyer):
    import_spend(csv_file("0403170701;10;;"), buyer=buyer, year=LAST_YEAR)
    result = import_spend(
        csv_file("0403170701;20;;", "0403170701;x;;"), buyer=buyer, year=LAST_YEAR
    )
    assert result.errors
    assert amounts(buyer) == [("0403170701", Decimal("10.00"))]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (csv_file(), "no purchase lines"),
        (b"supplier;amount\n0403170701;10\n", "lacks the column"),
        (
            b"supplier_enterprise_number;amount;amount\n0403170701;1;2\n",
            "more than once",
        ),
        (b'supplier_enterprise_number;amount\n0403170701;"10\n', "never closed"),
        # Bytes that neither UTF-8 nor Windows-1252 reads, on line 2.
        (b"supplier_enterprise_number;amount\n0403170701;\x81\x8d\n", "line 2 holds bytes"),
        (b"PK\x03\x04 not really a zip", "Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(buyer, data, message):
    with pytest.raises(ImportFileError, match=message):
        import_spend(data, buyer=buyer, year=LAST_YEAR)
    assert not SpendYear.objects.exists()


def test_an_xlsx_without_the_columns_is_refused(buyer):
    data = xlsx_file([["leverancier", "bedrag"], ["0403170701", 10]])
    with pytest.raises(ImportFileError, match="lacks the column"):
        import_spend(data, buyer=buyer, year=LAST_YEAR)


def test_a_huge_file_is_refused(buyer, monkeypatch):
    monkeypatch.setattr(spend_import, "MAX_LINES", 3)
    lines = [f"0403170701;{n};;" for n in range(1, 5)]
    with pytest.raises(ImportFileError, match="more than 3 lines"):
        import_spend(csv_file(*lines), buyer=buyer, year=LAST_YEAR)
    rows = [["supplier_enterprise_number", "amount"], *(["0403170701", n] for n in range(1, 5))]
    with pytest.raises(ImportFileError, match="more than 3 lines"):
        import_spend(xlsx_file(rows), buyer=buyer, year=LAST_YEAR)
    monkeypatch.setattr(spend_import, "MAX_BYTES", 100)
    with pytest.raises(ImportFileError, match="larger than"):
        import_spend(csv_file(*lines[:3]) + b" " * 100, buyer=buyer, year=LAST_YEAR)
    assert not SpendYear.objects.exists()


def test_a_year_in_the_future_or_too_early_is_refused(buyer):
    with pytest.raises(ValidationError, match="future"):
        import_spend(csv_file("0403170701;10;;"), buyer=buyer, year=LAST_YEAR + 2)
    with pytest.raises(ValidationError, match="from 2012 on"):
        import_spend(csv_file("0403170701;10;;"), buyer=buyer, year=2011)


def test_the_same_file_twice_gives_the_same_result(buyer):
    data = csv_file("0403170701;10;;", f"{enterprise_number(3)};20;;")
    first = import_spend(data, buyer=buyer, year=LAST_YEAR)
    before = amounts(buyer)
    second = import_spend(data, buyer=buyer, year=LAST_YEAR)
    assert not first.replaced
    assert second.replaced and second.same_file
    assert amounts(buyer) == before
    assert SpendYear.objects.count() == 1


def test_uploading_a_year_again_replaces_it_and_leaves_other_years(buyer):
    import_spend(csv_file("0403170701;10;;"), buyer=buyer, year=LAST_YEAR - 1)
    import_spend(csv_file("0403170701;10;;", "0403170701;11;;"), buyer=buyer, year=LAST_YEAR)
    result = import_spend(csv_file("0403170701;99;;"), buyer=buyer, year=LAST_YEAR)
    assert result.replaced and not result.same_file
    assert amounts(buyer) == [("0403170701", Decimal("99.00"))]
    assert amounts(buyer, LAST_YEAR - 1) == [("0403170701", Decimal("10.00"))]


def test_removing_a_year(buyer):
    import_spend(csv_file("0403170701;10;;"), buyer=buyer, year=LAST_YEAR)
    assert spend_import.remove_year(buyer=buyer, year=LAST_YEAR)
    assert not spend_import.remove_year(buyer=buyer, year=LAST_YEAR)
    assert not SpendLine.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_uploads_of_one_year_at_once_leave_one_complete_set(transactional_reference_data):
    buyer = OrganisationFactory(kind="public")
    files = [
        csv_file(*(f"0403170701;{index},{n % 100:02d};;" for n in range(300)))
        for index in range(1, 5)
    ]

    def upload(index):
        return import_spend(files[index], buyer=buyer, year=LAST_YEAR)

    outcomes = run_together(upload, 4)
    assert all(outcome.written for outcome in outcomes), outcomes
    assert SpendYear.objects.filter(buyer=buyer).count() == 1
    lines = list(SpendLine.objects.filter(spend_year__buyer=buyer).values_list("amount", flat=True))
    assert len(lines) == 300
    # All from one file: the same whole euros.
    assert len({int(amount) for amount in lines}) == 1
