"""Browsing the lists (portal/facets.py, FacetedSearch.browsing): a search without a text query
keeps its facet counts, its number of results and the order of every result in the cache by the
data version and the day, so that every page of it, the last included, costs a cache read and
the page's rows; any write to what it counts is seen at the next request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from companies.filters import DirectoryFilter
from companies.models import Organisation
from tests.factories import VacancyFactory, listed_organisation, reference_rows_in_memory
from vacancies.models import Status

DIRECTORY = reverse("companies:directory")
VACANCIES = reverse("vacancies:vacancy_list")

pytestmark = pytest.mark.django_db


def counting_statements(captured):
    """The statements that count a list (its facets, its number and its order)."""
    return [query for query in captured.captured_queries if "UNION ALL" in query["sql"]]


def get(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response, counting_statements(captured)


def names(response):
    return [organisation.name for organisation in response.context["organisations"]]


@pytest.fixture
def forty_five(reference_data):
    reference_rows_in_memory()
    return [
        listed_organisation(
            name=f"Onderneming {n:02d}",
            code=["3700", "9000"][n % 2],
            services=["groenonderhoud"] if n % 3 else ["schoonmaak"],
            kind="social" if n % 5 else "regular",
        )
        for n in range(45)
    ]


def test_a_browse_is_counted_once_then_served_from_the_cache_for_every_page(client, forty_five):
    first, statements = get(client, DIRECTORY, {"service": "groenonderhoud"})
    assert len(statements) == 1
    # The list's order (the recommended order), as the ORM sorts it.
    expected = [
        organisation.name
        for organisation in DirectoryFilter(
            QueryDict("service=groenonderhoud"), queryset=Organisation.objects.all()
        ).qs
    ]
    assert first.context["page_obj"].paginator.count == len(expected) == 30

    pages = []
    for number in ["1", "2"]:
        response, statements = get(client, DIRECTORY, {"service": "groenonderhoud", "page": number})
        assert statements == []
        pages += names(response)
    # Every result once, in the list's order.
    assert pages == expected
    # The counts come from the cache too.
    kinds = {
        option["value"]: option["count"] for option in response.context["facets"][0]["options"]
    }
    assert kinds == {"social": 24, "regular": 6}


def test_a_page_beyond_the_last_is_the_last_page_from_the_cache(client, forty_five):
    get(client, DIRECTORY)
    response, statements = get(client, DIRECTORY, {"page": "999999"})
    assert statements == []
    page = response.context["page_obj"]
    assert page.number == page.paginator.num_pages == 3
    everything = DirectoryFilter(QueryDict(), queryset=Organisation.objects.all()).qs
    assert names(response) == [organisation.name for organisation in everything][40:]


def test_the_same_browse_in_another_order_of_parameters_is_the_same_entry(client, forty_five):
    get(client, DIRECTORY, {"kind": ["social", "regular"], "service": "schoonmaak"})
    _response, statements = get(
        client, DIRECTORY, {"service": "schoonmaak", "kind": ["regular", "social", "social"]}
    )
    assert statements == []


def test_a_change_is_seen_at_the_next_request(client, forty_five):
    before, _statements = get(client, DIRECTORY, {"kind": "social"})
    assert before.context["page_obj"].paginator.count == 36

    listed_organisation(name="Aaa nieuw", services=["groenonderhoud"])
    after, statements = get(client, DIRECTORY, {"kind": "social"})
    assert len(statements) == 1
    assert after.context["page_obj"].paginator.count == 37
    assert names(after)[0] == "Aaa nieuw"

    # An update through the ORM's QuerySet.update (no save(), no signal) is seen as well.
    Organisation.objects.filter(name="Aaa nieuw").update(kind="regular")
    again, statements = get(client, DIRECTORY, {"kind": "social"})
    assert len(statements) == 1
    assert again.context["page_obj"].paginator.count == 36


def test_a_text_query_is_counted_afresh_every_time(client, forty_five):
    for _ in range(2):
        response, statements = get(client, DIRECTORY, {"q": "onderneming"})
        assert len(statements) == 1
    assert response.context["page_obj"].paginator.count == 45


def test_a_place_is_part_of_the_browse(client, forty_five):
    near_tongeren, _statements = get(client, DIRECTORY, {"postcode": "3700", "km": "10"})
    near_gent, statements = get(client, DIRECTORY, {"postcode": "9000", "km": "10"})
    assert len(statements) == 1
    assert near_tongeren.context["page_obj"].paginator.count == 23
    assert near_gent.context["page_obj"].paginator.count == 22
    # Nearest first, as the ORM sorts them.
    ordered = DirectoryFilter(QueryDict("postcode=9000&km=10"), queryset=Organisation.objects.all())
    assert names(near_gent) == [organisation.name for organisation in ordered.qs][:20]
    # The same place by name is the same browse.
    by_name, statements = get(client, DIRECTORY, {"postcode": "Gent", "km": "10"})
    assert statements == []
    assert by_name.context["page_obj"].paginator.count == 22


def test_a_bad_parameter_is_left_out_of_the_browse_as_of_the_search(client, forty_five):
    get(client, DIRECTORY)
    response, statements = get(client, DIRECTORY, {"service": "no-such-service"})
    assert statements == []
    assert response.context["page_obj"].paginator.count == 45
    assert response.context["form"].errors


def test_vacancies_posted_since_are_counted_afresh(client, reference_data):
    organisation = listed_organisation(name="Werkgever", kind="regular")
    now = timezone.now()
    for days in [0, 3, 10]:
        VacancyFactory(
            organisation=organisation,
            status=Status.PUBLISHED,
            published_at=now - timedelta(days=days, hours=1),
        )
    response, statements = get(client, VACANCIES)
    assert response.context["page_obj"].paginator.count == 3
    _response, statements = get(client, VACANCIES)
    assert statements == []
    # "Last 7 days" moves with the hour, not with the data: never from the cache.
    for _ in range(2):
        response, statements = get(client, VACANCIES, {"since": "7"})
        assert len(statements) == 1
    assert response.context["page_obj"].paginator.count == 2
