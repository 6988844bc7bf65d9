"""/reports/vouchers/ (d): per programme, vouchers applied for, approved, redeemed and paid, and
whether the collaboration a voucher started still runs a year after its redemption.

The world: a programme of Zuidoost-Limburg with a voucher in every state, a smaller one of
Vlaams-Brabant and an old one of 2019; see `world`.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from companies.models import Collaboration
from portal.models import ServiceCategory
from tests.companies.test_reports import csv_table, figures, json_table, page_table, url
from tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    StaffFactory,
    VoucherFactory,
    log_in_as,
    postcode,
    region,
)
from vouchers.models import Voucher

COLUMNS = ("applied", "approved", "redeemed", "paid", "year_on", "going_on")


def ago(days):
    return timezone.now() - timedelta(days=days)


def firm(name):
    return OrganisationFactory(name=name, postcode=postcode("3700"), verified_at=timezone.now())


def working_together(voucher, *, ended_after_days=None, confirmed=True):
    """A collaboration of the voucher's two sides from its redemption, ending that many days
    later (or not at all)."""
    started = timezone.localdate(voucher.redeemed_at)
    now = timezone.now()
    return Collaboration.objects.create(
        regular=voucher.applicant,
        social=voucher.provider,
        role="client",
        started=started,
        ended=None if ended_after_days is None else started + timedelta(days=ended_after_days),
        channel="voucher",
        source="voucher",
        confirmed_by_regular_at=now,
        confirmed_by_social_at=now if confirmed else None,
    )


@pytest.fixture
def world(reference_data, db):
    this_year = timezone.localdate().year
    zol = ProgrammeFactory(name="Cheques Zuidoost-Limburg", slug="cheques-zol", year=this_year)
    brabant = ProgrammeFactory(
        name="Cheques Vlaams-Brabant",
        slug="cheques-vlaams-brabant",
        year=this_year,
        region=region("vlaams-brabant"),
    )
    old = ProgrammeFactory(name="Cheques 2019", slug="cheques-2019", year=2019)

    def voucher(programme, name, **fields):
        return VoucherFactory(programme=programme, applicant=firm(name), **fields)

    voucher(zol, "Firma ingediend")
    voucher(zol, "Firma afgewezen", status="rejected")
    voucher(zol, "Firma goedgekeurd", approved=True)
    # Redeemed two years ago; still working together.
    goes_on = voucher(zol, "Firma blijft", redeemed=True, redeemed_at=ago(730))
    working_together(goes_on)
    # Paid; redeemed two years ago, but they stopped after three months.
    stopped = voucher(zol, "Firma gestopt", paid=True, redeemed_at=ago(730))
    working_together(stopped, ended_after_days=90)
    # Paid, redeemed a month ago: too early to tell.
    recent = voucher(zol, "Firma recent", paid=True, redeemed_at=ago(30))
    working_together(recent)
    voucher(zol, "Firma ingetrokken", approved=True, status="withdrawn", amount=0)
    voucher(zol, "Firma verlopen", approved=True, status="expired", amount=0)
    # Redeemed two years ago; their collaboration was never confirmed by the enterprise.
    unconfirmed = voucher(zol, "Firma onbevestigd", redeemed=True, redeemed_at=ago(730))
    working_together(unconfirmed, confirmed=False)
    voucher(brabant, "Leuvense firma 1", approved=True)
    voucher(brabant, "Leuvense firma 2")
    voucher(old, "Oude firma", paid=True, redeemed_at=ago(2000))
    regisseur = StaffFactory(name="Rita Regisseur")
    region().regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    region("vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        this_year=this_year,
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
    )


def test_every_programme_in_full_for_an_administrator(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "vouchers")
    assert found == {
        "cheques-vlaams-brabant": dict(zip(COLUMNS, (2, 1, 0, 0, 0, 0), strict=True)),
        "cheques-zol": dict(zip(COLUMNS, (9, 7, 4, 2, 3, 1), strict=True)),
        "cheques-2019": dict(zip(COLUMNS, (1, 1, 1, 1, 1, 0), strict=True)),
        "all": dict(zip(COLUMNS, (12, 9, 5, 3, 4, 1), strict=True)),
    }


def test_a_collaboration_ending_on_the_day_a_year_after_redemption_still_counts(client, world):
    log_in_as(client, world.administrator)
    programme = ProgrammeFactory(name="Grens", slug="grens", year=world.this_year)
    on_the_day = VoucherFactory(programme=programme, redeemed=True, redeemed_at=ago(400))
    working_together(on_the_day, ended_after_days=365)
    a_day_short = VoucherFactory(programme=programme, redeemed=True, redeemed_at=ago(400))
    working_together(a_day_short, ended_after_days=364)
    assert figures(client, "vouchers")["grens"]["going_on"] == 1


def test_public_figures_hide_what_fewer_than_3_applicants_did(client, world):
    # The counts of a public programme are public; whether the pair still works together a
    # year later comes from the register, and rests on fewer than 3 applicants here.
    found = figures(client, "vouchers")
    assert found["cheques-zol"] == dict(zip(COLUMNS, (9, 7, 4, 2, 3, "x"), strict=True))
    assert found["cheques-vlaams-brabant"] == dict(zip(COLUMNS, (2, 1, 0, 0, 0, 0), strict=True))
    assert found["cheques-2019"] == dict(zip(COLUMNS, (1, 1, 1, 1, 1, 0), strict=True))
    assert found["all"] == dict(zip(COLUMNS, (12, 9, 5, 3, 4, "x"), strict=True))


def test_the_year_region_and_category_filters(client, world):
    log_in_as(client, world.administrator)
    assert list(figures(client, "vouchers", **{"from": "2020"})) == [
        "cheques-vlaams-brabant",
        "cheques-zol",
        "all",
    ]
    assert list(figures(client, "vouchers", region="vlaams-brabant")) == ["cheques-vlaams-brabant"]
    assert figures(client, "vouchers", category="catering")["cheques-zol"]["applied"] == 0
    first = ServiceCategory.objects.order_by("position").first()
    assert figures(client, "vouchers", category=first.slug)["cheques-zol"]["applied"] == 9


def test_a_regisseur_sees_their_regions_programmes_in_full_and_the_applicants(client, world):
    log_in_as(client, world.regisseur)
    found = figures(client, "vouchers", region="zuidoost-limburg")
    assert found["cheques-zol"]["paid"] == 2
    assert found["all"]["applied"] == 10
    response = client.get(
        url("vouchers"), {"region": "zuidoost-limburg", "row": "cheques-zol", "column": "paid"}
    )
    assert [o.name for o in response.context["behind"].organisations] == [
        "Firma gestopt",
        "Firma recent",
    ]


def test_a_regisseur_of_another_region_sees_public_figures_there(client, world):
    log_in_as(client, world.other_regisseur)
    params = {"region": "zuidoost-limburg", "row": "cheques-zol", "column": "paid"}
    response = client.get(url("vouchers"), params)
    assert response.context["behind"] is None
    found = figures(client, "vouchers", region="zuidoost-limburg")["cheques-zol"]
    assert found["paid"] == 2 and found["going_on"] == "x"
    # In their own region they see everything.
    assert (
        figures(client, "vouchers", region="vlaams-brabant")["cheques-vlaams-brabant"]["applied"]
        == 2
    )


@pytest.mark.parametrize("who", ["anonymous", "regisseur", "administrator"])
def test_the_exports_say_exactly_what_the_page_says(client, world, who):
    params = {}
    if who != "anonymous":
        log_in_as(client, getattr(world, who))
    if who == "regisseur":
        params["region"] = "zuidoost-limburg"
    page = page_table(client.get(url("vouchers"), params))
    assert len(page) > 2
    assert csv_table(client.get(url("vouchers"), {**params, "format": "csv"})) == page
    assert json_table(client.get(url("vouchers"), {**params, "format": "json"})) == page


def test_the_voucher_report_knows_no_province(client, world):
    response = client.get(url("vouchers"), {"province": "limburg"})
    assert "province" not in response.context["form"].fields


# The form's choices (region, category) and the data version; unless the table is cached for
# that version, the programmes, one grouped query over the vouchers, and one over the vouchers
# per programme and applicant of the confidential column (the largest share, the distinct
# applicants of the total); and the programmes' first and last year (the form's default range).
PAGE = 2 + 1
BUILD = 1 + 1 + 1 + 1


def test_a_fixed_number_of_queries_whatever_the_data(client, world, django_assert_num_queries):
    with django_assert_num_queries(PAGE + BUILD):
        assert client.get(url("vouchers")).status_code == 200
    for n in range(20):
        programme = ProgrammeFactory(year=2015 + n % 8)
        redeemed = VoucherFactory(programme=programme, redeemed=True, redeemed_at=ago(500 + n))
        working_together(redeemed)
        VoucherFactory(programme=programme)
    # An applicant with vouchers in several programmes.
    held_in_two(5)
    with django_assert_num_queries(PAGE + BUILD):
        assert client.get(url("vouchers")).status_code == 200
    with django_assert_num_queries(PAGE):
        assert client.get(url("vouchers")).status_code == 200


# --- The dominance rule: the last column counts vouchers, a sum over applicants -----------------


def held(programme, applicant, provider, count):
    """`count` vouchers of the programme, redeemed two years ago, whose applicant and provider
    still work together."""
    for _n in range(count):
        VoucherFactory(
            programme=programme,
            applicant=applicant,
            provider=provider,
            redeemed=True,
            redeemed_at=ago(730),
        )
    if not Collaboration.objects.filter(regular=applicant, social=provider).exists():
        working_together(Voucher.objects.filter(applicant=applicant, provider=provider).first())


def held_in_two(count):
    """Two programmes of 2017 and 2018 where one applicant holds `count` of the vouchers still
    working together a year later, and two others one each."""
    provider = firm("Sociale aanbieder")
    big, small, smaller = firm("Grote firma"), firm("Kleine firma"), firm("Kleinste firma")
    for year in (2017, 2018):
        programme = ProgrammeFactory(name=f"Cheques {year}", slug=f"cheques-{year}", year=year)
        held(programme, big, provider, count)
        held(programme, small, provider, 1)
        held(programme, smaller, provider, 1)


def test_a_programme_one_applicant_makes_up_almost_entirely_is_hidden_in_public(client, world):
    # 12 of 14 is more than 85%: the figure tells what the big applicant did. Three applicants,
    # so the threshold alone would show it.
    held_in_two(12)
    found = figures(client, "vouchers")
    assert found["cheques-2017"]["year_on"] == 14  # public: the programme's own counts
    assert found["cheques-2017"]["going_on"] == "x"
    assert found["cheques-2018"]["going_on"] == "x"
    log_in_as(client, world.administrator)
    found = figures(client, "vouchers")
    assert found["cheques-2017"]["going_on"] == 14
    assert found["all"]["going_on"] == 1 + 14 + 14


def test_a_programme_one_applicant_holds_most_of_but_not_almost_all_is_shown(client, world):
    held_in_two(11)  # 11 of 13, less than 85%
    found = figures(client, "vouchers", **{"from": "2017", "to": "2018"})
    assert found["cheques-2017"]["going_on"] == 13
    assert found["cheques-2018"]["going_on"] == 13
    assert found["all"]["going_on"] == 26


def test_the_total_weighs_what_one_applicant_holds_over_all_programmes(client, world):
    # Each programme is dominated (12 of 14) and hidden; the total of 28 over three applicants
    # would give nothing away if the big applicant's share were 12 (a programme's largest), but
    # it is 24 of 28, theirs over both programmes.
    held_in_two(12)
    found = figures(client, "vouchers", **{"from": "2017", "to": "2018"})
    assert [row["going_on"] for row in found.values()] == ["x", "x", "x"]
    log_in_as(client, world.administrator)
    found = figures(client, "vouchers", **{"from": "2017", "to": "2018"})
    assert [row["going_on"] for row in found.values()] == [14, 14, 28]
