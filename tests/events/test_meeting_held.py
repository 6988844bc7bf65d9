"""Whether a meeting was held, set by hand on the grid (events/meetings.set_held and the view
meeting_held): managers only, from the event's start, POST only, bad values refused with a
message; the event's report follows what is set."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import event_report, meetings
from events.models import Meeting, MeetingStatus
from portal.models import AuditEntry, Notification
from tests.events import outcome_world
from tests.factories import RegistrationFactory, log_in_as, reference_rows_in_memory

pytestmark = pytest.mark.django_db

met = outcome_world.met
meet = outcome_world.meet


def url(world, meeting=None):
    meeting = meeting or world.meeting
    return reverse("events:meeting_held", kwargs={"slug": world.event.slug, "pk": meeting.pk})


def grid(world):
    return reverse("events:grid", kwargs={"slug": world.event.slug})


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def held(world):
    return event_report.figures(world.event).held


@pytest.mark.parametrize("who", ["regisseur", "administrator"])
def test_a_manager_marks_a_meeting_held_not_held_and_back_and_the_report_follows(client, met, who):
    log_in_as(client, getattr(met, who))
    assert held(met) == 0  # nobody ticked attendance yet

    response = client.post(url(met), {"held": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"{grid(met)}#meeting-{met.meeting.pk}"
    assert messages_of(response)[-1] == (
        "Het gesprek van Drukkerij Peeters en Groenwerk Tongeren staat als gehouden."
    )
    met.meeting.refresh_from_db()
    assert met.meeting.held is True and held(met) == 1

    # Both came, but the regisseur knows they did not meet: not held.
    for registration in (met.firm, met.enterprise):
        registration.attended = True
        registration.save()
    client.post(url(met), {"held": "no"})
    met.meeting.refresh_from_db()
    assert met.meeting.held is False and held(met) == 0

    response = client.post(url(met), {"held": "derived"})
    assert messages_of(response)[-1] == (
        "Of het gesprek van Drukkerij Peeters en Groenwerk Tongeren gehouden is, volgt weer de "
        "aanwezigheidslijst."
    )
    met.meeting.refresh_from_db()
    assert met.meeting.held is None and held(met) == 1  # both came
    assert AuditEntry.objects.filter(action="meeting.held").count() == 3
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("firm_member", 403),
        ("enterprise_member", 403),
        ("stranger", 403),
        ("nobody", 403),
        ("other_regisseur", 403),
        (None, 302),
    ],
)
def test_nobody_else_marks_a_meeting(client, met, who, status):
    if who is not None:
        log_in_as(client, getattr(met, who))
    response = client.post(url(met), {"held": "yes"})
    assert response.status_code == status
    if who is None:
        assert "/accounts/login/" in response["Location"]
    met.meeting.refresh_from_db()
    assert met.meeting.held is None


def test_a_get_is_not_allowed(client, met):
    log_in_as(client, met.regisseur)
    assert client.get(url(met)).status_code == 405


@pytest.mark.parametrize("value", ["", "maybe", "1", "true", "yes\x00", "ja" * 500])
def test_bad_values_are_refused_with_a_message(client, met, value):
    log_in_as(client, met.regisseur)
    response = client.post(url(met), {"held": value})
    assert response.status_code == 302
    assert messages_of(response)[-1] == (
        "Kies gehouden, niet gehouden of volgens de aanwezigheidslijst."
    )
    met.meeting.refresh_from_db()
    assert met.meeting.held is None


def test_a_meeting_of_another_event_is_not_found(client, met):
    other = RegistrationFactory().event  # another event, in two weeks
    one, two = RegistrationFactory(event=other), RegistrationFactory(event=other)
    foreign = meet(other, one, two)
    log_in_as(client, met.regisseur)
    assert client.post(url(met, foreign), {"held": "yes"}).status_code == 404


def test_before_the_start_and_for_a_meeting_not_accepted_it_is_refused(client, met):
    log_in_as(client, met.regisseur)
    requested = meet(
        met.event, met.firm, met.enterprise, slot=1, table=2, status=MeetingStatus.REQUESTED
    )
    response = client.post(url(met, requested), {"held": "yes"})
    assert messages_of(response)[-1] == (
        "Dit gesprek is aangevraagd: alleen een aanvaard gesprek kan gehouden zijn."
    )

    type(met.event).objects.filter(pk=met.event.pk).update(
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=4),
        registration_deadline=timezone.now(),
    )
    response = client.post(url(met), {"held": "yes"})
    assert messages_of(response)[-1].startswith(
        "Of een gesprek gehouden is, noteer je vanaf het begin van het evenement"
    )
    assert set(Meeting.objects.values_list("held", flat=True)) == {None}


def test_the_step_refuses_bad_values_and_others(met):
    with pytest.raises(meetings.MeetingError) as caught:
        meetings.set_held(met.meeting, held="yes", by=met.regisseur)
    assert caught.value.code == "not_a_held_value"
    with pytest.raises(PermissionDenied):
        meetings.set_held(met.meeting, held=True, by=met.firm_member)


def test_the_grid_shows_the_buttons_once_the_event_started(client, met):
    log_in_as(client, met.regisseur)
    html = client.get(grid(met)).content.decode()
    assert "Niet gehouden: de aanwezigheidslijst toont niet beide kanten" in html
    assert 'name="held" value="yes"' in html and 'name="held" value="no"' in html
    assert 'name="held" value="derived"' not in html  # that is what it is now

    meetings.set_held(met.meeting, held=True, by=met.regisseur)
    html = client.get(grid(met)).content.decode()
    assert "Gehouden (met de hand ingesteld)" in html
    assert 'name="held" value="yes"' not in html and 'name="held" value="derived"' in html


def test_the_grid_of_a_started_event_runs_a_fixed_number_of_queries(
    client, met, django_assert_num_queries
):
    reference_rows_in_memory()
    log_in_as(client, met.regisseur)
    with CaptureQueriesContext(connection) as few:
        client.get(grid(met))
    for slot in range(1, 5):
        one = RegistrationFactory(event=met.event, attended=True)
        other = RegistrationFactory(event=met.event, attended=slot % 2 == 0)
        meet(met.event, one, other, slot=slot, table=slot)

    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(grid(met)).content.decode()
    assert html.count("Gehouden: beide kanten waren er") == 2
