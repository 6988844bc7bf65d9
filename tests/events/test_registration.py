"""events/registration.py: who may register, capacity and the waiting list, cancelling and moving
up, changing, and the emails of each step (in each recipient's language), the reminder the day
before and the thank-you after (each once, however often beat runs)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from events import registration as steps
from events.models import Attendee, Registration, RegistrationStatus
from events.registration import RegistrationError
from portal.models import Notification
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
    first_service_category,
)

S = RegistrationStatus


def refusal(make):
    with pytest.raises(RegistrationError) as caught:
        make()
    return caught.value


def emails_of(registration, step=""):
    return Notification.objects.filter(
        key__startswith=f"event_registration:{registration.pk}:{step}"
    ).order_by("pk")


def test_a_member_registers_the_organisation_with_people_offers_and_consent(world, register_for):
    category = first_service_category()
    registration = register_for(
        people=[("Erik Employer", world.employer.email), ("Gast Gastmans", "gast@example.be")],
        offered_categories=[category],
        listed=True,
    )

    assert registration.status == S.REGISTERED and registration.listed
    assert registration.registered_by == world.employer
    assert list(registration.offered_categories.all()) == [category]
    erik, guest = registration.attendees.order_by("pk")
    assert erik.user == world.employer and guest.user is None
    # One email to the member (in Dutch), one to the guest (in the registrant's language).
    rows = list(emails_of(registration, "registered"))
    assert {row.email for row in rows} == {world.employer.email, "gast@example.be"}
    assert {row.language for row in rows} == {"nl"}
    assert rows[0].subject == "Je bent ingeschreven voor Netwerkmoment Tongeren"


def test_the_confirmation_is_in_the_recipients_language(world, register_for):
    registration = register_for(
        organisation=world.social,
        user=world.social_member,
        people=[("Sofie", world.social_member.email)],
    )

    [row] = emails_of(registration)
    assert row.language == "fr"
    assert row.subject == "Vous êtes inscrit à Netwerkmoment Tongeren"
    assert "Groenwerk Tongeren est inscrite" in row.body
    assert "/fr/events/netwerkmoment-tongeren/registration/" in row.body
    assert "calendar.ics" in row.body


def test_beyond_capacity_registrations_wait_in_order(world, register_for):
    event = EventFactory(capacity=1)
    first = register_for(event)
    other = OrganisationFactory()
    second = register_for(
        event, organisation=other, user=MembershipFactory(organisation=other).user
    )

    assert first.status == S.REGISTERED and second.status == S.WAITING
    assert steps.waiting_position(second) == 1
    [row] = emails_of(second)
    assert "wachtlijst" in row.subject
    assert "nummer 1 op de wachtlijst" in row.body


@pytest.mark.parametrize(
    "change, code, words",
    [
        ({"published": False}, "not_published", "not open for registration"),
        ({"cancelled_at": timezone.now}, "cancelled", "cancelled"),
        ({"deadline_passed": True}, "deadline_passed", "Registration closed on"),
    ],
)
def test_closed_events_refuse_with_a_message(world, register_for, change, code, words):
    event = EventFactory()
    if change.pop("deadline_passed", False):
        event.registration_deadline = timezone.now() - timedelta(minutes=1)
    for name, value in change.items():
        setattr(event, name, value() if callable(value) else value)
    event.save()

    with translation.override("en"):
        error = refusal(lambda: register_for(event))

    assert error.code == code and words in error.message
    assert not Registration.objects.filter(event=event).exists()


def test_twice_is_refused(world, register_for):
    register_for()
    with translation.override("nl"):
        error = refusal(register_for)
    assert error.code == "already_registered"
    assert error.message == "Drukkerij Peeters is al ingeschreven voor dit evenement."


def test_an_organisation_one_is_not_a_member_of_is_refused(world, register_for):
    with translation.override("fr"):
        error = refusal(lambda: register_for(organisation=world.social))
    assert error.code == "not_member"
    assert "membre" in error.message
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "people, code",
    [
        ([], "no_people"),
        ([("", "a@example.be")], "person_name"),
        ([("A", "geen-adres")], "person_email"),
        ([("A", "a@example.be"), ("B", "A@example.be")], "person_twice"),
        ([("A", "a@example.be"), ("B", "b@example.be"), ("C", "c@example.be")], "too_many_people"),
    ],
)
def test_the_people_are_checked(world, register_for, people, code):
    assert refusal(lambda: register_for(people=people)).code == code


def test_cancelling_moves_the_first_waiting_one_up_and_tells_them(world, register_for):
    event = EventFactory(capacity=1)
    mine = register_for(event)
    waiting = []
    for _ in range(2):
        other = OrganisationFactory()
        member = MembershipFactory(organisation=other, user__language="fr").user
        waiting.append(register_for(event, organisation=other, user=member))

    steps.cancel(mine, user=world.employer)

    mine.refresh_from_db()
    first, second = (Registration.objects.get(pk=r.pk) for r in waiting)
    assert mine.status == S.CANCELLED and mine.cancelled_at
    assert first.status == S.REGISTERED and first.promoted_at
    assert second.status == S.WAITING and steps.waiting_position(second) == 1
    [cancelled] = emails_of(mine, "cancelled")
    assert "uitgeschreven" in cancelled.subject
    [moved] = emails_of(first, "promoted")
    assert moved.language == "fr" and "Une place s’est libérée" in moved.subject
    assert not emails_of(second, "promoted").exists()


def test_cancelling_a_waiting_registration_moves_nobody(world, register_for):
    event = EventFactory(capacity=1)
    other = OrganisationFactory()
    register_for(event, organisation=other, user=MembershipFactory(organisation=other).user)
    waiting = register_for(event)

    steps.cancel(waiting, user=world.employer)

    assert Registration.objects.filter(event=event, status=S.REGISTERED).count() == 1
    assert not Notification.objects.filter(key__contains=":promoted:").exists()


def test_cancel_only_until_the_deadline_and_only_by_a_member(world, register_for):
    registration = register_for()
    with pytest.raises(PermissionDenied):
        steps.cancel(registration, user=world.social_member)
    later = world.event.registration_deadline + timedelta(minutes=1)
    with translation.override("en"):
        error = refusal(lambda: steps.cancel(registration, user=world.employer, now=later))
    assert error.code == "deadline_passed" and "cancelled until" in error.message
    steps.cancel(registration, user=world.employer)
    assert refusal(lambda: steps.cancel(registration, user=world.employer)).code == (
        "cancelled_already"
    )
    # A cancelled registration may be renewed.
    assert register_for().status == S.REGISTERED


def test_changing_keeps_the_status_and_replaces_the_people(world, register_for):
    registration = register_for(people=[("Erik", world.employer.email), ("Gast", "g@example.be")])

    steps.change(
        registration,
        user=world.employer,
        people=[("Erik Employer", world.employer.email), ("Nieuw", "n@example.be")],
        offers="Drukwerk en verpakking",
        listed=False,
    )

    registration.refresh_from_db()
    assert registration.status == S.REGISTERED and not registration.listed
    assert registration.offers == "Drukwerk en verpakking"
    assert sorted(Attendee.objects.values_list("name", "email")) == [
        ("Erik Employer", world.employer.email),
        ("Nieuw", "n@example.be"),
    ]


def test_more_capacity_fills_places_from_the_waiting_list(world):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=S.WAITING)
    event.capacity = 2
    event.save()

    moved = steps.fill_places(event)

    assert [r.pk for r in moved] == [waiting.pk]
    assert Registration.objects.get(pk=waiting.pk).status == S.REGISTERED


def test_the_reminder_goes_the_day_before_once_with_the_calendar(world, register_for):
    registration = register_for()
    day_before = world.event.starts_at - timedelta(hours=20)

    assert steps.send_reminders(now=world.event.starts_at - timedelta(days=3)) == 0
    assert steps.send_reminders(now=day_before) == 1
    assert steps.send_reminders(now=day_before + timedelta(hours=1)) == 0

    [row] = Notification.objects.filter(key__contains=":reminder-")
    assert row.kind == "event_reminder"
    assert row.subject.startswith("Tot binnenkort: Netwerkmoment Tongeren")
    assert "/events/netwerkmoment-tongeren/calendar.ics" in row.body
    assert "Grote Markt 1, 3700 Tongeren" in row.body
    assert registration.pk == int(row.key.split(":")[1])


def test_no_reminder_for_waiting_or_cancelled_ones(world, register_for):
    registration = register_for()
    steps.cancel(registration, user=world.employer)
    assert steps.send_reminders(now=world.event.starts_at - timedelta(hours=20)) == 0


def test_the_thank_you_asks_what_came_of_it_once(world, register_for):
    registration = register_for()
    RegistrationFactory(event=world.event, attended=False)  # stayed away: no thanks
    after = world.event.ends_at + timedelta(hours=2)

    assert steps.send_thanks(now=after) == 1
    assert steps.send_thanks(now=after) == 0
    assert steps.send_thanks(now=world.event.ends_at + timedelta(days=30)) == 0

    [row] = emails_of(registration, "thanks")
    assert "wat kwam ervan" in row.subject.lower()
    assert "/events/netwerkmoment-tongeren/deals/new/" in row.body


def test_cancelling_cancels_the_registrations_meetings_and_frees_the_other_side(
    world, register_for
):
    from events import meetings
    from events.models import Meeting, MeetingSeat, MeetingStatus

    event = EventFactory()
    mine = register_for(event)
    other = RegistrationFactory(event=event)
    slot = event.slots()[0]
    meeting = meetings.request(
        event, requester=mine, invitee=other, starts_at=slot, user=world.employer
    )
    meetings.accept(meeting, user=other.registered_by)

    steps.cancel(mine, user=world.employer)

    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED
    assert not MeetingSeat.objects.filter(meeting=meeting, active=True).exists()
    # The other side can meet someone else in that slot.
    third = RegistrationFactory(event=event)
    meetings.request(
        event, requester=third, invitee=other, starts_at=slot, user=third.registered_by
    )


def test_a_person_s_places_on_events_are_exported_and_go_with_their_account(world, register_for):
    from portal import personal_data

    event = EventFactory()
    registration = register_for(event)
    guest = UserFactory(email="gast@example.be")
    Attendee.objects.create(registration=registration, name="Gast", email="gast@example.be")

    exported = personal_data.export(guest)
    assert [row["name"] for row in exported["event_attendance"]] == ["Gast"]
    personal_data.erase(guest)
    assert not Attendee.objects.filter(email="gast@example.be").exists()
    assert Registration.objects.filter(pk=registration.pk).exists()  # the organisation's
