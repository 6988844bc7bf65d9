"""The events' forms and addresses (issue 22), fed with hostile input: registering and changing a
registration, asking for a meeting and placing one on the grid, recording a deal, ticking the
sign-in list, the follow-up link, the list's filters and the ids in the addresses.

Refused input: the form again (200) or a redirect back with the message (the meeting request),
and nothing stored. Accepted input: what the step stores, and a page that shows it, escaped.
"""

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from events import deals
from events.meeting_forms import slot_value
from events.models import (
    ACTIVE,
    Deal,
    DealFollowUp,
    Meeting,
    MeetingSeat,
    Registration,
    RegistrationStatus,
)
from tests.factories import EventFactory, at, in_days

from .strategies import dates, encode, form, hostile, numbers, query, random_text

pytestmark = pytest.mark.django_db

FORM = (200, 302)
PAGE = (200, 400)  # 400: more parameters than Django takes


def _registered(event, organisation, user):
    return Registration.objects.create(
        event=event, organisation=organisation, registered_by=user, listed=True, offers="Drukwerk"
    )


@pytest.fixture
def events(world):
    """Three events of Zuidoost-Limburg: `open` (nobody registered yet), `ahead` (the firm and
    the enterprise registered, no meetings yet) and `past` (yesterday: the two met, and a deal
    without a meeting waits for its 3-month answer, `token`)."""
    ahead = EventFactory(title="Netwerkmoment Tongeren", slug="netwerkmoment-tongeren")
    past = EventFactory(
        title="Beurs Tongeren", slug="beurs-tongeren", starts_at=at(in_days(-1), 14)
    )
    sides = {}
    for event in (ahead, past):
        sides[event.pk] = (
            _registered(event, world.firm, world.employer),
            _registered(event, world.enterprise, world.provider),
        )
    firm, social = sides[past.pk]
    starts_at = past.slots()[0]
    meeting = Meeting.objects.create(
        event=past, requester=firm, invitee=social, starts_at=starts_at, table=1, status="accepted"
    )
    MeetingSeat.objects.bulk_create(
        MeetingSeat(meeting=meeting, registration=side, starts_at=starts_at)
        for side in sides[past.pk]
    )
    answered = Deal.objects.create(
        event=past,
        regular=world.firm,
        social=world.enterprise,
        what="Groenonderhoud van de parking.",
        role="client",
        expected_start=timezone.localdate(),
    )
    return SimpleNamespace(
        open=EventFactory(title="Rondetafel Tongeren", slug="rondetafel-tongeren"),
        ahead=ahead,
        ahead_firm=sides[ahead.pk][0],
        ahead_social=sides[ahead.pk][1],
        past=past,
        past_firm=firm,
        past_social=social,
        meeting=meeting,
        deal=answered,
        token=deals.token(answered, world.firm, 3),
    )


def _listed(pairs):
    """Form pairs with list values spread over repeated names."""
    return [(n, v) for n, value in pairs for v in (value if isinstance(value, list) else [value])]


# --- Registering and one's registration -----------------------------------------------------


def registration_data(world):
    return {
        "organisation": world.firm.slug,
        "offers": "Drukwerk op maat, ook in kleine oplagen.",
        "offered_categories": [str(world.category.pk)],
        "seeks": "Een partner voor groenonderhoud.",
        "sought_categories": [str(world.category.pk)],
        "listed": "on",
        "person_1_name": "Erik Employer",
        "person_1_email": world.employer.email,
        "person_2_name": "",
        "person_2_email": "",
    }


REGISTRATION_VALUES = st.one_of(
    hostile, st.sampled_from(["on", "1", "x@example.org", "drukkerij-peeters", "0"])
)


@given(data=st.data())
@example(data=None)
@example(data="twice")
@example(data="valid")
def test_register_for_an_event(fuzz, world, events, data):
    valid = registration_data(world)
    if data == "valid":
        pairs = list(valid.items())
    elif data is None:
        pairs = [*valid.items(), ("person_1_email", "erik\x00@example.org"), ("offers", "é" * 501)]
    elif data == "twice":  # the same person twice
        pairs = [
            *valid.items(),
            ("person_2_name", "Erik"),
            ("person_2_email", valid["person_1_email"].upper()),
        ]
    else:
        pairs = data.draw(form(valid, values=REGISTRATION_VALUES), label="pairs")
    pairs = _listed(pairs)
    client = world.clients.employer
    path = reverse("events:register", kwargs={"slug": events.open.slug})
    registered = Registration.objects.filter(event=events.open, status__in=ACTIVE)
    with fuzz.example():
        response = fuzz.post(client, path, pairs, allowed=FORM)
        if response.status_code == 302:
            assert registered.get().organisation == world.firm
            fuzz.follow(client, response, pairs)
        else:
            assert not registered.exists()
        assert data != "valid" or response.status_code == 302


