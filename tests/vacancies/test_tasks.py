"""The daily tasks: expiring opportunities and reminding posters, scheduled by Celery beat."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from portal.celery import app
from tests.factories import ServiceRequestFactory, VacancyFactory
from vacancies import tasks
from vacancies.models import ServiceRequest, Status, Vacancy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_beat_runs_both_tasks_daily_and_names_registered_tasks():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert schedule["vacancies.tasks.expire_opportunities"] == crontab(hour=2, minute=0)
    assert schedule["vacancies.tasks.remind_expiring_opportunities"] == crontab(hour=8, minute=0)
    app.loader.import_default_modules()
    assert set(schedule) <= set(app.tasks)
    assert settings.CELERY_TIMEZONE == "Europe/Brussels"


def test_expire_opportunities_expires_what_is_due_and_is_safe_to_run_again(world):
    due = VacancyFactory(
        organisation=world.employer, status="published", closing_date=TODAY - timedelta(days=1)
    )
    due_request = ServiceRequestFactory(
        organisation=world.employer, status="published", closing_date=TODAY - timedelta(days=8)
    )

    assert tasks.expire_opportunities.delay().get() == 2
    assert tasks.expire_opportunities.delay().get() == 0

    assert Vacancy.objects.get(pk=due.pk).status == Status.EXPIRED
    assert ServiceRequest.objects.get(pk=due_request.pk).status == Status.EXPIRED
    assert Vacancy.objects.get(pk=world.vacancy.pk).status == Status.PUBLISHED


def test_remind_expiring_opportunities_reminds_once(world, committed):
    ServiceRequestFactory(
        organisation=world.employer,
        title="Snoeiwerk",
        status="published",
        closing_date=TODAY + timedelta(days=2),
    )

    assert committed(lambda: tasks.remind_expiring_opportunities.delay().get()) == 1
    assert committed(lambda: tasks.remind_expiring_opportunities.delay().get()) == 0

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [world.owner.email, world.editor.email]
    )
    assert all("Snoeiwerk" in message.subject for message in mail.outbox)
