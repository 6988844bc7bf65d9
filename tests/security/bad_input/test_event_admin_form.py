"""The admin's form for a new event (events/admin.py), as a regisseur fills it in, fed with
impossible events: an end before the start, a deadline after the start, in person without a
postcode, online without a link, meetings in the wrong order, outside the event's hours, or at
tables without any meeting times. Each is refused on its field with the rule in words
(Event.clean), never with a database constraint's name, and nothing is stored; hostile values
in any field give the form again or a valid event, never a 500.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from events.models import Event
from tests.factories import EventFactory, at, in_days, log_in_with_second_factor, region

from .strategies import dates, form, hostile, numbers

pytestmark = pytest.mark.django_db

ADD = "/admin/events/event/add/"
DAY = in_days(30)


def valid():
    """A new event in Tongeren in 30 days, 14:00 to 18:00, with meetings from 14:30 to 17:00."""
    return {
        "title": "Netwerkmoment Tongeren",
        "slug": "netwerkmoment-tongeren",
        "kind": "networking",
        "region": str(region().pk),
        "description": "Werkgevers en sociale ondernemingen leren elkaar kennen.",
        "audience": "all",
        "starts_at_0": DAY.isoformat(),
        "starts_at_1": "14:00",
        "ends_at_0": DAY.isoformat(),
        "ends_at_1": "18:00",
        "address": "Grote Markt 1",
        "postcode": "3700",
        "online_url": "",
        "capacity": "40",
        "people_per_registration": "2",
        "registration_deadline_0": (DAY - timedelta(days=2)).isoformat(),
        "registration_deadline_1": "12:00",
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


@pytest.fixture
def admin(client, world):
    """The regisseur of Zuidoost-Limburg, in the admin (a session that passed the second
    factor)."""
    log_in_with_second_factor(client, world.regisseur)
    return client


# Each impossible event: what changes, the field that says so, and what it says (in Dutch).
IMPOSSIBLE = {
    "ends before it starts": (
        {"ends_at_1": "13:00"},
        "ends_at",
        "Het evenement moet eindigen nadat het begint.",
    ),
    "ends when it starts": (
        {"ends_at_1": "14:00"},
        "ends_at",
        "Het evenement moet eindigen nadat het begint.",
    ),
    "deadline after the start": (
        {"registration_deadline_0": DAY.isoformat(), "registration_deadline_1": "15:00"},
        "registration_deadline",
        "De inschrijving moet sluiten voor het evenement begint.",
    ),
    "in person without a postcode": (
        {"postcode": ""},
        "postcode",
        "Een evenement ter plaatse heeft de postcode van de plaats nodig.",
    ),
    "online without a link": (
        {"online": "on", "postcode": ""},
        "online_url",
        "Een online evenement heeft de link nodig om deel te nemen.",
    ),
    "meetings in the wrong order": (
        {"meetings_from": "16:00", "meetings_until": "15:00"},
        "meetings_until",
        "De gesprekken moeten eindigen nadat ze beginnen.",
    ),
    "meetings before the event": (
        {"meetings_from": "13:00"},
        "meetings_from",
        "De gesprekken moeten tijdens het evenement plaatsvinden, van 14:00 tot 18:00.",
    ),
    "meetings after the event": (
        {"meetings_until": "19:00"},
        "meetings_from",
        "De gesprekken moeten tijdens het evenement plaatsvinden, van 14:00 tot 18:00.",
    ),
    "tables without meeting times": (
        {"meetings_from": "", "meetings_until": ""},
        "meetings_from",
        "Gesprekken aan tafels hebben een begin en een einde nodig.",
    ),
    "no meeting fits the meeting times": (
        {"meetings_from": "14:30", "meetings_until": "14:40"},
        "slot_minutes",
        "Een gesprek van 15 minuten past niet tussen 14:30 en 14:40.",
    ),
    "only the start of the meetings": (
        {"meetings_until": ""},
        "meetings_until",
        "Geef zowel het begin als het einde van de gesprekken, of geen van beide.",
    ),
}


@pytest.mark.parametrize("case", sorted(IMPOSSIBLE))
def test_an_impossible_event_is_refused_on_its_field(admin, case):
    changes, field, message = IMPOSSIBLE[case]

    response = admin.post(ADD, {**valid(), **changes})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors[field] == [message], form.errors
    # The rule in words, once, on its field: no constraint's name, no error above the form.
    assert not form.non_field_errors()
    html = response.content.decode()
    for constraint in Event._meta.constraints:
        assert constraint.name not in html
    assert html.count(message) == 1
    assert not Event.objects.exists()


def test_a_postcode_that_does_not_exist_is_said_once(admin):
    response = admin.post(ADD, {**valid(), "postcode": "0000"})

    form = response.context["adminform"].form
    assert form.errors["postcode"] == ["Er is geen Belgische postcode 0000."]
    assert not Event.objects.exists()


def test_the_possible_event_is_created(admin, world):
    response = admin.post(ADD, valid())

    assert response.status_code == 302
    event = Event.objects.get(slug="netwerkmoment-tongeren")
    assert event.created_by == world.regisseur and len(event.slots()) == 10


def test_the_rules_hold_outside_the_admin(world):
    """Event.clean is the model's: whoever validates an event meets the same rules."""
    event = EventFactory.build(
        region=region(),
        starts_at=at(DAY, 14),
        ends_at=at(DAY, 13),
        registration_deadline=at(DAY, 15),
        online=True,
        online_url="",
        meetings_from=None,
        meetings_until=None,
        tables=4,
    )
    with pytest.raises(ValidationError) as caught:
        event.full_clean()
    errors = caught.value.message_dict
    assert set(errors) >= {"ends_at", "registration_deadline", "online_url", "meetings_from"}
    assert "__all__" not in errors


# The admin's pages carry <script> tags of their own, so the probe "<script" cannot tell an
# echo from them; the other probes (tags and attributes) still check the escaping.
TIMES = st.one_of(
    hostile.filter(lambda value: "<script" not in str(value).lower()),
    numbers,
    dates,
    st.sampled_from(["13:00", "14:00", "18:00", "19:00", "24:00", "23:59:60", "", "on"]),
)


@given(data=st.data())
@example(data=None)
def test_hostile_values_in_the_admin_form(fuzz, admin, data):
    fields = [
        "starts_at_0",
        "starts_at_1",
        "ends_at_0",
        "ends_at_1",
        "registration_deadline_0",
        "registration_deadline_1",
        "online",
        "postcode",
        "online_url",
        "capacity",
        "meetings_from",
        "meetings_until",
        "slot_minutes",
        "tables",
    ]
    if data is None:
        pairs = [*valid().items(), ("ends_at_1", "\x00"), ("tables", "9" * 30)]
    else:
        pairs = data.draw(form(valid(), fields=fields, values=TIMES), label="pairs")
    with fuzz.example():
        response = fuzz.post(admin, ADD, pairs, allowed=(200, 302))
        created = Event.objects.filter(slug="netwerkmoment-tongeren")
        if response.status_code == 302:
            event = created.get()
            assert event.ends_at > event.starts_at >= event.registration_deadline
            assert event.online or event.postcode is not None
            assert not event.tables or event.slots()
        else:
            assert not created.exists()
            assert response.context["adminform"].form.errors
