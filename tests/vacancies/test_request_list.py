"""The service request list at /requests/: search, facets, status, distance, CSV, pages, queries."""

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import (
    OrganisationFactory,
    ServiceRequestFactory,
    in_days,
    listed_request,
    postcode,
    reference_rows_in_memory,
)
from vacancies import filters

pytestmark = pytest.mark.django_db

URL = reverse("vacancies:request_list")
# Tests of wording read the English page: the Dutch one changes with every translation.
EN = "/en" + URL


@pytest.fixture
def orders(reference_data):
    """Four open requests (two around Tongeren), one expired, a draft and a closed one."""
    groen = listed_request(
        title="Maaien en snoeien rond de loodsen",
        description="Gazon maaien en hagen snoeien, het hele seizoen.",
        code="3700",
        category="groenonderhoud",
        budget_band="1k-5k",
        volume="2.000 m² gazon om de twee weken",
        days_ago=1,
        closing_date=in_days(20),
    )
    catering = listed_request(
        title="Catering personeelsfeest",
        description="Broodjes en soep voor 120 mensen.",
        code="3740",  # Bilzen
        category="catering",
        budget_band="lt1k",
        period_start=date(2030, 6, 1),
        period_end=date(2030, 6, 1),
        days_ago=8,
        closing_date=in_days(4),
    )
    verpakking = listed_request(
        title="Geschenkdozen vullen",
        description="Eindejaarsgeschenken inpakken.",
        code="9000",
        category="verpakking-assemblage",
        budget_band="5k-25k",
        volume="5.000 dozen",
        days_ago=3,
        closing_date=in_days(30),
    )
    schoonmaak = listed_request(
        title="Kantoren poetsen",
        code="3200",
        category="schoonmaak",
        days_ago=45,
        closing_date=in_days(50),
    )
    expired = listed_request(
        title="Winterdienst parking",
        code="3700",
        category="groenonderhoud",
        status="expired",
        days_ago=60,
        closing_date=in_days(-10),
    )
    ServiceRequestFactory(title="Kladversie", postcode=postcode("3700"))  # a draft
    listed_request(title="Ingetrokken", status="closed", closed_reason="withdrawn")
    return SimpleNamespace(
        groen=groen,
        catering=catering,
        verpakking=verpakking,
        schoonmaak=schoonmaak,
        expired=expired,
    )


OPEN_NEWEST_FIRST = [
    "Maaien en snoeien rond de loodsen",
    "Geschenkdozen vullen",
    "Catering personeelsfeest",
    "Kantoren poetsen",
]


def titles(response):
    return [request.title for request in response.context["opportunities"]]


def facet(response, name):
    (found,) = [f for f in response.context["facets"] if f["name"] == name]
    counts = {option["value"]: option["count"] for option in found["options"]}
    chosen = {option["value"] for option in found["options"] if option["selected"]}
    return counts, chosen


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# --- The page -------------------------------------------------------------------------------


def test_lists_the_open_requests_newest_first_with_their_cards(client, orders):
    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == OPEN_NEWEST_FIRST
    html = response.content.decode()
    assert html.count('class="result opportunity-card"') == 4
    detail = reverse("vacancies:request_detail", kwargs={"code": orders.catering.code})
    assert f'href="{detail}"' in html
    assert "Catering en maaltijden" in html  # the service, in Dutch
    assert "2.000 m² gazon om de twee weken" in html  # the volume
    assert "1 juni 2030" in html  # the period, as text (portal/formats)
    assert f'datetime="{orders.catering.closing_date:%Y-%m-%d}"' in html
    for title in ["Kladversie", "Ingetrokken", "Winterdienst parking"]:
        assert title not in html


def test_expired_requests_are_listed_on_request_and_marked(client, orders):
    response = client.get(EN, {"include_expired": "on", "sort": "closing"})

    assert titles(response) == [
        "Catering personeelsfeest",
        "Maaien en snoeien rond de loodsen",
        "Geschenkdozen vullen",
        "Kantoren poetsen",
        "Winterdienst parking",
    ]
    html = response.content.decode()
    assert html.count("opportunity-card--expired") == 1
    assert "Expired: the closing date was" in html


def test_search_finds_the_service_in_every_language_and_the_volume(client, orders):
    assert titles(client.get(URL, {"q": "groenonderhoud"})) == ["Maaien en snoeien rond de loodsen"]
    assert titles(client.get(URL, {"q": "nettoyage"})) == ["Kantoren poetsen"]
    assert titles(client.get(URL, {"q": "packaging"})) == ["Geschenkdozen vullen"]
    assert titles(client.get(URL, {"q": "dozen"})) == ["Geschenkdozen vullen"]
    response = client.get(URL, {"q": "catering"})
    assert response.context["search"].ordering == filters.Sort.RELEVANCE


