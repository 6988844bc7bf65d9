"""Places (issue 20): the place field takes a name or a postcode, a query that ends in a place
searches near it, and a place without a distance searches within the default radius, nearest
first - alike on the directory, the vacancies and the service requests."""

import pytest
from django import forms
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal import places
from tests.factories import listed_organisation, listed_request, listed_vacancy

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("companies:directory")
LISTS = {
    "directory": (DIRECTORY, "organisations"),
    "vacancies": (reverse("vacancies:vacancy_list"), "opportunities"),
    "requests": (reverse("vacancies:request_list"), "opportunities"),
}


# --- Finding a place ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "label"),
    [
        ("Hasselt", "3500", "Hasselt"),
        ("hasselt", "3500", "Hasselt"),
        ("  HASSELT ", "3500", "Hasselt"),
        ("Gent", "9000", "Gent"),
        ("Gand", "9000", "Gand"),  # the French name, from the municipalities' data
        ("Tongeren-Borgloon", "3700", "Tongeren-Borgloon"),  # merged on 1 January 2025
        ("tongeren borgloon", "3700", "Tongeren-Borgloon"),
        ("Tongeren", "3700", "Tongeren"),
        ("Sint-Amandsberg", "9040", "Sint-Amandsberg"),  # a part of Gent, by its postcode
        ("sint amandsberg", "9040", "Sint-Amandsberg"),
        ("Sint-Amandsbérg", "9040", "Sint-Amandsberg"),  # accents do not matter
        ("3700", "3700", "3700 Tongeren"),
        ("3700 Tongeren", "3700", "3700 Tongeren"),  # a suggestion of the datalist
    ],
)
def test_a_place_is_found_by_name_or_postcode(reference_data, text, code, label):
    place = places.find(text)

    assert place.code == code
    assert str(place) == label
    assert 50 < place.latitude < 52


def test_a_name_of_several_places_lists_the_choices(reference_data):
    with translation.override("en"), pytest.raises(forms.ValidationError) as raised:
        places.find("Beveren")

    message = raised.value.messages[0]
    assert "8791 Beveren (Waregem)" in message
    assert "9130 Beveren (Beveren-Kruibeke-Zwijndrecht)" in message
    assert raised.value.code == "ambiguous"


def test_a_municipality_is_preferred_to_a_part_of_another_of_the_same_name(reference_data):
    # Kapellen (2950) is a municipality; 3381 Kapellen is a part of Glabbeek.
    assert places.find("Kapellen").code == "2950"
    assert places.find("3381").code == "3381"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Atlantis", "unknown"),
        ("9999", "unknown"),
        ("37", "invalid"),
        ("37000", "invalid"),
        ("<b>3700</b>", "unknown"),
        ("Hasselt\x00", "invalid"),
        ("x" * 101, "invalid"),
    ],
)
def test_what_names_no_place_is_refused_in_words(reference_data, text, code):
    with pytest.raises(forms.ValidationError) as raised:
        places.find(text)

    assert raised.value.code == code


@pytest.mark.parametrize(
    ("query", "text", "code"),
    [
        ("schoonmaak hasselt", "schoonmaak", "3500"),
        ("groenonderhoud in gent", "groenonderhoud", "9000"),
        ("fietsherstel Sint-Amandsberg", "fietsherstel", "9040"),
        ("catering tongeren borgloon", "catering", "3700"),
        ("nettoyage à Gand", "nettoyage", "9000"),
        ("schoonmaak mol", "schoonmaak", "2400"),
    ],
)
def test_a_query_that_ends_in_a_place_is_split(reference_data, query, text, code):
    rest, place = places.split_query(query)

    assert rest == text
    assert place.code == code


@pytest.mark.parametrize(
    "query",
    [
        "hasselt",  # nothing left to search for as text
        "hasselt schoonmaak",  # only the end counts
        "schoonmaak",
        "schoonmaak beveren",  # more than one Beveren: left as text
        "schoonmaak 3700",  # a number in a text is no postcode
        "fruitpluk peer",  # Peer is a town, but at the end of a query a pear
        "tuinonderhoud en meer",
        "in hasselt",
    ],
)
def test_a_query_that_does_not_end_in_one_place_is_left_as_it_is(reference_data, query):
    assert places.split_query(query) == (query, None)


# --- The list pages ----------------------------------------------------------------------------


@pytest.fixture
def world(reference_data):
    """Alike on the three lists: one near Hasselt, one near Tongeren (about 19 km away), one in
    Gent (about 100 km away), each about cleaning."""
    made = {}
    for code, name in [("3500", "Hasselt"), ("3700", "Tongeren"), ("9000", "Gent")]:
        organisation = listed_organisation(
            name=f"Schoonmaak {name}",
            code=code,
            services={"schoonmaak": "Schoonmaak van kantoren"},
        )
        made[code] = organisation
        listed_vacancy(
            title=f"Schoonmaker {name}",
            description="Schoonmaak van kantoren",
            code=code,
            organisation=organisation,
        )
        listed_request(
            title=f"Schoonmaak {name}",
            description="Schoonmaak van kantoren",
            code=code,
            organisation=organisation,
            category="schoonmaak",
        )
    return made


def places_of(response, key):
    return [row.postcode.code for row in response.context[key]]


