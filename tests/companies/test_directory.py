"""The directory at /organisations/: search, facets, distance, sorting, CSV, pages, queries."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from companies import filters
from portal.models import Sector, ServiceCategory
from tests.factories import listed_organisation

pytestmark = pytest.mark.django_db


URL = reverse("companies:directory")


@pytest.fixture
def orgs(reference_data):
    """Six organisations: four around Tongeren (3700), one in Gent, one in Aarschot."""
    now = timezone.now()
    groenwerk = listed_organisation(
        name="Groenwerk Haspengouw",
        code="3700",
        services=["groenonderhoud", "land-tuinbouw"],
        recognitions=["maatwerkbedrijf"],
        description="Maatwerkbedrijf voor groenonderhoud van bedrijfsterreinen.",
        verified_at=now,
    )
    groenwerk.sectors.set([Sector.objects.get(code="A")])
    groene_kans = listed_organisation(
        name="De Groene Kans",
        code="3740",  # Bilzen, about 11 km from Tongeren
        services=["groenonderhoud"],
        recognitions=["werkervaring"],
    )
    gent = listed_organisation(
        name="Tuinploeg Gent",
        code="9000",
        services=["groenonderhoud", "schoonmaak"],
        recognitions=["lokale-diensteneconomie"],
        verified_at=now,
    )
    bakkerij = listed_organisation(
        name="Bakkerij Mergelland",
        kind="regular",
        code="3770",  # Riemst, about 10 km from Tongeren
        description="Ambachtelijke bakkerij.",
        verified_at=now,
    )
    bakkerij.sectors.set([Sector.objects.get(code="C")])
    school = listed_organisation(name="Basisschool De Linde", kind="school", code="3700")
    kringwinkel = listed_organisation(
        name="Kringwinkel Hageland",
        code="3200",
        services=["hergebruik-kringwinkel"],
        recognitions=["kringwinkel"],
        verified_at=now,
    )
    return SimpleNamespace(
        groenwerk=groenwerk,
        groene_kans=groene_kans,
        gent=gent,
        bakkerij=bakkerij,
        school=school,
        kringwinkel=kringwinkel,
    )


def names(response):
    return [organisation.name for organisation in response.context["organisations"]]


def facet(response, name):
    """A facet's options as {value: count}, and the chosen values."""
    (found,) = [f for f in response.context["facets"] if f["name"] == name]
    counts = {option["value"]: option["count"] for option in found["options"]}
    chosen = {option["value"] for option in found["options"] if option["selected"]}
    return counts, chosen


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# --- The page -------------------------------------------------------------------------------


def test_lists_every_organisation_by_name_with_its_card(client, orgs):
    response = client.get(URL, {"sort": "name"})

    assert response.status_code == 200
    assert names(response) == [
        "Bakkerij Mergelland",
        "Basisschool De Linde",
        "De Groene Kans",
        "Groenwerk Haspengouw",
        "Kringwinkel Hageland",
        "Tuinploeg Gent",
    ]
    html = response.content.decode()
    assert html.count('class="result org-card"') == 6
    assert reverse("companies:profile", kwargs={"slug": orgs.groenwerk.slug}) in html
    assert "Tongeren-Borgloon" in html  # the municipality
    assert "Groenonderhoud" in html  # a service, in Dutch
    assert html.count("badge--verified") == 4
    assert html.count("badge--warning") == 2  # not yet verified
    assert "org-card__distance" not in html  # no distance without a postcode
    assert response.context["page_obj"].paginator.count == 6


def test_search_narrows_to_what_matches(client, orgs):
    response = client.get(URL, {"q": "groenonderhoud"})

    assert sorted(names(response)) == ["De Groene Kans", "Groenwerk Haspengouw", "Tuinploeg Gent"]
    assert response.context["search"].ordering == filters.Sort.RELEVANCE


def test_the_search_is_escaped_wherever_it_is_shown(client, orgs):
    response = client.get(URL, {"q": "<script>alert(1)</script>"})

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Facets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "regular"}, ["Bakkerij Mergelland"]),
        ({"kind": ["regular", "school"]}, ["Bakkerij Mergelland", "Basisschool De Linde"]),
        (
            {"service": "groenonderhoud"},
            ["De Groene Kans", "Groenwerk Haspengouw", "Tuinploeg Gent"],
        ),
        (
            {"service": ["schoonmaak", "hergebruik-kringwinkel"]},
            ["Kringwinkel Hageland", "Tuinploeg Gent"],
        ),
        ({"recognition": "werkervaring"}, ["De Groene Kans"]),
        ({"sector": "C"}, ["Bakkerij Mergelland"]),
        ({"province": "vlaams-brabant"}, ["Kringwinkel Hageland"]),
        ({"province": "oost-vlaanderen"}, ["Tuinploeg Gent"]),
        (
            {"region": "zuidoost-limburg"},
            [
                "Bakkerij Mergelland",
                "Basisschool De Linde",
                "De Groene Kans",
                "Groenwerk Haspengouw",
            ],
        ),
        (
            {"verified": "1"},
            [
                "Bakkerij Mergelland",
                "Groenwerk Haspengouw",
                "Kringwinkel Hageland",
                "Tuinploeg Gent",
            ],
        ),
        (
            {"service": "groenonderhoud", "region": "zuidoost-limburg"},
            ["De Groene Kans", "Groenwerk Haspengouw"],
        ),
    ],
)
def test_each_facet_filters(client, orgs, params, expected):
    # The order is not what this checks (the default order is "recommended", test_freshness.py).
    assert names(client.get(URL, {**params, "sort": "name"})) == expected


