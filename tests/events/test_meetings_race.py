"""Double booking under concurrency: many requests for the same side in the same slot at once.

Each racer is a thread with its own PostgreSQL connection and transaction, released together by
a barrier (as tests/vouchers/test_budget_race.py). Requests lock the event's row, so they queue
and each sees the one committed before it: exactly one wins, the others hear that the invitee is
taken at that time, and the invitee holds one active seat in the slot. The second test races
writes that bypass events/meetings.py against the database's own guard, the partial unique
constraint meeting_seat_no_double_booking.
"""

from collections import Counter

import pytest
from django.core.management import call_command

from events import meetings
from events.meetings import MeetingError
from events.models import Meeting, MeetingSeat
from tests.factories import EventFactory, RegistrationFactory
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 8


@pytest.fixture
def race():
    """An event with one sought-after participant and RACERS others who all want its first slot."""
    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    event = EventFactory()
    wanted = RegistrationFactory(event=event, organisation__name="Gegeerd Bedrijf")
    racers = [RegistrationFactory(event=event) for _ in range(RACERS)]
    return event, wanted, racers


def name(outcome):
    if isinstance(outcome, MeetingError):
        return outcome.code
    if isinstance(outcome, Exception):
        return type(outcome).__name__
    return "booked"


def test_requests_racing_for_one_side_in_one_slot_book_it_once(race):
    event, wanted, racers = race
    slot = event.slots()[0]

    def book(index):
        requester = racers[index]
        return meetings.request(
            event,
            requester=requester,
            invitee=wanted,
            starts_at=slot,
            user=requester.registered_by,
        )

    outcomes = run_together(book, RACERS)

    counts = Counter(name(outcome) for outcome in outcomes)
    print(f"\nrace of {RACERS} requests for one side in one slot: {dict(counts)}")
    assert counts == {"booked": 1, "double_booked": RACERS - 1}
    assert MeetingSeat.objects.filter(registration=wanted, starts_at=slot, active=True).count() == 1
    assert Meeting.objects.get().table == 1


def test_the_seat_constraint_holds_under_the_same_race(race):
    """Writes that bypass the module (no lock, no check) meet the partial unique index."""
    event, wanted, racers = race
    slot = event.slots()[0]
    made = [
        Meeting.objects.create(
            event=event, requester=racer, invitee=wanted, starts_at=slot, table=index + 1
        )
        for index, racer in enumerate(racers)
    ]

    def seat(index):
        MeetingSeat.objects.create(meeting=made[index], registration=wanted, starts_at=slot)
        return "booked"

    outcomes = run_together(seat, RACERS)

    counts = Counter(name(outcome) for outcome in outcomes)
    assert counts == {"booked": 1, "IntegrityError": RACERS - 1}
    assert MeetingSeat.objects.filter(registration=wanted, active=True).count() == 1
