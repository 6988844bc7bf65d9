"""The reports' cache (Section.figures in companies/reports.py): a report is computed once per
data version, language, filters and day, and changes at once after any write to what it counts,
whichever way the write comes; public viewers and regisseurs share the cached table, each seeing
what they may; without Redis a report is computed.

The world: three regular firms in Tongeren (3700, in the region Zuidoost-Limburg) working as
clients with a social enterprise there since 2016, and one firm in Leuven (3000).
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import collaboration_import, collaborations, reports
from companies.models import Collaboration
from portal.models import Region
from tests.companies.test_collaboration_import import HEADER
from tests.companies.test_reports import collaborate, figures, url
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    VoucherFactory,
    log_in_as,
    postcode,
)
from vouchers import lifecycle

DEAD_REDIS = "redis://127.0.0.1:1/0"
YEAR = {"from": "2016", "to": "2016"}


@pytest.fixture
def world(reference_data, db):
    social = SocialEnterpriseFactory(name="Maatwerk Tongeren", postcode=postcode("3700"))
    firms = [
        OrganisationFactory(name=f"Tongerse firma {n}", postcode=postcode("3700"))
        for n in (1, 2, 3)
    ]
    for firm in firms:
        collaborate(firm, social, started=date(2016, 1, 1))
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    return SimpleNamespace(
        social=social,
        firms=firms,
        leuven=OrganisationFactory(name="Leuvense firma", postcode=postcode("3000")),
        regisseur=regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
    )


def clients(client, **params):
    """The clients in Limburg in 2016, public figures unless the client is logged in."""
    return figures(client, "firms", **{**YEAR, **params})["2016:limburg"]["client"]


def computed(client, path, params=None):
    """Whether the request computed its table: it counted the collaborations."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return any('"companies_collaboration"' in query["sql"] for query in captured.captured_queries)


# --- Every kind of write counts at once -------------------------------------------------------


def test_a_collaboration_declared_and_confirmed_counts_at_once(client, world):
    assert clients(client) == 3
    firm = OrganisationFactory(name="Nieuwe firma", postcode=postcode("3700"))
    declarer = MembershipFactory(organisation=firm).user
    collaboration, _created = collaborations.declare(
        organisation=firm,
        other=world.social,
        role="client",
        category=None,
        started=date(2016, 5, 1),
        channel="directory",
        by=declarer,
    )
    assert clients(client) == 3  # declared, not yet confirmed by the enterprise
    confirmer = MembershipFactory(organisation=world.social).user
    collaborations.confirm(collaboration, organisation=world.social, by=confirmer)
    assert clients(client) == 4


def test_an_import_in_bulk_counts_at_once(client, world, tmp_path):
    assert clients(client) == 3
    social = world.social.enterprise_number
    lines = [
        f"{OrganisationFactory(postcode=postcode('3700')).enterprise_number};{social};client;;"
        f"2016-0{month}-01;;regie"
        for month in (2, 3)
    ]
    result = collaboration_import.import_collaborations("\n".join([HEADER, *lines]).encode())
    assert result.imported == 2
    assert clients(client) == 5


def test_a_queryset_update_counts_at_once(client, world):
    assert clients(client) == 3
    Collaboration.objects.filter(regular=world.firms[0]).update(confirmed_by_social_at=None)
    assert clients(client) == "x"


def test_a_delete_counts_at_once(client, world):
    log_in_as(client, world.administrator)
    assert clients(client) == 3
    Collaboration.objects.filter(regular=world.firms[0]).delete()
    assert clients(client) == 2


def test_an_organisation_moving_to_another_province_takes_its_figures_along(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "firms", **YEAR)
    assert (found["2016:limburg"]["client"], found["2016:vlaams-brabant"]["client"]) == (3, 0)
    moving = world.firms[0]
    moving.postcode = postcode("3000")
    moving.save()
    found = figures(client, "firms", **YEAR)
    assert (found["2016:limburg"]["client"], found["2016:vlaams-brabant"]["client"]) == (2, 1)


def test_a_region_gaining_a_municipality_counts_at_once(client, world):
    collaborate(world.leuven, world.social, started=date(2016, 3, 1))
    log_in_as(client, world.regisseur)
    params = {**YEAR, "region": "zuidoost-limburg"}
    assert "2016:vlaams-brabant" not in figures(client, "firms", **params)
    Region.objects.get(slug="zuidoost-limburg").municipalities.add(world.leuven.municipality)
    assert figures(client, "firms", **params)["2016:vlaams-brabant"]["client"] == 1