# --- Facets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service": "groenonderhoud"}, ["Maaien en snoeien rond de loodsen"]),
        (
            {"service": ["catering", "schoonmaak"]},
            ["Catering personeelsfeest", "Kantoren poetsen"],
        ),
        ({"budget": "lt1k"}, ["Catering personeelsfeest"]),
        (
            {"budget": ["1k-5k", "5k-25k"]},
            ["Maaien en snoeien rond de loodsen", "Geschenkdozen vullen"],
        ),
        ({"province": "vlaams-brabant"}, ["Kantoren poetsen"]),
        (
            {"region": "zuidoost-limburg"},
            ["Maaien en snoeien rond de loodsen", "Catering personeelsfeest"],
        ),
        ({"since": "7"}, ["Maaien en snoeien rond de loodsen", "Geschenkdozen vullen"]),
        ({"since": "30", "budget": "lt1k"}, ["Catering personeelsfeest"]),
    ],
)
def test_each_filter_narrows(client, orders, params, expected):
    assert titles(client.get(URL, params)) == expected


def test_facet_counts_apply_the_other_filters_but_not_their_own(client, orders):
    response = client.get(URL, {"region": "zuidoost-limburg", "budget": "lt1k"})

    assert titles(response) == ["Catering personeelsfeest"]
    assert facet(response, "budget") == ({"1k-5k": 1, "lt1k": 1}, {"lt1k"})
    assert facet(response, "region") == ({"zuidoost-limburg": 1}, {"zuidoost-limburg"})
    assert facet(response, "service")[0] == {"catering": 1}


def test_a_request_without_a_budget_counts_in_no_budget_option(client, orders):
    response = client.get(URL)

    # Three of the four requests name a budget band; options follow the order of the bands.
    assert [(o["value"], o["count"]) for o in response.context["facets"][1]["options"]] == [
        ("lt1k", 1),
        ("1k-5k", 1),
        ("5k-25k", 1),
    ]
    assert facet(response, "service")[0] == {
        "groenonderhoud": 1,
        "schoonmaak": 1,
        "verpakking-assemblage": 1,
        "catering": 1,
    }
    html = response.content.decode()
    assert 'name="service" value="catering"' in html
    assert 'name="budget" value="lt1k"' in html
    assert 'name="doorstroom"' not in html  # a vacancies facet only


def test_active_filters_each_link_to_the_search_without_them(client, orders):
    response = client.get(EN, {"service": "catering", "budget": "lt1k", "since": "30"})

    removals = sorted(f["remove"] for f in response.context["active_filters"])
    assert removals == [
        "budget=lt1k&since=30",
        "service=catering&budget=lt1k",
        "service=catering&since=30",
    ]
    labels = [f["label"] for f in response.context["active_filters"]]
    assert "Budget: Under €1,000" in labels
    assert "Posted: Last 30 days" in labels


# --- Distance -------------------------------------------------------------------------------


def test_a_postcode_and_km_keep_what_lies_within_nearest_first(client, orders):
    response = client.get(URL, {"postcode": "3700", "km": "25"})

    assert titles(response) == ["Maaien en snoeien rond de loodsen", "Catering personeelsfeest"]
    assert response.context["search"].ordering == filters.Sort.DISTANCE
    assert response.content.decode().count("opportunity-card__distance") == 2


def test_a_postcode_without_km_sorts_by_distance_within_the_default_radius(client, orders):
    response = client.get(URL, {"postcode": "3700"})

    distances = [r.distance_km for r in response.context["opportunities"]]
    assert response.context["search"].radius_km == settings.PLACE_DEFAULT_KM
    assert distances == sorted(distances)
    assert len(distances) == 2
    assert all(distance <= settings.PLACE_DEFAULT_KM for distance in distances)
    assert "Geschenkdozen vullen" not in titles(response)  # Gent: beyond 25 km
    assert "Binnen 25 km van 3700 Tongeren (standaard)" in response.content.decode()


def test_a_wide_distance_sorts_everything_by_distance(client, orders):
    response = client.get(URL, {"postcode": "3700", "km": "250"})

    distances = [r.distance_km for r in response.context["opportunities"]]
    assert len(distances) == 4
    assert distances == sorted(distances)
    assert titles(response)[-1] == "Geschenkdozen vullen"  # Gent


# --- CSV ------------------------------------------------------------------------------------


def test_csv_holds_the_same_result_set_as_the_page(client, orders):
    params = {"q": "", "sort": "closing"}
    page = client.get(URL, params)

    response = client.get(EN, {**params, "format": "csv", "per_page": "1"})

    assert response["Content-Disposition"].startswith('attachment; filename="brugwerk-requests-')
    header, *rows = csv_rows(response)
    assert header[:7] == [
        "Title",
        "Organisation",
        "Service",
        "Volume",
        "From",
        "Until",
        "Budget",
    ]
    assert len(header) == 14
    assert [row[0] for row in rows] == titles(page)
    catering = next(row for row in rows if row[0] == "Catering personeelsfeest")
    assert catering[2] == "Catering and meals"
    assert catering[4] == catering[5] != ""
    assert catering[6] == "Under €1,000"
    assert catering[8] == "Bilzen-Hoeselt"
    assert catering[12] == "Open"
    assert catering[13] == f"http://testserver/en/requests/{orders.catering.code}/"


