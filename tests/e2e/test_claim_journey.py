"""A user claims a listing nobody holds; the regisseur of its region accepts; the user is its
owner and hears so by email, in Dutch.

The steps rely on addresses, input names and the data typed in, not on interface texts.
"""

import re

import pytest
from playwright.sync_api import expect

from companies.models import Claim, Membership
from tests.factories import (
    PASSWORD,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    postcode,
    region,
    totp_code,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(browser, live_server, user):
    """A browser of its own for each person, logged in (staff with the app's code)."""
    context = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    if user.is_staff:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.locator("input[name=code]").fill(totp_code())
        page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page


def test_a_user_claims_an_unclaimed_listing_and_the_regisseur_accepts(
    live_server, browser, mail_delivery
):
    listing = SocialEnterpriseFactory(
        name="Groenhart Tongeren", postcode=postcode("3700"), website="https://groenhart.be"
    )
    claimant = UserFactory(email="clara@groenhart.be", name="Clara Claimant")
    regisseur = StaffFactory(name="Rita Regisseur")
    region().regisseurs.add(regisseur)
    profile = f"/organisations/{listing.slug}/"

    page = log_in(browser, live_server, claimant)
    page.goto(f"{live_server.url}{profile}")
    page.locator(f'main a[href="{profile}claim/"]').click()
    expect(page).to_have_url(re.compile(rf"{profile}claim/$"))
    expect(page.locator("select[name=email]")).to_have_value("clara@groenhart.be")
    page.locator("input[name=role]").fill("Zaakvoerder")
    page.locator("input[name=phone]").fill("bel me")
    page.locator("main form button[type=submit]").click()
    # A bad phone number is named; the role typed is kept.
    expect(page.locator("input[name=phone]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("input[name=role]")).to_have_value("Zaakvoerder")
    page.locator("input[name=phone]").fill("011 23 45 67")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{profile}$"))
    claim = Claim.objects.get()
    assert (claim.status, claim.domain_matches) == ("pending", True)

    staff_page = log_in(browser, live_server, regisseur)
    staff_page.goto(f"{live_server.url}/organisations/claims/")
    item = staff_page.locator(f"#claim-{claim.pk}")
    expect(item).to_contain_text("clara@groenhart.be")
    expect(item).to_contain_text("Zaakvoerder")
    expect(item).to_contain_text("011 23 45 67")
    item.locator("button[name=decision][value=accept]").click()
    expect(staff_page).to_have_url(re.compile(r"/organisations/claims/$"))
    expect(staff_page.locator(f"#claim-{claim.pk}")).to_have_count(0)

    assert Membership.objects.get(organisation=listing, user=claimant).role == "owner"
    messages = mail_delivery.wait_for(2)
    decided = next(m for m in messages if m["To"] == claimant.email)
    assert decided["Subject"] == "Je bent nu eigenaar van Groenhart Tongeren"

    # The new owner now keeps the profile.
    page.goto(f"{live_server.url}{profile}")
    expect(page.locator(f'main a[href="{profile}edit/"]')).to_be_visible()
