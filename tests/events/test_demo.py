"""The events' demo data (events/demo.py, through seed_demo): a past event with what came of it,
and an upcoming one open for registration. Seeding is what takes the time: few tests, each
telling a whole part of the story."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from companies import collaborations, reports
from companies.models import Collaboration, CollaborationChannel, Organisation
from events import event_report, meetings, registration
from events.demo import ENTERPRISE, PAST_SLUG, UPCOMING_SLUG
from events.models import (
    Attendee,
    Deal,
    DealFollowUp,
    Event,
    Meeting,
    MeetingSeat,
    MeetingStatus,
    Registration,
)
from portal.demo import DEMO_TOTP_SECRET
from portal.models import Notification, User
from tests.factories import PASSWORD, log_in_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data, settings):
    settings.DEBUG = True


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Event,
            Registration,
            Attendee,
            Meeting,
            MeetingSeat,
            Deal,
            DealFollowUp,
            Collaboration,
            Notification,
        )
    }


def _fingerprint():
    return (
        sorted(Registration.objects.values_list("pk", "status", "attended", "created_at")),
        sorted(Meeting.objects.values_list("pk", "status", "starts_at", "table")),
        sorted(Deal.objects.values_list("pk", "collaboration", "created_at", "expected_start")),
        sorted(DealFollowUp.objects.values_list("pk", "carried_out", "answered_at")),
    )


def test_seeding_twice_changes_nothing(seeded):
    counts, fingerprint = _counts(), _fingerprint()

    call_command("seed_demo", verbosity=0)

    assert _counts() == counts
    assert _fingerprint() == fingerprint
    assert counts["Event"] == 2


def test_the_past_events_report_shows_deals_and_what_was_carried_out(seeded, client):
    event = Event.objects.get(slug=PAST_SLUG)
    assert event.ends_at < timezone.now()
    figures = event_report.figures(event)

    assert figures.registered == 13 and figures.cancelled == 1
    assert figures.attended == 12 and figures.absent == 1 and figures.unmarked == 0
    assert (figures.requested, figures.accepted, figures.held) == (10, 8, 7)
    assert (figures.deals, figures.confirmed, figures.carried_out) == (5, 4, 3)
    three, six, twelve = figures.follow_ups
    assert (three.asked, three.answered, three.one_side, three.both_sides) == (5, 4, 3, 2)
    assert (six.asked, six.answered, six.one_side, six.both_sides) == (5, 3, 2, 1)
    assert twelve.asked == 0
    # Every deal entered the register as a declaration from a network event.
    assert set(
        Collaboration.objects.filter(event_deal__event=event).values_list("channel", "source")
    ) == {(CollaborationChannel.NETWORK_EVENT, "event")}
    # The demo logins' organisations took part and met.
    employer = User.objects.get(email="werkgever@brugwerk.test")
    enterprise = User.objects.get(email="sociaal@brugwerk.test")
    for user in (employer, enterprise):
        assert Registration.objects.filter(
            event=event, organisation__memberships__user=user, attended=True
        ).exists()

    regisseur = User.objects.get(email="regisseur@brugwerk.test")
    regisseur.set_password(PASSWORD)
    regisseur.save()
    log_in_with_second_factor(client, regisseur, secret=DEMO_TOTP_SECRET)
    page = client.get(f"/en/events/{PAST_SLUG}/report/")
    assert page.status_code == 200
    assert "Hotel De Mergel" not in page.content.decode()  # figures, not names

    # Report i shows the event's year for Zuidoost-Limburg in public, deals included (four
    # firms behind the confirmed deals: above the threshold of three).
    year = timezone.localtime(event.starts_at).year
    table = reports.get("events").compute(
        reports.Filters(year_from=year, year_to=year), mode=reports.Mode.PUBLIC
    )
    cells = next(row for row in table.rows if row.key == f"{year}:zuidoost-limburg").cells
    assert cells["events"].shown == 1
    assert cells["registered"].shown == 13 and cells["attended"].shown == 12
    assert cells["meetings"].shown == 7
    assert cells["deals"].shown == 5 and not cells["deals"].hidden
    assert cells["confirmed"].shown == 4 and not cells["confirmed"].hidden


def test_the_upcoming_event_invites_the_demo_employer_to_register_and_meet(seeded, client):
    event = Event.objects.get(slug=UPCOMING_SLUG)
    assert event.registration_open() and event.slots() and event.tables
    employer = User.objects.get(email="werkgever@brugwerk.test")
    firm = Organisation.objects.get(memberships__user=employer)
    assert registration.active_registration(event, firm) is None
    enterprise = registration.active_registration(event, Organisation.objects.get(name=ENTERPRISE))
    assert enterprise is not None and enterprise.listed
    assert Meeting.objects.filter(event=event, status=MeetingStatus.ACCEPTED).count() == 2

    client.force_login(employer)
    assert client.get(f"/events/{UPCOMING_SLUG}/register/").status_code == 200
    # What a visitor tries: register, ask the demo enterprise for a meeting, which accepts.
    mine = registration.register(
        event, organisation=firm, user=employer, people=[(employer.name, employer.email)]
    )
    meeting = meetings.request(
        event, requester=mine, invitee=enterprise, starts_at=event.slots()[0], user=employer
    )
    meetings.accept(meeting, user=User.objects.get(email="sociaal@brugwerk.test"))
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.ACCEPTED


def test_the_demo_enterprise_has_a_deal_from_the_past_event_to_confirm(seeded):
    member = User.objects.get(email="sociaal@brugwerk.test")
    organisation = Organisation.objects.get(name=ENTERPRISE)
    waiting = Collaboration.objects.get(
        event_deal__event__slug=PAST_SLUG, social=organisation, confirmed_by_social_at=None
    )

    collaborations.confirm(waiting, organisation=organisation, by=member)

    waiting.refresh_from_db()
    assert waiting.confirmed_by_social_at is not None
