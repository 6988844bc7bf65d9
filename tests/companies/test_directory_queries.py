"""The directory's query budget at 20 and at 200 results per page, and the CSV guide's, with
210 organisations written once for the module (tests.conftest.kept_for_the_module)."""

import pytest
from django.db import connection

from companies.models import Organisation
from portal.models import Sector
from tests.companies.test_directory import URL, csv_rows, names
from tests.conftest import kept_for_the_module
from tests.factories import listed_organisation, reference_rows_in_memory

pytestmark = pytest.mark.django_db


# --- Query budget ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_hundred_and_ten(reference_data, django_db_blocker):
    """210 organisations, each with two services and a recognition, around Tongeren: written
    once for the module's tests."""
    with kept_for_the_module(django_db_blocker):
        yield many_organisations()


def many_organisations():
    codes = ["3700", "3740", "3770", "3790", "3500"]
    organisations = [
        listed_organisation(
            name=f"Onderneming {n:03d}",
            code=codes[n % len(codes)],
            services=["groenonderhoud", "schoonmaak"],
            recognitions=["maatwerkbedrijf"],
        )
        for n in range(210)
    ]
    sector = Sector.objects.get(code="A")
    Organisation.sectors.through.objects.bulk_create(
        Organisation.sectors.through(organisation=organisation, sector=sector)
        for organisation in organisations
    )
    return organisations


# The results counted with the six facets and the page's place in them (one query), the
# page's rows, their services and their recognitions.
QUERIES = 4


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, QUERIES),
        ({"q": "onderneming"}, QUERIES),
        # The postcode, the services, the sector and the province are reference rows, found in
        # memory.
        ({"q": "groenonderhoud", "postcode": "3700", "km": "50", "sort": "distance"}, QUERIES),
        # + one validation query for each other facet over related rows given (the recognition,
        # the region)
        (
            {
                "postcode": "3700",
                "service": ["groenonderhoud", "schoonmaak"],
                "recognition": "maatwerkbedrijf",
                "region": "zuidoost-limburg",
                "province": "limburg",
                "sector": "A",
                "kind": "social",
                "verified": "",
            },
            QUERIES + 2,
        ),
    ],
)
def test_the_directory_runs_the_same_queries_at_20_and_at_200_per_page(
    client, two_hundred_and_ten, django_assert_num_queries, params, queries
):
    # The near words of a text query are looked up by the first search, then kept in the cache.
    client.get(URL, params)
    for per_page in ["20", "200"]:
        with django_assert_num_queries(queries):
            response = client.get(URL, {**params, "per_page": per_page})
        assert len(names(response)) == min(
            int(per_page), response.context["page_obj"].paginator.count
        )
    assert response.context["page_obj"].paginator.count > 20


def test_the_csv_guide_runs_a_bounded_number_of_queries(
    client, two_hundred_and_ten, django_assert_num_queries
):
    # Whether the file is small (a count of at most 1,001 rows), the recognitions' names, then
    # on PostgreSQL one statement: the rows with their services and recognitions as arrays;
    # elsewhere the rows, their services and their recognitions (one chunk of 500 holds all).
    reference_rows_in_memory()
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 5):
        rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == 211
