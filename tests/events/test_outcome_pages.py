"""The pages of what came of an event (events/outcome_views.py): recording a deal (members of a
side of an accepted meeting), the sign-in list and the event's report (the event's regisseurs and
administrators, with the second factor), for everyone in the access matrix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Deal, Registration
from tests.events import outcome_world
from tests.factories import RegistrationFactory, log_in_as

DEAL = "/en/events/{}/deals/new/"
ATTENDANCE = "/en/events/{}/attendance/"
REPORT = "/en/events/{}/report/"

# The made-up event that happened (tests/events/outcome_world.py).
met = outcome_world.met


def deal_data(met, **changes):
    return {
        "meeting": met.meeting.pk,
        "what": "Groenonderhoud van de parking.",
        "role": "client",
        "category": met.category.pk,
        "expected_start": (timezone.localdate() + timedelta(days=20)).isoformat(),
        **changes,
    }


def test_anonymous_is_sent_to_log_in(client, met):
    for url in (DEAL, ATTENDANCE, REPORT):
        response = client.get(url.format(met.event.slug))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.post(DEAL.format(met.event.slug), deal_data(met))
    assert not Deal.objects.exists()


@pytest.mark.parametrize("side", ["firm_member", "enterprise_member"])
def test_a_member_of_either_side_records_a_deal(client, met, side):
    log_in_as(client, getattr(met, side))
    page = client.get(DEAL.format(met.event.slug))
    assert page.status_code == 200
    assert "table 1" in page.content.decode()
    response = client.post(DEAL.format(met.event.slug), deal_data(met))
    assert response.status_code == 302
    assert Deal.objects.get().recorded_by == getattr(met, side)


@pytest.mark.parametrize(
    "who", ["stranger", "nobody", "regisseur", "other_regisseur", "administrator"]
)
def test_no_one_else_records_a_deal(client, met, who):
    """Who sat in no accepted meeting of the event is refused (403) with the reason, for a GET
    and for a POST naming someone else's meeting (tests/security/test_access_matrix.py)."""
    log_in_as(client, getattr(met, who))
    page = client.get(DEAL.format(met.event.slug))
    assert page.status_code == 403
    assert "You have no such meeting here." in page.content.decode()
    assert '<form class="form"' not in page.content.decode()
    response = client.post(DEAL.format(met.event.slug), deal_data(met))
    assert response.status_code == 403
    assert "You have no such meeting here." in response.content.decode()
    assert not Deal.objects.exists()


def test_a_participant_whose_meeting_was_declined_is_told_why_not(client, met):
    met.meeting.status = "declined"
    met.meeting.save()
    log_in_as(client, met.firm_member)
    page = client.get(DEAL.format(met.event.slug))
    assert page.status_code == 403
    assert "You have no such meeting here." in page.content.decode()


def test_a_deal_with_bad_input_says_what_is_wrong(client, met):
    log_in_as(client, met.firm_member)
    response = client.post(
        DEAL.format(met.event.slug),
        deal_data(met, what="", role="boss", expected_start="tomorrow", category="999999"),
    )
    text = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Say what you agreed.",
        "Choose a role from the list.",
        "Give a date such as 2026-05-31.",
        "Choose a service from the list.",
    ):
        assert message in text
    day = timezone.localtime(met.event.starts_at).date()
    response = client.post(
        DEAL.format(met.event.slug),
        deal_data(met, expected_start=(day - timedelta(days=3)).isoformat()),
    )
    assert "The expected start cannot lie before the event" in response.content.decode()
    client.post(DEAL.format(met.event.slug), deal_data(met))
    response = client.post(DEAL.format(met.event.slug), deal_data(met))
    assert "is already recorded" in response.content.decode()
    assert Deal.objects.count() == 1


def test_a_meeting_whose_deal_is_recorded_is_named_not_offered_again(client, met):
    log_in_as(client, met.firm_member)
    client.post(DEAL.format(met.event.slug), deal_data(met))

    # The enterprise, in a tab of its own: the meeting is named, the form is gone.
    log_in_as(client, met.enterprise_member)
    page = client.get(DEAL.format(met.event.slug)).content.decode()
    assert f'name="meeting" value="{met.meeting.pk}"' not in page
    assert "A deal is recorded already from these meetings" in page
    assert "Drukkerij Peeters" in page.split("alert--info")[1].split("</div>")[0]
    assert '<form class="form"' not in page

    # A tab opened before: its post is refused with the reason, and nothing is added.
    response = client.post(DEAL.format(met.event.slug), deal_data(met))
    assert response.status_code == 200
    assert "A deal from this meeting between Drukkerij Peeters and Groenwerk Tongeren is " in (
        response.content.decode()
    )
    assert Deal.objects.count() == 1


