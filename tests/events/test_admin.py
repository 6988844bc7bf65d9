"""The regisseur's admin of events (events/admin.py): each regisseur creates and edits the events
of their own regions, another region's are not found, administrators see all; the form checks
place, link, deadline, meeting times and capacity; registrations are listed read-only, and more
capacity moves waiting ones up."""

from datetime import timedelta

import pytest

from events.models import Event, Registration, RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory, log_in_with_second_factor, region

ADMIN = "/en/admin/events/"
EVENTS = f"{ADMIN}event/"
REGISTRATIONS = f"{ADMIN}registration/"


def change(event):
    return f"{EVENTS}{event.pk}/change/"


def data(event=None, **changes):
    """The change form's POST for `event` (or a new one in Tongeren), with changes."""
    event = event or EventFactory.build(region=region())
    starts = event.starts_at.astimezone()
    fields = {
        "title": event.title,
        "slug": event.slug if event.pk else "nieuw-event",
        "kind": event.kind,
        "region": event.region_id or region().pk,
        "description": event.description,
        "audience": "all",
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": "14:00:00",
        "ends_at_0": starts.strftime("%Y-%m-%d"),
        "ends_at_1": "18:00:00",
        "address": "Grote Markt 1",
        "postcode": "3700",
        "online_url": "",
        "capacity": "40",
        "people_per_registration": "2",
        "registration_deadline_0": (starts - timedelta(days=2)).strftime("%Y-%m-%d"),
        "registration_deadline_1": "12:00:00",
        "published": "on",
        "sector": "",
        "category": "",
        "meetings_from": "14:30",
        "meetings_until": "17:00",
        "slot_minutes": "15",
        "tables": "10",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


@pytest.fixture
def elsewhere(world):
    return EventFactory(title="Leuven netwerkt", region=region("vlaams-brabant"))


def test_a_regisseur_lists_and_edits_only_the_events_of_their_regions(client, world, elsewhere):
    log_in_with_second_factor(client, world.regisseur)

    html = client.get(EVENTS).content.decode()

    assert world.event.title in html and elsewhere.title not in html
    assert client.get(change(world.event)).status_code == 200
    response = client.get(change(elsewhere))
    assert response.status_code == 302  # Django's "doesn't exist" back to the list
    assert client.post(change(elsewhere), data(elsewhere, title="Gekaapt")).status_code == 302
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Leuven netwerkt"


def test_an_administrator_sees_every_event(client, world, elsewhere):
    log_in_with_second_factor(client, world.administrator)
    html = client.get(EVENTS).content.decode()
    assert world.event.title in html and elsewhere.title in html


@pytest.mark.parametrize("role", ["employer", "stranger"])
def test_people_who_are_not_staff_are_sent_to_the_login(client, world, role):
    client.force_login(getattr(world, role))
    response = client.get(EVENTS)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_regisseur_creates_an_event_in_their_own_region_only(client, world):
    log_in_with_second_factor(client, world.regisseur)
    html = client.get(f"{EVENTS}add/").content.decode()
    assert "Zuidoost-Limburg" in html and "Vlaams-Brabant" not in html

    refused = client.post(f"{EVENTS}add/", data(region=region("vlaams-brabant").pk))
    assert refused.status_code == 200 and not Event.objects.filter(slug="nieuw-event").exists()

    response = client.post(f"{EVENTS}add/", data(title="Nieuw netwerkmoment"))
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(slug="nieuw-event")
    assert event.created_by == world.regisseur and event.postcode.code == "3700"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"online": "on", "postcode": ""}, "online_url", "needs the link"),
        ({"postcode": ""}, "postcode", "needs the postcode"),
        ({"postcode": "0000"}, "postcode", "no Belgian postcode 0000"),
        ({"ends_at_1": "13:00:00"}, "ends_at", "end after it starts"),
        ({"registration_deadline_1": "15:00:00", "registration_deadline_0": None}, None, None),
        ({"meetings_until": ""}, "meetings_until", "or neither"),
        ({"meetings_from": "13:00"}, "meetings_from", "within the event, from 14:00 to 18:00"),
        ({"meetings_until": "14:00"}, "meetings_until", "end after they start"),
    ],
)
def test_the_form_checks_place_times_and_meetings(client, world, changes, field, message):
    log_in_with_second_factor(client, world.regisseur)
    if field is None:  # the deadline after the start, on the event's day
        starts = world.event.starts_at.astimezone()
        changes = {
            "registration_deadline_0": starts.strftime("%Y-%m-%d"),
            "registration_deadline_1": "15:00:00",
        }
        field, message = "registration_deadline", "close before the event starts"

    response = client.post(change(world.event), data(world.event, **changes))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors


def test_capacity_cannot_fall_below_the_registered_and_more_moves_waiting_up(client, world):
    event = EventFactory(capacity=2, slug="klein")
    for _ in range(2):
        RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    log_in_with_second_factor(client, world.regisseur)

    response = client.post(change(event), data(event, capacity="1"))
    assert "2 organisations are registered already" in response.content.decode()

    response = client.post(change(event), data(event, capacity="3"))
    assert response.status_code == 302
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.REGISTERED


def test_registrations_are_listed_read_only_for_the_regions_regisseur(client, world, elsewhere):
    mine = RegistrationFactory(event=world.event, organisation=world.firm)
    theirs = RegistrationFactory(event=elsewhere)
    log_in_with_second_factor(client, world.regisseur)

    html = client.get(REGISTRATIONS).content.decode()
    page = client.get(f"{REGISTRATIONS}{mine.pk}/change/")

    assert "Drukkerij Peeters" in html and theirs.organisation.name not in html
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    assert client.get(f"{REGISTRATIONS}{theirs.pk}/change/").status_code == 302
    assert "Drukkerij Peeters" in client.get(change(world.event)).content.decode()
