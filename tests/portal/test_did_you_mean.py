""" "Did you mean ...?" on a search page without results (issue 20): the closest known words
(portal.textsearch.did_you_mean), as a link to the same search with the word replaced, on the
directory and both opportunity lists, in every language."""

import re
from html import unescape

import pytest
from django.urls import reverse

from portal import textsearch
from tests.factories import listed_organisation, listed_request, listed_vacancy

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("companies:directory")
VACANCIES = reverse("vacancies:vacancy_list")
REQUESTS = reverse("vacancies:request_list")
SUGGESTION = re.compile(r'<p class="did-you-mean">(.*?)<a href="([^"]*)">([^<]*)</a>', re.S)


def suggestion(response):
    assert response.status_code == 200
    found = SUGGESTION.search(response.content.decode())
    if not found:
        return None
    return found.group(1).strip(), unescape(found.group(2)), found.group(3)


def test_replaces_unknown_words_by_the_closest_known_word(reference_data):
    listed_organisation(name="Kringwinkel Denderland", services=["hergebruik-kringwinkel"])

    assert textsearch.did_you_mean("kringwinkle denderlant") == "kringwinkel denderland"
    # A known word and a short one stay as typed; a word like no known word too.
    assert textsearch.did_you_mean("kringwinkel xyzzyq") is None
    assert textsearch.did_you_mean("Groenonderhoudd in gent") == "groenonderhoud in gent"


@pytest.mark.parametrize("q", ["", "   ", '"kringwinkle"', "-kringwinkle", "a or b", "<script>"])
def test_no_suggestion_for_an_empty_query_or_websearch_syntax(reference_data, q):
    listed_organisation(name="Kringwinkel Denderland")

    assert textsearch.did_you_mean(q) is None


@pytest.mark.parametrize(
    ("prefix", "sentence"),
    [("", "Bedoelde je"), ("/fr", "Vouliez-vous dire"), ("/en", "Did you mean")],
)
def test_the_directory_offers_it_in_every_language_keeping_the_other_parameters(
    reference_data, client, prefix, sentence
):
    listed_organisation(name="Groenploeg", services=["groenonderhoud"])

    response = client.get(
        prefix + DIRECTORY, {"q": "groenonderhoudd zzzqq", "kind": "social", "page": "2"}
    )

    assert suggestion(response) == (
        sentence,
        "?q=groenonderhoud+zzzqq&kind=social",
        "groenonderhoud zzzqq",
    )


def test_no_suggestion_when_the_search_finds(reference_data, client):
    listed_organisation(name="Groenploeg", services=["groenonderhoud"])

    assert suggestion(client.get(DIRECTORY, {"q": "groenonderhoud"})) is None
    assert suggestion(client.get(DIRECTORY, {"q": "qqqqqqq"})) is None  # nothing near


def test_the_opportunity_lists_offer_it(reference_data, client):
    listed_vacancy(title="Magazijnmedewerker")
    listed_request(title="Maaien rond de loodsen", category="groenonderhoud")

    vacancies = client.get(VACANCIES, {"q": "magazijnmedewerkr zzzqq"})
    requests = client.get(REQUESTS, {"q": "loodsenn zzzqq", "sort": "newest"})

    assert suggestion(vacancies)[1:] == ("?q=magazijnmedewerker+zzzqq", "magazijnmedewerker zzzqq")
    assert suggestion(requests)[1:] == ("?q=loodsen+zzzqq&sort=newest", "loodsen zzzqq")
