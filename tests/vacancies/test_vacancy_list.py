"""The vacancy list at /vacancies/: search, facets, status, distance, sorting, CSV, queries."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.factories import (
    OrganisationFactory,
    VacancyFactory,
    in_days,
    listed_vacancy,
    postcode,
    reference_rows_in_memory,
)
from vacancies import filters
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

URL = reverse("vacancies:vacancy_list")
# Tests of wording read the English page: the Dutch one changes with every translation.
EN = "/en" + URL


@pytest.fixture
def jobs(reference_data):
    """Five open vacancies (three around Tongeren), one expired, one past its closing date not
    yet marked, a draft and a closed one."""
    magazijn = listed_vacancy(
        title="Magazijnmedewerker",
        description="Orderpicking in ons distributiecentrum.",
        code="3700",
        sector="H",
        hours_per_week=38,
        supports=["mentor", "geen-diploma"],
        days_ago=2,
        closing_date=in_days(30),
    )
    keuken = listed_vacancy(
        title="Keukenhulp",
        description="Groenten snijden en afwassen in een bedrijfsrestaurant.",
        code="3740",  # Bilzen, about 11 km from Tongeren
        sector="I",
        contract_type="fixed_term",
        hours_per_week=24,
        supports=["opleiding-op-de-werkvloer"],
        days_ago=10,
        closing_date=in_days(5),
    )
    schoonmaak = listed_vacancy(
        title="Schoonmaker kantoren",
        description="Kantoren poetsen, 's avonds.",
        code="9000",
        sector="O",
        contract_type="interim",
        hours_per_week=18,
        days_ago=0,
        closing_date=in_days(14),
    )
    heftruck = listed_vacancy(
        title="Heftruckchauffeur",
        description="Laden en lossen met de heftruck.",
        code="3200",
        sector="H",
        hours_per_week=36,
        days_ago=40,
        closing_date=in_days(60),
    )
    bakker = listed_vacancy(
        title="Hulpbakker",
        description="Deeg kneden en ovens bedienen.",
        code="3770",  # Riemst, about 10 km from Tongeren
        sector="C",
        hours_per_week=30,
        supports=["aangepaste-werkplek"],
        days_ago=5,
        closing_date=in_days(20),
    )
    expired = listed_vacancy(
        title="Onthaalmedewerker",
        code="3700",
        sector="O",
        status="expired",
        days_ago=30,
        closing_date=in_days(-3),
    )
    past_closing = listed_vacancy(
        title="Afwasser", code="3700", sector="I", days_ago=20, closing_date=in_days(-1)
    )
    VacancyFactory(title="Kladversie", postcode=postcode("3700"))  # a draft
    listed_vacancy(title="Ingevulde job", status="closed", closed_reason="filled")
    return SimpleNamespace(
        magazijn=magazijn,
        keuken=keuken,
        schoonmaak=schoonmaak,
        heftruck=heftruck,
        bakker=bakker,
        expired=expired,
        past_closing=past_closing,
    )


OPEN_NEWEST_FIRST = [
    "Schoonmaker kantoren",
    "Magazijnmedewerker",
    "Hulpbakker",
    "Keukenhulp",
    "Heftruckchauffeur",
]


def titles(response):
    return [vacancy.title for vacancy in response.context["opportunities"]]


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


def test_lists_the_open_vacancies_newest_first_with_their_cards(client, jobs):
    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == OPEN_NEWEST_FIRST
    assert response.context["search"].ordering == filters.Sort.NEWEST
    html = response.content.decode()
    assert html.count('class="result opportunity-card"') == 5
    detail = reverse("vacancies:vacancy_detail", kwargs={"code": jobs.magazijn.code})
    assert f'href="{detail}"' in html
    assert "Tongeren-Borgloon" in html  # the municipality
    assert jobs.magazijn.organisation.name in html
    assert "Vervoer en opslag" in html  # the sector, in Dutch
    assert "Geen diploma vereist" in html  # what makes it open
    assert html.count('class="badge badge--success"') == 3  # open to doorstroom
    assert f'datetime="{jobs.keuken.closing_date:%Y-%m-%d}"' in html  # the closing date
    assert "opportunity-card__distance" not in html
    assert "badge--warning" not in html  # nothing expired is listed


def test_drafts_closed_and_expired_vacancies_are_not_listed(client, jobs):
    listed = titles(client.get(URL, {"per_page": "200"}))

    for title in ["Kladversie", "Ingevulde job", "Onthaalmedewerker", "Afwasser"]:
        assert title not in listed


def test_expired_vacancies_are_listed_on_request_and_marked(client, jobs):
    response = client.get(EN, {"include_expired": "1"})

    assert titles(response) == [
        *OPEN_NEWEST_FIRST[:4],
        "Afwasser",  # posted 20 days ago
        "Onthaalmedewerker",  # 30 days ago
        "Heftruckchauffeur",  # 40 days ago
    ]
    html = response.content.decode()
    # The one marked expired by the nightly task and the one whose closing date just passed.
    assert html.count("opportunity-card--expired") == 2
    assert html.count('class="badge badge--warning"') == 2
    assert "the closing date was" in html
    labels = [f["label"] for f in response.context["active_filters"]]
    assert "Expired ones included" in labels


def test_the_page_is_public_and_the_same_for_a_member(client, jobs, user):
    client.force_login(user)

    assert titles(client.get(URL)) == OPEN_NEWEST_FIRST


def test_a_title_with_html_is_escaped(client, jobs):
    listed_vacancy(title="<script>alert(1)</script> Chauffeur")

    html = client.get(URL).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Chauffeur" in html


# --- Text search ----------------------------------------------------------------------------


def test_search_narrows_to_what_matches_by_relevance(client, jobs):
    response = client.get(URL, {"q": "heftruck"})

    assert titles(response) == ["Heftruckchauffeur"]
    assert response.context["search"].ordering == filters.Sort.RELEVANCE


def test_search_finds_the_sector_and_what_makes_a_vacancy_open(client, jobs):
    assert titles(client.get(URL, {"q": "mentor"})) == ["Magazijnmedewerker"]
    assert titles(client.get(URL, {"q": "manufacturing"})) == ["Hulpbakker"]
    assert titles(client.get(URL, {"q": "bilzen"})) == ["Keukenhulp"]


def test_the_search_is_escaped_wherever_it_is_shown(client, jobs):
    response = client.get(URL, {"q": "<script>alert(1)</script>"})

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Facets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "H"}, ["Magazijnmedewerker", "Heftruckchauffeur"]),
        ({"sector": ["I", "O"]}, ["Schoonmaker kantoren", "Keukenhulp"]),
        ({"contract_type": "interim"}, ["Schoonmaker kantoren"]),
        ({"contract_type": ["interim", "fixed_term"]}, ["Schoonmaker kantoren", "Keukenhulp"]),
        ({"hours": "36+"}, ["Magazijnmedewerker", "Heftruckchauffeur"]),
        ({"hours": "lt20"}, ["Schoonmaker kantoren"]),
        ({"hours": ["20-29", "30-35"]}, ["Hulpbakker", "Keukenhulp"]),
        ({"province": "oost-vlaanderen"}, ["Schoonmaker kantoren"]),
        ({"region": "zuidoost-limburg"}, ["Magazijnmedewerker", "Hulpbakker", "Keukenhulp"]),
        ({"doorstroom": "1"}, ["Magazijnmedewerker", "Hulpbakker", "Keukenhulp"]),
        ({"doorstroom": "on", "sector": "H"}, ["Magazijnmedewerker"]),
        ({"since": "1"}, ["Schoonmaker kantoren"]),
        ({"since": "7"}, ["Schoonmaker kantoren", "Magazijnmedewerker", "Hulpbakker"]),
        ({"since": "30"}, OPEN_NEWEST_FIRST[:4]),
    ],
)
def test_each_filter_narrows(client, jobs, params, expected):
    assert titles(client.get(URL, params)) == expected


def test_facet_counts_apply_the_other_filters_but_not_their_own(client, jobs):
    response = client.get(URL, {"sector": "H", "doorstroom": "1"})

    assert titles(response) == ["Magazijnmedewerker"]
    # Sector: counted among vacancies open to doorstroom, whatever sector is chosen.
    assert facet(response, "sector") == ({"H": 1, "I": 1, "C": 1}, {"H"})
    # Doorstroom: counted in the sector chosen, whether open to doorstroom or not.
    assert facet(response, "doorstroom") == ({"1": 1}, {"1"})
    assert facet(response, "contract_type")[0] == {"permanent": 1}
    assert facet(response, "hours")[0] == {"36+": 1}
    assert facet(response, "province")[0] == {"limburg": 1}
    assert facet(response, "region")[0] == {"zuidoost-limburg": 1}


def test_facets_without_a_filter_count_every_open_vacancy(client, jobs):
    response = client.get(URL)

    assert facet(response, "doorstroom")[0] == {"1": 3}
    assert facet(response, "sector")[0] == {"H": 2, "I": 1, "O": 1, "C": 1}
    assert facet(response, "contract_type")[0] == {"permanent": 3, "fixed_term": 1, "interim": 1}
    assert facet(response, "hours")[0] == {"lt20": 1, "20-29": 1, "30-35": 1, "36+": 2}
    # Options in the order of their choices, not by count.
    assert [o["value"] for o in response.context["facets"][3]["options"]] == [
        "lt20",
        "20-29",
        "30-35",
        "36+",
    ]
    assert facet(response, "province")[0] == {
        "limburg": 3,
        "oost-vlaanderen": 1,
        "vlaams-brabant": 1,
    }
    html = response.content.decode()
    assert 'name="doorstroom" value="1"' in html
    assert 'name="hours" value="36+"' in html
    assert 'name="since" value="7"' in html
    assert 'name="include_expired" value="1"' in html


def test_expired_vacancies_count_in_the_facets_only_when_listed(client, jobs):
    assert facet(client.get(URL, {"include_expired": "1"}), "sector")[0] == {
        "H": 2,
        "I": 2,
        "O": 2,
        "C": 1,
    }


def test_the_doorstroom_checkbox_disappears_when_it_would_leave_nothing(client, jobs):
    response = client.get(URL, {"sector": "O"})

    assert facet(response, "doorstroom") == ({}, set())
    assert 'name="doorstroom"' not in response.content.decode()


def test_a_chosen_option_without_results_stays_visible_to_be_unticked(client, jobs):
    response = client.get(URL, {"sector": "A", "hours": "lt20"})

    assert titles(response) == []
    assert facet(response, "sector") == ({"A": 0, "O": 1}, {"A"})
    assert 'name="sector" value="A" checked' in response.content.decode()


def test_facets_and_cards_are_in_the_language_of_the_page(client, jobs):
    html = client.get("/fr" + URL).content.decode()

    assert "Transports et entreposage" in html
    assert "Vervoer en opslag" not in html
    assert "Aucun diplôme requis" in html


def test_active_filters_each_link_to_the_search_without_them(client, jobs):
    response = client.get(
        EN,
        {
            "q": "magazijn",
            "sector": "H",
            "doorstroom": "on",
            "since": "7",
            "include_expired": "1",
            "page": "2",
        },
    )

    removals = sorted(f["remove"] for f in response.context["active_filters"])
    assert removals == sorted(
        [
            "sector=H&doorstroom=on&since=7&include_expired=1",  # without the search
            "q=magazijn&doorstroom=on&since=7&include_expired=1",  # without the sector
            "q=magazijn&sector=H&since=7&include_expired=1",  # without doorstroom
            "q=magazijn&sector=H&doorstroom=on&include_expired=1",  # without since
            "q=magazijn&sector=H&doorstroom=on&since=7",  # without expired ones
        ]
    )
    labels = [f["label"] for f in response.context["active_filters"]]
    assert "Open to people from the social economy" in labels
    assert "Posted: Last 7 days" in labels


# --- Distance and sorting -------------------------------------------------------------------


def test_a_postcode_and_km_keep_what_lies_within_nearest_first(client, jobs):
    response = client.get(URL, {"postcode": "3700", "km": "25"})

    assert titles(response) == ["Magazijnmedewerker", "Hulpbakker", "Keukenhulp"]
    assert response.context["search"].ordering == filters.Sort.DISTANCE
    distances = [vacancy.distance_km for vacancy in response.context["opportunities"]]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances == sorted(distances)
    html = response.content.decode()
    assert html.count("opportunity-card__distance") == 3
    assert "3700 Tongeren" in response.context["description"]


def test_a_text_query_sorts_by_relevance_with_a_place_and_a_distance(client, jobs):
    response = client.get(URL, {"q": "magazijn", "postcode": "3700", "km": "30"})

    assert response.context["search"].ordering == filters.Sort.RELEVANCE


def test_a_text_query_with_a_place_without_a_distance_sorts_by_distance(client, jobs):
    response = client.get(URL, {"q": "magazijn", "postcode": "3700"})

    assert response.context["search"].ordering == filters.Sort.DISTANCE


def test_closing_soon_puts_the_nearest_closing_date_first_and_the_expired_last(client, jobs):
    response = client.get(URL, {"sort": "closing", "include_expired": "1"})

    assert titles(response) == [
        "Keukenhulp",
        "Schoonmaker kantoren",
        "Hulpbakker",
        "Magazijnmedewerker",
        "Heftruckchauffeur",
        "Onthaalmedewerker",
        "Afwasser",
    ]


def test_distance_is_no_sort_order_without_a_postcode(client, jobs):
    response = client.get(URL, {"sort": "distance"})

    assert response.context["search"].ordering == filters.Sort.NEWEST
    options = [o["value"] for o in response.context["search"].sort_options()]
    assert options == ["newest", "closing"]


def test_sort_options_with_a_query_and_a_postcode(client, jobs):
    response = client.get(URL, {"q": "medewerker", "postcode": "3700", "sort": "distance"})

    assert response.context["search"].ordering == filters.Sort.DISTANCE
    options = [o["value"] for o in response.context["search"].sort_options()]
    assert options == ["relevance", "newest", "closing", "distance"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"postcode": "9999"}, "postcode"),
        ({"postcode": "3700", "km": "-5"}, "km"),
        ({"postcode": "3700", "km": "9" * 400}, "km"),
        ({"km": "25"}, "postcode"),
        ({"since": "999"}, "since"),
        ({"hours": "40"}, "hours"),
        ({"contract_type": "slave"}, "contract_type"),
        ({"sector": "ZZ"}, "sector"),
    ],
)
def test_a_bad_value_is_explained_and_left_out(client, jobs, params, field):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    # That parameter is left out, not everything; a bad distance leaves the place, within the
    # default radius.
    expected = client.get(URL, {"postcode": "3700"}) if field == "km" else client.get(URL)
    assert titles(response) == titles(expected)
    assert 'class="alert alert--warning' in response.content.decode()


# --- CSV ------------------------------------------------------------------------------------


def test_csv_holds_the_same_result_set_as_the_page_on_every_page(client, jobs):
    params = {"region": "zuidoost-limburg", "sort": "closing"}
    page = client.get(URL, {**params, "per_page": "200"})

    response = client.get(URL, {**params, "format": "csv", "per_page": "1", "page": "2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="brugwerk-vacatures-')
    header, *rows = csv_rows(response)
    assert len(header) == 14
    assert [row[0] for row in rows] == titles(page)
    magazijn = next(row for row in rows if row[0] == "Magazijnmedewerker")
    assert magazijn[1] == jobs.magazijn.organisation.name
    assert magazijn[2] == "Vervoer en opslag"
    assert magazijn[4] == "38"
    assert magazijn[6] == "Mentor of peter/meter, Geen diploma vereist"
    assert magazijn[7] == "3700"
    assert magazijn[8] == "Tongeren-Borgloon"
    assert magazijn[9] == "Limburg"
    assert magazijn[13] == "http://testserver" + reverse(
        "vacancies:vacancy_detail", kwargs={"code": jobs.magazijn.code}
    )


def test_csv_marks_expired_vacancies_and_adds_the_distance_from_a_postcode(client, jobs):
    params = {"postcode": "3700", "km": "5", "include_expired": "1"}

    header, *rows = csv_rows(client.get(EN, {**params, "format": "csv"}))

    assert len(header) == 15
    assert {row[0]: row[12] for row in rows} == {
        "Magazijnmedewerker": "Open",
        "Onthaalmedewerker": "Expired",
        "Afwasser": "Expired",
    }
    assert {row[14] for row in rows} == {"0.0"}


def test_csv_is_written_in_the_language_of_the_page(client, jobs):
    _header, row = csv_rows(client.get("/fr" + URL, {"q": "hulpbakker", "format": "csv"}))

    assert row[2] == "Industrie manufacturière"
    assert row[8] == "Riemst"
    assert row[13].startswith("http://testserver/fr/vacancies/")


def test_csv_defuses_spreadsheet_formulas(client, reference_data):
    listed_vacancy(title="=HYPERLINK(1)", organisation=OrganisationFactory(name="@SUM(A1)"))

    _header, row = csv_rows(client.get(URL, {"format": "csv"}))

    assert row[0].startswith("'=")
    assert row[1].startswith("'@")


def test_the_page_links_to_its_csv_and_prints_as_a_list(client, jobs):
    response = client.get(EN, {"sector": "H", "postcode": "3700", "km": "50"})

    html = response.content.decode()
    assert 'href="?sector=H&amp;postcode=3700&amp;km=50&amp;format=csv"' in html
    assert 'href="/static/css/print.css" media="print"' in html
    assert 'class="print-only print-source"' in html
    description = response.context["description"]
    assert description.startswith("Vacancies in the sector Transportation and storage")
    assert "within 50 km of 3700 Tongeren" in description


# --- Empty state ----------------------------------------------------------------------------


def test_an_empty_result_suggests_how_to_widen_the_search(client, jobs):
    response = client.get(URL, {"q": "keukenhulp", "postcode": "3700", "km": "5"})

    assert titles(response) == []
    html = response.content.decode()
    assert 'class="empty-state"' in html
    assert "?q=keukenhulp&amp;postcode=3700&amp;km=10" in html  # twice as far
    assert "?postcode=3700&amp;km=5" in html  # without the search
    assert "?q=keukenhulp&amp;postcode=3700&amp;km=5&amp;include_expired=1" in html
    assert f'href="{URL}"' in html  # start again


def test_no_open_vacancy_at_all_says_so_and_invites_a_post(client, reference_data):
    response = client.get(EN)

    assert response.status_code == 200
    assert titles(response) == []
    html = response.content.decode()
    assert "There are no open vacancies at the moment." in html
    assert 'href="/en/vacancies/new/"' in html


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
        "sector=nope",
        "sector=%00",
        "sector=H&sector=<b>x</b>",
        "contract_type=%00",
        "hours=" + "x" * 300,
        "province=atlantis",
        "region=%E2%80%AE",
        "doorstroom=maybe",
        "doorstroom=%00",
        "since=999",
        "since=-1",
        "since=%00",
        "include_expired=%00",
        "sort=bogus",
        "sort=distance",
        "sort=relevance",
        "q=%00",
        "q=" + "x" * 1000,
        "q=a%20%26%20b%20%7C%20!c%20%3C-%3E%20d",
        "postcode=%00",
        "postcode=3700&km=-5",
        "postcode=3700&km=1e309",
        "format=pdf",
        "format=csv&page=abc&km=-1&since=999",
        "q[]=x&sector[]=y",
    ],
)
def test_a_bad_parameter_gives_a_clean_page(client, jobs, query):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == 200
    if response.get("Content-Type", "").startswith("text/html"):
        assert 'class="result-count"' in response.content.decode()
    else:
        b"".join(response.streaming_content)  # the CSV streams to its end


def test_an_unknown_option_is_named_in_the_error(client, jobs):
    response = client.get(URL, {"sector": "nope"})

    assert "sector" in response.context["form"].errors
    assert "nope" in response.content.decode()
    assert len(titles(response)) == 5


# --- Pages ----------------------------------------------------------------------------------


@pytest.fixture
def many(reference_data):
    employer = OrganisationFactory(postcode=postcode("3700"))
    return [
        listed_vacancy(title=f"Job {n:02d}", organisation=employer, days_ago=n) for n in range(25)
    ]


def test_twenty_per_page_with_links_that_keep_the_search(client, many):
    response = client.get(URL, {"sector": "C"})

    assert titles(response) == [f"Job {n:02d}" for n in range(20)]
    html = response.content.decode()
    assert 'href="?sector=C&amp;page=2"' in html
    second = client.get(URL, {"sector": "C", "page": "2"})
    assert titles(second) == [f"Job {n:02d}" for n in range(20, 25)]


def test_per_page_up_to_two_hundred(client, many):
    assert len(titles(client.get(URL, {"per_page": "200"}))) == 25
    assert len(titles(client.get(URL, {"per_page": "5"}))) == 5
    assert client.get(URL, {"per_page": "100000"}).context["page_obj"].paginator.per_page == 200


# --- Query budget ---------------------------------------------------------------------------


@pytest.fixture
def two_hundred_and_ten(reference_data):
    """210 open vacancies with supports, around Tongeren, from three employers."""
    codes = ["3700", "3740", "3770", "3790", "3500"]
    employers = [OrganisationFactory(postcode=postcode("3700")) for _ in range(3)]
    return [
        listed_vacancy(
            title=f"Medewerker {n:03d}",
            code=codes[n % len(codes)],
            organisation=employers[n % 3],
            sector="H" if n % 2 else "C",
            hours_per_week=10 + n % 30,
            supports=["mentor", "geen-diploma"] if n % 3 else [],
            days_ago=n % 40,
        )
        for n in range(210)
    ]


# The results counted with the six facets and the page's place in them (one query), the
# page's rows, their supports.
QUERIES = 3


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, QUERIES),
        ({"q": "medewerker", "since": "30", "include_expired": "1"}, QUERIES),
        # The postcode, the sectors and the province are reference rows, found in memory.
        ({"q": "medewerker", "postcode": "3700", "km": "50", "sort": "distance"}, QUERIES),
        # + one validation query for each other facet over related rows given (the region)
        (
            {
                "postcode": "3700",
                "sector": ["H", "C"],
                "contract_type": "permanent",
                "hours": ["lt20", "20-29", "30-35"],
                "province": "limburg",
                "region": "zuidoost-limburg",
                "doorstroom": "1",
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


def test_the_csv_runs_a_bounded_number_of_queries(
    client, two_hundred_and_ten, django_assert_num_queries
):
    # Whether the file is small (a count of at most 1,001 rows), the rows (with the
    # organisation joined, the place and sector from memory) and their supports.
    reference_rows_in_memory()
    with django_assert_num_queries(3):
        rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == 211
    assert Vacancy.objects.count() == 210


def test_the_search_without_parameters_still_lists_only_open_vacancies(jobs):
    assert sorted(v.title for v in filters.VacancyFilter(queryset=Vacancy.objects.all()).qs) == (
        sorted(OPEN_NEWEST_FIRST)
    )
