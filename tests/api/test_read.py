"""The read API on the demo: each endpoint answers its documented shape, the lists answer the
same rows in the same order as their pages for the same parameters, bad parameters are 400
problems with the form's messages, pages follow cursors, and a page costs the same number of
queries whatever its length. The demo is seeded once for the module (one transaction)."""

from datetime import timedelta
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS31Validator

from companies.models import Organisation
from companies.reports import sections
from vacancies.models import ServiceRequest, Status, Vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(demo_data):
    return SchemaGenerator().get_schema(request=None, public=True)


def conforms(schema, path, body, status="200"):
    """Whether `body` is what the schema documents for GET `path` with `status`."""
    operation = schema["paths"][path]["get"]
    content = operation["responses"][status]["content"]
    documented = next(iter(content.values()))["schema"]
    OAS31Validator({**documented, "components": schema["components"]}).validate(body)
    return True


def api(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def walk(client, url):
    """Every row of a list, following its next links; and the pages' lengths."""
    rows, lengths = [], []
    while url:
        assert len(lengths) < 100, "the next links go round in circles"
        body = api(client, url)
        rows += body["results"]
        lengths.append(len(body["results"]))
        url = body["next"]
    return rows, lengths


# --- Shapes --------------------------------------------------------------------------------------

ENDPOINTS = [
    ("/api/v1/organisations/", "/api/v1/organisations/"),
    ("/api/v1/organisations/?postcode=3700&km=50", "/api/v1/organisations/"),
    ("/api/v1/organisations/?q=groen", "/api/v1/organisations/"),
    ("/api/v1/organisation-kinds/", "/api/v1/organisation-kinds/"),
    ("/api/v1/service-categories/", "/api/v1/service-categories/"),
    ("/api/v1/sectors/", "/api/v1/sectors/"),
    ("/api/v1/recognition-types/", "/api/v1/recognition-types/"),
    ("/api/v1/provinces/", "/api/v1/provinces/"),
    ("/api/v1/regions/", "/api/v1/regions/"),
    ("/api/v1/vacancies/?include_expired=1", "/api/v1/vacancies/"),
    ("/api/v1/service-requests/?postcode=Gent", "/api/v1/service-requests/"),
    ("/api/v1/events/", "/api/v1/events/"),
    ("/api/v1/events/?when=past", "/api/v1/events/"),
    ("/api/v1/reports/", "/api/v1/reports/"),
]


@pytest.mark.parametrize(("url", "path"), ENDPOINTS)
def test_every_list_answers_its_documented_shape(demo_data, client, schema, url, path):
    body = api(client, url)
    assert body["results"], url
    assert conforms(schema, path, body)


def test_details_and_report_tables_answer_their_documented_shape(demo_data, client, schema):
    for organisation in Organisation.objects.all():
        body = api(client, f"/api/v1/organisations/{organisation.slug}/")
        assert conforms(schema, "/api/v1/organisations/{slug}/", body)
    vacancy = Vacancy.objects.filter(status=Status.PUBLISHED).first()
    assert conforms(schema, "/api/v1/vacancies/{code}/", api(client, vacancy_url(vacancy)))
    request = ServiceRequest.objects.filter(status=Status.PUBLISHED).first()
    body = api(client, f"/api/v1/service-requests/{request.code}/")
    assert conforms(schema, "/api/v1/service-requests/{code}/", body)
    for section in sections():
        body = api(client, f"/api/v1/reports/{section.slug}/")
        assert conforms(schema, "/api/v1/reports/{slug}/", body)


def vacancy_url(vacancy):
    return f"/api/v1/vacancies/{vacancy.code}/"


def test_problems_answer_their_documented_shape(demo_data, client, schema):
    response = client.get("/api/v1/organisations/?km=900")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert conforms(schema, "/api/v1/organisations/", response.json(), status="400")


# --- The pages' rows, in the pages' order ---------------------------------------------------------

DIRECTORY_SEARCHES = [
    "",
    "kind=social",
    "kind=social&kind=regular&sort=name",
    "service=groenonderhoud",
    "service=groenonderhoud&verified=1",
    "q=groen",
    "q=schoonmaak hasselt",
    "postcode=3700",
    "postcode=9000&km=40&sort=newest",
    "province=limburg",
    "region=zuidoost-limburg",
    "sector=C",
    "recognition=maatwerkbedrijf",
    "reserved=1",
]


def page_rows(client, path, query, name):
    response = client.get(f"{path}?{query}&per_page=200")
    assert response.status_code == 200
    return list(response.context[name])


@pytest.mark.parametrize("query", DIRECTORY_SEARCHES)
def test_the_organisations_are_the_directorys_rows_in_its_order(demo_data, client, query):
    shown = [row.slug for row in page_rows(client, "/organisations/", query, "organisations")]
    rows, _lengths = walk(client, f"/api/v1/organisations/?{query}&per_page=7")
    assert [row["slug"] for row in rows] == shown
    assert shown or query == "reserved=1"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "doorstroom=1",
        "contract_type=permanent",
        "postcode=3700",
        "q=magazijn",
        "include_expired=1&sort=closing",
    ],
)
def test_the_vacancies_are_the_lists_rows_in_its_order(demo_data, client, query):
    shown = [row.code for row in page_rows(client, "/vacancies/", query, "opportunities")]
    rows, _lengths = walk(client, f"/api/v1/vacancies/?{query}&per_page=3")
    assert [row["code"] for row in rows] == shown
    assert shown