@given(data=st.data(), cancel=st.booleans())
@example(data=None, cancel=False)
def test_change_or_cancel_a_registration(fuzz, world, events, data, cancel):
    valid = {**registration_data(world), "organisation": world.firm.slug}
    pairs = (
        [*valid.items(), ("organisation", "<xss-probe>"), ("person_2_email", "\udfff")]
        if data is None
        else data.draw(form(valid, values=REGISTRATION_VALUES), label="pairs")
    )
    pairs = _listed(pairs) + ([("cancel", "1")] if cancel else [])
    client = world.clients.employer
    path = reverse("events:registration", kwargs={"slug": events.ahead.slug})
    with fuzz.example():
        response = fuzz.post(client, path, pairs, allowed=FORM)
        registration = Registration.objects.get(pk=events.ahead_firm.pk)
        if response.status_code == 302:
            fuzz.follow(client, response, pairs)
        if cancel:
            assert registration.status == RegistrationStatus.CANCELLED
        else:
            assert registration.status == RegistrationStatus.REGISTERED
            assert registration.attendees.count() <= events.ahead.people_per_registration


# --- Meetings -------------------------------------------------------------------------------

SLOT_VALUES = st.one_of(
    hostile,
    dates,
    st.sampled_from(["2025-01-01T14:30:00", "14:30", "2025-01-01T14:30:00+25:00", "T" * 41]),
)


@given(data=st.data())
@example(data=None)
@example(data="me")
@example(data="valid")
def test_request_a_meeting(fuzz, world, events, data):
    slots = events.ahead.slots()
    valid = {
        "invitee": str(events.ahead_social.pk),
        "slot": slot_value(slots[2]),
        "message": "Graag kennismaken over groenonderhoud.",
    }
    if data is None:
        # A slot the event does not have: a minute later, and in another zone.
        pairs = [
            ("invitee", valid["invitee"]),
            ("slot", slot_value(slots[2] + timedelta(minutes=1))),
        ]
    elif data == "me":  # a meeting with oneself
        pairs = [*valid.items(), ("invitee", str(events.ahead_firm.pk))]
    elif data == "valid":
        pairs = list(valid.items())
    else:
        values = st.one_of(hostile, numbers, SLOT_VALUES)
        pairs = data.draw(form(valid, values=values), label="pairs")
    client = world.clients.employer
    path = reverse("events:meeting_request", kwargs={"slug": events.ahead.slug})
    with fuzz.example():
        # Every answer goes back to a page: the schedule, or where one asked, with the message.
        response = fuzz.post(client, path, pairs, allowed=(302,))
        fuzz.follow(client, response, pairs)
        booked = Meeting.objects.filter(event=events.ahead)
        assert booked.count() <= 1
        for meeting in booked:
            assert (meeting.requester, meeting.invitee) == (events.ahead_firm, events.ahead_social)
            assert meeting.starts_at in slots
        if data == "valid":
            assert booked.exists()
        elif data in (None, "me"):
            assert not booked.exists()


@given(data=st.data())
@example(data="valid")
def test_place_a_meeting_on_the_grid(fuzz, world, events, data):
    slots = events.ahead.slots()
    valid = {
        "requester": str(events.ahead_firm.pk),
        "invitee": str(events.ahead_social.pk),
        "slot": slot_value(slots[0]),
        "table": "3",
    }
    pairs = (
        list(valid.items())
        if data == "valid"
        else data.draw(form(valid, values=st.one_of(hostile, numbers, SLOT_VALUES)), label="pairs")
    )
    client = world.clients.regisseur
    path = reverse("events:grid", kwargs={"slug": events.ahead.slug})
    with fuzz.example():
        response = fuzz.post(client, path, pairs, allowed=FORM)
        placed = Meeting.objects.filter(event=events.ahead)
        if response.status_code == 302:
            fuzz.follow(client, response, pairs)
            meeting = placed.get()
            assert meeting.starts_at in slots and 1 <= meeting.table <= events.ahead.tables
        else:
            assert not placed.exists()
        assert data != "valid" or response.status_code == 302


