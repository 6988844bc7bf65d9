"""What the portal stops keeping after a while: unfinished sign-ups, old sent emails, old audit
entries (portal/personal_data.py) and stale drafts (vacancies/retention.py), nightly."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from portal import audit, personal_data
from portal.celery import app as celery_app
from portal.models import AuditEntry, Notification, User
from portal.settings import env_days
from portal.tasks import remove_expired_personal_data
from tests.factories import (
    OrganisationFactory,
    ServiceRequestFactory,
    StaffFactory,
    UserFactory,
    VacancyFactory,
)
from vacancies import retention
from vacancies.models import ServiceRequest, Vacancy
from vacancies.tasks import remove_stale_drafts

from .privacy_world import email

NOW = timezone.now()


def days_ago(days):
    return NOW - timedelta(days=days)


def sign_up(*, joined_days_ago, verified=False, logged_in=False, **fields):
    user = UserFactory(verified=verified, **fields)
    User.objects.filter(pk=user.pk).update(
        date_joined=days_ago(joined_days_ago), last_login=NOW if logged_in else None
    )
    return user


# --- Unfinished sign-ups -----------------------------------------------------------------------


def test_an_old_unverified_sign_up_that_never_logged_in_goes(db):
    old = sign_up(joined_days_ago=31)
    email(old, key="account:confirm", kind="account")  # to the account (portal/accounts.py)

    assert personal_data.remove_expired(NOW)["unverified_accounts"] == 1

    assert not User.objects.filter(pk=old.pk).exists()
    assert not Notification.objects.filter(email=old.email).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"joined_days_ago": 29},  # still within the period
        {"joined_days_ago": 31, "verified": True},
        {"joined_days_ago": 31, "logged_in": True},
        {"joined_days_ago": 31, "is_staff": True},
    ],
)
def test_other_accounts_stay(db, fields):
    user = sign_up(**fields)

    personal_data.remove_expired(NOW)

    assert User.objects.filter(pk=user.pk).exists()


def test_an_account_with_one_verified_address_among_unverified_ones_stays(db):
    user = sign_up(joined_days_ago=31, verified=True)
    EmailAddress.objects.create(user=user, email="tweede@example.be", verified=False)

    personal_data.remove_expired(NOW)

    assert User.objects.filter(pk=user.pk).exists()


def test_an_account_without_any_allauth_address_stays(db):
    # Made in the admin or by createsuperuser: not a sign-up.
    user = User.objects.create_user(email="beheer@example.be", password="x")
    User.objects.filter(pk=user.pk).update(date_joined=days_ago(400))

    personal_data.remove_expired(NOW)

    assert User.objects.filter(pk=user.pk).exists()


def test_the_period_comes_from_the_settings(db, settings):
    settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS = 60
    user = sign_up(joined_days_ago=31)

    personal_data.remove_expired(NOW)

    assert User.objects.filter(pk=user.pk).exists()


# --- Sent emails and the audit log -------------------------------------------------------------


def _aged(row, days):
    Notification.objects.filter(pk=row.pk).update(created_at=days_ago(days))
    return row


def test_sent_digested_and_failed_emails_older_than_the_period_go(db):
    user = UserFactory()
    gone = [
        _aged(email(user, key=f"old:{status}", status=status, sent_at=days_ago(366)), 366)
        for status in ("sent", "digested", "failed")
    ]
    recent = _aged(email(user, key="recent", status="sent", sent_at=days_ago(300)), 300)
    waiting = [
        _aged(email(user, key=f"waiting:{status}", status=status), 400)
        for status in ("pending", "held")
    ]

    assert personal_data.remove_expired(NOW)["notifications"] == 3

    remaining = set(Notification.objects.values_list("pk", flat=True))
    assert not remaining & {row.pk for row in gone}
    assert remaining >= {recent.pk, *(row.pk for row in waiting)}


def test_old_audit_entries_go(db):
    user = UserFactory()
    old = audit.record(user, "test.old", user)
    AuditEntry.objects.filter(pk=old.pk).update(at=days_ago(settings.PRIVACY_AUDIT_LOG_DAYS + 1))
    kept = audit.record(user, "test.recent", user)

    assert personal_data.remove_expired(NOW)["audit_entries"] == 1

    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_nightly_task_runs_it_and_a_second_run_removes_nothing(db):
    sign_up(joined_days_ago=31)
    _aged(email(UserFactory(), key="old", status="sent"), 400)

    first = remove_expired_personal_data.delay().get()
    second = remove_expired_personal_data.delay().get()

    assert first == {"unverified_accounts": 1, "notifications": 1, "audit_entries": 0}
    assert second == {"unverified_accounts": 0, "notifications": 0, "audit_entries": 0}


# --- Stale drafts ------------------------------------------------------------------------------


def _touched(opportunity, days):
    type(opportunity).objects.filter(pk=opportunity.pk).update(updated_at=days_ago(days))
    return opportunity


def test_drafts_nobody_touched_for_the_period_go(reference_data, db):
    organisation = OrganisationFactory()
    stale = [
        _touched(VacancyFactory(organisation=organisation), 181),
        _touched(ServiceRequestFactory(organisation=organisation), 181),
    ]
    fresh = _touched(VacancyFactory(organisation=organisation), 179)
    published = _touched(VacancyFactory(organisation=organisation, status="published"), 400)
    closed = _touched(ServiceRequestFactory(organisation=organisation, status="closed"), 400)

    assert retention.remove_stale_drafts(NOW) == 2

    assert not Vacancy.objects.filter(pk=stale[0].pk).exists()
    assert not ServiceRequest.objects.filter(pk=stale[1].pk).exists()
    assert set(Vacancy.objects.values_list("pk", flat=True)) == {fresh.pk, published.pk}
    assert ServiceRequest.objects.filter(pk=closed.pk).exists()


def test_the_drafts_task_runs_it_once(reference_data, db, settings):
    settings.PRIVACY_STALE_DRAFT_DAYS = 10
    _touched(VacancyFactory(), 11)

    assert remove_stale_drafts.delay().get() == 1
    assert remove_stale_drafts.delay().get() == 0


# --- Settings and schedule ---------------------------------------------------------------------


def test_the_nightly_tasks_are_on_the_beat_schedule():
    ours = {"portal.tasks.remove_expired_personal_data", "vacancies.tasks.remove_stale_drafts"}

    assert ours <= {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert ours <= set(celery_app.tasks)


@pytest.mark.parametrize("value", ["0", "-5", "dertig"])
def test_a_period_that_is_not_a_number_of_days_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("PRIVACY_NOTIFICATION_DAYS", value)

    with pytest.raises(ImproperlyConfigured, match="PRIVACY_NOTIFICATION_DAYS"):
        env_days("PRIVACY_NOTIFICATION_DAYS", 365)


def test_a_period_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRIVACY_NOTIFICATION_DAYS", "90")

    assert env_days("PRIVACY_NOTIFICATION_DAYS", 365) == 90


def test_staff_made_accounts_that_never_logged_in_stay(db):
    staff = StaffFactory(verified=False)
    User.objects.filter(pk=staff.pk).update(date_joined=days_ago(400), last_login=None)

    personal_data.remove_expired(NOW)

    assert User.objects.filter(pk=staff.pk).exists()