def test_facet_counts_apply_the_other_filters_but_not_their_own(client, orgs):
    response = client.get(URL, {"service": "groenonderhoud", "kind": "social"})

    # Service: counted among social enterprises, whatever service is chosen.
    services, chosen = facet(response, "service")
    assert services == {
        "groenonderhoud": 3,
        "land-tuinbouw": 1,
        "schoonmaak": 1,
        "hergebruik-kringwinkel": 1,
    }
    assert chosen == {"groenonderhoud"}
    # Kind: counted among those offering green maintenance, whatever kind is chosen.
    assert facet(response, "kind") == ({"social": 3}, {"social"})
    assert facet(response, "recognition")[0] == {
        "maatwerkbedrijf": 1,
        "werkervaring": 1,
        "lokale-diensteneconomie": 1,
    }
    assert facet(response, "province")[0] == {"limburg": 2, "oost-vlaanderen": 1}
    assert facet(response, "region")[0] == {"zuidoost-limburg": 2}
    assert facet(response, "sector")[0] == {"A": 1}


def test_facets_without_a_filter_count_everything(client, orgs):
    response = client.get(URL)

    assert facet(response, "kind")[0] == {"social": 4, "regular": 1, "school": 1}
    assert facet(response, "province")[0] == {
        "limburg": 4,
        "oost-vlaanderen": 1,
        "vlaams-brabant": 1,
    }
    html = response.content.decode()
    assert 'name="service" value="groenonderhoud"' in html
    assert "Zuidoost-Limburg" in html


def test_a_chosen_option_without_results_stays_visible_to_be_unticked(client, orgs):
    response = client.get(URL, {"service": "catering", "kind": "regular"})

    assert names(response) == []
    assert facet(response, "service") == ({"catering": 0}, {"catering"})
    assert 'name="service" value="catering" checked' in response.content.decode()


def test_long_facets_fold_away_unless_a_folded_option_is_chosen(client, reference_data):
    categories = list(ServiceCategory.objects.values_list("slug", flat=True))
    listed_organisation(name="Alles-in-een", services=categories)

    folded = client.get(URL).content.decode()
    assert folded.count('<details class="facet__more">') == 1
    assert 'name="service" value="' + categories[-1] + '"' in folded

    last = client.get(URL, {"service": categories[-1]}).content.decode()
    assert '<details class="facet__more" open>' in last


def test_facets_are_labelled_in_the_language_of_the_page(client, orgs):
    response = client.get("/fr" + URL)

    html = response.content.decode()
    assert "Entretien des espaces verts" in html
    assert "Groenonderhoud" not in html


def test_active_filters_each_link_to_the_search_without_them(client, orgs):
    response = client.get(
        URL, {"q": "groen", "service": ["groenonderhoud", "schoonmaak"], "page": "2"}
    )

    removals = sorted(f["remove"] for f in response.context["active_filters"])
    assert removals == [
        "q=groen&service=groenonderhoud",  # without Schoonmaak
        "q=groen&service=schoonmaak",  # without Groenonderhoud
        "service=groenonderhoud&service=schoonmaak",  # without the search
    ]
    html = response.content.decode()
    assert 'href="?q=groen&amp;service=schoonmaak"' in html


# --- Distance -------------------------------------------------------------------------------


def test_a_postcode_and_km_keep_what_lies_within_and_show_the_distance(client, orgs):
    response = client.get(URL, {"postcode": "3700", "km": "25"})

    assert sorted(names(response)) == [
        "Bakkerij Mergelland",
        "Basisschool De Linde",
        "De Groene Kans",
        "Groenwerk Haspengouw",
    ]
    distances = {o.name: o.distance_km for o in response.context["organisations"]}
    assert distances["Groenwerk Haspengouw"] == pytest.approx(0, abs=0.01)
    assert 9 < distances["De Groene Kans"] < 15
    html = response.content.decode()
    assert html.count("org-card__distance") == 4
    assert "3700 Tongeren" in response.context["description"]


