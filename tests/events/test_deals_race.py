"""A deal recorded twice at once: a double click, two tabs, or both sides at the same moment.

Each racer is a thread with its own PostgreSQL connection and transaction, released together by
a barrier (tests/races.py). events/deals.py locks the meeting's row before it looks for a deal,
so the recordings queue: one deal is made and every other racer hears that it is there, with the
same translated message. The second test races writes that bypass the module against the
database's own guard, the partial unique constraint deal_once_per_meeting.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from companies.models import Collaboration
from events import deals
from events.models import Deal, MeetingStatus
from tests.events.outcome_world import meet
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    RegistrationFactory,
    SocialEnterpriseFactory,
    at,
    in_days,
    postcode,
)
from tests.races import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 6


@pytest.fixture
def meeting():
    """Yesterday's accepted meeting of a firm and a social enterprise."""
    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    event = EventFactory(title="Netwerkmoment Tongeren", starts_at=at(in_days(-1), 14))
    firm = RegistrationFactory(
        event=event,
        organisation=OrganisationFactory(name="Drukkerij Peeters", postcode=postcode("3700")),
    )
    enterprise = RegistrationFactory(
        event=event,
        organisation=SocialEnterpriseFactory(name="Groenwerk Tongeren", postcode=postcode("3700")),
    )
    return meet(event, firm, enterprise, status=MeetingStatus.ACCEPTED)


def outcome(result):
    if isinstance(result, ValidationError):
        return result.code
    if isinstance(result, Exception):
        return type(result).__name__
    return "recorded"


@pytest.mark.parametrize("who", ["the same member", "both sides"])
def test_a_deal_recorded_several_times_at_once_is_recorded_once(meeting, who):
    members = [meeting.requester.registered_by, meeting.invitee.registered_by]

    def record(index):
        by = members[0] if who == "the same member" else members[index % 2]
        return deals.record(
            meeting,
            by=by,
            what="Groenonderhoud van de parking.",
            role="client",
            category=None,
            expected_start=timezone.localdate() + timedelta(days=30),
        )

    results = run_together(record, RACERS)

    counts = Counter(outcome(result) for result in results)
    print(f"\n{RACERS} recordings of one deal at once ({who}): {dict(counts)}")
    assert counts == {"recorded": 1, "already_recorded": RACERS - 1}
    refused = next(result for result in results if isinstance(result, ValidationError))
    assert refused.messages == [
        "Er is al een deal uit dit gesprek tussen Drukkerij Peeters en Groenwerk Tongeren "
        "geregistreerd."
    ]
    assert Deal.objects.filter(meeting=meeting).count() == 1
    assert Collaboration.objects.count() == 1


def test_the_constraint_holds_for_writes_that_bypass_the_lock(meeting):
    firm, social = meeting.requester.organisation, meeting.invitee.organisation

    def write(index):
        return Deal.objects.create(
            event=meeting.event,
            meeting=meeting,
            regular=firm,
            social=social,
            what=f"Afspraak {index}",
            role="client",
            expected_start=timezone.localdate(),
        )

    results = run_together(write, RACERS)

    assert sum(isinstance(result, Deal) for result in results) == 1
    assert sum(isinstance(result, IntegrityError) for result in results) == RACERS - 1
    assert Deal.objects.filter(meeting=meeting).count() == 1
