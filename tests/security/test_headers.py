"""Response headers and deployment: a Content-Security-Policy without unsafe-inline, frame
denial, nosniff, Referrer-Policy, HSTS in production, uploads served as images only, and an admin
address set by DJANGO_ADMIN_URL. `check --deploy` stays clean: tests/portal/test_settings.py."""

import re
from pathlib import Path

import pytest

from tests.factories import StaffFactory, log_in_as
from tests.portal.test_settings import PRODUCTION, run_django

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def directives(policy):
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "path", ["/", "/fr/organisations/", "/accounts/login/", "/en/vacancies/", "/health/"]
)
def test_every_page_carries_the_security_headers(client, reference_data, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_policy_allows_no_inline_code_and_data_addresses_for_images_only(settings):
    policy = directives(settings.CONTENT_SECURITY_POLICY)

    assert "'unsafe-inline'" not in settings.CONTENT_SECURITY_POLICY
    assert "'unsafe-eval'" not in settings.CONTENT_SECURITY_POLICY
    # The QR code of the authenticator app's setup is an SVG data: address (allauth.mfa).
    assert [name for name, values in policy.items() if "data:" in values] == ["img-src"]


def test_the_admin_carries_the_policy_too(client):
    log_in_as(client, StaffFactory(is_superuser=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_of_a_page_holds_inline_script_style_or_event_handlers():
    # Emails are excluded: mail clients need inline styles, and no browser policy applies there.
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|<style|\sstyle=|\son[a-z]+="
    )
    comments = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "emails" not in path.relative_to(ROOT / "templates").parts
        and inline.search(comments.sub("", path.read_text()))
    ]

    assert offenders == []


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "logo.png").write_bytes(PNG)
    (tmp_path / "logos" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    (tmp_path / "logos" / "logo.png.html").write_text("<script>alert(1)</script>")
    return tmp_path


def test_an_uploaded_logo_is_served_as_an_image_that_cannot_be_sniffed_or_framed(client, uploads):
    response = client.get("/media/logos/logo.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("name", ["logo.svg", "logo.png.html"])
def test_uploads_that_could_carry_script_are_never_served(client, uploads, name):
    assert client.get(f"/media/logos/{name}").status_code == 404


def test_production_sends_hsts_and_redirects_to_https(tmp_path):
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "logo.png").write_bytes(PNG)
    # The media view answers without the database, so no database is needed here.
    result = run_django(
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='brugwerk.example.be')\n"
        "plain = c.get('/media/logos/logo.png')\n"
        "print(plain.status_code, plain['Location'])\n"
        "r = c.get('/media/logos/logo.png', secure=True)\n"
        "for h in ['Strict-Transport-Security', 'X-Content-Type-Options', 'Referrer-Policy',"
        " 'X-Frame-Options', 'Content-Type', 'Cross-Origin-Opener-Policy']:\n"
        "    print(h, '=', r[h])\n",
        **PRODUCTION,
        MEDIA_ROOT=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "301 https://brugwerk.example.be/media/logos/logo.png"
    headers = dict(line.split(" = ", 1) for line in lines[1:])
    assert headers == {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Content-Type": "image/png",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def test_the_admin_address_is_set_by_the_environment():
    result = run_django(
        "from django.urls import reverse\n"
        "from django.utils import translation\n"
        "print(reverse('admin:index'))\n"
        "translation.activate('fr')\n"
        "print(reverse('admin:vouchers_voucher_changelist'))\n",
        DJANGO_ADMIN_URL="beheer-7f3k/",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/beheer-7f3k/", "/fr/beheer-7f3k/vouchers/voucher/"]


def test_the_admin_is_at_admin_by_default():
    result = run_django("from django.urls import reverse\nprint(reverse('admin:index'))\n")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/admin/"]


@pytest.mark.parametrize("value", ["/admin/", "admin", "ad min/", "../x/"])
def test_a_bad_admin_address_stops_the_start(value):
    result = run_django("", DJANGO_ADMIN_URL=value)

    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL must be a path such as beheer/" in result.stderr
