"""The list pages count their results up to portal.facets.COUNT_CAP and say "more than" beyond,
in the same one count query (issue 9: counting a broad search costs as much as finding it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies.models import Organisation
from portal import facets
from tests.factories import listed_organisation, listed_request, listed_vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(facets, "COUNT_CAP", 3)


def test_a_paginator_counts_up_to_the_cap_and_says_when_there_are_more(reference_data):
    for number in range(5):
        listed_organisation(name=f"Organisatie {number}", code="3700")
    organisations = Organisation.objects.order_by("pk")

    exact = facets.CappedPaginator(organisations, 2)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)

    capped = facets.CappedPaginator(organisations, 2)
    capped.cap = 3
    assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)
    assert capped.get_page(9).number == 2  # the pages end at the cap


def test_the_directory_says_more_than_the_cap_with_no_more_queries(
    client, reference_data, monkeypatch
):
    for number in range(4):
        listed_organisation(name=f"Groenwerk {number}", code="3700")
    url = "/en" + reverse("companies:directory")
    client.get(url)
    uncapped = len(queries_of(client, url))
    monkeypatch.setattr(facets, "COUNT_CAP", 3)

    response = client.get(url)

    assert len(queries_of(client, url)) == uncapped
    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (3, True)
    assert "More than 3 organisations found" in " ".join(response.content.decode().split())


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries


def test_the_vacancies_under_the_cap_are_counted_exactly(client, reference_data, cap_of_three):
    for number in range(3):
        listed_vacancy(title=f"Magazijnier {number}", code="3700")

    response = client.get(reverse("vacancies:vacancy_list"))

    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (3, False)


def test_the_request_list_says_more_than_the_cap(client, reference_data, cap_of_three):
    for number in range(5):
        listed_request(title=f"Groenonderhoud {number}", code="3700")

    response = client.get(reverse("vacancies:request_list"))

    paginator = response.context["page_obj"].paginator
    assert (paginator.count, paginator.capped) == (3, True)
    assert len(response.context["opportunities"]) == 3
