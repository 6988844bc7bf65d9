"""A visitor looks for green maintenance near Tongeren, narrows by a service, opens a profile."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import listed_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_near_a_postcode_narrow_by_service_and_open_a_profile(live_server, page):
    # A transactional test starts from an empty database.
    call_command("load_reference_data", verbosity=0)
    listed_organisation(
        name="Groenwerk Haspengouw",
        code="3700",
        services=["groenonderhoud", "land-tuinbouw"],
        description="Maatwerkbedrijf voor groenonderhoud van bedrijfsterreinen.",
    )
    listed_organisation(name="De Groene Kans", code="3740", services=["groenonderhoud"])
    listed_organisation(name="Groenploeg Gent", code="9000", services=["groenonderhoud"])
    listed_organisation(name="Bakkerij Mergelland", kind="regular", code="3770")

    page.goto(f"{live_server.url}/organisations/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    search = page.get_by_role("search")
    search.locator("input[name=q]").fill("groenonderhoud")
    search.locator("input[name=postcode]").fill("3700")
    search.locator("input[name=km]").fill("25")
    search.get_by_role("button").click()

    expect(page).to_have_url(re.compile(r"q=groenonderhoud&postcode=3700&km=25"))
    results = page.locator(".result-list")
    expect(results.get_by_role("link", name="Groenwerk Haspengouw")).to_be_visible()
    expect(results.get_by_role("link", name="De Groene Kans")).to_be_visible()
    expect(results).not_to_contain_text("Groenploeg Gent")  # about 100 km away
    expect(results).not_to_contain_text("Bakkerij Mergelland")  # near, but no green maintenance
    expect(results.locator(".org-card__distance")).to_have_count(2)

    page.locator("input[name=service][value=land-tuinbouw]").check()
    page.locator(".facets button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"service=land-tuinbouw"))
    expect(results.locator("> li")).to_have_count(1)
    expect(page.locator("input[name=service][value=land-tuinbouw]")).to_be_checked()
    expect(page.locator("input[name=q]")).to_have_value("groenonderhoud")

    results.get_by_role("link", name="Groenwerk Haspengouw").click()

    expect(page).to_have_url(re.compile(r"/organisations/groenwerk-haspengouw/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Groenwerk Haspengouw")
    expect(page.locator("main")).to_contain_text("Land- en tuinbouw")
