"""Rate limits of the API (api/throttling.py): anonymous clients by the portal's client address,
token holders by their token, higher; over the limit 429 with Retry-After."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from api import throttling, tokens
from tests.factories import UserFactory, VacancyFactory

from .conftest import bearer

pytestmark = pytest.mark.django_db

# 30 seconds into a minute's window: the window turns in 30 seconds.
NOW = 1_800_000_030.0


@pytest.fixture
def address(reference_data, settings, monkeypatch):
    """An API address that every client may ask (the writes' address answers GET with 405
    after the limits are counted; the read endpoints answer 200 there)."""
    settings.API_RATE_ANONYMOUS = "3/minute"
    settings.API_RATE_TOKEN = "5/minute"
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: NOW))
    return f"/api/v1/vacancies/{VacancyFactory().code}/"


def statuses(client, address, times, **headers):
    return [client.get(address, **headers).status_code for _ in range(times)]


def test_anonymous_clients_get_429_with_retry_after(address):
    client = APIClient()

    answers = statuses(client, address, 3)
    refused = client.get(address)

    assert 429 not in answers
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"


def test_each_address_counts_apart_and_a_forged_forwarded_for_counts_for_nothing(address):
    client = APIClient()
    statuses(client, address, 3, REMOTE_ADDR="10.0.0.1")

    forged = client.get(address, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.9")
    other = client.get(address, REMOTE_ADDR="10.0.0.2")

    assert forged.status_code == 429
    assert other.status_code != 429


def test_behind_a_proxy_the_visitors_address_counts(address, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    statuses(client, address, 3, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1")

    same = client.get(address, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1")
    next_visitor = client.get(address, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.2")

    assert same.status_code == 429
    assert next_visitor.status_code != 429


def test_a_token_raises_the_limit_and_counts_per_token(address):
    _token, key = tokens.issue(by=UserFactory(), name="Script")
    _token, other_key = tokens.issue(by=UserFactory(), name="Ander script")
    client = bearer(key)

    answers = statuses(client, address, 5)
    refused = client.get(address)

    assert 429 not in answers  # more than the anonymous 3
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    assert bearer(other_key).get(address).status_code != 429
    assert APIClient().get(address).status_code != 429  # anonymous counts apart


def test_the_next_window_starts_afresh(address, monkeypatch):
    client = APIClient()
    statuses(client, address, 3)
    assert client.get(address).status_code == 429

    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: NOW + 30))

    assert client.get(address).status_code != 429


def test_refused_writes_count_too(address):
    _token, key = tokens.issue(by=UserFactory(), name="Script")
    personal = bearer(key)
    wrong = bearer("bw_wrong")

    refused = [personal.post("/api/v1/vacancies/", {}).status_code for _ in range(6)]
    guesses = [wrong.post("/api/v1/vacancies/", {}).status_code for _ in range(4)]

    assert refused == [403] * 5 + [429]  # a personal token posts nothing, and counts
    assert guesses == [401] * 3 + [429]  # a wrong key counts as its address


def test_writes_count_too(address, poster):
    client = poster.client()

    answers = [client.post("/api/v1/vacancies/", {}).status_code for _ in range(6)]

    assert answers[:5] == [400] * 5  # the form's errors
    assert answers[5] == 429


@pytest.mark.parametrize("value", ["60", "60/fortnight", "-1/minute", "many/minute"])
def test_a_bad_rate_stops_the_start(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from portal.settings import env_rate

    monkeypatch.setenv("API_RATE_ANONYMOUS", value)

    with pytest.raises(ImproperlyConfigured, match="API_RATE_ANONYMOUS"):
        env_rate("API_RATE_ANONYMOUS", "60/minute")
