"""A deal made at an event, once both sides confirmed it, shows on both organisations' profiles
with how they met: "network event" and the event's title, linked to its page while the event is
published (events/deals.py `origins`, registered with companies/collaborations.py)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from companies import collaborations
from companies.models import Collaboration
from events import deals
from events.models import Deal
from tests.events import outcome_world
from tests.factories import OrganisationFactory, reference_rows_in_memory

met = outcome_world.met


def profile(organisation):
    return reverse("companies:profile", kwargs={"slug": organisation.slug})


def partners_of(html):
    return html.split('class="link-list collaboration-list"')[1].split("</section>")[0]


@pytest.fixture
def confirmed(met):
    """The firm recorded the deal of the meeting; the enterprise confirmed it."""
    deal = deals.record(
        met.meeting,
        by=met.firm_member,
        what="Groenonderhoud van de parking.",
        role="client",
        category=met.category,
        expected_start=timezone.localdate(),
    )
    collaborations.confirm(
        deal.collaboration, organisation=met.enterprise.organisation, by=met.enterprise_member
    )
    return deal


def test_both_profiles_say_they_met_at_the_event(client, met, confirmed):
    event_page = reverse("events:detail", kwargs={"slug": met.event.slug})
    for mine, other in [
        (met.firm.organisation, met.enterprise.organisation),
        (met.enterprise.organisation, met.firm.organisation),
    ]:
        entry = partners_of(client.get(profile(mine)).content.decode())
        assert other.name in entry
        link = f'<a href="{event_page}">Netwerkmoment Tongeren</a>'
        assert f"Kennismaking via: Netwerkevenement – {link}" in entry


def test_the_profile_speaks_french(client, met, confirmed):
    html = client.get(f"/fr{profile(met.firm.organisation)}").content.decode()
    assert "Rencontre via : Événement de réseautage – <a " in partners_of(html)


def test_an_unpublished_event_is_not_named(client, met, confirmed):
    met.event.published = False
    met.event.save()

    entry = partners_of(client.get(profile(met.firm.organisation)).content.decode())

    assert "Kennismaking via: Netwerkevenement</span>" in entry
    assert "Netwerkmoment Tongeren" not in entry


def test_a_collaboration_declared_by_hand_gives_its_channel_and_no_event(client, met):
    now = timezone.now()
    Collaboration.objects.create(
        regular=met.firm.organisation,
        social=met.enterprise.organisation,
        role="client",
        started=date(2024, 2, 1),
        channel="network_event",
        confirmed_by_regular_at=now,
        confirmed_by_social_at=now,
    )

    entry = partners_of(client.get(profile(met.firm.organisation)).content.decode())

    assert "Kennismaking via: Netwerkevenement</span>" in entry
    assert '<a href="/events/' not in entry


@pytest.mark.parametrize("deals_made", [3, 30])
def test_the_events_are_named_in_one_query_whatever_their_number(
    client, met, django_assert_num_queries, deals_made
):
    """One query more than a profile without deals (the deals' events), for 3 as for 30."""
    firm = met.firm.organisation
    reference_rows_in_memory()
    client.get(profile(firm))
    with CaptureQueriesContext(connection) as without_deals:
        client.get(profile(firm))
    now = timezone.now()
    for n in range(deals_made):
        social = OrganisationFactory(kind="social", name=f"Sociale onderneming {n:02}")
        collaboration = Collaboration.objects.create(
            regular=firm,
            social=social,
            role="client",
            started=timezone.localdate() - timedelta(days=n),
            channel="network_event",
            source="event",
            confirmed_by_regular_at=now,
            confirmed_by_social_at=now,
        )
        Deal.objects.create(
            event=met.event,
            collaboration=collaboration,
            regular=firm,
            social=social,
            what="Catering",
            role="client",
            expected_start=timezone.localdate(),
        )

    with django_assert_num_queries(len(without_deals) + 1):
        html = client.get(profile(firm)).content.decode()

    assert partners_of(html).count(">Netwerkmoment Tongeren</a>") == deals_made
