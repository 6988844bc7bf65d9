"""A visitor types a place's name rather than a postcode, then a query that ends in a place,
and removes the place again (issue 20)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import listed_organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_search_near_a_place_by_name_and_by_the_end_of_the_query(live_server, page):
    # A transactional test starts from an empty database.
    call_command("load_reference_data", verbosity=0)
    listed_organisation(name="Poetsploeg Hasselt", code="3500", services=["schoonmaak"])
    listed_organisation(name="Poetsploeg Tongeren", code="3700", services=["schoonmaak"])
    listed_organisation(name="Poetsploeg Gent", code="9000", services=["schoonmaak"])

    page.goto(f"{live_server.url}/organisations/")
    search = page.get_by_role("search")
    place = search.get_by_label("Plaats of postcode")
    # Suggestions as you type come from a datalist, without script.
    expect(place).to_have_attribute("list", "places")
    expect(page.locator("datalist#places option[value='3500 Hasselt']")).to_have_count(1)
    place.fill("hasselt")
    search.get_by_role("button").click()

    expect(page).to_have_url(re.compile(r"postcode=hasselt"))
    results = page.locator(".result-list")
    expect(results.locator("> li")).to_have_count(2)
    expect(results.locator("> li").first).to_contain_text("Poetsploeg Hasselt")  # nearest first
    expect(results).not_to_contain_text("Poetsploeg Gent")
    expect(page.locator(".active-filters")).to_contain_text("Binnen 25 km van Hasselt (standaard)")

    page.goto(f"{live_server.url}/organisations/?q=schoonmaak+in+gent")
    expect(results.locator("> li")).to_have_count(1)
    expect(results).to_contain_text("Poetsploeg Gent")
    page.locator(".active-filters").get_by_role(
        "link", name=re.compile("Binnen 25 km van Gent")
    ).click()

    expect(page).to_have_url(re.compile(r"\?q=schoonmaak$"))
    expect(results.locator("> li")).to_have_count(3)
