"""Report (j), the social spend of buyers per province and year (procurement/reports.py):
counts of buyers as they are, their amounts only where three buyers stand behind them and none
dominates, and no more for a regisseur of the region."""

import pytest
from django.utils import timezone

from companies import reports
from procurement.spend_import import import_spend
from tests.factories import (
    OrganisationFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    log_in_as,
    postcode,
)
from tests.factories import region as a_region

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def upload(buyer, social, amount, other=1000):
    data = (
        "supplier_enterprise_number;amount\n"
        f"{social.enterprise_number};{amount}\n"
        f"0403170701;{other}\n"
    ).encode()
    import_spend(data, buyer=buyer, year=LAST_YEAR)


def limburg_row(table):
    return next(row for row in table.rows if row.key == f"{LAST_YEAR}:limburg")


@pytest.fixture
def social(reference_data):
    return SocialEnterpriseFactory()


def test_two_buyers_show_their_count_but_not_their_amounts(social):
    for _ in range(2):
        upload(OrganisationFactory(kind="public", postcode=postcode("3700")), social, 500)
    section = reports.get("social-spend")
    table = section.compute(reports.Filters(LAST_YEAR, LAST_YEAR), mode=reports.Mode.PUBLIC)
    row = limburg_row(table)
    assert row.cells["buyers"].shown == 2
    assert row.cells["social"].shown == reports.HIDDEN
    assert row.cells["total"].shown == reports.HIDDEN


def test_three_buyers_show_their_totals_unless_one_dominates(social):
    buyers = [OrganisationFactory(kind="school", postcode=postcode("3500")) for _ in range(3)]
    for buyer in buyers:
        upload(buyer, social, 500)
    section = reports.get("social-spend")
    filters = reports.Filters(LAST_YEAR, LAST_YEAR)
    row = limburg_row(section.compute(filters, mode=reports.Mode.PUBLIC))
    assert (row.cells["buyers"].shown, row.cells["social"].shown) == (3, 1500)
    assert row.cells["total"].shown == 4500
    # One buyer spends far more with social enterprises: its share would show through.
    upload(buyers[0], social, 100000)
    row = limburg_row(section.compute(filters, mode=reports.Mode.PUBLIC))
    assert row.cells["social"].shown == reports.HIDDEN


def test_a_regisseur_of_the_region_sees_the_public_figures(client, social):
    buyers = [OrganisationFactory(kind="public", postcode=postcode("3700")) for _ in range(2)]
    for buyer in buyers:
        upload(buyer, social, 500)
    regisseur = StaffFactory()
    region = a_region()
    region.regisseurs.add(regisseur)
    filters = reports.Filters(LAST_YEAR, LAST_YEAR, region=region)
    section = reports.get("social-spend")
    assert reports.mode_for(regisseur, filters) == reports.Mode.REGIONAL
    assert section.viewer_mode(regisseur, filters) == reports.Mode.PUBLIC
    table = section.compute(filters, mode=reports.Mode.REGIONAL)
    assert limburg_row(table).cells["social"].shown == reports.HIDDEN
    log_in_as(client, regisseur)
    query = f"from={LAST_YEAR}&to={LAST_YEAR}&region={region.slug}"
    response = client.get(f"/reports/social-spend/?{query}&row={LAST_YEAR}:limburg&column=social")
    assert response.status_code == 200
    assert response.context["mode"] == reports.Mode.PUBLIC
    assert response.context["behind"] is None and not response.context["own_regions"]
    assert buyers[0].name not in response.content.decode()


def test_an_administrator_sees_the_amounts_and_the_buyers_behind_them(client, social):
    buyers = [OrganisationFactory(kind="public", postcode=postcode("3700")) for _ in range(2)]
    for buyer in buyers:
        upload(buyer, social, 500)
    other = OrganisationFactory(kind="public", postcode=postcode("3700"))
    import_spend(b"supplier_enterprise_number;amount\n0403170701;10\n", buyer=other, year=LAST_YEAR)
    log_in_as(client, StaffFactory(is_superuser=True))
    url = f"/reports/social-spend/?from={LAST_YEAR}&to={LAST_YEAR}"
    response = client.get(f"{url}&row={LAST_YEAR}:limburg&column=social")
    assert response.context["mode"] == reports.Mode.FULL
    row = limburg_row(response.context["table"])
    assert (row.cells["buyers"].shown, row.cells["social"].shown) == (3, 1000)
    assert set(response.context["behind"].organisations) == set(buyers)


def test_the_report_page_answers(client, social):
    upload(OrganisationFactory(kind="public", postcode=postcode("3700")), social, 500)
    response = client.get("/reports/social-spend/")
    assert response.status_code == 200
    assert client.get("/reports/social-spend/?format=csv").status_code == 200
