"""A visitor signs up in Dutch, confirms the address from the real email (which logs in, in the
browser that signed up), reads in French, logs out."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import User
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_up_confirm_from_the_email_lands_logged_in_switch_to_french_log_out(
    live_server, page, mail_delivery
):
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("link", name="Registreren").click()

    page.locator("input[name=email]").fill("an.peeters@example.be")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    message = mail_delivery.wait_for(1)[0]
    assert message["To"] == "an.peeters@example.be"
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+", body).group(0)
    page.goto(link)
    expect(page.locator("main")).to_contain_text(
        "Bevestig dat an.peeters@example.be jouw e-mailadres is."
    )
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator(".messages")).to_have_text(
        "Je e-mailadres an.peeters@example.be is bevestigd."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Overzicht")
    expect(page.locator("main")).to_contain_text("an.peeters@example.be")

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/dashboard/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/fr/$"))
    expect(page.get_by_role("link", name="S’inscrire")).to_be_visible()
    assert User.objects.get(email="an.peeters@example.be").language == "nl"


def test_confirming_in_another_browser_asks_to_log_in(live_server, page, browser, mail_delivery):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.locator("input[name=email]").fill("bert.jacobs@example.be")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    body = mail_delivery.wait_for(1)[0].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+", body).group(0)

    other = browser.new_context(locale="nl-BE").new_page()
    other.goto(link)
    other.locator("main form button[type=submit]").click()
    expect(other).to_have_url(re.compile(r"/accounts/login/$"))
    expect(other.locator(".messages")).to_have_text(
        "Je e-mailadres bert.jacobs@example.be is bevestigd. Log ermee in om verder te gaan."
    )
    other.locator("input[name=login]").fill("bert.jacobs@example.be")
    other.locator("input[name=password]").fill(PASSWORD)
    other.locator("main form button[type=submit]").click()
    expect(other).to_have_url(re.compile(r"/dashboard/$"))
    other.context.close()