def test_the_report_lists_the_registrations_one_a_line_and_its_tables_stack(client, met):
    log_in_as(client, met.regisseur)

    html = client.get(REPORT.format(met.event.slug)).content.decode()

    counts = html.split('<ul class="event-report__counts">')[1].split("</ul>")[0]
    assert counts.count("<li>") == 3
    assert "2 organisations registered" in counts
    # On a phone each row stacks, every figure with its column's name.
    assert html.count('class="table table--stacked"') == 3
    assert '<td class="number" data-label="Number">' in html
    assert '<td class="number" data-label="Registered">1</td>' in html


def test_an_unknown_event_is_not_found(client, met):
    log_in_as(client, met.firm_member)
    assert client.get(DEAL.format("no-such-event")).status_code == 404


@pytest.mark.parametrize("who", ["firm_member", "stranger", "other_regisseur"])
def test_only_the_events_regisseurs_and_administrators_see_the_list_and_report(client, met, who):
    log_in_as(client, getattr(met, who))
    for url in (ATTENDANCE, REPORT):
        assert client.get(url.format(met.event.slug)).status_code == 403
    response = client.post(ATTENDANCE.format(met.event.slug), {"attended": [met.firm.pk]})
    assert response.status_code == 403
    assert Registration.objects.filter(attended__isnull=False).count() == 0


def test_staff_without_the_second_factor_are_sent_to_it(client, met):
    client.force_login(met.regisseur)
    response = client.get(ATTENDANCE.format(met.event.slug))
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    client.post(ATTENDANCE.format(met.event.slug), {"attended": [met.firm.pk]})
    assert Registration.objects.filter(attended__isnull=False).count() == 0


@pytest.mark.parametrize("who", ["regisseur", "administrator"])
def test_the_events_regisseur_or_an_administrator_marks_attendance(client, met, who):
    log_in_as(client, getattr(met, who))
    page = client.get(ATTENDANCE.format(met.event.slug))
    assert page.status_code == 200
    assert "Drukkerij Peeters" in page.content.decode()
    response = client.post(ATTENDANCE.format(met.event.slug), {"attended": [met.firm.pk]})
    assert response.status_code == 302
    met.firm.refresh_from_db()
    met.enterprise.refresh_from_db()
    assert (met.firm.attended, met.enterprise.attended) == (True, False)
    assert client.get(REPORT.format(met.event.slug)).status_code == 200


def test_attendance_names_only_registered_organisations_and_waits_for_the_day(client, met):
    log_in_as(client, met.regisseur)
    waiting = RegistrationFactory(event=met.event, status="waiting")
    response = client.post(ATTENDANCE.format(met.event.slug), {"attended": [waiting.pk]})
    assert "Only organisations registered for this event" in response.content.decode()
    response = client.post(ATTENDANCE.format(met.event.slug), {"attended": ["x"]})
    assert response.status_code == 200
    met.event.starts_at += timedelta(days=3)
    met.event.ends_at += timedelta(days=3)
    met.event.registration_deadline += timedelta(days=3)
    met.event.save()
    response = client.post(ATTENDANCE.format(met.event.slug), {"attended": [met.firm.pk]})
    assert "Attendance is marked from the day of the event" in response.content.decode()
    assert Registration.objects.filter(attended__isnull=False).count() == 0


def test_the_list_and_the_report_take_a_fixed_number_of_queries(
    client, met, django_assert_num_queries
):
    log_in_as(client, met.regisseur)
    url = ATTENDANCE.format(met.event.slug)
    client.get(url)
    with django_assert_num_queries(QUERIES["attendance"]):
        client.get(url)
    for _ in range(5):
        RegistrationFactory(event=met.event)
    with django_assert_num_queries(QUERIES["attendance"]):
        client.get(url)
    with django_assert_num_queries(QUERIES["report"]):
        client.get(REPORT.format(met.event.slug))


# The session, the user and the event's management check, then the list (registrations and
# their people: two) or the report's figures (four grouped queries), whatever the event's size.
QUERIES = {"attendance": 6, "report": 8}
