"""The public event pages: the list (upcoming first, past ones apart, filters, places left, a
bounded number of queries), an event's page for each kind of visitor (what the register button
says, the online link for participants only), its calendar file and a region's feed."""

from datetime import timedelta

from django.utils import timezone

from events.models import RegistrationStatus
from portal.models import ServiceCategory
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    log_in_with_second_factor,
    region,
)

LIST = "/en/events/"


def page(event, suffix=""):
    return f"/en/events/{event.slug}/{suffix}"


def test_the_navigation_leads_to_the_events(client, world):
    assert f'href="{LIST}"' in client.get("/en/").content.decode()


def test_upcoming_events_first_soonest_on_top_and_past_ones_apart(client, world):
    soon = EventFactory(title="Binnenkort", starts_at=timezone.now() + timedelta(days=3))
    earlier = EventFactory(
        title="Vorige maand",
        starts_at=timezone.now() - timedelta(days=30),
        registration_deadline=timezone.now() - timedelta(days=32),
    )
    EventFactory(title="Niet gepubliceerd", published=False)

    html = client.get(LIST).content.decode()
    past = client.get(LIST + "?when=past").content.decode()

    assert html.index("Binnenkort") < html.index(world.event.title)
    assert "Vorige maand" not in html and "Niet gepubliceerd" not in html
    assert "Vorige maand" in past and soon.title not in past
    assert f'href="{LIST}?when=past"' in html
    assert earlier.get_absolute_url() in past


def test_each_card_says_kind_time_place_places_left_and_deadline(client, world):
    online = EventFactory(
        title="Webinar",
        online=True,
        online_url="https://meet.example/x",
        postcode=None,
        kind="info_session",
        capacity=1,
    )
    RegistrationFactory(event=online)
    RegistrationFactory(event=world.event)

    html = client.get(LIST).content.decode()

    card = html.split(world.event.title)[1].split("</li>")[0]
    assert "Networking event" in card and "Tongeren" in card
    assert "39 places left" in card and "Register until" in card
    webinar = html.split("Webinar")[1].split("</li>")[0]
    assert "Information session" in webinar and "Online" in webinar
    assert "Full: waiting list" in webinar
    assert "meet.example" not in html


def test_filters_by_region_and_theme(client, world):
    category = ServiceCategory.objects.first()
    elsewhere = EventFactory(title="Leuven netwerkt", region=region("vlaams-brabant"))
    themed = EventFactory(title="Groen netwerk", category=category)

    by_region = client.get(LIST + "?region=vlaams-brabant").content.decode()
    by_theme = client.get(f"{LIST}?service={category.slug}").content.decode()

    assert elsewhere.title in by_region and world.event.title not in by_region
    assert themed.title in by_theme and world.event.title not in by_theme


def test_the_long_filters_are_folded_until_one_is_chosen(client, world):
    category = ServiceCategory.objects.first()

    plain = client.get(LIST).content.decode()
    chosen = client.get(f"{LIST}?service={category.slug}").content.decode()

    # Sector and service (twenty options and more) fold; region and when do not.
    assert plain.count('<details class="facet__more">') == 2
    assert chosen.count('<details class="facet__more">') == 1
    assert chosen.count('<details class="facet__more" open>') == 1
    # On a phone the results come first and a link leads to the filters.
    assert 'class="search-page event-search"' in plain
    assert '<a href="#filters-title">' in plain


def test_a_bad_filter_is_said_and_left_out(client, world):
    response = client.get(LIST + "?region=nergens&service=%00&when=morgen&page=x")

    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be used" in html and world.event.title in html


def test_the_list_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    for _ in range(3):
        event = EventFactory()
        RegistrationFactory(event=event)
    client.get(LIST)  # warm the reference caches
    # The count, the page, the options of the three facets; and the chosen region.
    with django_assert_num_queries(5):
        client.get(LIST)
    with django_assert_num_queries(6):
        client.get(LIST + "?region=zuidoost-limburg")
    for _ in range(5):
        EventFactory(online=True, online_url="https://x.example", postcode=None)
    with django_assert_num_queries(6):
        client.get(LIST + "?region=zuidoost-limburg")


# --- An event's page --------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_everything_but_the_link_and_is_asked_to_log_in(client, world):
    html = client.get(page(world.event)).content.decode()

    assert world.event.description in html and "Grote Markt 1" in html
    assert "Log in to register" in html
    assert page(world.event, "calendar.ics") in html
    assert "/en/events/regions/zuidoost-limburg.ics" in html


def test_a_member_is_offered_to_register_and_a_stranger_told_why_not(client, world):
    client.force_login(world.employer)
    assert page(world.event, "register/") in client.get(page(world.event)).content.decode()
    client.force_login(world.stranger)
    html = client.get(page(world.event)).content.decode()
    assert "Only an organisation on the portal can register" in html
    assert page(world.event, "register/") not in html


def test_a_full_event_offers_the_waiting_list_and_a_closed_one_says_why(client, world):
    full = EventFactory(capacity=1)
    RegistrationFactory(event=full)
    client.force_login(world.employer)
    assert "Join the waiting list" in client.get(page(full)).content.decode()

    world.event.registration_deadline = timezone.now() - timedelta(hours=1)
    world.event.save()
    assert "Registration closed on" in client.get(page(world.event)).content.decode()


def test_the_online_link_is_for_registered_participants_only(client, world):
    event = EventFactory(online=True, online_url="https://meet.example/geheim", postcode=None)
    registration = RegistrationFactory(event=event, organisation=world.firm)
    client.force_login(world.social_member)
    assert "meet.example/geheim" not in client.get(page(event)).content.decode()
    client.force_login(world.employer)
    html = client.get(page(event)).content.decode()
    assert "meet.example/geheim" in html and "Drukkerij Peeters is registered" in html
    registration.status = RegistrationStatus.WAITING
    registration.save()
    html = client.get(page(event)).content.decode()
    assert "meet.example/geheim" not in html and "on the waiting list" in html


def test_an_unpublished_event_is_found_only_by_its_managers(client, world):
    event = EventFactory(published=False)
    assert client.get(page(event)).status_code == 404
    client.force_login(world.other_regisseur)
    assert client.get(page(event)).status_code == 404
    log_in_with_second_factor(client, world.regisseur)
    assert "not published" in client.get(page(event)).content.decode()


def test_the_calendar_file_and_the_regions_feed(client, world):
    cancelled = EventFactory(title="Afgelast", cancelled_at=timezone.now())
    EventFactory(title="Elders", region=region("vlaams-brabant"))

    response = client.get(page(world.event, "calendar.ics"))
    feed = client.get("/en/events/regions/zuidoost-limburg.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.count("BEGIN:VEVENT") == 1
    assert f"URL:http://127.0.0.1:8000{page(world.event)}" in text.replace("\r\n ", "")
    feed_text = feed.content.decode().replace("\r\n ", "")
    assert "SUMMARY:Netwerkmoment Tongeren" in feed_text and "SUMMARY:Afgelast" in feed_text
    assert "STATUS:CANCELLED" in feed_text and "Elders" not in feed_text
    assert cancelled.slug
    assert client.get("/en/events/regions/nergens.ics").status_code == 404


def test_members_of_several_organisations_pick_which_to_register(client, world):
    other = OrganisationFactory(name="Tweede Firma")
    MembershipFactory(organisation=other, user=world.employer)
    client.force_login(world.employer)
    html = client.get(page(world.event, "register/")).content.decode()
    assert "Tweede Firma" in html and "Drukkerij Peeters" in html
