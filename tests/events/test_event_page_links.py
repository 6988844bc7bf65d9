"""The event page leads each visitor to the event's other pages: participants to the list, their
meetings and (once the event began) the deal form; its regisseurs to the grid, the sign-in list
and the report; nobody else to any of them."""

import pytest

from tests.events import outcome_world
from tests.factories import log_in_as

pytestmark = pytest.mark.django_db

met = outcome_world.met


def links(client, event):
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    return {
        name
        for name in ("participants", "meetings", "deals/new", "grid", "attendance", "report")
        if f'href="/en/events/{event.slug}/{name}/"' in page
    }


def test_a_participant_sees_the_participant_pages_and_the_deal_form(client, met):
    client.force_login(met.firm_member)
    assert links(client, met.event) == {"participants", "meetings", "deals/new"}


def test_the_regisseur_of_the_region_sees_the_pages_of_the_regie(client, met):
    log_in_as(client, met.regisseur)
    assert links(client, met.event) == {"participants", "grid", "attendance", "report"}


@pytest.mark.parametrize("who", ["nobody", "stranger", "other_regisseur"])
def test_others_see_none_of_them(client, met, who):
    log_in_as(client, getattr(met, who))
    assert links(client, met.event) == set()


def test_a_past_event_shows_no_places_left(client, met):
    page = client.get(f"/en/events/{met.event.slug}/").content.decode()
    assert "places left" not in page and "place left" not in page