@given(
    held=st.one_of(st.sampled_from(["yes", "no", "derived", "YES", "", "held"]), hostile),
    pk=st.one_of(st.just("MEETING"), st.sampled_from([0, 2**31, 2**63, 2**64, int("9" * 40)])),
)
@example(held="yes\x00", pk="MEETING")
@example(held="no", pk=2**64)
def test_mark_a_meeting_held(fuzz, world, events, held, pk):
    """The grid's held / not held / from the attendance list: a redirect back to the grid with
    a message; only the three values change the meeting; a forged meeting is not found."""
    number = events.meeting.pk if pk == "MEETING" else pk
    path = reverse(
        "events:meeting_held", kwargs={"slug": events.past.slug, "pk": events.meeting.pk}
    ).replace(f"/{events.meeting.pk}/held/", f"/{number}/held/")
    client = world.clients.regisseur
    pairs = [("held", held)]
    with fuzz.example():
        response = fuzz.post(client, path, pairs, allowed=(302,) if pk == "MEETING" else (404,))
        events.meeting.refresh_from_db()
        values = {"yes": True, "no": False}
        assert events.meeting.held is (values.get(held) if pk == "MEETING" else None)
        if response.status_code == 302:
            fuzz.follow(client, response, pairs)


# --- What came of it: a deal, the sign-in list, the follow-up link --------------------------

DEAL_VALUES = st.one_of(
    hostile, dates, numbers, st.sampled_from(["client", "supplier", "partner", "boss"])
)


@given(data=st.data())
@example(data=None)
@example(data="valid")
def test_record_a_deal(fuzz, world, events, data):
    valid = {
        "meeting": str(events.meeting.pk),
        "what": "Groenonderhoud van de parking, twee keer per maand.",
        "role": "client",
        "category": str(world.category.pk),
        "expected_start": str(timezone.localdate() + timedelta(days=20)),
    }
    if data is None:
        pairs = [*valid.items(), ("expected_start", "9999-12-31"), ("meeting", "1\x00")]
    elif data == "valid":
        pairs = list(valid.items())
    else:
        pairs = data.draw(form(valid, values=DEAL_VALUES), label="pairs")
    client = world.clients.employer
    path = reverse("events:deal_new", kwargs={"slug": events.past.slug})
    recorded = Deal.objects.filter(meeting=events.meeting)
    with fuzz.example():
        response = fuzz.post(client, path, pairs, allowed=FORM)
        if response.status_code == 302:
            deal = recorded.get()
            assert deal.collaboration.channel == "network_event"
            fuzz.follow(client, response, pairs)
        else:
            assert not recorded.exists()
        assert data != "valid" or response.status_code == 302


@given(data=st.data())
def test_tick_the_sign_in_list(fuzz, world, events, data):
    valid = {"attended": [str(events.past_firm.pk), str(events.past_social.pk)]}
    values = st.one_of(
        hostile, numbers, st.sampled_from([str(events.past_firm.pk), str(events.ahead_firm.pk)])
    )
    pairs = _listed(data.draw(form(valid, values=values), label="pairs"))
    client = world.clients.regisseur
    path = reverse("events:attendance", kwargs={"slug": events.past.slug})
    with fuzz.example():
        response = fuzz.post(client, path, pairs, allowed=FORM)
        marked = Registration.objects.filter(attended__isnull=False)
        if response.status_code == 302:
            fuzz.follow(client, response, pairs)
            assert set(marked.values_list("event", flat=True)) == {events.past.pk}
        else:
            assert not marked.exists()


@given(
    token=st.one_of(hostile, random_text, st.just("VALID")),
    answer=st.one_of(st.sampled_from(["yes", "no", "YES", ""]), hostile),
    method=st.sampled_from(["GET", "POST"]),
)
@example(token="\x00", answer="yes", method="POST")
@example(token=":" * 300, answer="no", method="GET")
@example(token="VALID", answer="yes\x00", method="POST")
def test_the_follow_up_link(fuzz, world, events, token, answer, method):
    if token == "VALID":
        token = events.token
    raw = token if isinstance(token, bytes) else token.encode("utf-8", "surrogatepass")
    path = reverse("events:deal_follow_up", kwargs={"token": "T"}).replace(
        "/T/", f"/{quote(raw, safe='')}/"
    )
    client = world.clients.anonymous
    with fuzz.example():
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(
                path,
                data=encode([("carried_out", answer)]),
                content_type="application/x-www-form-urlencoded",
            )
        # 400: a link cut off or changed; 404: one with a slash in it matches no address.
        fuzz.check(response, [("token", token), ("carried_out", answer)], allowed=(200, 400, 404))
        answered = DealFollowUp.objects.all()
        if method == "GET" or answer not in ("yes", "no") or token != events.token:
            assert not answered.exists()
        else:
            assert answered.get().carried_out == (answer == "yes")


