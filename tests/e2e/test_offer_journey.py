"""An employer publishes a service request; a social enterprise finds it by searching near its
postcode and sends an offer; the employer, told by email, accepts it and, asked whether the
request is now filled, closes it; the collaboration then shows on both organisations' profiles.

The steps rely on input names, roles and the data typed in, not on interface texts.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from companies.models import Collaboration
from portal.models import ServiceCategory
from tests.factories import (
    PASSWORD,
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    UserFactory,
    postcode,
)
from vacancies.models import Response, ServiceRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def test_an_offer_found_near_the_enterprise_is_accepted_and_becomes_a_collaboration(
    live_server, page, browser, mail_delivery, settings
):
    settings.SITE_URL = live_server.url
    call_command("load_reference_data", verbosity=0)
    green = ServiceCategory.objects.get(slug="groenonderhoud")
    employer = OrganisationFactory(
        name="Brouwerij De Mergel", postcode=postcode("3700"), verified_at=timezone.now()
    )
    employer_user = UserFactory(email="wim.werkgever@example.be", name="Wim Werkgever")
    OwnerFactory(organisation=employer, user=employer_user)
    enterprise = SocialEnterpriseFactory(
        name="Groenploeg Hasselt", postcode=postcode("3500"), verified_at=timezone.now()
    )
    OfferedServiceFactory(organisation=enterprise, category=green, radius_km=40)
    enterprise_user = UserFactory(email="sara.sociaal@example.be", name="Sara Sociaal")
    OwnerFactory(organisation=enterprise, user=enterprise_user)

    # The employer publishes a service request.
    log_in(page, live_server, employer_user)
    page.locator('main a[href="/requests/new/"]').click()
    page.locator("input[name=title]").fill("Maaien van de brouwerijweide")
    page.locator("textarea[name=description]").fill("Twee hectare gras, om de twee weken.")
    page.locator("select[name=category]").select_option(str(green.pk))
    page.locator("input[name=closing_date]").fill(str(timezone.localdate() + timedelta(days=21)))
    page.locator("button[name=action][value=publish]").click()
    service_request = ServiceRequest.objects.get()
    expect(page).to_have_url(re.compile(rf"/requests/{service_request.code}/$"))

    # Matching tells the social enterprise, which offers green maintenance within 40 km.
    [to_enterprise] = mail_delivery.wait_for(1)
    assert to_enterprise["To"] == enterprise_user.email
    body = to_enterprise.get_body(preferencelist=("plain",)).get_content()
    assert f"{live_server.url}/requests/{service_request.code}/" in body, body

    # The social enterprise searches near its own postcode and finds the request.
    social = browser.new_context(locale="nl-BE", viewport={"width": 1280, "height": 900})
    social.set_default_timeout(15_000)
    social_page = social.new_page()
    log_in(social_page, live_server, enterprise_user)
    social_page.goto(f"{live_server.url}/requests/")
    social_page.locator("input[name=postcode]").fill("3500")
    social_page.locator("input[name=km]").fill("40")
    social_page.locator("input[name=postcode]").press("Enter")
    expect(social_page).to_have_url(re.compile(r"postcode=3500"))
    social_page.get_by_role("link", name="Maaien van de brouwerijweide").click()
    expect(social_page).to_have_url(re.compile(rf"/requests/{service_request.code}/$"))

    # It sends an offer, and sees it with its state instead of the form.
    social_page.locator("textarea[name=message]").fill("Onze ploeg van vier maait en ruimt op.")
    social_page.locator("input[name=availability]").fill("Vanaf 1 april, om de twee weken")
    social_page.locator("input[name=price_indication]").fill("EUR 180 per beurt")
    social_page.locator("form.respond-form button[type=submit]").click()
    expect(social_page).to_have_url(re.compile(rf"/requests/{service_request.code}/#respond$"))
    expect(social_page.locator("#respond")).to_contain_text("EUR 180 per beurt")
    expect(social_page.locator("textarea[name=message]")).to_have_count(0)
    offer = Response.objects.get()
    assert offer.enterprise == enterprise

    # The employer hears of it by email and follows the link to accept it, with a message.
    to_employer = mail_delivery.wait_for(2)[1]
    assert to_employer["To"] == employer_user.email
    body = to_employer.get_body(preferencelist=("plain",)).get_content()
    link = re.search(
        rf"{re.escape(live_server.url)}/requests/{service_request.code}/#responses", body
    )
    assert link, body
    page.goto(f"{live_server.url}/dashboard/")  # later, elsewhere on the portal
    page.goto(link.group())
    card = page.locator(f"#response-{offer.pk}")
    expect(card).to_contain_text("Onze ploeg van vier maait en ruimt op.")
    card.locator(f"input[name=response-{offer.pk}-status][value=accepted]").check()
    card.locator(f"textarea[name=response-{offer.pk}-reply]").fill("Afgesproken, tot 1 april!")
    card.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/requests/{service_request.code}/#responses$"))
    expect(page.locator(f"#response-{offer.pk}")).to_contain_text("Afgesproken, tot 1 april!")
    expect(page.locator(f"input[name=response-{offer.pk}-status]")).to_have_count(0)

    collaboration = Collaboration.objects.get()
    assert (collaboration.regular, collaboration.social) == (employer, enterprise)
    assert (collaboration.channel, collaboration.category) == ("service_request", green)

    # Asked whether the request is now filled, the employer closes it as filled in one step.
    close_prompt = page.locator("#close-prompt")
    expect(close_prompt).to_be_visible()
    close_prompt.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/requests/{service_request.code}/$"))
    expect(page.locator("#close-prompt")).to_have_count(0)
    service_request.refresh_from_db()
    assert (service_request.status, service_request.closed_reason) == ("closed", "filled")

    # The enterprise hears of the decision by email.
    to_enterprise = mail_delivery.wait_for(3)[2]
    assert to_enterprise["To"] == enterprise_user.email
    assert "Afgesproken, tot 1 april!" in (
        to_enterprise.get_body(preferencelist=("plain",)).get_content()
    )

    # The collaboration shows on both profiles, each linking to the other.
    for profile, partner in [(employer, enterprise), (enterprise, employer)]:
        social_page.goto(f"{live_server.url}/organisations/{profile.slug}/")
        collaborations = social_page.locator("section[aria-labelledby=collaborations-title]")
        expect(collaborations.get_by_role("link", name=partner.name)).to_have_attribute(
            "href", f"/organisations/{partner.slug}/"
        )
        expect(collaborations).to_contain_text(green.name_nl)
    social.close()
