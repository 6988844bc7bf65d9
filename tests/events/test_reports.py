"""The events' public figures on /reports/events/ (events/reports.py): per region and year the
events held, the organisations registered and attending and the meetings held, as they are; the
deals and their confirmation from the register, hidden in public below 3 firms."""

from datetime import timedelta

from django.utils import timezone

from companies import collaborations, reports
from events import deals
from tests.events import outcome_world
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    RegistrationFactory,
    SocialEnterpriseFactory,
    at,
    in_days,
    log_in_as,
    postcode,
)

# The made-up event that happened (tests/events/outcome_world.py).
met = outcome_world.met
meet = outcome_world.meet


def with_deal(world):
    """The firm and the enterprise came, met and made a deal the enterprise confirmed."""
    for registration in (world.firm, world.enterprise):
        registration.attended = True
        registration.save()
    deal = deals.record(
        world.meeting,
        by=world.firm_member,
        what="Groenonderhoud",
        role="client",
        category=world.category,
        expected_start=timezone.localdate() + timedelta(days=7),
    )
    collaborations.confirm(
        deal.collaboration,
        organisation=world.enterprise.organisation,
        by=world.enterprise_member,
    )
    return deal


def row_of(table, key):
    return next(row for row in table.rows if row.key == key)


def test_the_figures_per_region_and_year(met):
    with_deal(met)
    # Not counted: an event to come, and a cancelled one.
    EventFactory()
    EventFactory(starts_at=at(in_days(-3), 10), cancelled_at=timezone.now())
    RegistrationFactory(event=met.event, status="waiting")
    section = reports.get("events")
    year = timezone.localtime(met.event.starts_at).year
    table = section.build(reports.Filters(year_from=year, year_to=year))
    row = row_of(table, f"{year}:zuidoost-limburg")
    figures = {key: cell.value for key, cell in row.cells.items()}
    assert figures == {
        "events": 1,
        "registered": 2,
        "attended": 2,
        "meetings": 1,
        "deals": 1,
        "confirmed": 1,
    }


def test_deals_of_fewer_than_three_firms_are_hidden_in_public(met):
    with_deal(met)
    section = reports.get("events")
    year = timezone.localtime(met.event.starts_at).year
    filters = reports.Filters(year_from=year, year_to=year)
    public = section.compute(filters, mode=reports.Mode.PUBLIC)
    row = row_of(public, f"{year}:zuidoost-limburg")
    assert row.cells["deals"].hidden == reports.HIDDEN
    assert row.cells["confirmed"].hidden == reports.HIDDEN
    assert not row.cells["registered"].hidden and row.cells["registered"].value == 2
    full = section.compute(filters, mode=reports.Mode.FULL)
    assert row_of(full, f"{year}:zuidoost-limburg").cells["deals"].shown == 1


def test_three_firms_with_deals_are_shown(met):
    with_deal(met)
    for slot, name in enumerate(("Bakkerij Peeters", "Garage Janssens"), start=1):
        firm = RegistrationFactory(
            event=met.event, organisation=OrganisationFactory(name=name, postcode=postcode("3700"))
        )
        enterprise = RegistrationFactory(
            event=met.event,
            organisation=SocialEnterpriseFactory(postcode=postcode("3700")),
        )
        deals.record(
            meet(met.event, firm, enterprise, slot=slot),
            by=firm.registered_by,
            what="Catering",
            role="client",
            category=None,
            expected_start=timezone.localdate(),
        )
    year = timezone.localtime(met.event.starts_at).year
    public = reports.get("events").compute(
        reports.Filters(year_from=year, year_to=year), mode=reports.Mode.PUBLIC
    )
    cells = row_of(public, f"{year}:zuidoost-limburg").cells
    assert cells["deals"].shown == 3
    # One confirmed: hidden.
    assert cells["confirmed"].hidden == reports.HIDDEN


def test_the_page_and_the_regisseurs_full_view(client, met):
    with_deal(met)
    response = client.get("/en/reports/events/")
    assert response.status_code == 200
    assert "Network events" in response.content.decode()
    log_in_as(client, met.regisseur)
    response = client.get(
        "/en/reports/events/",
        {"region": "zuidoost-limburg", "row": "all", "column": "deals"},
    )
    assert response.status_code == 200


def test_the_figures_take_a_fixed_number_of_queries(met, django_assert_num_queries):
    with_deal(met)
    section = reports.get("events")
    year = timezone.localtime(met.event.starts_at).year
    filters = reports.Filters(year_from=year - 1, year_to=year)
    with django_assert_num_queries(6):
        section.build(filters)
    for _ in range(3):
        RegistrationFactory(event=EventFactory(starts_at=at(in_days(-5), 10)))
    with django_assert_num_queries(6):
        section.build(filters)
