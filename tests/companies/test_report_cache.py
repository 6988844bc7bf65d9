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
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import worker
from companies import collaboration_import, collaborations, reports
from companies.models import Collaboration
from companies.tasks import refresh_reports
from portal.models import Region
from tests.companies.test_collaboration_import import HEADER
from tests.companies.test_reports import collaborate, figures, url
from tests.conftest import broker_down
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
from tests.portal.test_notifications import eventually
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


# --- With a worker: figures after a change (reports.kept) --------------------------------------


@pytest.fixture
def worker_queue():
    """Tasks go to a broker queue of this test's own, as to a worker that is not running; the
    test takes them from it (`asked`) and runs them as the worker would (`run`)."""
    with worker.queued() as queue:
        yield queue


asked = worker.take


def cells(found):
    return {row["key"]: row["cells"] for row in found["rows"]}


def run(tasks):
    assert {name for name, _args in tasks} <= {"companies.tasks.refresh_report"}
    worker.run(tasks)


def test_with_a_worker_the_first_request_after_a_change_gets_the_figures_of_before(
    client, world, worker_queue
):
    assert computed(client, url("firms"), YEAR)  # never computed: in the request
    assert asked(worker_queue) == []
    Collaboration.objects.filter(regular=world.firms[0]).delete()

    # Served the last computation, without computing, saying of when; the worker is asked once.
    assert not computed(client, url("firms"), YEAR)
    page = client.get(url("firms"), YEAR).content.decode()
    assert "Dit zijn de cijfers van" in page
    found = client.get(url("firms"), {**YEAR, "format": "json"}).json()
    assert found["as_of"] is not None
    assert cells(found)["2016:limburg"]["client"] == 3  # as before the change
    tasks = asked(worker_queue)
    # Once for the table (the public one and the whole one share the task), once for the
    # form's default years.
    assert sorted((args for _name, args in tasks), key=str) == [
        ["firms", YEAR, "nl"],
        ["firms", {}, "nl"],
    ]

    run(tasks)
    assert not computed(client, url("firms"), YEAR)
    found = client.get(url("firms"), {**YEAR, "format": "json"}).json()
    assert found["as_of"] is None
    assert cells(found)["2016:limburg"]["client"] == "x"  # two firms left: hidden
    assert "Dit zijn de cijfers van" not in client.get(url("firms"), YEAR).content.decode()


def test_figures_older_than_the_limit_are_computed_in_the_request(
    client, world, worker_queue, settings
):
    settings.REPORTS_STALE_SECONDS = 60
    assert clients(client) == 3
    # The last computation was current two minutes ago (the worker has not confirmed it since).
    key = reports.get("firms").cache_key(reports.Filters(year_from=2016, year_to=2016))
    for suffix in ("", ":public"):
        version, _at = cache.get(f"{key}{suffix}:confirmed")
        two_minutes_ago = timezone.now() - timedelta(minutes=2)
        cache.set(f"{key}{suffix}:confirmed", (version, two_minutes_ago))
    Collaboration.objects.filter(regular=world.firms[0]).delete()
    assert clients(client) == "x"
    # The worker is not asked for this table (perhaps for the form's default years, which
    # were confirmed more recently).
    assert ["firms", YEAR, "nl"] not in [args for _name, args in asked(worker_queue)]


def test_the_beat_computes_the_default_reports_in_every_language(client, world, worker_queue):
    OrganisationFactory()  # a change after the world was made
    refresh_reports()
    for prefix in ("", "/fr", "/en"):
        for slug in [section.slug for section in reports.sections()]:
            assert not computed(client, f"{prefix}/reports/{slug}/"), (prefix, slug)
        assert not computed(client, f"{prefix}/reports/"), prefix
    assert asked(worker_queue) == []
    # Run again without a change: everything is confirmed as current, nothing computed.
    with CaptureQueriesContext(connection) as captured:
        refresh_reports()
    assert not any('"companies_collaboration"' in q["sql"] for q in captured.captured_queries)


def test_the_four_questions_after_a_change_say_of_when_and_are_asked_once(
    client, world, worker_queue
):
    refresh_reports()
    Collaboration.objects.filter(regular=world.firms[0]).delete()
    assert not computed(client, "/reports/")
    assert "Dit zijn de cijfers van" in client.get("/reports/").content.decode()
    tasks = asked(worker_queue)
    # The form's default years ask for their own choice; the coverage and the four answers'
    # reports ask once for the page, whose task computes them all.
    choice = {"from": "2016", "to": str(timezone.localdate().year)}
    assert sorted((tuple(args[:2]) for _name, args in tasks), key=str) == sorted(
        [("firms", {}), ("four-questions", choice)], key=str
    )
    run(tasks)
    assert not computed(client, "/reports/")
    assert "Dit zijn de cijfers van" not in client.get("/reports/").content.decode()


def test_while_the_worker_computes_nothing_is_served_from_before(world, worker_queue):
    section = reports.get("firms")
    filters = reports.Filters(year_from=2016, year_to=2016)
    section.compute(filters, mode=reports.Mode.PUBLIC)
    Collaboration.objects.filter(regular=world.firms[0]).delete()
    assert section.figures(filters).as_of is not None  # a request would get the figures of before
    with reports.refreshing() as version:
        table = section.figures(filters, version)
    assert table.as_of is None
    assert table.find("2016:limburg", "client")[0].cells["client"].value == 2
    # Only the request-like call asked the worker.
    assert len(asked(worker_queue)) == 1


def test_with_the_broker_down_the_figures_of_before_are_served_and_the_page_works(
    client, world, worker_queue
):
    assert clients(client) == 3
    Collaboration.objects.filter(regular=world.firms[0]).delete()
    with broker_down():
        response = client.get(url("firms"), YEAR)
    assert response.status_code == 200
    assert "Dit zijn de cijfers van" in response.content.decode()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_the_report_after_a_change(
    client, celery_worker, transactional_reference_data
):
    social = SocialEnterpriseFactory(name="Maatwerk Tongeren", postcode=postcode("3700"))
    firms = [OrganisationFactory(postcode=postcode("3700")) for _ in range(4)]
    for firm in firms:
        collaborate(firm, social, started=date(2016, 1, 1))
    assert clients(client) == 4
    Collaboration.objects.filter(regular=firms[0]).delete()
    assert clients(client) == 4  # the figures of before, while the worker computes
    assert eventually(lambda: clients(client) == 3, timeout=30)


def test_the_four_questions_as_rendered_are_kept_while_their_figures_are(
    client, world, worker_queue
):
    """The answers as rendered are kept under the versions their figures were computed at: the
    figures of before, served after a change, are served as rendered before."""
    refresh_reports()
    before = client.get("/reports/").context["rendering_key"]
    Collaboration.objects.filter(regular=world.firms[0]).delete()
    assert client.get("/reports/").context["rendering_key"] == before
    assert client.get("/fr/reports/").context["rendering_key"] != before  # another language
    run(asked(worker_queue))
    after = client.get("/reports/")
    assert after.context["rendering_key"] != before
    assert "Dit zijn de cijfers van" not in after.content.decode()
