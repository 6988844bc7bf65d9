"""The meeting pages (events/meeting_views.py): who sees the participant list, one's meetings and
the grid; requests, answers and placing by hand for each role of the access matrix; refusals as
translated messages, never a 500; the schedule as iCalendar and on paper; pinned query counts."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import meetings
from events.meeting_forms import slot_value
from events.models import Event, Meeting, Registration
from portal.models import Notification
from tests.events.meetings_world import make_world
from tests.factories import RegistrationFactory, log_in_as, reference_rows_in_memory

pytestmark = pytest.mark.django_db

# The roles of the access matrix, as attributes of the world.
ANONYMOUS = None
ROLES = [
    "employer",  # a member of a registered organisation
    "other_member",  # a member of an organisation that is not registered
    "waiting_member",  # a member of an organisation on the waiting list
    "regisseur",  # regisseur of the event's region
    "other_regisseur",  # regisseur of another region
    "administrator",
    "stranger",
]


@pytest.fixture
def world(reference_data, db):
    return make_world()


def page(world, path):
    return f"/events/{world.event.slug}/{path}"


def as_(client, world, who):
    if who is not None:
        log_in_as(client, getattr(world, who))
    return client


def ask(world, slot=0, **sides):
    return meetings.request(
        world.event,
        requester=sides.get("requester", world.firm),
        invitee=sides.get("invitee", world.social),
        starts_at=world.slots[slot],
        user=sides.get("user", world.employer),
    )


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


# --- The participant list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("employer", 200),
        ("regisseur", 200),
        ("administrator", 200),
        ("other_regisseur", 403),
        ("other_member", 403),
        ("waiting_member", 403),
        ("stranger", 403),
    ],
)
def test_who_sees_the_participant_list(client, world, who, status):
    response = as_(client, world, who).get(page(world, "participants/"))

    assert response.status_code == status
    html = response.content.decode()
    if status == 200:
        assert "Groenwerk Tongeren" in html
    else:
        assert "Groenwerk Tongeren" not in html
        assert "Alleen organisaties die voor dit evenement ingeschreven zijn" in html


def test_the_participant_list_needs_a_login(client, world):
    response = client.get(page(world, "participants/"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_only_listed_registered_organisations_suggested_first(client, world):
    Registration.objects.filter(pk=world.third.pk).update(listed=False)
    client.force_login(world.employer)

    html = client.get(page(world, "participants/")).content.decode()

    assert "Bakkerij Janssens" not in html  # not on the list
    assert "Garage Wachtrij" not in html  # waiting
    assert html.count('id="participant-') == 2  # not oneself
    assert html.index("Voorgesteld voor jou") < html.index("Groenwerk Tongeren")
    assert html.index("Groenwerk Tongeren") < html.index("Andere deelnemers")
    assert html.index("Andere deelnemers") < html.index("Schrijnwerkerij Spare")
    # A form per row with the free times, the first at 14:30.
    assert f'action="{page(world, "meetings/request/")}"' in html
    assert f'value="{slot_value(world.slots[0])}"' in html


def test_a_time_one_side_is_booked_is_not_offered(client, world):
    ask(world)
    client.force_login(world.third_member)

    html = client.get(page(world, "participants/")).content.decode()

    row = html.split(f'id="participant-{world.social.pk}"')[1].split("</li>")[0]
    assert f'value="{slot_value(world.slots[0])}"' not in row
    assert f'value="{slot_value(world.slots[1])}"' in row


# The participant list for a participant: the session, the user, the event, the user's
# registrations, the acting organisation; the categories the participant seeks and offers (the
# suggestions); the list with its scores and the categories it shows (two); the booked seats.
PARTICIPANT_QUERIES = 11


@pytest.mark.parametrize("others", [3, 30])
def test_the_participant_list_runs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, others
):
    for _ in range(others - 3):  # the world lists three others: the enterprise, two firms
        RegistrationFactory(event=world.event).offered_categories.set(
            world.social.offered_categories.all()
        )
    ask(world)
    reference_rows_in_memory()
    client.force_login(world.employer)

    with django_assert_num_queries(PARTICIPANT_QUERIES):
        html = client.get(page(world, "participants/")).content.decode()

    assert html.count('id="participant-') == others
    # One "Request a meeting" per row, folded, each with one time and one message.
    assert html.count('<details class="participant__request">') == others
    assert html.count('name="slot"') == others
    assert html.count('name="message"') == others


def test_a_row_asks_for_a_meeting_with_a_time_and_a_folded_message(client, world):
    client.force_login(world.employer)

    html = client.get(page(world, "participants/")).content.decode()

    row = html.split(f'id="participant-{world.social.pk}"')[1].split("</li>")[0]
    request = row.split('<details class="participant__request">')[1]
    assert "Vraag een gesprek aan" in request.split("</summary>")[0]
    assert "Vraag een gesprek aan met Groenwerk Tongeren" in request.split("</summary>")[0]
    form = request.split("</summary>", 1)[1]
    assert f'<input type="hidden" name="invitee" value="{world.social.pk}">' in form
    assert form.index('name="slot"') < form.index('<details class="participant__message">')
    message = form.split('<details class="participant__message">')[1].split("</details>")[0]
    assert "Een bericht toevoegen (optioneel)" in message and 'name="message"' in message
    assert "Aanvraag versturen" in form


def test_a_participant_without_a_free_time_gets_no_request(client, world):
    for slot in range(len(world.slots)):
        Meeting.objects.create(
            event=world.event,
            requester=world.third,
            invitee=world.social,
            starts_at=world.slots[slot],
            table=1,
            status="accepted",
        )
        meeting = Meeting.objects.filter(event=world.event).last()
        meeting.seats.create(registration=world.social, starts_at=world.slots[slot])
    client.force_login(world.employer)

    html = client.get(page(world, "participants/")).content.decode()

    row = html.split(f'id="participant-{world.social.pk}"')[1].split("</li>")[0]
    assert "participant__request" not in row
    assert "Er is geen tijdstip meer waarop jullie allebei vrij zijn." in row


# --- Requesting ----------------------------------------------------------------------------------


def request_form(world, **changes):
    return {
        "invitee": world.social.pk,
        "slot": slot_value(world.slots[0]),
        "message": "Graag!",
        **changes,
    }


@pytest.mark.parametrize(
    "who", ["other_member", "waiting_member", "regisseur", "other_regisseur", "stranger"]
)
def test_only_a_registered_participant_requests(client, world, who):
    response = as_(client, world, who).post(page(world, "meetings/request/"), request_form(world))

    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.post(page(world, "meetings/request/"), request_form(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Meeting.objects.exists()


def test_a_participant_requests_a_meeting(client, world):
    client.force_login(world.employer)

    response = client.post(page(world, "meetings/request/"), request_form(world))

    assert response.status_code == 302
    assert response["Location"] == page(world, "meetings/")
    meeting = Meeting.objects.get()
    assert (meeting.requester, meeting.invitee, meeting.table) == (world.firm, world.social, 1)
    assert messages_of(response) == [
        "Je gespreksaanvraag is naar Groenwerk Tongeren gestuurd, voor 14:30 aan tafel 1."
    ]
    assert Notification.objects.filter(recipient=world.social_member).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slot": "gisteren"}, "Kies een van de tijdstippen voor gesprekken op dit evenement"),
        ({"slot": "2020-01-01T10:00:00+00:00"}, "Kies een van de tijdstippen voor gesprekken"),
        ({"slot": ""}, "Kies een tijdstip voor het gesprek."),
        ({"invitee": "abc"}, "Voer een geheel getal in."),
        ({"invitee": "999999"}, "Kies een deelnemer van dit evenement om mee te praten."),
        ({"message": "x" * 501}, "Zorg dat deze waarde niet meer dan 500 tekens bevat"),
        ({"invitee": "self"}, "Je kan geen gesprek met jezelf boeken."),
        ({"invitee": "waiting"}, "Garage Wachtrij staat voor dit evenement op ‘op de wachtlijst’"),
    ],
)
def test_bad_requests_are_refused_with_a_message(client, world, changes, message):
    named = {"self": world.firm.pk, "waiting": world.waiting.pk}
    if changes.get("invitee") in named:
        changes["invitee"] = named[changes["invitee"]]
    client.force_login(world.employer)

    response = client.post(page(world, "meetings/request/"), request_form(world, **changes))

    assert response.status_code == 302
    [said] = messages_of(response)
    assert said.startswith(message), said
    assert not Meeting.objects.exists()


def test_a_double_booking_is_refused_with_a_message(client, world):
    ask(world)
    client.force_login(world.third_member)

    response = client.post(page(world, "meetings/request/"), request_form(world))

    assert messages_of(response) == [
        "Groenwerk Tongeren heeft om 14:30 al een gesprek; kies een ander tijdstip."
    ]
    assert Meeting.objects.count() == 1


def test_a_get_of_the_request_address_is_not_allowed(client, world):
    client.force_login(world.employer)
    assert client.get(page(world, "meetings/request/")).status_code == 405


# --- Answering -----------------------------------------------------------------------------------


def answer_url(world, meeting, answer):
    return page(world, f"meetings/{meeting.pk}/{answer}/")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (ANONYMOUS, 302),
        ("stranger", 404),
        ("other_member", 404),
        ("third_member", 404),
        ("other_regisseur", 404),
        ("employer", 302),  # the requester: refused with a message
    ],
)
def test_who_may_not_accept(client, world, who, status):
    meeting = ask(world)

    response = as_(client, world, who).post(answer_url(world, meeting, "accept"))

    assert response.status_code == status
    meeting.refresh_from_db()
    assert meeting.status == "requested"
    if who == "employer":
        assert messages_of(response) == [
            "Alleen de uitgenodigde organisatie antwoordt op een gespreksaanvraag."
        ]


@pytest.mark.parametrize(("answer", "status"), [("accept", "accepted"), ("decline", "declined")])
def test_the_invitee_answers(client, world, answer, status):
    meeting = ask(world)
    client.force_login(world.social_member)

    response = client.post(answer_url(world, meeting, answer))

    assert response.status_code == 302
    assert response["Location"] == page(world, "meetings/")
    meeting.refresh_from_db()
    assert meeting.status == status


def test_an_unknown_answer_is_not_found(client, world):
    meeting = ask(world)
    client.force_login(world.social_member)
    assert client.post(answer_url(world, meeting, "maybe")).status_code == 404


@pytest.mark.parametrize(
    ("who", "status", "result"),
    [
        ("employer", 302, "cancelled"),
        ("social_member", 302, "cancelled"),
        ("regisseur", 302, "cancelled"),
        ("administrator", 302, "cancelled"),
        ("other_regisseur", 404, "accepted"),
        ("third_member", 404, "accepted"),
        ("stranger", 404, "accepted"),
    ],
)
def test_who_may_cancel(client, world, who, status, result):
    meeting = ask(world)
    meetings.accept(meeting, user=world.social_member)

    response = as_(client, world, who).post(answer_url(world, meeting, "cancel"))

    assert response.status_code == status
    meeting.refresh_from_db()
    assert meeting.status == result


def test_answering_twice_says_why_not(client, world):
    meeting = ask(world)
    meetings.decline(meeting, user=world.social_member)
    client.force_login(world.social_member)

    response = client.post(answer_url(world, meeting, "accept"))

    assert messages_of(response) == [
        "Dit gesprek is geweigerd: alleen op een gevraagd gesprek kan je antwoorden."
    ]


# --- My meetings, the schedule on paper and as iCalendar ----------------------------------------


def test_my_meetings_show_requests_both_ways_and_the_schedule(client, world):
    incoming = ask(world, 0, requester=world.third, invitee=world.firm, user=world.third_member)
    outgoing = ask(world, 1)
    accepted = ask(world, 2, invitee=world.spare)
    meetings.accept(accepted, user=world.spare_member)
    client.force_login(world.employer)

    html = client.get(page(world, "meetings/")).content.decode()

    assert html.index("Aanvragen om te beantwoorden") < html.index(f'id="meeting-{incoming.pk}"')
    assert html.index("Je aanvragen die op antwoord wachten") < html.index(
        f'id="meeting-{outgoing.pk}"'
    )
    assert html.index("Je planning") < html.index(f'id="meeting-{accepted.pk}"')
    assert answer_url(world, incoming, "accept") in html
    assert answer_url(world, outgoing, "cancel") in html
    assert "15:00" in html and "Schrijnwerkerij Spare" in html


@pytest.mark.parametrize("path", ["meetings/", "schedule.ics", "schedule/print/"])
@pytest.mark.parametrize("who", ["other_member", "waiting_member", "other_regisseur", "stranger"])
def test_only_participants_have_a_schedule(client, world, path, who):
    assert as_(client, world, who).get(page(world, path)).status_code == 403


def test_the_schedule_as_icalendar_parses_back(client, world):
    first = ask(world, 0, invitee=world.social)
    second = ask(world, 3, invitee=world.spare)
    for meeting, member in ((first, world.social_member), (second, world.spare_member)):
        meetings.accept(meeting, user=member)
    ask(world, 5, invitee=world.third)  # requested only: not on the schedule
    client.force_login(world.employer)

    response = client.get(page(world, "schedule.ics"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    events = parse_icalendar(body)
    assert [event["UID"] for event in events] == [
        f"event-meeting-{first.pk}@127.0.0.1",
        f"event-meeting-{second.pk}@127.0.0.1",
    ]
    assert events[0]["SUMMARY"] == "Gesprek met Groenwerk Tongeren"
    start = world.slots[0].astimezone(UTC)
    assert events[0]["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert events[0]["DTEND"] == (start + timedelta(minutes=15)).strftime("%Y%m%dT%H%M%SZ")
    assert events[0]["LOCATION"] == "Tafel 1\\, Grote Markt 1\\, " + str(world.event.postcode)


def parse_icalendar(body):
    """The VEVENTs of an .ics text as dicts, after unfolding (RFC 5545, 3.1)."""
    unfolded = body.replace("\r\n ", "").split("\r\n")
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-2] == "END:VCALENDAR"
    events, current = [], None
    for line in unfolded:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return events


def test_long_names_are_escaped_and_folded(world):
    from events.meetings_ical import escape, fold

    assert escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 80
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_the_printable_schedule(client, world):
    meeting = ask(world)
    meetings.accept(meeting, user=world.social_member)
    client.force_login(world.employer)

    html = client.get(page(world, "schedule/print/")).content.decode()

    assert "css/schedule-print.css" in html and 'media="print"' in html
    assert "Gesprekkenplanning van Drukkerij Peeters" in html
    assert "14:30" in html and "Groenwerk Tongeren" in html


# --- The grid ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regisseur", 200),
        ("administrator", 200),
        ("other_regisseur", 403),
        ("employer", 403),
        ("stranger", 403),
    ],
)
def test_who_sees_the_grid(client, world, who, status):
    ask(world)
    response = as_(client, world, who).get(page(world, "grid/"))
    assert response.status_code == status
    assert ("Drukkerij Peeters – Groenwerk Tongeren" in response.content.decode()) is (
        status == 200
    )


def test_the_grid_needs_the_second_factor(client, world):
    client.force_login(world.regisseur)  # a password login only
    response = client.get(page(world, "grid/"))
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"] or "2fa" in response["Location"]


def place_form(world, **changes):
    return {
        "requester": world.firm.pk,
        "invitee": world.social.pk,
        "slot": slot_value(world.slots[0]),
        "table": 4,
        **changes,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [(ANONYMOUS, 302), ("other_regisseur", 403), ("employer", 403), ("stranger", 403)],
)
def test_who_may_not_place(client, world, who, status):
    response = as_(client, world, who).post(page(world, "grid/"), place_form(world))
    assert response.status_code == status
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who", ["regisseur", "administrator"])
def test_the_regisseur_places_a_meeting_in_the_grid(client, world, who):
    log_in_as(client, getattr(world, who))

    response = client.post(page(world, "grid/"), place_form(world))

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.status, meeting.table, meeting.placed_by) == (
        "accepted",
        4,
        getattr(world, who),
    )
    assert messages_of(response) == [
        "Het gesprek van Drukkerij Peeters en Groenwerk Tongeren staat gepland om 14:30, "
        "aan tafel 4."
    ]
    assert Notification.objects.filter(key__contains=":placed:").count() == 2


def test_the_grid_of_an_event_that_is_over_is_a_record_without_buttons(client, world):
    meeting = ask(world)
    log_in_as(client, world.regisseur)
    ahead = client.get(page(world, "grid/")).content.decode()
    assert f"/meetings/{meeting.pk}/cancel/" in ahead and 'id="place-title"' in ahead

    # Moved back a month, the meeting with it (wall-clock times: the slots stay the slots).
    back = timedelta(days=30)
    event = world.event
    Event.objects.filter(pk=event.pk).update(
        starts_at=event.starts_at - back,
        ends_at=event.ends_at - back,
        registration_deadline=event.registration_deadline - back,
    )
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at - back)
    over = client.get(page(world, "grid/")).content.decode()

    assert "Drukkerij Peeters – Groenwerk Tongeren" in over
    assert "Dit evenement is voorbij" in over
    assert "/cancel/" not in over and 'id="place-title"' not in over


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"table": "11"}, "Selecteer een geldige keuze."),
        ({"slot": "morgen"}, "Selecteer een geldige keuze."),
        ({"invitee": "firm"}, "Je kan geen gesprek met jezelf boeken."),
        ({"table": "1"}, "Tafel 1 is om 14:30 bezet"),
    ],
)
def test_bad_placements_are_shown_on_the_form(client, world, changes, message):
    ask(world, requester=world.third, invitee=world.spare, user=world.third_member)  # table 1
    if changes.get("invitee") == "firm":
        changes["invitee"] = world.firm.pk
    log_in_as(client, world.regisseur)

    response = client.post(page(world, "grid/"), place_form(world, **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meeting.objects.count() == 1


def test_the_grid_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    reference_rows_in_memory()
    log_in_as(client, world.regisseur)
    with CaptureQueriesContext(connection) as few:
        client.get(page(world, "grid/"))

    others = [RegistrationFactory(event=world.event) for _ in range(10)]
    for index, (one, other) in enumerate(zip(others[::2], others[1::2], strict=True)):
        meetings.place(
            world.event,
            requester=one,
            invitee=other,
            starts_at=world.slots[index],
            table=index + 1,
            by=world.regisseur,
        )

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(page(world, "grid/")).content.decode()
    assert html.count("badge--success") == 5
    print(f"\ngrid: {len(few.captured_queries)} queries for 0 or 5 meetings")


@pytest.mark.parametrize(
    ("language", "text"), [("fr", "Suggéré pour vous"), ("en", "Suggested for you")]
)
def test_the_pages_speak_french_and_english(client, world, language, text):
    meeting = ask(world)
    meetings.accept(meeting, user=world.social_member)
    client.force_login(world.employer)

    html = client.get(f"/{language}{page(world, 'participants/')}").content.decode()
    assert text in html
    for path in ("meetings/", "schedule/print/"):
        assert client.get(f"/{language}{page(world, path)}").status_code == 200
