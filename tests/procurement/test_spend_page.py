"""A buyer's spend page (procurement/spend.py, spend_views.py): the figures, who sees them, the
CSV, the upload form's refusals, and a fixed number of queries."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from companies.models import Recognition
from procurement import spend
from procurement.models import SpendYear
from procurement.spend_import import import_spend
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    enterprise_number,
    log_in_as,
    postcode,
    region,
)

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1
HEADER = "supplier_enterprise_number;amount;category;description"


def csv_file(*lines):
    return ("\n".join([HEADER, *lines]) + "\n").encode()


@pytest.fixture
def world(reference_data):
    buyer = OrganisationFactory(kind="public", name="Stad Testdorp", postcode=postcode("3700"))
    maatwerk = SocialEnterpriseFactory(name="Maatwerk Eén", postcode=postcode("3500"))
    maatwerk.recognitions.set([Recognition.objects.get(slug="maatwerkbedrijf")])
    kringwinkel = SocialEnterpriseFactory(name="Kringwinkel Twee", postcode=postcode("9000"))
    firm = OrganisationFactory(name="Gewone Firma")
    unlisted = enterprise_number(900)
    import_spend(
        csv_file(
            f"{maatwerk.enterprise_number};1.000,00;groenonderhoud;",
            f"{maatwerk.enterprise_number};500,00;;",
            f"{kringwinkel.enterprise_number};250;;",
            f"{firm.enterprise_number};2.000;;",
            f"{unlisted};1.250;;",
        ),
        buyer=buyer,
        year=LAST_YEAR,
    )
    import_spend(
        csv_file(f"{maatwerk.enterprise_number};400;;", f"{unlisted};600;;"),
        buyer=buyer,
        year=LAST_YEAR - 1,
    )
    member = OwnerFactory(organisation=buyer).user
    return {
        "buyer": buyer,
        "member": member,
        "maatwerk": maatwerk,
        "kringwinkel": kringwinkel,
        "unlisted": unlisted,
        "other_member": MembershipFactory(organisation=OrganisationFactory()).user,
        "supplier_member": MembershipFactory(organisation=maatwerk).user,
    }


def test_the_figures_of_a_buyer(world):
    found = spend.figures(world["buyer"])
    assert found.year_numbers == [LAST_YEAR, LAST_YEAR - 1]
    year = found.year(LAST_YEAR)
    assert year.total == Decimal("5000.00")
    assert year.social == Decimal("1750.00")
    assert year.social_share == Decimal("35.0")
    assert year.other_listed == Decimal("2000.00")
    assert year.unmatched == Decimal("1250.00") and year.unmatched_share == Decimal("25.0")
    assert found.year(LAST_YEAR - 1).social_share == Decimal("40.0")
    recognitions = {part.key: part.amounts for part in found.recognitions}
    assert recognitions == {
        "maatwerkbedrijf": {LAST_YEAR: Decimal("1500.00"), LAST_YEAR - 1: Decimal("400.00")},
        "none": {LAST_YEAR: Decimal("250.00")},
    }
    categories = {part.key: part.amounts for part in found.categories}
    assert categories["groenonderhoud"] == {LAST_YEAR: Decimal("1000.00")}
    assert categories["none"][LAST_YEAR] == Decimal("750.00")
    provinces = {part.key: part.amounts.get(LAST_YEAR) for part in found.provinces}
    assert provinces == {"limburg": Decimal("1500.00"), "oost-vlaanderen": Decimal("250.00")}
    ((supplier, amount, lines, share),) = found.unmatched(LAST_YEAR)
    assert (supplier.number, amount, lines, share) == (
        world["unlisted"],
        Decimal("1250.00"),
        1,
        Decimal("25.0"),
    )


def test_a_supplier_listed_after_the_upload_counts_from_then_on(world):
    SocialEnterpriseFactory(enterprise_number=world["unlisted"])
    year = spend.figures(world["buyer"]).year(LAST_YEAR)
    assert year.social == Decimal("3000.00") and year.unmatched == 0


def url(world, name="procurement:spend", **kwargs):
    return reverse(name, kwargs={"slug": world["buyer"].slug, **kwargs})


def test_a_member_sees_the_amounts(client, world):
    client.force_login(world["member"])
    with translation.override("en"):
        response = client.get(url(world) + f"?year={LAST_YEAR}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "€ 1,750.00 (35.0%)" in text
    with translation.override("en"):
        recognition = Recognition.objects.get(slug="maatwerkbedrijf").name
    assert recognition in text  # the recognition's row
    assert world["unlisted"][:4] in text  # the unmatched number, as the KBO writes it


@pytest.mark.parametrize("who", ["other_member", "supplier_member", "regisseur", "staff"])
def test_nobody_else_sees_the_amounts(client, world, who):
    if who == "regisseur":
        user = StaffFactory()
        region().regisseurs.add(user)
    elif who == "staff":
        user = StaffFactory()
    else:
        user = world[who]
    log_in_as(client, user)
    for name in ("procurement:spend", "procurement:spend_upload"):
        assert client.get(url(world, name)).status_code == 404
    assert client.get(url(world) + "?format=csv").status_code == 404
    assert client.post(url(world, "procurement:spend_remove", year=LAST_YEAR)).status_code == 404
    assert SpendYear.objects.filter(buyer=world["buyer"]).count() == 2


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(url(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_administrator_reads_with_the_second_factor(client, world):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    assert client.get(url(world)).status_code == 302  # to the second factor first
    log_in_as(client, admin)
    response = client.get(url(world))
    assert response.status_code == 200
    assert b'action="' + url(world, "procurement:spend_remove", year=LAST_YEAR).encode() not in (
        response.content
    )
    assert client.get(url(world, "procurement:spend_upload")).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world["member"])
    client.get(url(world))  # sessions and the like, once
    # Session, user, membership; the years, three reference lists, the suppliers on the
    # portal and their recognitions, the lines summed per year, supplier and category.
    with django_assert_num_queries(10):
        client.get(url(world))
    more = [f"{enterprise_number(1000 + n)};{n},50;;" for n in range(200)]
    import_spend(csv_file(*more), buyer=world["buyer"], year=LAST_YEAR - 2)
    with django_assert_num_queries(10):
        assert client.get(url(world)).status_code == 200


def test_the_csv_lists_the_suppliers_of_the_year(client, world):
    client.force_login(world["member"])
    response = client.get(url(world) + f"?year={LAST_YEAR}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 5  # the header; a line per supplier and category
    assert any("Maatwerk Eén" in line and '"1000,00"' in line for line in lines)
    assert any(world["unlisted"][:4] in line and '"1250,00"' in line for line in lines)


def test_uploading_through_the_page(client, world):
    client.force_login(world["member"])
    data = csv_file(f"{world['maatwerk'].enterprise_number};99;;")
    upload = SimpleUploadedFile("aankopen.csv", data, content_type="text/csv")
    response = client.post(
        url(world, "procurement:spend_upload"), {"year": LAST_YEAR, "file": upload}
    )
    assert response.status_code == 302
    assert spend.figures(world["buyer"]).year(LAST_YEAR).total == Decimal("99.00")


@pytest.mark.parametrize(
    ("year", "data", "shown"),
    [
        (str(LAST_YEAR + 2), b"x", "future"),
        ("twee", b"x", "Enter a year"),
        (str(LAST_YEAR), b"", "empty"),
        (str(LAST_YEAR), b"supplier;amount\n1;2\n", "lacks the column"),
        (str(LAST_YEAR), csv_file("0403170701;-3;;", "0403170702;3;;"), "line 2"),
    ],
)
def test_the_upload_form_says_what_is_wrong_and_imports_nothing(client, world, year, data, shown):
    client.force_login(world["member"])
    before = list(SpendYear.objects.values_list("pk", flat=True))
    with translation.override("en"):
        response = client.post(
            url(world, "procurement:spend_upload"),
            {"year": year, "file": SimpleUploadedFile("f.csv", data)},
        )
    assert response.status_code == 200
    assert shown in response.content.decode()
    assert list(SpendYear.objects.values_list("pk", flat=True)) == before


def test_a_member_removes_a_year(client, world):
    client.force_login(world["member"])
    response = client.post(url(world, "procurement:spend_remove", year=LAST_YEAR - 1))
    assert response.status_code == 302
    assert list(SpendYear.objects.values_list("year", flat=True)) == [LAST_YEAR]
