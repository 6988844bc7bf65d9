"""The database-neutral text search (portal/textsearch.py) that every list page uses."""

import pytest
from django.core.cache import cache
from django.db import connection

from companies.models import Organisation
from portal import textsearch
from tests.factories import listed_organisation, listed_vacancy
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

postgres = pytest.mark.postgres
# The SQLite fallback: on PostgreSQL the same searches rank and stem (the postgres tests).
sqlite_only = pytest.mark.sqlite

WEIGHTS = {"name": "A", textsearch.SEARCH_TEXT: "B", "description": "C"}
FIELDS = ["name", "description", textsearch.SEARCH_TEXT]


def found(q, **options):
    options.setdefault("fields_for_sqlite", FIELDS)
    return sorted(o.name for o in textsearch.search(Organisation.objects.all(), q, **options))


def test_is_postgres_follows_the_connection():
    assert textsearch.is_postgres("default") == (connection.vendor == "postgresql")


def test_index_stores_the_text_and_nothing_else(reference_data):
    organisation = listed_organisation(name="Werkhuis", description="Houtbewerking")
    updated_at = Organisation.objects.get(pk=organisation.pk).updated_at
    organisation.name = "Not saved"

    textsearch.index(organisation, "Schrijnwerk op maat", weights=WEIGHTS)

    assert organisation.search_text == "Schrijnwerk op maat"
    stored = Organisation.objects.get(pk=organisation.pk)
    assert stored.search_text == "Schrijnwerk op maat"
    assert stored.name == "Werkhuis"  # the unsaved change stays unsaved
    assert stored.updated_at == updated_at
    assert found("schrijnwerk") == ["Werkhuis"]


@postgres
def test_index_weighs_each_field_as_asked_with_the_new_text(reference_data):
    organisation = listed_organisation(name="Werkhuis", description="Houtbewerking")

    textsearch.index(organisation, "Schrijnwerk", weights=WEIGHTS)

    vector = Organisation.objects.get(pk=organisation.pk).search_vector
    assert "'werkhuis':1A" in vector
    assert "'schrijnwerk':2B" in vector
    assert "'houtbewerk':3C" in vector


def test_an_empty_query_returns_the_queryset_without_a_rank(reference_data):
    listed_organisation(name="Een")
    queryset = Organisation.objects.all()

    assert textsearch.search(queryset, "  ", fields_for_sqlite=FIELDS) is queryset
    assert textsearch.search(queryset, None, fields_for_sqlite=FIELDS) is queryset


def test_results_carry_a_rank(reference_data):
    listed_organisation(name="Catering Noord")

    (result,) = textsearch.search(Organisation.objects.all(), "catering", fields_for_sqlite=FIELDS)

    assert result.search_rank > 0


def test_a_long_query_is_cut_to_its_first_words(reference_data):
    listed_organisation(name="Groenwerk")

    q = " ".join(["groenwerk"] * textsearch.MAX_WORDS + ["zzzzzz"])

    assert found(q) == ["Groenwerk"]


def test_the_same_function_serves_other_models(reference_data):
    listed_vacancy(title="Magazijnmedewerker")

    results = textsearch.search(
        Vacancy.objects.all(), "magazijnmedewerker", fields_for_sqlite=["title"]
    )

    assert [v.title for v in results] == ["Magazijnmedewerker"]


def test_part_of_a_compound_word_finds_it(reference_data):
    # "magazijn" in "Magazijnmedewerker": a substring on SQLite, a near match on PostgreSQL.
    listed_vacancy(title="Magazijnmedewerker")

    results = textsearch.search(
        Vacancy.objects.all(), "magazijn", near=True, fields_for_sqlite=["title"]
    )

    assert [v.title for v in results] == ["Magazijnmedewerker"]


def test_every_word_must_match_even_when_one_matches_well(reference_data):
    listed_vacancy(title="Magazijnmedewerker", code="3700")
    listed_vacancy(title="Magazijnmedewerker", code="9000", description="In Gent")

    results = textsearch.search(
        Vacancy.objects.all(),
        "magazijnmedewerker gent",
        near=True,
        fields_for_sqlite=["title", "description"],
    )

    assert [v.postcode.code for v in results] == ["9000"]


@sqlite_only
def test_on_sqlite_words_are_looked_for_in_the_given_fields_only(reference_data):
    listed_organisation(name="Werkhuis", description="Houtbewerking")

    assert found("houtbewerking") == ["Werkhuis"]
    assert found("houtbewerking", fields_for_sqlite=["name"]) == []


@sqlite_only
def test_on_sqlite_the_query_in_the_first_field_ranks_higher(reference_data):
    listed_organisation(name="Catering Noord")
    listed_organisation(name="Werkhuis", description="Ook catering")

    results = textsearch.search(Organisation.objects.all(), "catering", fields_for_sqlite=FIELDS)

    assert {o.name: o.search_rank for o in results} == {"Catering Noord": 2.0, "Werkhuis": 1.0}


@postgres
def test_near_spellings_are_looked_for_only_when_asked(reference_data):
    listed_organisation(name="Kringwinkel Denderland")

    assert found("kringwinkle denderland") == []
    assert found("kringwinkle denderland", near=True) == ["Kringwinkel Denderland"]


@postgres
def test_websearch_syntax_gets_no_near_matches(reference_data):
    listed_organisation(name="Tuinploeg Noord")
    listed_organisation(name="Tuinploeg Zuid")

    assert found("tuinploeg -zuid", near=True) == ["Tuinploeg Noord"]
    assert found('"tuinploeg noord"', near=True) == ["Tuinploeg Noord"]
    assert found("noord or zuid", near=True) == ["Tuinploeg Noord", "Tuinploeg Zuid"]


@postgres
def test_near_words_are_looked_up_once_then_kept(reference_data, django_assert_num_queries):
    listed_organisation(name="Kringwinkel Denderland")

    with django_assert_num_queries(1):
        first = textsearch.near_words("kringwinkle")
    with django_assert_num_queries(0):
        again = textsearch.near_words("kringwinkle")

    assert first == again == ["kringwinkel"]


@postgres
def test_a_new_known_word_is_near_at_once(reference_data):
    listed_organisation(name="Kringwinkel Denderland")
    assert found("kringwinkle", near=True) == ["Kringwinkel Denderland"]
    assert textsearch.near_words("kringwinkle") == ["kringwinkel"]

    # Saved after the searches above kept their near words: the vocabulary moved on.
    listed_organisation(name="Kringwinkels Dendermonde")

    assert textsearch.near_words("kringwinkle") == ["kringwinkel", "kringwinkels"]
    assert found("kringwinkle", near=True) == [
        "Kringwinkel Denderland",
        "Kringwinkels Dendermonde",
    ]


@postgres
def test_near_words_kept_before_a_commit_are_looked_up_again_after_it(
    reference_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        textsearch.add_words(["Tuinploeg"])
    # Another connection, which could not see the word yet, kept the near words it found.
    generation = textsearch.VOCABULARY.current()
    cache.set(textsearch.near_words_key("ploeg"), (generation, []))
    for callback in callbacks:  # the commit
        callback()

    assert textsearch.near_words("ploeg") == ["tuinploeg"]


@pytest.mark.parametrize("q", ["<script>", "a & b | !c", "'\"", "(((", "- -", '"', "or", "é ü ø"])
def test_odd_queries_do_not_fail(reference_data, q):
    listed_organisation(name="Gewoon")

    assert isinstance(found(q, near=True), list)
