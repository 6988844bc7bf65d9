"""The page frame: languages, navigation, headers, home and dashboard."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "language", "phrase"),
    [
        ("/", "nl", "Waar de reguliere en de sociale economie elkaar ontmoeten"),
        ("/fr/", "fr", "Là où l’économie régulière et l’économie sociale se rencontrent"),
        ("/en/", "en", "Where the regular and the social economy meet"),
    ],
)
def test_home_speaks_the_language_of_its_address(client, path, language, phrase):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert phrase in html


def test_dutch_is_the_default_whatever_the_browser_prefers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9")

    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()


def test_language_switcher_links_to_the_same_page_in_the_other_languages(client):
    html = client.get("/fr/accounts/login/").content.decode()

    links = dict(re.findall(r'href="([^"]+)" hreflang="(\w+)"', html))
    assert links == {"/accounts/login/": "nl", "/en/accounts/login/": "en"}


def test_every_page_has_a_skip_link_and_a_main_landmark(client):
    html = client.get("/").content.decode()

    assert 'href="#main"' in html
    assert '<main id="main"' in html


def test_security_headers_are_sent(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(client, user):
    client.force_login(user)
    for path in ["/", "/dashboard/", "/accounts/email/", "/accounts/login/"]:
        html = client.get(path, follow=True).content.decode()
        assert "<script>" not in html and "<style" not in html, path
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_static_files_are_served_by_the_app(client):
    response = client.get("/static/css/brugwerk.css")

    assert response.status_code == 200


def test_home_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/")


def test_dashboard_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/fr/dashboard/")

    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/?next=/fr/dashboard/")


def test_dashboard_shows_the_signed_in_user(client, user):
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert user.email in response.content.decode()


# --- The icon -----------------------------------------------------------------------------------


def test_the_icon_is_served_at_the_root_where_browsers_and_the_admin_ask_for_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405


def test_the_pages_and_the_admin_link_the_icon(client, reference_data):
    from tests.factories import StaffFactory, log_in_as

    assert 'rel="icon" href="/favicon.ico"' in client.get("/").content.decode()
    log_in_as(client, StaffFactory(is_superuser=True))
    admin = client.get(reverse("admin:index"))
    assert admin.status_code == 200
    assert 'rel="icon" href="/favicon.ico"' in admin.content.decode()