def test_a_voucher_step_counts_at_once(client, world):
    log_in_as(client, world.administrator)
    programme = ProgrammeFactory(slug="cheques", year=timezone.localdate().year)
    voucher = VoucherFactory(programme=programme)
    assert figures(client, "vouchers")["cheques"]["approved"] == 0
    lifecycle.approve(voucher, user=world.regisseur)
    assert figures(client, "vouchers")["cheques"]["approved"] == 1


# --- One computation, shared -------------------------------------------------------------------


def test_a_report_is_computed_once_until_the_data_change(client, world):
    assert computed(client, url("firms"))
    assert not computed(client, url("firms"))
    assert not computed(client, url("firms"), {"format": "csv"})
    # Other filters are another table.
    assert computed(client, url("firms"), YEAR)
    assert not computed(client, url("firms"), YEAR)
    OrganisationFactory()  # a write to a table the reports read, whatever it changes
    assert computed(client, url("firms"), YEAR)


@pytest.mark.parametrize("public_first", [True, False])
def test_public_viewers_and_a_regisseur_share_the_table_each_seeing_what_they_may(
    client, world, public_first
):
    params = {**YEAR, "region": "zuidoost-limburg"}
    Collaboration.objects.filter(regular=world.firms[2]).delete()  # two firms: small
    viewers = [None, world.regisseur] if public_first else [world.regisseur, None]
    for number, viewer in enumerate(viewers):
        if viewer is None:
            client.logout()
        else:
            log_in_as(client, viewer)
        assert computed(client, url("firms"), params) == (number == 0)
        found = figures(client, "firms", **params)["2016:limburg"]
        if viewer is None:
            assert (found["client"], found["any"]) == ("x", "x")
        else:
            assert (found["client"], found["any"]) == (2, 2)
    # And once more each, from the same cached table.
    client.logout()
    assert figures(client, "firms", **params)["2016:limburg"]["client"] == "x"
    log_in_as(client, world.regisseur)
    assert figures(client, "firms", **params)["2016:limburg"]["client"] == 2


def test_totals_hidden_in_public_are_whole_for_an_administrator_after_them(client, world):
    Collaboration.objects.filter(regular=world.firms[2]).delete()
    collaborate(world.leuven, world.social, started=date(2016, 3, 1))
    found = figures(client, "firms", **YEAR)
    # Limburg's 2 is hidden, and with it Leuven's 1: the total of 3 firms is shown.
    assert (found["2016:limburg"]["client"], found["2016:all"]["client"]) == ("x", 3)
    log_in_as(client, world.administrator)
    found = figures(client, "firms", **YEAR)
    assert (found["2016:limburg"]["client"], found["2016:all"]["client"]) == (2, 3)


def test_each_language_has_its_own_table(client, world):
    log_in_as(client, world.administrator)
    # Addresses written out: after a French page, reverse() would answer in French.
    dutch, french = "/reports/firms/", "/fr/reports/firms/"
    assert computed(client, dutch, YEAR)
    assert computed(client, french, YEAR)
    assert not computed(client, french, YEAR)
    assert not computed(client, dutch, YEAR)
    in_dutch = client.get(dutch, {**YEAR, "format": "json"}).json()
    in_french = client.get(french, {**YEAR, "format": "json"}).json()
    assert in_dutch["rows"][0]["labels"] == ["2016", "Antwerpen"]
    assert in_french["rows"][0]["labels"] == ["2016", "Anvers"]


def test_a_new_day_computes_the_table_again(client, world, monkeypatch):
    assert computed(client, url("vouchers"))
    assert not computed(client, url("vouchers"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    # "Redeemed over a year ago" counts from today.
    assert computed(client, url("vouchers"))


def test_the_cache_holds_the_figures_before_protection(world):
    section = reports.get("firms")
    filters = reports.Filters(year_from=2016, year_to=2016)
    Collaboration.objects.filter(regular=world.firms[2]).delete()
    protected = section.compute(filters, mode=reports.Mode.PUBLIC)
    assert protected.find("2016:limburg", "client")[0].cells["client"].shown == "x"
    again = section.figures(filters)
    assert again.find("2016:limburg", "client")[0].cells["client"].shown == 2


# --- Without Redis -------------------------------------------------------------------------------


def test_with_redis_down_a_report_is_computed_every_time(client, world, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.FailOpenRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    for _ in range(2):
        assert computed(client, url("firms"), YEAR)
    assert clients(client) == 3
    Collaboration.objects.filter(regular=world.firms[0]).delete()
    assert clients(client) == "x"
