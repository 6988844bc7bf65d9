"""The privacy page (/privacy/) and the account's data page (/account/privacy/), and where they
are linked from."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.parametrize("prefix", ["", "/fr", "/en"])
def test_the_privacy_page_is_public_in_every_language(client, db, prefix):
    response = client.get(f"{prefix}/privacy/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="' + (prefix.strip("/") or "nl") + '"' in page
    assert "<h1>" in page


def test_the_periods_on_the_page_are_the_settings(client, db, settings):
    settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS = 45
    settings.PRIVACY_STALE_DRAFT_DAYS = 120
    settings.PRIVACY_NOTIFICATION_DAYS = 400
    settings.PRIVACY_AUDIT_LOG_DAYS = 3000
    settings.EVENTS_ATTENDEE_RETENTION_DAYS = 500
    settings.PRIVACY_CONTACT_EMAIL = "privacy@regie.example.be"

    page = client.get("/en/privacy/").content.decode()

    for days in (45, 120, 400, 3000, 500):
        assert re.search(rf"\b{days} days\b", page), days
    assert 'href="mailto:privacy@regie.example.be"' in page


def test_what_is_kept_reads_as_headed_items_without_a_wide_table(client, db):
    page = client.get("/en/privacy/").content.decode()

    # Headings in order (h1, h2, then h3 under "What we keep"), no table to scroll sideways.
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    assert levels.count(3) == 11  # issue 19 added "Regie notes", then came "Events"
    assert "<table" not in page


def test_every_page_links_to_the_privacy_page_in_its_footer(client, db):
    page = client.get("/en/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]

    assert 'href="/en/privacy/"' in footer


def test_a_logged_in_user_is_led_to_their_data_page(client, db):
    client.force_login(UserFactory())

    dashboard = client.get(reverse("dashboard")).content.decode()
    privacy = client.get(reverse("privacy")).content.decode()

    assert f'href="{reverse("account_privacy")}"' in dashboard
    assert f'href="{reverse("account_privacy")}"' in privacy


def test_the_data_page_offers_the_download_and_the_deletion_form(client, db):
    client.force_login(UserFactory())

    page = client.get(reverse("account_privacy")).content.decode()

    assert f'href="{reverse("account_export")}"' in page
    assert f'action="{reverse("account_delete")}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'autocomplete="current-password"' in page
    assert re.search(r'<label for="id_password">', page)
