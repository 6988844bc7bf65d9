"""The vacancy and request lists say how to post one, beside the heading (issue 18, item 7):
a member of any organisation gets the button (lifecycle lets every member post both), a user
without an organisation is told to add or join one, a visitor to log in and come back to the form.
"""

import re

import pytest
from django.utils.html import strip_tags

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "vacancy": ("/en/vacancies/", "/en/vacancies/new/", "Post a vacancy"),
    "request": ("/en/requests/", "/en/requests/new/", "Post a service request"),
}
ACTION = re.compile(r'<p class="post-action screen-only">(.*?)</p>', re.DOTALL)


def action(client, kind):
    """The call to action's HTML; it sits in the page's header, after the heading and before
    the search form (which stays the first thing after the header)."""
    html = client.get(LISTS[kind][0]).content.decode()
    start = html.index('<header class="search-page__header">')
    header = html[start : html.index("</header>", start)]
    found = ACTION.search(header)
    if found is None:
        return None
    assert header.index("</h1>") < header.index('class="post-action')
    return found.group(1)


def text(html):
    return " ".join(strip_tags(html).split())


@pytest.mark.parametrize("kind", LISTS)
def test_a_member_of_an_employer_gets_the_button_beside_the_heading(client, world, kind):
    client.force_login(world.editor)

    found = action(client, kind)

    assert f'<a class="button button--small" href="{LISTS[kind][1]}">' in found
    assert text(found) == LISTS[kind][2]


@pytest.mark.parametrize("kind", LISTS)
def test_a_member_of_a_social_enterprise_may_post_too(client, world, kind):
    client.force_login(world.enterprise_member)

    assert f'href="{LISTS[kind][1]}"' in action(client, kind)


@pytest.mark.parametrize(
    ("kind", "wording"),
    [
        ("vacancy", "To post a vacancy, first add your organisation or join it."),
        ("request", "To post a service request, first add your organisation or join it."),
    ],
)
def test_a_user_without_an_organisation_is_told_to_add_or_join_one(client, world, kind, wording):
    client.force_login(world.stranger)

    found = action(client, kind)

    assert 'class="button' not in found
    assert re.findall(r'href="([^"]+)"', found) == [
        "/en/organisations/new/",
        "/en/organisations/join/",
    ]
    assert text(found) == wording


@pytest.mark.parametrize(
    ("kind", "wording"),
    [
        ("vacancy", "Are you an employer? Log in to post a vacancy."),
        ("request", "Do you need work done? Log in to post a service request."),
    ],
)
def test_a_visitor_is_asked_to_log_in_and_comes_back_to_the_form(client, world, kind, wording):
    found = action(client, kind)

    assert text(found) == wording
    assert re.findall(r'href="([^"]+)"', found) == [f"/en/accounts/login/?next={LISTS[kind][1]}"]


def test_a_member_of_two_organisations_gets_it_for_the_one_they_act_for(client, world):
    MembershipFactory(organisation=world.enterprise, user=world.editor)
    client.force_login(world.editor)

    assert 'class="button button--small"' in action(client, "vacancy")