def test_sorting_by_distance_puts_the_nearest_first(client, orgs):
    response = client.get(URL, {"postcode": "3700", "km": "250", "sort": "distance"})

    distances = [o.distance_km for o in response.context["organisations"]]
    assert len(distances) == 6  # within 250 km nothing is left out
    assert distances == sorted(distances)
    assert names(response)[-1] == "Tuinploeg Gent"


def test_a_postcode_without_a_text_query_sorts_the_nearest_first(client, orgs):
    response = client.get(URL, {"postcode": "3700"})

    assert response.context["search"].ordering == filters.Sort.DISTANCE
    distances = [o.distance_km for o in response.context["organisations"]]
    assert distances == sorted(distances)


def test_a_text_query_sorts_by_relevance_with_a_postcode_and_a_distance(client, orgs):
    response = client.get(URL, {"q": "groenonderhoud", "postcode": "3700", "km": "30"})

    assert response.context["search"].ordering == filters.Sort.RELEVANCE


def test_a_text_query_with_a_postcode_without_a_distance_sorts_by_distance(client, orgs):
    response = client.get(URL, {"q": "groenonderhoud", "postcode": "3700"})

    assert response.context["search"].ordering == filters.Sort.DISTANCE
    distances = [o.distance_km for o in response.context["organisations"]]
    assert distances == sorted(distances)


def test_distance_is_no_sort_order_without_a_postcode(client, orgs):
    response = client.get(URL, {"sort": "distance"})

    # The default without a text query or a postcode: verified first (test_freshness.py).
    assert response.context["search"].ordering == filters.Sort.RECOMMENDED
    assert "distance" not in [o["value"] for o in response.context["search"].sort_options()]


def test_newest_first(client, orgs):
    response = client.get(URL, {"sort": "newest"})

    assert names(response)[0] == "Kringwinkel Hageland"
    assert names(response)[-1] == "Groenwerk Haspengouw"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"postcode": "9999"}, "postcode"),
        ({"postcode": "37"}, "postcode"),
        ({"postcode": "<b>3700</b>"}, "postcode"),
        ({"postcode": "3700", "km": "-5"}, "km"),
        ({"postcode": "3700", "km": "0"}, "km"),
        ({"postcode": "3700", "km": "abc"}, "km"),
        ({"postcode": "3700", "km": "1e309"}, "km"),
        ({"postcode": "3700", "km": "9" * 400}, "km"),
        ({"km": "25"}, "postcode"),
    ],
)
def test_a_bad_postcode_or_distance_is_explained_and_left_out(client, orgs, params, field):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    # The bad parameter is left out, not everything: a bad distance leaves the place, within
    # the default radius.
    expected = client.get(URL, {"postcode": "3700"}) if field == "km" else client.get(URL)
    assert names(response) == names(expected)
    assert 'class="alert alert--warning' in response.content.decode()


# --- CSV ------------------------------------------------------------------------------------