@pytest.mark.parametrize("page", LISTS)
def test_a_place_by_name_searches_within_the_default_radius_nearest_first(client, world, page):
    url, key = LISTS[page]
    response = client.get(url, {"postcode": "Tongeren"})

    assert response.status_code == 200
    search = response.context["search"]
    assert search.ordering == "distance"
    assert search.radius_km == settings.PLACE_DEFAULT_KM == 25
    assert places_of(response, key) == ["3700", "3500"]  # Gent lies beyond 25 km
    with translation.override("en"):
        labels = [str(item["label"]) for item in search.active_filters()]
    assert labels == ["Within 25 km of Tongeren (default)"]
    assert "Binnen 25 km van Tongeren (standaard)" in response.content.decode()


@pytest.mark.parametrize("page", LISTS)
def test_a_place_without_a_distance_sorts_by_distance_even_with_a_text(client, world, page):
    url, key = LISTS[page]
    response = client.get(url, {"q": "schoonmaak", "postcode": "Hasselt"})

    assert response.context["search"].ordering == "distance"
    assert places_of(response, key) == ["3500", "3700"]


@pytest.mark.parametrize("page", LISTS)
def test_a_sort_the_visitor_chose_is_kept(client, world, page):
    url, _key = LISTS[page]
    response = client.get(url, {"q": "schoonmaak", "postcode": "Hasselt", "sort": "relevance"})

    assert response.context["search"].ordering == "relevance"


@pytest.mark.parametrize("page", LISTS)
def test_an_ambiguous_place_lists_the_choices_and_the_rest_of_the_search_runs(client, world, page):
    url, key = LISTS[page]
    response = client.get(url, {"postcode": "Beveren", "q": "schoonmaak"})

    assert response.status_code == 200
    errors = response.context["form"].errors["postcode"]
    assert "8791 Beveren (Waregem)" in errors[0]
    assert 'class="alert alert--warning' in response.content.decode()
    assert sorted(places_of(response, key)) == ["3500", "3700", "9000"]


@pytest.mark.parametrize("page", LISTS)
def test_an_unknown_place_is_explained_and_left_out(client, world, page):
    url, key = LISTS[page]
    response = client.get(url, {"postcode": "Atlantis"})

    assert response.status_code == 200
    assert "We kennen de plaats “Atlantis” niet." in response.content.decode()
    assert len(places_of(response, key)) == 3


@pytest.mark.parametrize("page", LISTS)
def test_a_query_that_ends_in_a_place_searches_near_it_and_says_so(client, world, page):
    url, key = LISTS[page]
    response = client.get(url, {"q": "schoonmaak hasselt"})

    search = response.context["search"]
    assert search.query == "schoonmaak"
    assert str(search.point) == "Hasselt"
    assert places_of(response, key) == ["3500", "3700"]
    active = {str(item["label"]): QueryDict(item["remove"]) for item in search.active_filters()}
    # Removing the place keeps the text; removing the text keeps the place.
    assert active["Binnen 25 km van Hasselt (standaard)"].dict() == {"q": "schoonmaak"}
    assert active["Zoekterm: “schoonmaak”"].dict() == {"postcode": "Hasselt"}
    removed = client.get(url, {"q": "schoonmaak"})
    assert sorted(places_of(removed, key)) == ["3500", "3700", "9000"]


def test_a_query_that_ends_in_a_place_takes_the_distance_asked(client, world):
    response = client.get(DIRECTORY, {"q": "schoonmaak in hasselt", "km": "150"})

    assert response.context["search"].radius_km == 150
    assert "km" not in response.context["form"].errors
    # A text with a distance asked sorts by relevance, as with the place field.
    assert response.context["search"].ordering == "relevance"
    assert sorted(places_of(response, "organisations")) == ["3500", "3700", "9000"]


def test_the_place_field_wins_over_a_place_at_the_end_of_the_query(client, world):
    response = client.get(DIRECTORY, {"q": "schoonmaak gent", "postcode": "3500"})

    search = response.context["search"]
    assert search.query == "schoonmaak gent"
    assert search.point.code == "3500"
    assert search.place_from_query is None


def test_a_bad_place_field_keeps_the_place_at_the_end_of_the_query_as_text(client, world):
    response = client.get(DIRECTORY, {"q": "schoonmaak gent", "postcode": "Atlantis"})

    assert response.context["search"].query == "schoonmaak gent"
    assert response.context["search"].point is None


def test_the_place_field_is_labelled_and_suggests_places_without_script(client, world):
    response = client.get(DIRECTORY)
    html = response.content.decode()

    assert "Plaats of postcode" in html
    assert 'list="places"' in html
    assert '<datalist id="places">' in html
    assert '<option value="3700 Tongeren">' in html
    assert '<option value="9040 Sint-Amandsberg">' in html
    assert '<option value="Tongeren-Borgloon">' in html  # no postcode carries its name
    assert '<option value="1000 Brussel">' not in html  # Flemish places only
    assert html.count("<option value=") < 700


def test_a_place_by_name_costs_no_more_queries_than_by_postcode(client, world):
    client.get(DIRECTORY, {"postcode": "3500"})  # the reference rows are in memory
    counts = {}
    for place in ("3500", "Hasselt"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DIRECTORY, {"postcode": place})
        assert response.status_code == 200
        counts[place] = len(queries)

    assert counts["Hasselt"] == counts["3500"]


def test_a_saved_search_keeps_the_place_by_its_name(client, world):
    from vacancies import saved_searches

    search = saved_searches.search_for("directory", "q=schoonmaak+hasselt")

    assert saved_searches.canonical_query(search) == "postcode=Hasselt&q=schoonmaak"
