"""Sixty registrations at the same moment, each on its own connection, for forty places.

Each racer is a thread with its own PostgreSQL connection (Django gives every thread its own)
and its own transaction; a barrier releases them together. Registering locks the event's row,
so they queue there: exactly forty are registered, twenty wait, and the waiting list follows
the order in which their transactions got the lock (created_at, then id).
"""

from collections import Counter

import pytest
from django.core.management import call_command

from events import registration
from events.models import Registration, RegistrationStatus
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 60
PLACES = 40


def test_sixty_registrations_at_once_for_forty_places():
    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    event = EventFactory(capacity=PLACES)
    members = []
    for _ in range(RACERS):
        membership = MembershipFactory(organisation=OrganisationFactory())
        members.append((membership.user, membership.organisation))

    def register(index):
        user, organisation = members[index]
        return registration.register(
            event, organisation=organisation, user=user, people=[(user.name, user.email)]
        ).status

    outcomes = run_together(register, RACERS)

    counts = Counter(str(outcome) for outcome in outcomes)
    print(f"\nrace of {RACERS} registrations for {PLACES} places: {dict(counts)}")
    assert counts == {"registered": PLACES, "waiting": RACERS - PLACES}
    rows = list(Registration.objects.filter(event=event).order_by("created_at", "pk"))
    # In order: every registered one came before every waiting one.
    assert [r.status for r in rows] == [RegistrationStatus.REGISTERED] * PLACES + [
        RegistrationStatus.WAITING
    ] * (RACERS - PLACES)
    waiting = [r for r in rows if r.status == RegistrationStatus.WAITING]
    assert [registration.waiting_position(r) for r in waiting] == list(range(1, 21))
