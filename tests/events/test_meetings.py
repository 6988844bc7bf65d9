"""events/meetings.py: who may request, answer, cancel and place a meeting, and every refusal
with its message; tables, seats and emails; the suggestions' order."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from events import meetings
from events.meetings import MeetingError
from events.models import Meeting, MeetingSeat, Registration
from portal.models import Notification
from tests.events.meetings_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data, db):
    return make_world()


def ask(world, slot=0, *, requester=None, invitee=None, user=None, **kwargs):
    return meetings.request(
        world.event,
        requester=requester or world.firm,
        invitee=invitee or world.social,
        starts_at=world.slots[slot] if isinstance(slot, int) else slot,
        user=user or world.employer,
        **kwargs,
    )


def refusal(make):
    with pytest.raises(MeetingError) as caught:
        make()
    return caught.value.code, caught.value.messages[0]


# --- Requesting ----------------------------------------------------------------------------------


def test_a_request_takes_the_lowest_free_table_and_a_seat_for_each_side(world):
    meeting = ask(world, message="  Graag over groenonderhoud.  ")

    assert (meeting.status, meeting.table, meeting.message) == (
        "requested",
        1,
        "Graag over groenonderhoud.",
    )
    seats = MeetingSeat.objects.filter(meeting=meeting, active=True)
    assert {seat.registration_id for seat in seats} == {world.firm.pk, world.social.pk}
    assert {seat.starts_at for seat in seats} == {world.slots[0]}
    # The next meeting in that slot sits at table 2.
    other = ask(world, requester=world.third, invitee=world.spare, user=world.third_member)
    assert other.table == 2


def test_the_invitee_is_emailed_in_their_language(world):
    meeting = ask(world)

    [email] = Notification.objects.filter(kind="event_meeting")
    assert email.recipient == world.social_member
    assert email.language == "fr"
    assert "Drukkerij Peeters" in email.subject
    assert "rendez-vous" in email.body or "rencontre" in email.body
    assert "/fr/events/" in email.body
    assert email.key == f"event_meeting:{meeting.pk}:requested:{world.social_member.pk}"


def test_only_a_member_of_the_requester_requests(world):
    for user in (world.social_member, world.stranger, world.regisseur):
        with pytest.raises(PermissionDenied):
            ask(world, user=user)
    assert not Meeting.objects.exists()


def test_a_meeting_with_oneself_is_refused(world):
    code, message = refusal(lambda: ask(world, invitee=world.firm))
    assert code == "with_oneself"
    assert message == "Je kan geen gesprek met jezelf boeken."


@pytest.mark.parametrize("side", ["requester", "invitee"])
@pytest.mark.parametrize("status", ["waiting", "cancelled"])
def test_a_waiting_or_cancelled_registration_does_not_meet(world, side, status):
    if status == "cancelled":
        Registration.objects.filter(pk=world.waiting.pk).update(
            status="cancelled", cancelled_at=timezone.now()
        )
    sides = {"requester": world.firm, "invitee": world.social, side: world.waiting}
    user = world.waiting_member if side == "requester" else world.employer

    code, message = refusal(lambda: ask(world, user=user, **sides))

    assert code == "not_registered"
    assert "Garage Wachtrij" in message
    assert ("wachtlijst" if status == "waiting" else "geannuleerd") in message


def test_a_time_that_is_not_a_slot_is_refused(world):
    code, message = refusal(lambda: ask(world, world.slots[0] + timedelta(minutes=7)))
    assert code == "not_a_slot"
    assert "tijdstippen" in message


def test_a_participant_not_on_the_list_cannot_be_asked(world):
    Registration.objects.filter(pk=world.social.pk).update(listed=False)
    assert refusal(lambda: ask(world))[0] == "not_listed"


def test_a_side_already_booked_in_that_slot_is_refused(world):
    ask(world)
    # The social enterprise is taken at the first slot: the third firm cannot have it.
    code, message = refusal(lambda: ask(world, requester=world.third, user=world.third_member))
    assert code == "double_booked"
    assert "Groenwerk Tongeren" in message and "14:30" in message
    # Nor can the firm, asking someone else.
    assert refusal(lambda: ask(world, invitee=world.third))[0] == "double_booked"


def test_two_meetings_between_the_same_sides_are_refused(world):
    ask(world)
    assert refusal(lambda: ask(world, 1))[0] == "already_meeting"
    assert (
        refusal(
            lambda: ask(
                world, 1, requester=world.social, invitee=world.firm, user=world.social_member
            )
        )[0]
        == "already_meeting"
    )


def test_no_table_left_at_that_time(world):
    world.event.tables = 1
    world.event.save()
    ask(world)

    code, message = refusal(
        lambda: ask(world, requester=world.third, invitee=world.spare, user=world.third_member)
    )
    assert code == "no_table"
    assert message == "Er is geen tafel meer vrij om 14:30; kies een ander tijdstip."


def test_the_database_refuses_what_slipped_past_the_checks(world):
    """The seat constraint is the final guard: its IntegrityError is the same refusal."""
    ask(world)
    with mock.patch.object(meetings, "_check_free"):
        code, message = refusal(lambda: ask(world, requester=world.third, user=world.third_member))
    assert code == "double_booked"
    assert "14:30" in message
    assert Meeting.objects.count() == 1


def test_after_the_event_or_when_it_is_cancelled_nothing_is_booked(world):
    later = world.event.ends_at + timedelta(minutes=1)
    assert refusal(lambda: ask(world, now=later))[0] == "event_over"
    world.event.cancelled_at = timezone.now()
    world.event.save()
    assert refusal(lambda: ask(world))[0] == "event_cancelled"


def test_a_slot_that_has_begun_is_refused(world):
    during = world.slots[2] + timedelta(minutes=1)
    code, message = refusal(lambda: ask(world, 1, now=during))
    assert code == "slot_passed"
    assert "14:45" in message


def test_a_message_longer_than_the_limit_is_refused(world):
    assert refusal(lambda: ask(world, message="x" * 501))[0] == "message_too_long"


# --- Answering and cancelling --------------------------------------------------------------------


def test_the_invitee_accepts_and_both_are_told(world):
    meeting = ask(world)

    meetings.accept(meeting, user=world.social_member)

    meeting.refresh_from_db()
    assert meeting.status == "accepted" and meeting.answered_at
    told = Notification.objects.filter(key__contains=":accepted:")
    assert {email.recipient for email in told} == {world.employer, world.social_member}
    assert MeetingSeat.objects.filter(meeting=meeting, active=True).count() == 2


def test_only_the_invitee_answers(world):
    meeting = ask(world)
    for user in (world.employer, world.stranger, world.regisseur):
        with pytest.raises(PermissionDenied):
            meetings.accept(meeting, user=user)


def test_declining_frees_the_seats_and_the_table(world):
    meeting = ask(world)

    meetings.decline(meeting, user=world.social_member)

    assert not MeetingSeat.objects.filter(meeting=meeting, active=True).exists()
    [email] = Notification.objects.filter(key__contains=":declined:")
    assert email.recipient == world.employer
    # The slot and table 1 are free again, for the same sides too.
    again = ask(world, requester=world.social, invitee=world.firm, user=world.social_member)
    assert again.table == 1


def test_an_answered_meeting_cannot_be_answered_again(world):
    meeting = ask(world)
    meetings.decline(meeting, user=world.social_member)
    code, message = refusal(lambda: meetings.accept(meeting, user=world.social_member))
    assert code == "illegal_step"
    assert message == "Dit gesprek is geweigerd: alleen op een gevraagd gesprek kan je antwoorden."


def test_either_side_or_the_regisseur_cancels_and_the_other_side_is_told(world):
    meeting = ask(world)
    meetings.accept(meeting, user=world.social_member)

    meetings.cancel(meeting, user=world.employer)

    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert not MeetingSeat.objects.filter(meeting=meeting, active=True).exists()
    [email] = Notification.objects.filter(key__contains=":cancelled:")
    assert email.recipient == world.social_member
    assert refusal(lambda: meetings.cancel(meeting, user=world.regisseur))[0] == "illegal_step"
    with pytest.raises(PermissionDenied):
        meetings.cancel(ask(world, 1, invitee=world.third), user=world.other_regisseur)


def test_release_cancels_the_meetings_of_a_registration_that_left(world):
    meeting = ask(world)
    meetings.release(world.social)
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert not MeetingSeat.objects.filter(active=True).exists()


# --- Placing by hand -----------------------------------------------------------------------------


def place(world, slot=0, table=3, *, by=None, **sides):
    return meetings.place(
        world.event,
        requester=sides.get("requester", world.firm),
        invitee=sides.get("invitee", world.social),
        starts_at=world.slots[slot],
        table=table,
        by=by or world.regisseur,
    )


def test_the_regisseur_places_an_accepted_meeting_and_both_are_told(world):
    meeting = place(world)

    assert (meeting.status, meeting.table, meeting.placed_by) == ("accepted", 3, world.regisseur)
    told = Notification.objects.filter(key__contains=":placed:")
    assert {email.recipient for email in told} == {world.employer, world.social_member}


@pytest.mark.parametrize("who", ["employer", "other_regisseur", "stranger"])
def test_only_the_events_managers_place(world, who):
    with pytest.raises(PermissionDenied):
        place(world, by=getattr(world, who))


def test_the_administrator_places_anywhere(world):
    assert place(world, by=world.administrator).status == "accepted"


def test_a_taken_table_or_a_table_that_does_not_exist_is_refused(world):
    place(world)
    code, message = refusal(lambda: place(world, requester=world.third, invitee=world.spare))
    assert code == "table_taken"
    assert "Tafel 3" in message
    assert refusal(lambda: place(world, 1, 11))[0] == "not_a_table"
    assert refusal(lambda: place(world, 1, invitee=world.waiting))[0] == "not_registered"


# --- Suggestions ---------------------------------------------------------------------------------


def test_suggestions_come_first_the_best_on_top(world, django_assert_num_queries):
    # The third firm seeks one category the firm offers; the social enterprise offers two the
    # firm seeks: it scores 2, the third 1, the spare (nothing in common) 0.
    world.firm.offered_categories.set(world.third.offered_categories.all())
    world.third.sought_categories.set(world.third.offered_categories.all())
    Registration.objects.filter(pk=world.third.pk).update(listed=True)
    mine = Registration.objects.prefetch_related("offered_categories", "sought_categories").get(
        pk=world.firm.pk
    )

    with django_assert_num_queries(3):  # the list with its scores, then both categories
        rows = list(meetings.participants(world.event, mine=mine))

    assert [(row.organisation.name, row.score) for row in rows] == [
        ("Groenwerk Tongeren", 2),
        ("Bakkerij Janssens", 1),
        ("Schrijnwerkerij Spare", 0),
    ]
    assert world.waiting.pk not in {row.pk for row in rows}


def test_messages_are_translated(world):
    with translation.override("fr"):
        assert refusal(lambda: ask(world, invitee=world.firm))[1] == (
            "Vous ne pouvez pas réserver un rendez-vous avec vous-même."
        )
