"""Cancelling an event (events/cancellation.py and its admin step): once, by its managers only,
with its meetings; every registered and waiting registration's people told in their language
with the calendar's cancellation; and afterwards the page, the calendar files, the beat's
reminders and thanks and the public report all treat it as cancelled."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from companies import reports
from events import cancellation, meetings
from events import registration as steps
from events.models import Meeting, MeetingSeat, Registration
from portal.models import AuditEntry, Notification
from tests.events.test_ical import parse
from tests.factories import EventFactory, RegistrationFactory, at, in_days, log_in_as

pytestmark = pytest.mark.django_db


def told():
    return Notification.objects.filter(kind="event_cancelled").order_by("email")


@pytest.fixture
def signed_up(world, register_for):
    """The firm registered with a guest, the social enterprise registered, a third firm waiting
    (the event is full at two), and an accepted meeting of the firm and the enterprise."""
    world.event.capacity = 2
    world.event.save()
    firm = register_for(
        people=[("Erik Employer", world.employer.email), ("Gert Gast", "gert@example.be")]
    )
    social = register_for(
        organisation=world.social,
        user=world.social_member,
        people=[("Sofie Sociaal", world.social_member.email)],
    )
    waiting = RegistrationFactory(event=world.event, status="waiting")
    meeting = meetings.place(
        world.event,
        requester=firm,
        invitee=social,
        starts_at=world.event.slots()[0],
        table=1,
        by=world.regisseur,
    )
    Notification.objects.all().delete()
    world.firm_registration, world.social_registration = firm, social
    world.waiting, world.meeting = waiting, meeting
    return world


# --- The step ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["regisseur", "administrator"])
def test_a_manager_cancels_and_everyone_signed_up_is_told(signed_up, who):
    world = signed_up

    number = cancellation.cancel(world.event, by=getattr(world, who))

    assert number == 3  # two registered, one waiting
    world.event.refresh_from_db()
    assert world.event.cancelled
    # The meeting is cancelled and its seats and table are free; nobody is emailed about it.
    world.meeting.refresh_from_db()
    assert world.meeting.status == "cancelled"
    assert not MeetingSeat.objects.filter(meeting=world.meeting, active=True).exists()
    assert not Notification.objects.filter(kind="event_meeting").exists()
    # Registrations keep their status: the record of who had signed up.
    assert set(Registration.objects.values_list("status", flat=True)) == {"registered", "waiting"}
    rows = {row.email: row for row in told()}
    assert set(rows) == {
        world.employer.email,
        "gert@example.be",
        world.social_member.email,
        world.waiting.registered_by.email,
    }
    dutch, guest = rows[world.employer.email], rows["gert@example.be"]
    french = rows[world.social_member.email]
    assert dutch.subject.startswith("Afgelast: Netwerkmoment Tongeren")
    assert guest.language == "nl" and guest.recipient is None  # the registrant's language
    assert french.subject.startswith("Annulé : Netwerkmoment Tongeren")
    assert "est annulé par Zuidoost-Limburg" in french.body
    assert "/events/netwerkmoment-tongeren/calendar.ics" in dutch.body
    assert "Drukkerij Peeters" in dutch.body
    entry = AuditEntry.objects.get(action="event.cancelled")
    assert entry.changes == {"registrations": 3, "meetings": 1}


def test_cancelling_twice_changes_nothing(signed_up):
    world = signed_up
    cancellation.cancel(world.event, by=world.regisseur)
    world.event.refresh_from_db()
    first, emails = world.event.cancelled_at, told().count()

    assert cancellation.cancel(world.event, by=world.administrator) is None

    world.event.refresh_from_db()
    assert world.event.cancelled_at == first
    assert told().count() == emails
    assert AuditEntry.objects.filter(action="event.cancelled").count() == 1


@pytest.mark.parametrize("who", ["other_regisseur", "employer", "social_member", "stranger"])
def test_only_the_events_managers_cancel_it(signed_up, who):
    with pytest.raises(PermissionDenied):
        cancellation.cancel(signed_up.event, by=getattr(signed_up, who))
    signed_up.event.refresh_from_db()
    assert not signed_up.event.cancelled and not told().exists()


def test_an_event_that_took_place_is_not_cancelled(world):
    event = EventFactory(starts_at=at(in_days(-2), 14))
    with pytest.raises(ValidationError) as caught:
        cancellation.cancel(event, by=world.regisseur)
    assert caught.value.code == "event_over"
    event.refresh_from_db()
    assert not event.cancelled


def test_after_the_cancellation_nothing_can_be_done_with_a_registration(signed_up):
    world = signed_up
    cancellation.cancel(world.event, by=world.regisseur)
    with pytest.raises(steps.RegistrationError) as caught:
        steps.cancel(world.firm_registration, user=world.employer)
    assert caught.value.code == "cancelled"
    assert steps.closed_problem(world.event).code == "cancelled"


# --- The beat and the reports leave it out ---------------------------------------------------


def test_no_reminder_and_no_thanks_for_a_cancelled_event(signed_up):
    world = signed_up
    cancellation.cancel(world.event, by=world.regisseur)

    assert steps.send_reminders(now=world.event.starts_at - timedelta(hours=20)) == 0
    assert steps.send_thanks(now=world.event.ends_at + timedelta(hours=2)) == 0
    assert not Notification.objects.exclude(kind="event_cancelled").exists()


def test_the_public_report_does_not_count_a_cancelled_event(world):
    year = timezone.localdate().year
    filters = reports.Filters(year_from=year - 1, year_to=year)
    # Held three days ago: counted; the same, cancelled while it was ahead: not counted.
    held = EventFactory(starts_at=at(in_days(-3), 10))
    called_off = EventFactory(starts_at=at(in_days(-3), 10))
    for event in (held, called_off):
        RegistrationFactory(event=event, attended=True)
    Registration.objects.filter(event=called_off).update(attended=None)
    type(called_off).objects.filter(pk=called_off.pk).update(
        cancelled_at=called_off.starts_at - timedelta(days=1)
    )

    table = reports.get("events").build(filters)

    totals = [row.cells["events"].value for row in table.rows if not row.note]
    assert sum(totals) == 1
    assert sum(row.cells["registered"].value for row in table.rows if not row.note) == 1


# --- The calendar files ------------------------------------------------------------------------


def test_the_event_file_becomes_the_cancellation_and_the_feed_marks_it(client, signed_up):
    world = signed_up
    url = reverse("events:calendar", kwargs={"slug": world.event.slug})
    feed = reverse("events:region_feed", kwargs={"slug": world.event.region.slug})
    [before] = parse(client.get(url).content.decode())[1]

    cancellation.cancel(world.event, by=world.regisseur)

    header, [after] = parse(client.get(url).content.decode())
    assert header["METHOD"] == "CANCEL"
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["STATUS"] == "CANCELLED"
    assert after['ORGANIZER;CN="Zuidoost-Limburg"'].startswith("mailto:")
    feed_header, feed_events = parse(client.get(feed).content.decode())
    assert feed_header["METHOD"] == "PUBLISH"
    [listed] = [item for item in feed_events if item["UID"] == before["UID"]]
    assert listed["STATUS"] == "CANCELLED"


# --- The pages -----------------------------------------------------------------------------------


def test_the_public_page_says_cancelled_and_registration_is_closed(client, signed_up):
    world = signed_up
    cancellation.cancel(world.event, by=world.regisseur)
    page = reverse("events:detail", kwargs={"slug": world.event.slug})

    html = client.get(page).content.decode()
    assert html.count("Dit evenement is afgelast.") == 2  # the banner and the registration
    assert 'href="/events/netwerkmoment-tongeren/register/"' not in html

    client.force_login(world.employer)
    html = client.get(page).content.decode()
    assert "Drukkerij Peeters is ingeschreven." not in html
    assert "De deelnemerslijst" not in html
    response = client.get(reverse("events:register", kwargs={"slug": world.event.slug}))
    assert response.status_code == 403
    assert "Dit evenement is afgelast." in response.content.decode()


def test_the_regisseur_finds_the_cancel_button_until_the_event_is_cancelled(client, signed_up):
    world = signed_up
    log_in_as(client, world.regisseur)
    page = reverse("events:detail", kwargs={"slug": world.event.slug})
    change = reverse("admin:events_event_change", args=[world.event.pk])
    button = reverse("admin:events_event_cancel", args=[world.event.pk])

    assert button in client.get(page).content.decode()
    assert button in client.get(change).content.decode()
    cancellation.cancel(world.event, by=world.regisseur)
    assert button not in client.get(page).content.decode()
    assert button not in client.get(change).content.decode()


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_the_button_asks_first_and_says_how_many_are_told(client, signed_up):
    world = signed_up
    log_in_as(client, world.regisseur)
    url = reverse("admin:events_event_cancel", args=[world.event.pk])

    html = client.get(url).content.decode()
    assert "3 inschrijvingen krijgen een e-mail." in html
    world.event.refresh_from_db()
    assert not world.event.cancelled and not told().exists()

    response = client.post(url, {"apply": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_event_change", args=[world.event.pk])
    assert messages_of(response) == [
        "Netwerkmoment Tongeren is afgelast; 3 inschrijvingen krijgen een e-mail."
    ]
    assert told().count() == 4

    response = client.post(url, {"apply": "1"})
    message = messages_of(response)[-1]  # the first is still stored: no page read it
    assert message.startswith("Netwerkmoment Tongeren was al afgelast, op ")
    assert told().count() == 4


def test_the_admin_action_confirms_then_cancels_each_event(client, signed_up):
    world = signed_up
    other = EventFactory(title="Infosessie Hasselt")
    over = EventFactory(title="Voorbij", starts_at=at(in_days(-5), 10))
    log_in_as(client, world.regisseur)
    changelist = reverse("admin:events_event_changelist")
    chosen = {"action": "cancel_events", "_selected_action": [world.event.pk, other.pk, over.pk]}

    response = client.post(changelist, chosen)
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 inschrijvingen krijgen een e-mail." in html
    assert "Nee: Het heeft plaatsgevonden." in html
    assert not told().exists()

    response = client.post(changelist, {**chosen, "apply": "1"})

    assert response.status_code == 302
    assert sorted(messages_of(response)) == [
        "Infosessie Hasselt is afgelast; 0 inschrijvingen krijgen een e-mail.",
        "Netwerkmoment Tongeren is afgelast; 3 inschrijvingen krijgen een e-mail.",
        "Voorbij heeft plaatsgevonden: een evenement dat voorbij is, kan niet meer afgelast "
        "worden.",
    ]
    assert set(type(other).objects.filter(cancelled_at__isnull=False)) == {world.event, other}


def test_a_forged_selection_is_refused_with_a_message(client, signed_up):
    log_in_as(client, signed_up.regisseur)
    changelist = reverse("admin:events_event_changelist")
    response = client.post(
        changelist, {"action": "cancel_events", "_selected_action": ["x'1"], "apply": "1"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["Geen van de gekozen evenementen werd gevonden."]


@pytest.mark.parametrize(("who", "status"), [("other_regisseur", 404), ("employer", 302)])
def test_others_do_not_reach_the_cancel_step(client, signed_up, who, status):
    world = signed_up
    log_in_as(client, getattr(world, who))
    url = reverse("admin:events_event_cancel", args=[world.event.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"apply": "1"}).status_code == status
    changelist = reverse("admin:events_event_changelist")
    client.post(
        changelist, {"action": "cancel_events", "_selected_action": [world.event.pk], "apply": 1}
    )
    world.event.refresh_from_db()
    assert not world.event.cancelled and not told().exists()
    assert Meeting.objects.get().status == "accepted"
