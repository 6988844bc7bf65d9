"""/health/ for a load balancer, and the portal serving while Redis is down.

With the broker down, an event's emails wait in the outbox and beat's sweep sends them once
Redis is back; with a real worker that is tested in tests/portal/test_notifications.py
(test_with_the_broker_down_the_event_succeeds_and_the_sweep_delivers_once) and, for a
publication and its matches, tests/vacancies/test_matching_worker.py
(test_publishing_with_redis_down_succeeds_and_everyone_hears_once_redis_is_back).
"""

import json
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from companies.models import JoinRequest
from portal import health
from portal.celery import app as celery_app
from portal.models import Notification
from tests.conftest import broker_down
from tests.factories import PASSWORD, OrganisationFactory, OwnerFactory, UserFactory
from tests.portal.test_settings import run_django

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


def read(client):
    response = client.get("/health/")
    return response, json.loads(response.content)


def pending(count, *, age=timedelta(0), status="pending"):
    for index in range(count):
        row = Notification.objects.create(
            key=f"health:{status}:{age}:{index}",
            email=f"ontvanger{index}@example.be",
            kind="test",
            language="nl",
            subject="Onderwerp",
            body="Tekst",
            status=status,
        )
        Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)


def test_health_reports_database_broker_and_outbox(client):
    response, body = read(client)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body == {
        "status": "ok",
        "database": "ok",
        # The test process enqueues to Redis when REDIS_URL is set, and runs tasks inline without.
        "broker": "ok" if django_settings.REDIS_URL else "inline",
        "outbox": {"pending": 0, "failed": 0, "oldest_pending_seconds": None},
    }


def test_health_is_never_cached_needs_no_login_and_sets_no_cookie(client):
    response, _ = read(client)

    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405
    # No language prefix: a load balancer's probe is never redirected.
    assert client.get("/fr/health/").status_code == 404


def test_health_tells_no_secrets(client, settings):
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://:geheim@127.0.0.1:1/0"
    try:
        response, body = read(client)
    finally:
        celery_app.conf.broker_url = saved

    text = response.content.decode()
    for secret in [settings.SECRET_KEY, "geheim", "127.0.0.1", "redis://", "Error"]:
        assert secret not in text
    assert set(body) == {"status", "database", "broker", "outbox"}


def test_health_counts_the_outbox_backlog(client):
    pending(3, age=timedelta(hours=2))
    pending(2)
    pending(1, status="failed", age=timedelta(days=3))
    pending(4, status="sent", age=timedelta(days=9))

    _, body = read(client)

    assert body["outbox"]["pending"] == 5
    assert body["outbox"]["failed"] == 1
    assert 7200 <= body["outbox"]["oldest_pending_seconds"] < 7200 + 600


def test_the_oldest_pending_age_is_measured_from_the_given_moment():
    pending(1, age=timedelta(minutes=5))
    created = Notification.objects.get().created_at

    backlog = health.outbox_backlog(now=created + timedelta(seconds=90))

    assert backlog == {"pending": 1, "failed": 0, "oldest_pending_seconds": 90}


def test_the_outbox_backlog_costs_one_query(django_assert_num_queries):
    pending(3)
    with django_assert_num_queries(1):
        health.outbox_backlog()


def test_with_redis_down_health_says_degraded_but_answers_200(client):
    with broker_down():
        response, body = read(client)

    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["broker"] == "down"
    assert body["database"] == "ok"


def test_with_redis_down_pages_serve_and_people_log_in(client, reference_data, settings):
    """The broker and the cache both on a port where nothing listens, as when Redis is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.FailOpenRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    user = UserFactory()

    with broker_down():
        for path in ["/", "/organisations/", "/vacancies/", "/requests/", "/accounts/login/"]:
            assert client.get(path).status_code == 200, path
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert response["Location"] == "/dashboard/"
        assert client.get("/dashboard/").status_code == 200


def test_with_the_broker_down_an_event_still_writes_its_emails_to_the_outbox(
    client, reference_data, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory()
    owner = OwnerFactory(organisation=organisation).user
    seeker = UserFactory()
    client.force_login(seeker)
    # As in production with REDIS_URL: tasks go through the broker, which is down.
    celery_app.conf.task_always_eager = False

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/organisations/join/", {"organisation": organisation.slug, "message": "Hallo"}
        )

    assert response.status_code == 302
    assert JoinRequest.objects.filter(user=seeker, organisation=organisation).exists()
    row = Notification.objects.get(recipient=owner)
    assert row.status == "pending"
    assert mail.outbox == []  # waiting for beat's sweep


def test_health_answers_503_when_the_database_is_down():
    # A port where no PostgreSQL listens: the process starts, the database does not answer.
    result = run_django(
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='localhost').get('/health/')\n"
        "print(r.status_code, r.content.decode())\n",
        DATABASE_URL="postgres://brugwerk@127.0.0.1:1/brugwerk",
    )

    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "down", "database": "down", "broker": "inline"}
