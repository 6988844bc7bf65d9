"""The conventions every read of the API shares (api/conventions.py, api/problems.py): problem
details for every error, the language, conditional GET, CORS for GET only. On the reference
data alone (the vocabularies), so no demo is seeded."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory

from api import conventions, problems
from portal.models import ServiceCategory

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def is_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == problems.CONTENT_TYPE
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["type"].startswith("http")
    return body


# --- Problems ------------------------------------------------------------------------------------


def test_an_unknown_address_is_a_404_problem(reference_data, client):
    body = is_problem(client.get("/api/v1/nothing-here/"), 404)
    assert body["errors"] == {}
    is_problem(client.delete("/api/v1/nothing/here/"), 404)


def test_an_address_without_its_slash_redirects_as_pages_do(reference_data, client):
    response = client.get("/api/v1/sectors?lang=fr")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/sectors/?lang=fr"


def test_a_method_the_address_does_not_take_is_a_405_problem(reference_data, client):
    is_problem(client.post("/api/v1/sectors/", {}, content_type="application/json"), 405)
    is_problem(client.put("/api/v1/organisations/", {}, content_type="application/json"), 405)


def test_an_unacceptable_format_is_a_406_problem(reference_data, client):
    is_problem(client.get("/api/v1/sectors/", HTTP_ACCEPT="application/xml"), 406)


def test_a_throttled_request_is_a_429_problem_with_retry_after():
    response = problems.exception_handler(exceptions.Throttled(wait=42.3), {})
    assert response.status_code == 429
    assert response["Retry-After"] == "43"  # rounded up
    assert response.data["type"].endswith("#problem-throttled")


def test_refused_authentication_says_how_to_authenticate():
    failed = exceptions.NotAuthenticated()
    failed.auth_header = 'Bearer realm="api"'
    response = problems.exception_handler(failed, {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_nested_field_errors_are_flattened_with_their_path():
    error = exceptions.ValidationError(
        {"title": ["Too long."], "supports": [{"slug": ["Unknown."]}], "__all__": ["Both."]}
    )
    body = problems.exception_handler(error, {}).data
    assert body["errors"] == {
        "title": ["Too long."],
        "supports.0.slug": ["Unknown."],
        "non_field_errors": ["Both."],
    }
    plain = problems.exception_handler(exceptions.ValidationError("Nope."), {}).data
    assert plain["errors"] == {"non_field_errors": ["Nope."]}


def test_an_error_of_ours_is_not_described_but_left_to_django():
    assert problems.exception_handler(ZeroDivisionError(), {}) is None


@pytest.mark.parametrize(
    ("headers", "query", "title"),
    [
        ({}, "", "Niet gevonden"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-BE,fr;q=0.9,nl;q=0.5"}, "", "Introuvable"),
        ({"HTTP_ACCEPT_LANGUAGE": "de-DE,en;q=0.5"}, "", "Not found"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, "?lang=en", "Not found"),
    ],
)
def test_problems_speak_the_language_asked(reference_data, client, headers, query, title):
    body = is_problem(client.get(f"/api/v1/nothing/{query}", **headers), 404)
    assert body["title"] == title


def test_a_language_the_portal_does_not_speak_is_a_400_problem(reference_data, client):
    body = is_problem(client.get("/api/v1/sectors/?lang=de"), 400)
    assert list(body["errors"]) == ["lang"]


# --- Language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "query", "language"),
    [
        ({}, "", "nl"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-BE"}, "", "fr"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr-BE"}, "?lang=en", "en"),
        ({"HTTP_ACCEPT_LANGUAGE": "es, en-GB;q=0.8"}, "", "en"),
    ],
)
def test_labels_follow_lang_then_accept_language(reference_data, client, headers, query, language):
    response = client.get(f"/api/v1/service-categories/{query}", **headers)
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    names = {row["slug"]: row["name"] for row in response.json()["results"]}
    category = ServiceCategory.objects.get(slug="schoonmaak")
    assert names["schoonmaak"] == getattr(category, f"name_{language}") or category.name_nl


# --- Conditional GET -----------------------------------------------------------------------------


def test_an_unchanged_body_is_a_304_on_its_etag(reference_data, client):
    first = client.get("/api/v1/sectors/")
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get("/api/v1/sectors/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_the_etag_changes_with_the_body(reference_data, client):
    etag = client.get("/api/v1/service-categories/")["ETag"]
    assert client.get("/api/v1/service-categories/?lang=fr")["ETag"] != etag
    ServiceCategory.objects.filter(slug="schoonmaak").update(name_nl="Poetsen")
    changed = client.get("/api/v1/service-categories/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_last_modified_is_the_last_write_once_its_second_is_over(
    reference_data, client, monkeypatch
):
    written = timezone.now() - timedelta(minutes=5)
    monkeypatch.setattr(conventions, "STARTED", written - timedelta(days=1))
    monkeypatch.setattr(conventions, "data_changed_at", lambda: written)
    response = client.get("/api/v1/sectors/")
    assert response["Last-Modified"] == http_date(written.timestamp())
    since = client.get("/api/v1/sectors/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    earlier = http_date((written - timedelta(seconds=10)).timestamp())
    assert client.get("/api/v1/sectors/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    # A write within the last moments: not named yet (another may follow in the same second).
    monkeypatch.setattr(conventions, "data_changed_at", lambda: timezone.now())
    assert not client.get("/api/v1/sectors/").has_header("Last-Modified")


def test_lists_that_depend_on_the_day_send_no_last_modified(reference_data, client, monkeypatch):
    monkeypatch.setattr(conventions, "STARTED", timezone.now() - timedelta(days=1))
    monkeypatch.setattr(conventions, "data_changed_at", lambda: timezone.now() - timedelta(days=1))
    for url in ["/api/v1/organisations/", "/api/v1/vacancies/", "/api/v1/events/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert response.has_header("ETag")
        assert not response.has_header("Last-Modified"), url


def test_errors_are_never_cached_as_not_modified(reference_data, client):
    response = client.get("/api/v1/sectors/?lang=de", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 400
    assert not response.has_header("ETag")


# --- CORS ----------------------------------------------------------------------------------------


def test_any_origin_may_read(reference_data, client):
    response = client.get("/api/v1/sectors/", HTTP_ORIGIN="https://data.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_a_preflight_allows_get_but_not_post(reference_data, client):
    headers = {"HTTP_ORIGIN": "https://data.example.org"}
    for method, allowed in [("GET", True), ("POST", False), ("DELETE", False)]:
        response = client.options(
            "/api/v1/sectors/", HTTP_ACCESS_CONTROL_REQUEST_METHOD=method, **headers
        )
        methods = response.get("Access-Control-Allow-Methods", "")
        assert (method in methods.split(", ")) is allowed, (method, methods)


def test_pages_of_the_portal_get_no_cors_headers(reference_data, client):
    response = client.get("/organisations/", HTTP_ORIGIN="https://data.example.org")
    assert "Access-Control-Allow-Origin" not in response


def test_the_handler_is_the_one_rest_framework_calls(settings):
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "api.problems.exception_handler"
    request = APIRequestFactory().get("/api/v1/sectors/")
    assert conventions.accepted_language(request) == "nl"
