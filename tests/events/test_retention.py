"""The retention of attendees' data (events/retention.py): EVENTS_ATTENDEE_RETENTION_DAYS after
an event, its guests' names and addresses and its meeting messages are erased; members' places,
registrations, attendance, meetings and deals stay, so the event's report and report (i) read
the same; a recent event is untouched; the deals' follow-ups still reach their people; the
export and deletion of a person's data stay right."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.utils import timezone

from companies import collaborations, reports
from events import deals, event_report, personal_data, retention, tasks
from events.models import Attendee, Deal, Meeting
from portal.models import Notification
from tests.events.outcome_world import meet
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    RegistrationFactory,
    SocialEnterpriseFactory,
    UserFactory,
    at,
    first_service_category,
    in_days,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def old_event(days_ago, title="Netwerkmoment van lang geleden"):
    """An event `days_ago` days back: a firm (its member and a guest named) and a social
    enterprise (a guest) came and met, with a message, and made a deal the enterprise
    confirmed, expected to start 700 days after the event and followed up from then."""
    event = EventFactory(title=title, starts_at=at(in_days(-days_ago), 14))
    firm = RegistrationFactory(
        event=event, organisation=OrganisationFactory(name=f"Drukkerij {days_ago}"), attended=True
    )
    social = RegistrationFactory(
        event=event,
        organisation=SocialEnterpriseFactory(name=f"Groenwerk {days_ago}"),
        attended=True,
    )
    RegistrationFactory(event=event, status="waiting")
    member = firm.registered_by
    Attendee.objects.create(registration=firm, name=member.name, email=member.email, user=member)
    Attendee.objects.create(registration=firm, name="Gert Gast", email=f"gert{days_ago}@ex.be")
    Attendee.objects.create(registration=social, name="Greet Gast", email=f"greet{days_ago}@ex.be")
    meeting = meet(event, firm, social)
    Meeting.objects.filter(pk=meeting.pk).update(message="Bel me op 0475 12 34 56, Gert.")
    deal = deals.record(
        meeting,
        by=member,
        what="Groenonderhoud",
        role="client",
        category=first_service_category(),
        expected_start=event.starts_at.date() + timedelta(days=700),
    )
    collaborations.confirm(
        deal.collaboration, organisation=social.organisation, by=social.registered_by
    )
    # Recorded on the day of the event: the follow-ups count from the expected start.
    Deal.objects.filter(pk=deal.pk).update(created_at=event.starts_at)
    return event


def report_i(event):
    year = timezone.localtime(event.starts_at).year
    table = reports.get("events").build(reports.Filters(year_from=year, year_to=year))
    return [(row.key, {key: cell.value for key, cell in row.cells.items()}) for row in table.rows]


def people(event):
    return sorted(
        Attendee.objects.filter(registration__event=event).values_list(
            "name", "email", "user_id", "erased_at"
        ),
        key=str,
    )


def test_the_figures_stay_and_the_guests_names_go(settings):
    settings.EVENTS_ATTENDEE_RETENTION_DAYS = 730
    old = old_event(800)
    figures, public = event_report.figures(old), report_i(old)
    assert figures.registered == 2 and figures.held == 1 and figures.deals == 1

    guests, messages = retention.erase_past_guests()

    assert (guests, messages) == (2, 1)
    assert event_report.figures(old) == figures
    assert report_i(old) == public
    found = Attendee.objects.filter(registration__event=old)
    assert found.count() == 3  # the rows stay: the number of people named reads the same
    erased = found.filter(user__isnull=True)
    assert set(erased.values_list("name", "email")) == {("", "")}
    assert all(attendee.erased_at for attendee in erased)
    member = found.get(user__isnull=False)
    assert member.name and member.email == member.user.email  # the member's own, kept
    assert Meeting.objects.get(event=old).message == ""


def test_a_recent_event_is_untouched(settings):
    settings.EVENTS_ATTENDEE_RETENTION_DAYS = 730
    recent = old_event(700)
    ahead = EventFactory(title="Nog te komen")
    Attendee.objects.create(
        registration=RegistrationFactory(event=ahead), name="Ann Gast", email="ann@ex.be"
    )
    before = people(recent) + people(ahead)

    assert retention.erase_past_guests() == (0, 0)

    assert people(recent) + people(ahead) == before
    assert Meeting.objects.get(event=recent).message.startswith("Bel me")


def test_the_period_is_the_setting_and_a_second_run_does_nothing(settings):
    settings.EVENTS_ATTENDEE_RETENTION_DAYS = 30
    assert django_settings.EVENTS_ATTENDEE_RETENTION_DAYS == 30
    event = old_event(40)
    old_event(20, title="Netwerkmoment van vorige maand")

    assert tasks.erase_past_event_guests() == {"guests": 2, "messages": 1}
    assert retention.erase_past_guests() == (0, 0)
    assert not Attendee.objects.filter(registration__event=event, user=None).exclude(name="")
    assert Attendee.objects.filter(erased_at__isnull=False).count() == 2


def test_the_default_period_is_two_years_and_the_task_runs_nightly():
    from portal.celery import app

    assert django_settings.EVENTS_ATTENDEE_RETENTION_DAYS == 730
    entry = django_settings.CELERY_BEAT_SCHEDULE["erase-past-event-guests"]
    assert entry["task"] == "events.tasks.erase_past_event_guests"
    assert entry["task"] in app.tasks
    assert len(entry["schedule"].hour) == 1 and entry["schedule"].day_of_week == set(range(7))


def test_the_deals_follow_ups_still_reach_their_people(settings):
    settings.EVENTS_ATTENDEE_RETENTION_DAYS = 730
    old = old_event(800)
    retention.erase_past_guests()
    deal = Deal.objects.get(event=old)

    assert deals.ask_due() == 1

    asked = set(Notification.objects.filter(kind="event_deal").values_list("email", flat=True))
    members = {
        membership.user.email
        for organisation in (deal.regular, deal.social)
        for membership in organisation.memberships.select_related("user")
    }
    assert asked == members and len(asked) == 2


def test_an_erased_guest_gets_no_email_and_breaks_nothing(settings):
    from events import registration

    settings.EVENTS_ATTENDEE_RETENTION_DAYS = 730
    old = old_event(800)
    retention.erase_past_guests()
    firm = old.registrations.get(organisation__name="Drukkerij 800")

    emails = [email for _user, _key, email, _language in registration.recipients(firm)]

    assert emails == [firm.registered_by.email]


def test_the_export_and_the_deletion_of_a_persons_data_stay_right(settings):
    """A user named as a guest under their verified address: the export shows that place until
    it is erased, and not after; deleting their data leaves the member's place alone."""
    settings.EVENTS_ATTENDEE_RETENTION_DAYS = 730
    old = old_event(800)
    recent = old_event(100)
    person = UserFactory(email="gert800@ex.be")
    EmailAddress.objects.update_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )
    Attendee.objects.create(
        registration=recent.registrations.first(), name="Gert Gast", email=person.email
    )
    addresses = [person.email]

    def exported():
        return [row["event"] for row in personal_data.export(person, addresses)["event_attendance"]]

    assert exported() == [old.title, recent.title]
    retention.erase_past_guests()
    assert exported() == [recent.title]

    personal_data.erase(person, addresses)
    assert exported() == []
    assert Attendee.objects.filter(registration__event=old).count() == 3
    assert Attendee.objects.filter(registration__event=old, user__isnull=False).count() == 1