def test_csv_adds_the_distance_when_searched_from_a_postcode(client, orders):
    header, *rows = csv_rows(client.get(URL, {"postcode": "3700", "km": "25", "format": "csv"}))

    assert len(header) == 15
    assert [row[0] for row in rows] == [
        "Maaien en snoeien rond de loodsen",
        "Catering personeelsfeest",
    ]
    assert rows[0][14] == "0,0"  # a decimal comma in Dutch


# --- Empty state ----------------------------------------------------------------------------


def test_an_empty_result_suggests_how_to_widen_the_search(client, orders):
    response = client.get(URL, {"service": "schoonmaak", "postcode": "3700", "km": "20"})

    assert titles(response) == []
    html = response.content.decode()
    assert 'class="empty-state"' in html
    assert "?service=schoonmaak&amp;postcode=3700&amp;km=40" in html  # twice as far
    assert "?postcode=3700&amp;km=20" in html  # without the service
    assert "?service=schoonmaak" in html  # without the distance
    assert "include_expired=1" in html
    assert f'href="{URL}"' in html


def test_no_open_request_at_all_says_so_and_invites_a_post(client, reference_data):
    html = client.get(EN).content.decode()

    assert "There are no open service requests at the moment." in html
    assert 'href="/en/requests/new/"' in html


# --- Bad parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99999",
        "page=-1",
        "page=" + "9" * 5000,
        "per_page=abc",
        "per_page=100000",
        "per_page=-3",
        "service=nope",
        "service=%00",
        "service=catering&service=<b>x</b>",
        "service=" + "x" * 300,
        "budget=free",
        "budget=%00",
        "province=atlantis",
        "region=..%2F..%2Fetc",
        "since=999",
        "since=abc",
        "since=7&since=30",
        "include_expired=%00",
        "sort=bogus",
        "sort=distance",
        "sort=relevance",
        "q=%00",
        "q=" + "x" * 1000,
        "q=%27%22%3B--",
        "postcode=%00",
        "postcode=<b>3700</b>",
        "postcode=3700&km=0",
        "postcode=3700&km=" + "9" * 400,
        "format=xlsx",
        "format=csv&page=abc&km=-1&budget=free",
        "q[]=x&service[]=y",
    ],
)
def test_a_bad_parameter_gives_a_clean_page(client, orders, query):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 200
    if response.get("Content-Type", "").startswith("text/html"):
        assert 'class="result-count"' in response.content.decode()
    else:
        b"".join(response.streaming_content)


# --- Pages and query budget -----------------------------------------------------------------


@pytest.fixture
def two_hundred_and_ten(reference_data):
    """210 open requests for three services around Tongeren, from three requesters."""
    codes = ["3700", "3740", "3770", "3790", "3500"]
    services = ["groenonderhoud", "schoonmaak", "catering"]
    budgets = ["", "lt1k", "1k-5k", "5k-25k", "gt25k"]
    requesters = [OrganisationFactory(postcode=postcode("3700")) for _ in range(3)]
    return [
        listed_request(
            title=f"Opdracht {n:03d}",
            code=codes[n % len(codes)],
            organisation=requesters[n % 3],
            category=services[n % 3],
            budget_band=budgets[n % len(budgets)],
            days_ago=n % 40,
        )
        for n in range(210)
    ]


def test_twenty_per_page_and_up_to_two_hundred(client, two_hundred_and_ten):
    assert len(titles(client.get(URL))) == 20
    assert len(titles(client.get(URL, {"per_page": "200"}))) == 200
    assert len(titles(client.get(URL, {"per_page": "200", "page": "2"}))) == 10


# The results counted with the four facets and the page's place in them (one query), the
# page's rows.
QUERIES = 2


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, QUERIES),
        ({"q": "opdracht", "since": "30", "include_expired": "1"}, QUERIES),
        # The postcode, the services and the province are reference rows, found in memory.
        ({"postcode": "3700", "km": "50"}, QUERIES),
        # + one validation query for each other facet over related rows given (the region)
        (
            {
                "q": "opdracht",
                "postcode": "3700",
                "service": ["groenonderhoud", "schoonmaak"],
                "budget": ["lt1k", "1k-5k", "5k-25k"],
                "province": "limburg",
                "region": "zuidoost-limburg",
                "sort": "closing",
            },
            QUERIES + 1,
        ),
    ],
)
def test_the_list_runs_the_same_queries_at_20_and_at_200_per_page(
    client, two_hundred_and_ten, django_assert_num_queries, params, queries
):
    # The near words of a text query are looked up by the first search, then kept in the cache.
    client.get(URL, params)
    for per_page in ["20", "200"]:
        with django_assert_num_queries(queries):
            response = client.get(URL, {**params, "per_page": per_page})
        assert len(titles(response)) == min(
            int(per_page), response.context["page_obj"].paginator.count
        )
    assert response.context["page_obj"].paginator.count > 20


def test_the_csv_runs_one_query_and_the_small_file_count(
    client, two_hundred_and_ten, django_assert_num_queries
):
    # Whether the file is small (a count of at most 1,001 rows), then the rows.
    reference_rows_in_memory()
    with django_assert_num_queries(2):
        rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == 211
