"""Issue 23, item 2: the buying helper at /buying/: purchases one by one, plans uploaded as CSV
or XLSX, the advice sheet and the CSV, and saving for buyers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.models import PlanLine, PurchasingPlan
from tests.factories import MembershipFactory, OrganisationFactory

from .conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/en/buying/"


def add(client, **fields):
    data = {"action": "add", **{f"purchase-{name}": value for name, value in fields.items()}}
    return client.post(URL, data)


def upload(client, content, name="plan.csv", title=""):
    return client.post(
        URL,
        {
            "action": "upload",
            "upload-file": SimpleUploadedFile(name, content),
            "upload-title": title,
        },
    )


def test_anyone_gets_advice_for_a_purchase_typed_in(client, three_gardeners):
    response = add(client, subject="Maaien", category="groenonderhoud", postcode="3500")
    assert response.status_code == 302
    page = client.get(URL)
    [line] = page.context["lines"]
    assert line.route == "reserved_contract"
    html = page.content.decode()
    assert "3 verified enterprises that may take a reserved contract reach 3500 Hasselt" in html
    assert PurchasingPlan.objects.count() == 0
    assert "Save the plan" not in html


def test_a_cpv_code_stands_for_the_category(client, three_gardeners):
    add(client, subject="Groenonderhoud", cpv="77310000-6", postcode="3500", amount="12.500,00")
    [line] = client.get(URL).context["lines"]
    assert line.entry.category.slug == "groenonderhoud"
    assert str(line.entry.amount) == "12500.00"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"cpv": "7731"}, "cpv", "is not a CPV code"),
        ({"cpv": "79530000-8"}, "cpv", "unknown CPV code"),
        ({"category": "groenonderhoud", "postcode": "9999"}, "postcode", "not a Belgian postcode"),
        ({"category": "groenonderhoud", "amount": "-5"}, "amount", "cannot be negative"),
        ({"category": "groenonderhoud", "amount": "veel"}, "amount", "is not an amount"),
        ({}, "category", "give a service category or a CPV code"),
    ],
)
def test_a_bad_purchase_is_refused_in_words(client, reference_data, fields, field, message):
    values = {"subject": "Maaien", "postcode": "3500", **fields}
    response = add(client, **values)
    assert response.status_code == 200
    errors = response.context["purchase_form"].errors
    assert message in " ".join(errors[field])
    assert client.session.get("buying_draft", []) == []


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        # The notation is csv_import.parse_amount's (tests/companies/test_csv_import.py), and as
        # strict as the spend upload's: which of 1234 and 1,234 was meant is not guessed.
        ("1,234", "more than two decimals"),
        ("12.3456", "more than two decimals"),
        ("12.34.567", "is not an amount"),
        ("−5", "cannot be negative"),
        ("99.999.999.999", "larger than any contract"),
    ],
)
def test_an_ambiguous_or_impossible_amount_is_refused(client, reference_data, amount, message):
    response = add(
        client, subject="Maaien", category="groenonderhoud", postcode="3500", amount=amount
    )
    assert message in " ".join(response.context["purchase_form"].errors["amount"])


@pytest.mark.parametrize(
    ("amount", "expected"), [("1.234", "1234.00"), ("€ 12 500", "12500.00"), ("", None)]
)
def test_an_amount_is_read_as_every_import_reads_it(client, reference_data, amount, expected):
    add(client, subject="Maaien", category="groenonderhoud", postcode="3500", amount=amount)
    [line] = client.get(URL).context["lines"]
    assert (None if line.entry.amount is None else str(line.entry.amount)) == expected


def test_a_purchase_can_be_removed_and_the_plan_cleared(client, reference_data):
    add(client, subject="Maaien", category="groenonderhoud", postcode="3500")
    add(client, subject="Poetsen", category="schoonmaak", postcode="3500")
    client.post(URL, {"action": "remove", "line": "1"})
    assert [line.entry.subject for line in client.get(URL).context["lines"]] == ["Poetsen"]
    assert client.post(URL, {"action": "remove", "line": "x"}).status_code == 302
    client.post(URL, {"action": "clear"})
    assert client.get(URL).context["lines"] == []


def test_an_uploaded_csv_plan_is_analysed_line_by_line(client, three_gardeners):
    content = csv_bytes(
        [
            ["Maaien", "77310000-6", "", "3500", "4000", "2027"],
            ["Poetsen", "", "schoonmaak", "3500", "", ""],
        ]
    )
    response = upload(client, content)
    assert response.status_code == 200
    lines = response.context["lines"]
    assert [line.route for line in lines] == ["reserved_contract", "sound_out"]
    html = response.content.decode()
    assert "Publish a service request to sound out the market" in html
    assert "blind spot" in html
    assert "/requests/new/?title=Poetsen&amp;category=schoonmaak&amp;postcode=3500" in html


def test_windows_1252_and_commas_are_read(client, three_gardeners):
    content = csv_bytes(
        [["Maaien rond de école", "", "groenonderhoud", "3500", "1500", "été"]],
        separator=",",
        encoding="cp1252",
    )
    [line] = upload(client, content).context["lines"]
    assert line.entry.subject == "Maaien rond de école"


def test_an_xlsx_plan_is_read_as_a_csv_plan(client, three_gardeners):
    content = xlsx_bytes([["Maaien", "77310000-6", None, 3500, 4000.5, "2027"]])
    response = upload(client, content, name="plan.xlsx")
    [line] = response.context["lines"]
    assert (line.entry.postcode.code, str(line.entry.amount)) == ("3500", "4000.50")


def test_bad_lines_are_reported_with_their_numbers_and_the_others_kept(client, three_gardeners):
    content = csv_bytes(
        [
            ["Maaien", "77310000-6", "", "3500", "", ""],
            ["Vertalen", "79530000-8", "", "3500", "", ""],
            ["Poetsen", "", "schoonmaak", "0000", "-10", ""],
            ["Maaien", "", "groenonderhoud", "3500", "", ""],
        ]
    )
    response = upload(client, content)
    errors = [str(error) for error in response.context["file_errors"]]
    assert errors[0].startswith("line 3: unknown CPV code 79530000-8")
    assert any(error.startswith("line 4: “0000” is not a Belgian postcode") for error in errors)
    assert any(error == "line 4: the estimated amount cannot be negative" for error in errors)
    assert [line.entry.position for line in response.context["lines"]] == [1, 2]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "plan.csv", "The submitted file is empty."),
        (b"subject;postcode\nMaaien;3500\n", "plan.csv", "needs a column"),
        (b"onderwerp;plaats\n", "plan.csv", "The header lacks the column(s) subject, postcode"),
        (b"subject;cpv;postcode\n\xff\xfe;1;2\n", "plan.csv", None),
        (b"PK\x03\x04 not really a workbook", "plan.xlsx", "cannot be read as an Excel workbook"),
        (b'subject;cpv;postcode\n"Maaien;77310000-6;3500\n', "plan.csv", "never closed"),
    ],
)
def test_a_bad_file_is_refused_in_words(client, reference_data, content, name, message):
    response = upload(client, content, name=name)
    assert response.status_code == 200
    errors = " ".join(response.context["upload_form"].errors.get("file", []))
    if message:
        assert message in errors
    else:
        # Windows-1252 reads any bytes: the line is then checked as any other.
        assert errors or response.context["file_errors"]


def test_a_huge_file_is_refused(client, reference_data):
    rows = [["Maaien", "", "groenonderhoud", "3500", "", ""]] * 501
    response = upload(client, csv_bytes(rows))
    assert "more than 500 lines" in " ".join(response.context["upload_form"].errors["file"])
    big = b"subject;category;postcode\n" + b"x" * (2 * 1024 * 1024 + 1)
    response = upload(client, big)
    assert "larger than 2 MB" in " ".join(response.context["upload_form"].errors["file"])


def test_a_buyer_uploading_a_clean_plan_keeps_it(client, teacher, school, three_gardeners):
    client.force_login(teacher)
    content = csv_bytes([["Maaien", "77310000-6", "", "3500", "4000", "2027"]])
    response = upload(client, content, title="Aankoopplan 2027")
    plan = PurchasingPlan.objects.get()
    assert response.url == reverse("procurement:plan_detail", kwargs={"code": plan.code})
    assert (plan.organisation, plan.title, plan.created_by) == (school, "Aankoopplan 2027", teacher)
    line = PlanLine.objects.get()
    assert (line.cpv_code, line.category.slug, line.postcode.code) == (
        "77310000-6",
        "groenonderhoud",
        "3500",
    )


def test_a_buyer_with_a_bad_line_keeps_nothing_until_it_is_corrected(
    client, teacher, three_gardeners
):
    client.force_login(teacher)
    content = csv_bytes(
        [
            ["Maaien", "77310000-6", "", "3500", "", ""],
            ["Vertalen", "79530000-8", "", "3500", "", ""],
        ]
    )
    response = upload(client, content)
    assert response.status_code == 200
    assert PurchasingPlan.objects.count() == 0
    assert "The plan is saved once every line is right." in response.content.decode()


def test_a_buyer_saves_purchases_typed_in(client, teacher, school, three_gardeners):
    client.force_login(teacher)
    add(client, subject="Maaien", category="groenonderhoud", postcode="3500")
    response = client.post(URL, {"action": "save", "save-title": "Groen 2027"})
    plan = PurchasingPlan.objects.get()
    assert response.status_code == 302
    assert plan.lines.count() == 1
    assert client.session["buying_draft"] == []


def test_a_firm_gets_advice_but_cannot_save(client, reference_data):
    member = MembershipFactory(organisation=OrganisationFactory(kind="regular")).user
    client.force_login(member)
    add(client, subject="Maaien", category="groenonderhoud", postcode="3500")
    response = client.post(URL, {"action": "save", "save-title": "Groen"})
    assert response.status_code == 200
    assert PurchasingPlan.objects.count() == 0
    assert "Plans are kept for members of a public body" in response.content.decode()


def test_the_advice_sheet_and_the_csv(client, three_gardeners):
    add(client, subject="Maaien", cpv="77310000-6", postcode="3500", amount="4000")
    add(client, subject="Poetsen", category="schoonmaak", postcode="3500")
    sheet = client.get(URL, {"format": "print"})
    html = sheet.content.decode()
    assert "css/advice-print" in html
    assert "info@groen.example" in html
    # The model clauses of the routes advised, and of those only.
    assert "Reserved contract:" in html and "in accordance with article 15" in html
    assert "Award criterion social value" not in html

    download = client.get(URL, {"format": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = text.strip().splitlines()
    assert len(rows) == 3
    assert '"Maaien";"Green maintenance";"77310000-6";"3500"' in rows[1]
    assert "info@groen.example" in rows[1]
    assert '"Sound out the market"' in rows[2]


def test_the_sheet_is_translated(client, three_gardeners):
    add(client, subject="Maaien", category="groenonderhoud", postcode="3500")
    html = client.get("/fr/buying/", {"format": "print"}).content.decode()
    assert '<html lang="fr">' in html


def test_the_prefilled_service_request(client, reference_data):
    member = MembershipFactory(organisation=OrganisationFactory(kind="school")).user
    client.force_login(member)
    response = client.get(
        "/en/requests/new/", {"title": "Poetsen", "category": "schoonmaak", "postcode": "3700"}
    )
    form = response.context["form"]
    assert form.initial["title"] == "Poetsen"
    assert form.initial["category"].slug == "schoonmaak"
    assert form.initial["postcode"].code == "3700"
    bad = client.get("/en/requests/new/", {"category": "nope", "postcode": "x"})
    assert "category" not in bad.context["form"].initial


@pytest.mark.parametrize(
    ("prefix", "label"),
    [
        ("", "Aankopen met sociale impact"),
        ("/fr", "Acheter avec un impact social"),
        ("/en", "Buy with social impact"),
    ],
)
def test_every_page_leads_to_the_buying_helper_in_its_footer(client, prefix, label):
    page = client.get(f"{prefix}/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]

    assert f'href="{prefix}/buying/"' in footer
    assert label in footer