def test_csv_holds_the_same_result_set_as_the_page_on_every_page(client, orgs):
    params = {"service": "groenonderhoud", "sort": "name"}
    page = client.get(URL, {**params, "per_page": "200"})

    response = client.get(URL, {**params, "format": "csv", "per_page": "1", "page": "2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="brugwerk-')
    header, *rows = csv_rows(response)
    assert len(header) == 13
    assert [row[0] for row in rows] == names(page)
    groenwerk = next(row for row in rows if row[0] == "Groenwerk Haspengouw")
    assert groenwerk[2] == orgs.groenwerk.enterprise_number_display
    assert groenwerk[4] == "3700"
    assert groenwerk[5] == "Tongeren-Borgloon"
    assert groenwerk[6] == "Limburg"
    assert groenwerk[7] == "Groenonderhoud, Land- en tuinbouw"
    assert groenwerk[8] == "Maatwerkbedrijf"


def test_the_page_links_to_its_csv_and_prints_as_a_guide(client, orgs):
    response = client.get(URL, {"service": "groenonderhoud", "postcode": "3700", "km": "25"})

    html = response.content.decode()
    assert 'href="?service=groenonderhoud&amp;postcode=3700&amp;km=25&amp;format=csv"' in html
    assert 'href="/static/css/print.css" media="print"' in html
    # The title of the printed guide describes the search.
    assert "groenonderhoud" in response.context["description"]
    assert "25 km" in response.context["description"]
    assert "3700 Tongeren" in response.context["description"]
    assert 'class="print-only print-source"' in html


def test_csv_adds_the_distance_when_searched_from_a_postcode(client, orgs):
    response = client.get(
        URL, {"postcode": "3700", "km": "25", "sort": "distance", "format": "csv"}
    )

    header, *rows = csv_rows(response)
    assert len(header) == 14
    assert [row[0] for row in rows] == names(
        client.get(URL, {"postcode": "3700", "km": "25", "sort": "distance"})
    )
    assert rows[-1][13] in {"10,8", "10,9", "11,0", "10,7"}  # Bilzen, decimal comma in Dutch


def test_csv_is_written_in_the_language_of_the_page(client, orgs):
    _header, *rows = csv_rows(
        client.get("/fr" + URL, {"service": "land-tuinbouw", "format": "csv"})
    )

    assert rows[0][7] == "Entretien des espaces verts, Agriculture et horticulture"
    assert rows[0][5] == "Tongres-Looz"


def test_csv_defuses_spreadsheet_formulas_in_names(client, reference_data):
    listed_organisation(name='=HYPERLINK("http://evil.example")')

    _header, row = csv_rows(client.get(URL, {"format": "csv"}))

    assert row[0].startswith("'=")


def test_csv_of_an_empty_search_is_just_the_header(client, orgs):
    header, *rows = csv_rows(client.get(URL, {"q": "zwembad", "format": "csv"}))

    assert header and rows == []


# --- Empty state ----------------------------------------------------------------------------


def test_an_empty_result_suggests_how_to_widen_the_search(client, orgs):
    response = client.get(
        URL, {"q": "groenonderhoud", "postcode": "3700", "km": "5", "kind": "school"}
    )

    assert names(response) == []
    html = response.content.decode()
    assert 'class="empty-state"' in html
    assert "?q=groenonderhoud&amp;postcode=3700&amp;km=10&amp;kind=school" in html  # twice as far
    assert "?q=groenonderhoud&amp;postcode=3700&amp;km=5" in html  # without the kind
    assert f'href="{URL}"' in html  # start again


def test_an_empty_directory_says_so(client, reference_data):
    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == []
    assert 'class="empty-state"' in response.content.decode()


# --- Bad parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99999",
        "page=-1",
        "page=0",
        "page=" + "9" * 5000,
        "per_page=abc",
        "per_page=100000",
        "per_page=-3",
        "service=nope",
        "service=%00",
        "service=groenonderhoud&service=<b>x</b>",
        "sector=<script>",
        "sector=" + "x" * 300,
        "recognition=..%2F..%2Fetc",
        "province=atlantis",
        "region=%E2%80%AE",
        "kind=alien",
        "sort=bogus",
        "sort=distance",
        "sort=relevance",
        "verified=maybe",
        "verified=0",
        "q=%00",
        "q=" + "x" * 1000,
        "q=%27%22%3B--",
        "q=a%20%26%20b%20%7C%20!c%20%3C-%3E%20d",
        "postcode=%00",
        "postcode=3700&km=25.5",
        "postcode=3700&km=%00",
        "format=pdf",
        "format=csv&page=abc&km=-1",
        "q[]=x&service[]=y",
    ],
)
def test_a_bad_parameter_gives_a_clean_page(client, orgs, query):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 200
    if response.get("Content-Type", "").startswith("text/html"):
        assert 'class="result-count"' in response.content.decode()


def test_an_unknown_option_is_named_in_the_error(client, orgs):
    response = client.get(URL, {"service": "nope"})

    assert "service" in response.context["form"].errors
    assert "nope" in response.content.decode()
    assert len(names(response)) == 6


# --- Pages ----------------------------------------------------------------------------------


@pytest.fixture
def many(reference_data):
    return [listed_organisation(name=f"Atelier {n:02d}", services=["catering"]) for n in range(25)]


def test_twenty_per_page_with_links_that_keep_the_search(client, many):
    response = client.get(URL, {"service": "catering"})

    assert len(names(response)) == 20
    assert names(response)[0] == "Atelier 00"
    html = response.content.decode()
    assert 'href="?service=catering&amp;page=2"' in html
    assert 'aria-current="page"' in html
    second = client.get(URL, {"service": "catering", "page": "2"})
    assert names(second) == [f"Atelier {n:02d}" for n in range(20, 25)]


def test_a_page_beyond_the_last_shows_the_last(client, many):
    assert names(client.get(URL, {"page": "99999"})) == [f"Atelier {n:02d}" for n in range(20, 25)]
    assert names(client.get(URL, {"page": "abc"}))[0] == "Atelier 00"


def test_per_page_up_to_two_hundred(client, many):
    assert len(names(client.get(URL, {"per_page": "200"}))) == 25
    assert len(names(client.get(URL, {"per_page": "5"}))) == 5
    assert client.get(URL, {"per_page": "100000"}).context["page_obj"].paginator.per_page == 200


def test_page_size_reads_what_it_can():
    assert filters.page_size(None) == 20
    assert filters.page_size("50") == 50
    assert filters.page_size("500") == 200
    assert filters.page_size("0") == 20
    assert filters.page_size("x") == 20