@pytest.mark.parametrize(
    "query", ["", "service=groenonderhoud", "budget=1k-5k", "postcode=Aalst&km=30"]
)
def test_the_service_requests_are_the_lists_rows_in_its_order(demo_data, client, query):
    shown = [row.code for row in page_rows(client, "/requests/", query, "opportunities")]
    rows, _lengths = walk(client, f"/api/v1/service-requests/?{query}&per_page=2")
    assert [row["code"] for row in rows] == shown


@pytest.mark.parametrize("query", ["", "when=past", "region=zuidoost-limburg&when=past"])
def test_the_events_are_the_lists_rows_in_its_order(demo_data, client, query):
    response = client.get(f"/events/?{query}")
    shown = [event.slug for event in response.context["events"]]
    rows, _lengths = walk(client, f"/api/v1/events/?{query}&per_page=1")
    assert [row["slug"] for row in rows] == shown
    assert shown


def test_a_report_table_is_the_pages_json(demo_data, client):
    for section in sections():
        for query in ["", "from=2020&to=2024&province=limburg"]:
            page = client.get(f"/reports/{section.slug}/?{query}&format=json").json()
            assert api(client, f"/api/v1/reports/{section.slug}/?{query}") == page


def test_no_draft_or_awaiting_opportunity_is_served(demo_data, client):
    for vacancy in Vacancy.objects.filter(status__in=[Status.DRAFT, Status.AWAITING]):
        assert client.get(vacancy_url(vacancy)).status_code == 404
    listed = {
        row["code"] for row in walk(client, "/api/v1/vacancies/?include_expired=1&per_page=200")[0]
    }
    assert not listed & set(
        Vacancy.objects.filter(
            status__in=[Status.DRAFT, Status.AWAITING, Status.CLOSED]
        ).values_list("code", flat=True)
    )


def test_hidden_contact_details_are_null(demo_data, client):
    organisation = Organisation.objects.exclude(email="").exclude(phone="").first()
    Organisation.objects.filter(pk=organisation.pk).update(show_email=False, show_phone=False)
    body = api(client, f"/api/v1/organisations/{organisation.slug}/")
    assert body["email"] is None and body["phone"] is None
    assert body["website"] == (organisation.website or None)


# --- Cursors -------------------------------------------------------------------------------------


