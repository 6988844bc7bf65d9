"""The home page leads somewhere: each service opens the directory filtered on it, and each of
the three role cards (employers, social enterprises, regisseurs) has its actions, for a visitor
and for a user."""

import re
from html import unescape

import pytest

from tests.factories import StaffFactory, UserFactory, listed_organisation, log_in_as

pytestmark = pytest.mark.django_db


def links(html):
    return [unescape(href) for href in re.findall(r'<a [^>]*href="([^"]+)"', html)]


def card(html, title):
    match = re.search(
        rf"<article class=\"card[^\"]*\">\s*<h2>{title}</h2>.*?</article>", html, re.S
    )
    assert match, f"no card {title}"
    return match.group(0)


def test_each_service_links_to_the_directory_filtered_on_it(client, reference_data):
    listed_organisation(name="Groenploeg Tongeren", services=["groenonderhoud"])
    listed_organisation(name="Poetsploeg Tongeren", services=["schoonmaak"])

    html = client.get("/en/").content.decode()
    services = [href for href in links(html) if "service=" in href]
    assert "/en/organisations/?service=groenonderhoud" in services
    assert len(services) >= 20  # one per service category

    directory = client.get("/en/organisations/?service=groenonderhoud").content.decode()
    assert "Groenploeg Tongeren" in directory
    assert "Poetsploeg Tongeren" not in directory


def test_a_visitor_gets_an_action_on_each_role_card_and_each_leads_somewhere(
    client, reference_data
):
    html = client.get("/en/").content.decode()

    employers = links(card(html, "Employers"))
    assert employers == [
        "/en/organisations/?kind=social",
        "/en/accounts/login/?next=/en/vacancies/new/",
    ]
    assert links(card(html, "Social enterprises")) == [
        "/en/requests/",
        "/en/vacancies/",
        "/en/accounts/signup/",
    ]
    assert links(card(html, "Regisseurs")) == ["/en/vouchers/", "/en/reports/"]
    for href in (
        employers + links(card(html, "Social enterprises")) + links(card(html, "Regisseurs"))
    ):
        assert client.get(href).status_code == 200, href


def test_a_user_is_offered_to_post_and_staff_the_claims(client, reference_data):
    client.force_login(UserFactory())
    html = client.get("/").content.decode()

    assert links(card(html, "Werkgevers")) == [
        "/organisations/?kind=social",
        "/vacancies/new/",
        "/requests/new/",
    ]
    assert "/accounts/signup/" not in links(card(html, "Sociale ondernemingen"))
    assert "/organisations/claims/" not in links(card(html, "Regisseurs"))

    client.logout()
    log_in_as(client, StaffFactory())
    html = client.get("/").content.decode()
    assert "/organisations/claims/" in links(card(html, "Regisseurs"))
    assert client.get("/organisations/claims/").status_code == 200
