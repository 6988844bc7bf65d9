"""The data version (portal/datachanges.py): the database moves it on every write to a table a
report reads, whichever way the write comes; it never goes back, not even when a long
transaction commits after a short one; the prune (every 15 minutes) keeps one row and the
version."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies import reports
from companies.models import Collaboration, CollaborationRating, Recognition
from events.models import Deal, Meeting
from portal import datachanges, tasks
from portal.models import DataChange, Province, Region, Sector, ServiceCategory
from procurement.models import SpendLine, SpendYear
from tests.factories import (
    CandidateFactory,
    EventFactory,
    OfferedServiceFactory,
    OfferFactory,
    OrganisationFactory,
    RegistrationFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    UserFactory,
    VacancyFactory,
    VoucherFactory,
)
from vacancies.models import Placement

EVENTS = {"INSERT", "UPDATE", "DELETE"}


def triggered_events():
    """{table: {event, ...}} of the data-change triggers, as the database lists them."""
    found = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgtype FROM pg_trigger"
                " WHERE tgname = tgrelid::regclass::text || '_data_change'"
            )
            for table, kind in cursor.fetchall():
                # pg_trigger.tgtype: 1 row-level, 4 insert, 8 delete, 16 update, 32 truncate.
                assert not kind & 1, f"{table}: a row trigger, where one per statement is meant"
                found[table] = {
                    event
                    for bit, event in (
                        (4, "INSERT"),
                        (8, "DELETE"),
                        (16, "UPDATE"),
                        (32, "TRUNCATE"),
                    )
                    if kind & bit
                }
        else:
            cursor.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'")
            for table, name, sql in cursor.fetchall():
                if name.startswith(f"{table}_data_change_"):
                    event = re.search(r"AFTER (\w+) ON", sql).group(1)
                    found.setdefault(table, set()).add(event)
    return found


def tables_read(queries):
    return {
        table for query in queries for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }


def test_every_table_a_report_reads_has_triggers_for_every_kind_of_write(reference_data, db):
    filter_sets = [
        reports.Filters(),
        reports.Filters(
            province=Province.objects.get(slug="limburg"),
            region=Region.objects.get(slug="zuidoost-limburg"),
            category=ServiceCategory.objects.get(slug="groenonderhoud"),
        ),
    ]
    with CaptureQueriesContext(connection) as captured:
        for section in reports.sections():
            for filters in filter_sets:
                section.build(filters)
    read = tables_read(captured.captured_queries)
    # The parse finds the tables of every app's reports.
    assert {"companies_collaboration", "vacancies_placement", "vouchers_voucher"} <= read
    events = triggered_events()
    for table in sorted(read):
        expected = EVENTS | ({"TRUNCATE"} if connection.vendor == "postgresql" else set())
        assert events.get(table) == expected, table
    # Nothing is tracked that no report and no browsed list reads (each such trigger would only
    # cost writes).
    assert set(events) == read | browsed_tables(Client())


def browsed_tables(client):
    """The tables of the statements that count the lists' browses, every facet chosen (what
    portal/facets.py keeps in the cache by the data version)."""
    with CaptureQueriesContext(connection) as captured:
        for url, params in [
            (
                "/organisations/",
                {
                    "kind": "social",
                    "service": "groenonderhoud",
                    "recognition": "maatwerkbedrijf",
                    "sector": "A",
                    "province": "limburg",
                    "region": "zuidoost-limburg",
                    # procurement's checkbox (reads procurement_eligibility)
                    "reserved": "1",
                },
            ),
            (
                "/vacancies/",
                {
                    "doorstroom": "1",
                    "sector": "A",
                    "contract_type": "permanent",
                    "province": "limburg",
                    "region": "zuidoost-limburg",
                },
            ),
            (
                "/requests/",
                {"service": "groenonderhoud", "province": "limburg", "region": "zuidoost-limburg"},
            ),
        ]:
            assert client.get(url, params).status_code == 200
    statements = [query for query in captured.captured_queries if "UNION ALL" in query["sql"]]
    assert len(statements) == 3
    return tables_read(statements)


def test_every_table_a_browsed_list_counts_has_triggers_for_every_kind_of_write(
    reference_data, db, client
):
    read = browsed_tables(client)
    assert {"companies_organisation_recognitions", "vacancies_vacancy", "portal_region"} <= read
    events = triggered_events()
    expected = EVENTS | ({"TRUNCATE"} if connection.vendor == "postgresql" else set())
    for table in sorted(read):
        assert events.get(table) == expected, table


@pytest.fixture
def a_row_in_every_tracked_table(reference_data, db):
    """At least one row in each table the reports read (SQLite's triggers fire per row)."""
    social = SocialEnterpriseFactory()
    regular = OrganisationFactory()
    OfferedServiceFactory(organisation=social)
    social.recognitions.add(Recognition.objects.first())
    social.sectors.add(Sector.objects.first())
    collaboration = Collaboration.objects.create(
        regular=regular, social=social, role="client", started=date(2020, 1, 1), channel="other"
    )
    CollaborationRating.objects.create(
        collaboration=collaboration, side="regular", period="at_end", score=4, would_work_again=True
    )
    candidate = CandidateFactory(vacancy=VacancyFactory(organisation=regular), enterprise=social)
    Placement.objects.create(
        response=candidate,
        vacancy=candidate.vacancy,
        employer=regular,
        enterprise=social,
        placed_on=date(2020, 2, 1),
    )
    OfferFactory(service_request=ServiceRequestFactory(organisation=regular), enterprise=social)
    VoucherFactory()
    event = EventFactory()
    one, other = RegistrationFactory(event=event), RegistrationFactory(event=event)
    meeting = Meeting.objects.create(
        event=event, requester=one, invitee=other, starts_at=event.slots()[0], table=1
    )
    Deal.objects.create(
        event=event,
        meeting=meeting,
        collaboration=collaboration,
        regular=regular,
        social=social,
        what="Groenonderhoud",
        role="client",
        expected_start=date(2020, 1, 1),
    )
    # A buyer's spend (procurement, issue 23 item 5).
    spend_year = SpendYear.objects.create(buyer=regular, year=2020, uploaded_at=timezone.now())
    SpendLine.objects.create(
        spend_year=spend_year, line_number=2, supplier_number="0403170701", amount=10
    )


def test_a_write_to_any_tracked_table_moves_the_version(a_row_in_every_tracked_table):
    quote = connection.ops.quote_name
    for table in sorted(triggered_events()):
        before = datachanges.version()
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(table)} SET id = id")  # noqa: S608
        assert datachanges.version() != before, table