def test_previous_links_walk_back_the_same_pages(demo_data, client):
    pages, url = [], "/api/v1/organisations/?per_page=5&sort=name"
    while url:
        body = api(client, url)
        pages.append([row["slug"] for row in body["results"]])
        last, url = body, body["next"]
    back, url = [], last["previous"]
    while url:
        body = api(client, url)
        back.append([row["slug"] for row in body["results"]])
        url = body["previous"]
    assert back == pages[-2::-1]
    assert len(pages) > 3


def test_a_new_row_does_not_move_the_next_page(demo_data, client):
    first = api(client, "/api/v1/organisations/?per_page=5&sort=newest")
    expected = api(client, first["next"])
    newest = Organisation.objects.order_by("-created_at").first()
    newest.pk, newest.slug, newest.enterprise_number = None, "", "0404616494"
    newest.save()
    assert api(client, first["next"]) == expected


def test_a_browse_cursor_goes_on_from_its_row_when_the_order_changed(demo_data, client):
    """A browse pages through the page's cached order; another day (another cached order) goes
    on after the cursor's row, wherever it is now."""
    everything, _lengths = walk(client, "/api/v1/organisations/?per_page=200")
    first = api(client, "/api/v1/organisations/?per_page=3")
    cursor_row = first["results"][-1]["slug"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    with patch("portal.facets.timezone.localdate", return_value=tomorrow):
        following = api(client, first["next"])
    after = [row["slug"] for row in everything]
    after = after[after.index(cursor_row) + 1 :][:3]
    assert [row["slug"] for row in following["results"]] == after


def test_a_browse_cursor_whose_row_left_the_list_is_a_400_problem(demo_data, client):
    first = api(client, "/api/v1/organisations/?per_page=3&sort=name")
    Organisation.objects.filter(slug=first["results"][-1]["slug"]).delete()
    response = client.get(first["next"], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"]["cursor"] == [
        "The list changed since this cursor was made: start again from the first page."
    ]


@pytest.mark.parametrize("cursor", ["nonsense", "eyJvIjoibmFtZSJ9:1abc:forged", "%00", "x" * 3000])
def test_a_bad_cursor_is_a_400_problem(demo_data, client, cursor):
    response = client.get(f"/api/v1/organisations/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_a_cursor_serves_only_its_own_search(demo_data, client):
    following = api(client, "/api/v1/organisations/?per_page=3&sort=name")["next"]
    cursor = parse_qs(urlsplit(following).query)["cursor"][0]
    for other in ["sort=newest", "sort=name&kind=social"]:
        response = client.get(f"/api/v1/organisations/?per_page=3&{other}&cursor={cursor}")
        assert response.status_code == 400
        assert "cursor" in response.json()["errors"]


# --- Bad parameters ------------------------------------------------------------------------------

BAD = [
    ("/api/v1/organisations/?km=0&postcode=3700", "km"),
    ("/api/v1/organisations/?km=5", "postcode"),
    ("/api/v1/organisations/?kind=castle", "kind"),
    ("/api/v1/organisations/?service=nothing-like-it", "service"),
    ("/api/v1/organisations/?postcode=Atlantis", "postcode"),
    ("/api/v1/organisations/?sort=random", "sort"),
    ("/api/v1/organisations/?per_page=0", "per_page"),
    ("/api/v1/organisations/?per_page=1000", "per_page"),
    ("/api/v1/organisations/?per_page=%C2%B2%C2%B3", "per_page"),
    ("/api/v1/organisations/?per_page=" + "9" * 5000, "per_page"),
    ("/api/v1/organisations/?per_page=-3", "per_page"),
    ("/api/v1/vacancies/?since=3", "since"),
    ("/api/v1/vacancies/?hours=many", "hours"),
    ("/api/v1/service-requests/?budget=lots", "budget"),
    ("/api/v1/events/?when=tomorrow", "when"),
    ("/api/v1/events/?region=%00", "region"),
    ("/api/v1/reports/firms/?from=1990", "from"),
    ("/api/v1/reports/firms/?from=2024&to=2020", "to"),
    ("/api/v1/reports/firms/?to=%C2%B2%E2%81%B0%C2%B2%E2%81%B4", "to"),
    ("/api/v1/reports/services/?category=nope", "category"),
]


@pytest.mark.parametrize(("url", "parameter"), BAD)
def test_a_bad_parameter_is_a_400_problem_with_the_forms_message(demo_data, client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["errors"][parameter]
    assert all(isinstance(message, str) and message for message in body["errors"][parameter])


def test_the_messages_are_the_pages_in_the_language_asked(demo_data, client):
    page = client.get("/fr/organisations/?km=0&postcode=3700").context["form"].errors["km"]
    body = client.get("/api/v1/organisations/?km=0&postcode=3700&lang=fr").json()
    assert body["errors"]["km"] == list(page)
    assert body["title"] == "Votre demande n’est pas valable"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations/no-such-organisation/",
        "/api/v1/vacancies/no-such-code/",
        "/api/v1/service-requests/no-such-code/",
        "/api/v1/reports/no-such-report/",
    ],
)
def test_what_does_not_exist_is_a_404_problem(demo_data, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["status"] == 404


# --- Queries -------------------------------------------------------------------------------------

QUERIES = [
    ("/api/v1/organisations/?per_page={n}", 6),
    ("/api/v1/organisations/?per_page={n}&postcode=3700&km=100", 6),
    ("/api/v1/vacancies/?per_page={n}&include_expired=1", 3),
    ("/api/v1/service-requests/?per_page={n}", 2),
    ("/api/v1/events/?per_page={n}&when=past", 2),
]


@pytest.mark.parametrize(("url", "queries"), QUERIES)
def test_a_page_costs_the_same_queries_whatever_its_length(
    demo_data, client, django_assert_num_queries, url, queries
):
    client.get(url.format(n=1))  # reference rows are read once per process
    for size in (1, 2, 50):
        with django_assert_num_queries(queries):
            body = api(client, url.format(n=size))
        assert body["results"]


def test_a_detail_and_a_vocabulary_cost_a_few_queries(demo_data, client, django_assert_num_queries):
    slug = Organisation.objects.filter(services__isnull=False).first().slug
    api(client, f"/api/v1/organisations/{slug}/")
    with django_assert_num_queries(6):
        api(client, f"/api/v1/organisations/{slug}/")
    with django_assert_num_queries(2):
        api(client, "/api/v1/service-categories/")


def test_eligible_routes_agree_with_the_profiles_badge(demo_data, client):
    from companies import profiles
    from procurement.eligibility import BADGE

    rows, _lengths = walk(client, "/api/v1/organisations/?per_page=200")
    reserved = {row["slug"] for row in walk(client, "/api/v1/organisations/?reserved=1")[0]}
    for row in rows:
        routes = {route["value"] for route in row["eligible_routes"]}
        organisation = Organisation.objects.get(slug=row["slug"])
        has_badge = BADGE in profiles.badges(organisation)
        assert ("reserved_contract" in routes) is has_badge, row["slug"]
        assert (row["slug"] in reserved) is has_badge, row["slug"]
    assert reserved


def test_an_unchanged_page_keeps_its_etag(demo_data, client, monkeypatch):
    import time

    first = client.get("/api/v1/organisations/?per_page=3")
    later = time.time() + 300
    # Five minutes on (a timestamped cursor would change the body, and so the ETag).
    monkeypatch.setattr(time, "time", lambda: later)
    again = client.get("/api/v1/organisations/?per_page=3", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_head_answers_the_headers_of_get(demo_data, client):
    got = client.get("/api/v1/organisations/?per_page=3")
    head = client.head("/api/v1/organisations/?per_page=3")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
