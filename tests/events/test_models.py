"""The events' models keep what the database can keep (events/models.py): an event's times in
order, one active registration per organisation, no meeting with oneself, no registration seated
twice in one slot, the slots of the day."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from events.models import Meeting, MeetingSeat, RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.usefixtures("reference_data")


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_the_slots_run_from_the_first_meeting_to_the_last_that_fits(db):
    event = EventFactory()
    slots = event.slots()
    # 14:30 to 17:00 in 15 minutes: ten slots, the last at 16:45.
    assert len(slots) == 10
    assert [f"{slot:%H:%M}" for slot in (slots[0], slots[-1])] == ["14:30", "16:45"]
    assert slots[1] - slots[0] == timedelta(minutes=15)
    assert EventFactory(tables=0).slots() == []


def test_an_event_ends_after_it_starts_and_closes_registration_before(db):
    event = EventFactory()
    refused(lambda: EventFactory(ends_at=event.starts_at))
    refused(lambda: EventFactory(registration_deadline=event.starts_at + timedelta(hours=1)))
    refused(lambda: EventFactory(postcode=None, online=False))


def test_one_active_registration_per_organisation_and_event(db):
    registration = RegistrationFactory()
    refused(
        lambda: RegistrationFactory(
            event=registration.event, organisation=registration.organisation
        )
    )
    registration.status = RegistrationStatus.CANCELLED
    registration.save()
    RegistrationFactory(event=registration.event, organisation=registration.organisation)


def test_no_meeting_with_oneself_and_no_double_booking(db):
    event = EventFactory()
    one, other, third = (RegistrationFactory(event=event) for _ in range(3))
    slot = event.slots()[0]
    refused(lambda: Meeting.objects.create(event=event, requester=one, invitee=one, starts_at=slot))
    meeting = Meeting.objects.create(
        event=event, requester=one, invitee=other, starts_at=slot, table=1
    )
    for side in (one, other):
        MeetingSeat.objects.create(meeting=meeting, registration=side, starts_at=slot)
    second = Meeting.objects.create(
        event=event, requester=third, invitee=one, starts_at=slot, table=2
    )
    refused(lambda: MeetingSeat.objects.create(meeting=second, registration=one, starts_at=slot))
    # A table holds one meeting per slot.
    refused(
        lambda: Meeting.objects.create(
            event=event, requester=third, invitee=other, starts_at=slot, table=1
        )
    )