def test_inserts_updates_and_deletes_each_move_the_version(reference_data, db):
    seen = {datachanges.version()}
    category = ServiceCategory.objects.create(name_nl="Proef", name_fr="Essai", slug="proef")
    seen.add(datachanges.version())
    ServiceCategory.objects.filter(pk=category.pk).update(position=F("position") + 1)
    seen.add(datachanges.version())
    category.delete()
    seen.add(datachanges.version())
    assert len(seen) == 4


def test_reading_does_not_move_the_version(reference_data, db, client):
    before = datachanges.version()
    assert client.get("/reports/firms/").status_code == 200
    list(Province.objects.all())
    assert datachanges.version() == before


def test_writes_to_other_tables_do_not_move_the_version(reference_data, db):
    before = datachanges.version()
    UserFactory()
    assert datachanges.version() == before


@pytest.mark.postgres
def test_truncate_moves_the_version(reference_data, db):
    before = datachanges.version()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE vacancies_placement")
    assert datachanges.version() != before


@pytest.mark.postgres
def test_a_statement_writing_many_rows_adds_one_row_to_the_log(reference_data, db):
    rows = DataChange.objects.count()
    Province.objects.update(name_nl=F("name_nl"))
    assert DataChange.objects.count() == rows + 1


def test_the_prune_keeps_the_newest_row_and_the_version(reference_data, db):
    for name in ("een", "twee", "drie"):
        ServiceCategory.objects.create(name_nl=name, name_fr=name, slug=name)
    newest = DataChange.objects.latest("pk")
    before = datachanges.version()

    datachanges.prune()

    assert list(DataChange.objects.values_list("pk", flat=True)) == [newest.pk]
    assert datachanges.version() == before
    # Pruning again changes nothing; the next write moves the version on from there.
    assert datachanges.prune() == 0
    assert datachanges.version() == before
    ServiceCategory.objects.filter(slug="een").delete()
    after = datachanges.version()
    assert after != before
    assert int(after.partition("@")[0]) == int(before.partition("@")[0]) + 1


@pytest.mark.postgres
def test_the_prune_folds_the_count_of_what_it_removes(reference_data, db):
    for name in ("een", "twee", "drie"):
        ServiceCategory.objects.create(name_nl=name, name_fr=name, slug=name)
    rows = DataChange.objects.count()
    before = datachanges.version()

    assert datachanges.prune() == rows - 1

    kept = DataChange.objects.get()
    assert kept.changes >= 3
    assert datachanges.version() == before


def test_the_prune_runs_nightly(reference_data, db):
    ServiceCategory.objects.create(name_nl="a", name_fr="a", slug="a")
    ServiceCategory.objects.create(name_nl="b", name_fr="b", slug="b")
    before = datachanges.version()
    scheduled = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "portal.tasks.prune_data_changes"
    ]
    assert len(scheduled) == 1

    tasks.prune_data_changes.delay()

    assert DataChange.objects.count() == 1
    assert datachanges.version() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_commits_late_still_moves_the_version():
    """A long transaction (an import) writes first and commits last; a quick write in between
    commits first. The version read between the two commits must not come back once the long
    one commits: a table cached under it would lack the import for good. Neither writer waits
    for the other."""
    other = connection.copy()
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                "INSERT INTO portal_servicecategory (name_nl, name_fr, name_en, slug, position)"
                " VALUES ('Lang', 'Long', 'Long', 'lang', 0)"
            )
        with connection.cursor() as cursor:
            # The quick write would fail here rather than wait for the long transaction.
            cursor.execute("SET lock_timeout = '2s'")
        ServiceCategory.objects.create(name_nl="Kort", name_fr="Court", slug="kort")
        between = datachanges.version()
        other.commit()
        assert datachanges.version() != between
        # The prune, too, leaves the late commit counted.
        assert datachanges.prune() >= 1
        assert datachanges.version() != between
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_the_version_holds_the_time_of_the_latest_change(reference_data, db):
    ServiceCategory.objects.create(name_nl="nu", name_fr="nu", slug="nu")
    latest = DataChange.objects.latest("pk").at
    assert abs((timezone.now() - latest).total_seconds()) < 60
    assert datachanges.version().endswith(latest.isoformat())