# --- The list's filters, the pages' parameters and the addresses ----------------------------

LIST = ["region", "sector", "service", "when", "page"]
GOOD = ["zuidoost-limburg", "limburg", "C", "groenonderhoud", "upcoming", "past", "2", "0", "-1"]
list_values = st.one_of(st.sampled_from(GOOD), hostile)


@given(pairs=query(LIST, list_values))
@example(pairs=[("region", "zuidoost-limburg\x00"), ("when", "past"), ("page", "9" * 5000)])
@example(pairs=[("service", "<xss-probe>"), ("sector", '" x-probe="1'), ("when", "\udfff")])
def test_event_list_parameters(fuzz, world, events, pairs):
    with fuzz.example():
        fuzz.get(world.clients.anonymous, reverse("events:list"), pairs, allowed=PAGE)


PAGES = {
    "detail": ("anonymous", "ahead", (200,)),
    "register": ("employer", "open", (200,)),
    "registration": ("employer", "ahead", (200,)),
    "participants": ("employer", "ahead", (200,)),
    "meetings": ("employer", "ahead", (200,)),
    "grid": ("regisseur", "ahead", (200,)),
    "deal_new": ("employer", "past", (200,)),
    "attendance": ("regisseur", "past", (200,)),
    "report": ("regisseur", "past", (200,)),
}


@given(
    page=st.sampled_from(sorted(PAGES)),
    pairs=query(["organisation", "meeting", "page", "slot"], list_values),
)
@example(page="registration", pairs=[("organisation", "drukkerij\x00")])
@example(page="deal_new", pairs=[("meeting", "<xss-probe>")])
def test_event_pages_parameters(fuzz, world, events, page, pairs):
    who, event, allowed = PAGES[page]
    path = reverse(f"events:{page}", kwargs={"slug": getattr(events, event).slug})
    with fuzz.example():
        fuzz.get(getattr(world.clients, who), path, pairs, allowed=(*allowed, 400))


slugs = st.one_of(hostile, random_text).filter(lambda slug: slug not in ("", ".", ".."))
SLUG_PAGES = [
    ("GET", "events:detail"),
    ("GET", "events:calendar"),
    ("POST", "events:register"),
    ("POST", "events:registration"),
    ("GET", "events:participants"),
    ("POST", "events:meeting_request"),
    ("GET", "events:schedule_ics"),
    ("POST", "events:deal_new"),
    ("POST", "events:attendance"),
    ("GET", "events:region_feed"),
]


@given(where=st.sampled_from(SLUG_PAGES), slug=slugs)
@example(where=("GET", "events:detail"), slug="netwerkmoment-tongeren\x00")
@example(where=("GET", "events:region_feed"), slug="zuidoost-limburg\x00")
@example(where=("POST", "events:register"), slug="x" * 300)
def test_slugs_in_addresses(fuzz, world, events, where, slug):
    method, name = where
    raw = slug if isinstance(slug, bytes) else slug.encode("utf-8", "surrogatepass")
    path = reverse(name, kwargs={"slug": "PLACEHOLDER"}).replace("PLACEHOLDER", quote(raw, safe=""))
    client = world.clients.employer
    with fuzz.example():
        response = client.get(path) if method == "GET" else client.post(path)
        fuzz.check(response, [("slug", slug)], allowed=(404,))


@given(
    pk=st.one_of(
        st.integers(min_value=0),
        st.sampled_from([2**31, 2**63 - 1, 2**63, 2**64, 10**30, int("9" * 300)]),
    ),
    answer=st.one_of(st.sampled_from(["accept", "decline", "cancel"]), hostile),
)
@example(pk=2**63, answer="accept")
@example(pk=1, answer="ACCEPT")
def test_forged_meetings_in_addresses(fuzz, world, events, pk, answer):
    raw = answer if isinstance(answer, bytes) else answer.encode("utf-8", "surrogatepass")
    path = reverse(
        "events:meeting_answer", kwargs={"slug": events.ahead.slug, "pk": 1, "answer": "accept"}
    ).replace("/1/accept/", f"/{pk}/{quote(raw, safe='')}/")
    with fuzz.example():
        response = world.clients.provider.post(path)
        # No meeting of the event ahead exists: nothing is found, whatever the address says.
        fuzz.check(response, [("pk", str(pk)), ("answer", answer)], allowed=(404,))
