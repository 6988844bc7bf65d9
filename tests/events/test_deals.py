"""Deals from meetings at an event (events/deals.py): who may record one, when, between whom,
once per meeting; each enters the collaboration register as a declaration with channel "network
event", which the other side confirms as every declaration."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from companies import collaborations
from companies.models import Collaboration
from events import deals
from events.models import Deal, MeetingStatus
from portal.models import Notification
from tests.events import outcome_world
from tests.factories import EventFactory, OrganisationFactory, RegistrationFactory, postcode

# The made-up event that happened (tests/events/outcome_world.py).
met = outcome_world.met
meet = outcome_world.meet


def record(world, *, by=None, meeting=None, **changes):
    fields = {
        "what": "Groenonderhoud van de parking, twee keer per maand.",
        "role": "client",
        "category": world.category,
        "expected_start": timezone.localdate() + timedelta(days=30),
        **changes,
    }
    return deals.record(meeting or world.meeting, by=by or world.firm_member, **fields)


def refused(code, make):
    """The refusal's code and its message (in Dutch, the portal's first language)."""
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.code == code
    return " ".join(caught.value.messages)


def test_a_member_of_a_side_records_a_deal_that_the_other_side_is_asked_to_confirm(met):
    deal = record(met, by=met.enterprise_member)
    assert (deal.regular, deal.social) == (met.firm.organisation, met.enterprise.organisation)
    assert deal.meeting == met.meeting and deal.event == met.event
    collaboration = deal.collaboration
    assert collaboration.channel == "network_event"
    assert collaboration.source == "event"
    assert collaboration.confirmed_by_social_at is not None
    assert collaboration.confirmed_by_regular_at is None
    # The future start enters the register as the day of the agreement.
    assert collaboration.started == timezone.localdate()
    # The firm's members get the register's own email and confirm on its own page.
    told = Notification.objects.get(kind="collaboration")
    assert told.recipient == met.firm_member
    collaborations.confirm(collaboration, organisation=met.firm.organisation, by=met.firm_member)
    assert Collaboration.objects.confirmed().filter(pk=collaboration.pk).exists()


def test_a_deal_recorded_after_its_start_enters_the_register_from_that_start(met):
    yesterday = timezone.localtime(met.event.starts_at).date()
    deal = record(met, expected_start=yesterday)
    assert deal.collaboration.started == yesterday


def test_someone_who_was_not_in_the_meeting_is_refused(met):
    for outsider in (met.stranger, met.regisseur, met.administrator):
        message = refused("not_in_meeting", lambda u=outsider: record(met, by=u))
        assert "Alleen een lid van een van de twee organisaties die elkaar ontmoetten" in message
    assert not Deal.objects.exists()


def test_a_meeting_not_accepted_is_refused(met):
    for status in (MeetingStatus.REQUESTED, MeetingStatus.DECLINED, MeetingStatus.CANCELLED):
        met.meeting.status = status
        met.meeting.save()
        message = refused("meeting_not_accepted", lambda: record(met))
        assert "niet door beide kanten aanvaard" in message


def test_the_same_pair_twice_for_one_meeting_is_refused(met):
    record(met)
    message = refused("already_recorded", lambda: record(met, by=met.enterprise_member))
    assert "Drukkerij Peeters" in message and "Groenwerk Tongeren" in message
    assert Deal.objects.count() == 1


def test_the_database_keeps_one_deal_per_meeting(met):
    """The last guard, for writes that bypass deals.record (which checks under the meeting's
    lock): a second deal of the meeting is refused; deals that lost their meeting are not."""
    deal = record(met)
    fields = {
        "event": met.event,
        "regular": deal.regular,
        "social": deal.social,
        "what": "Nog eens",
        "role": "client",
        "expected_start": deal.expected_start,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Deal.objects.create(meeting=met.meeting, **fields)
    Deal.objects.filter(pk=deal.pk).update(meeting=None)
    Deal.objects.create(meeting=None, **fields)
    assert Deal.objects.filter(meeting__isnull=True).count() == 2


def test_a_deal_is_recorded_from_the_start_of_the_event(reference_data, db):
    event = EventFactory()  # in two weeks
    firm = RegistrationFactory(event=event)
    enterprise = RegistrationFactory(
        event=event, organisation=OrganisationFactory(kind="social", postcode=postcode("3700"))
    )
    meeting = meet(event, firm, enterprise)
    with pytest.raises(ValidationError) as caught:
        deals.record(
            meeting,
            by=firm.registered_by,
            what="Catering",
            role="client",
            category=None,
            expected_start=timezone.localdate() + timedelta(days=30),
        )
    assert caught.value.code == "before_event"
    assert "tijdens of na het evenement" in caught.value.messages[0]


def test_two_regular_organisations_make_no_deal(met):
    other = RegistrationFactory(event=met.event)
    meeting = meet(met.event, met.firm, other, slot=1)
    message = refused("same_kind", lambda: record(met, meeting=meeting))
    assert "tussen een sociale-economieonderneming en een reguliere organisatie" in message


def test_the_expected_start_lies_between_the_event_and_two_years_after(met):
    day = timezone.localtime(met.event.starts_at).date()
    refused("start_before_event", lambda: record(met, expected_start=day - timedelta(days=1)))
    refused("start_too_late", lambda: record(met, expected_start=day + timedelta(days=800)))
    record(met, expected_start=day + timedelta(days=700))


def test_a_cancelled_event_takes_no_deals(met):
    met.event.cancelled_at = timezone.now()
    met.event.save()
    refused("event_cancelled", lambda: record(met))


def test_a_deal_declared_at_an_event_can_be_withdrawn_before_the_other_side_confirms(met):
    deal = record(met)
    collaborations.withdraw(
        deal.collaboration, organisation=met.firm.organisation, by=met.firm_member
    )
    deal.refresh_from_db()
    assert deal.collaboration is None
