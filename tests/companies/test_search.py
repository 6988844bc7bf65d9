"""The directory's full-text search (companies/search.py), on SQLite and on PostgreSQL."""

import pytest

from companies import search
from companies.models import Organisation
from tests.factories import listed_organisation

pytestmark = pytest.mark.django_db

postgres = pytest.mark.postgres


def found(q):
    return sorted(o.name for o in search.search(Organisation.objects.all(), q))


def ranked(q):
    return [o.name for o in search.search(Organisation.objects.all(), q).order_by("-search_rank")]


def test_finds_words_in_name_and_description(reference_data):
    listed_organisation(name="Groenwerk Haspengouw", description="Onderhoud van bedrijfstuinen")
    listed_organisation(name="Bakkerij Mergelland", kind="regular", description="Brood en taart")

    assert found("groenwerk") == ["Groenwerk Haspengouw"]
    assert found("taart") == ["Bakkerij Mergelland"]


def test_finds_the_names_of_the_services_in_every_language(reference_data):
    listed_organisation(name="De Tuinploeg", services=["groenonderhoud"])
    listed_organisation(name="Het Fietspunt", services=["fietsherstel"])

    assert found("groenonderhoud") == ["De Tuinploeg"]
    assert found("espaces verts") == ["De Tuinploeg"]
    assert found("green maintenance") == ["De Tuinploeg"]


def test_finds_the_description_of_a_service_and_the_recognitions(reference_data):
    listed_organisation(
        name="Atelier Noord",
        services={"verpakking-assemblage": "Wij etiketteren flessen"},
        recognitions=["maatwerkbedrijf"],
    )
    listed_organisation(name="Atelier Zuid")

    assert found("etiketteren") == ["Atelier Noord"]
    assert found("maatwerkbedrijf") == ["Atelier Noord"]


def test_every_word_must_match(reference_data):
    listed_organisation(name="Groenwerk Tongeren", services=["groenonderhoud"])
    listed_organisation(name="Schoonmaak Tongeren", services=["schoonmaak"])

    assert found("tongeren groenonderhoud") == ["Groenwerk Tongeren"]


def test_an_empty_query_leaves_the_queryset_as_it_is(reference_data):
    listed_organisation(name="Een")
    listed_organisation(name="Twee")

    assert found("") == ["Een", "Twee"]
    assert found("   ") == ["Een", "Twee"]


def test_saving_a_new_name_or_description_reindexes(reference_data):
    organisation = listed_organisation(name="Oude Naam", services=["catering"])

    organisation.name = "Keukenbrug"
    organisation.save()

    assert found("keukenbrug") == ["Keukenbrug"]
    assert found("catering") == ["Keukenbrug"]


def test_index_follows_services_that_change(reference_data):
    organisation = listed_organisation(name="Werkhuis", services=["catering"])
    organisation.services.all().delete()

    search.index(organisation)

    assert found("catering") == []
    assert organisation.search_text == ""


def test_the_query_in_the_name_ranks_first(reference_data):
    listed_organisation(name="Catering Het Anker", services=["catering"])
    listed_organisation(name="Werkhuis", description="Ook catering voor bedrijven")

    assert ranked("catering") == ["Catering Het Anker", "Werkhuis"]


@postgres
def test_dutch_stemming_finds_other_forms_of_a_word(reference_data):
    listed_organisation(name="Dender Karton", description="Wij leveren verpakking op maat")

    assert found("verpakkingen") == ["Dender Karton"]


@postgres
def test_accents_are_ignored(reference_data):
    listed_organisation(name="De Schakel", description="Een sociale coöperatie in Ronse")
    listed_organisation(name="Ateliér Ninove")

    assert found("cooperatie") == ["De Schakel"]
    assert found("COÖPERATIE") == ["De Schakel"]
    assert found("atelier") == ["Ateliér Ninove"]


@postgres
def test_a_name_written_without_its_accent_is_found_as_a_near_spelling(reference_data):
    listed_organisation(name="Schoonmaakcoöperatie Vlaamse Ardennen")

    assert found("schoonmaakcooperatie") == ["Schoonmaakcoöperatie Vlaamse Ardennen"]


@postgres
def test_a_typo_in_a_name_still_finds_it(reference_data):
    listed_organisation(name="Groenwerk Haspengouw")
    listed_organisation(name="Kringwinkel Denderland")

    assert found("groenwerk haspengouwe") == ["Groenwerk Haspengouw"]
    assert found("kringwinkle denderland") == ["Kringwinkel Denderland"]


@postgres
def test_websearch_syntax_excludes_and_quotes(reference_data):
    listed_organisation(name="Tuinploeg", services=["groenonderhoud", "schoonmaak"])
    listed_organisation(name="Groenploeg", services=["groenonderhoud"])

    assert found("groenonderhoud -schoonmaak") == ["Groenploeg"]


@postgres
def test_name_outranks_services_which_outrank_the_description(reference_data):
    listed_organisation(name="Description", description="Wij doen ook schoonmaak")
    listed_organisation(name="Service", services=["schoonmaak"])
    listed_organisation(name="Schoonmaak Brugge")

    assert ranked("schoonmaak") == ["Schoonmaak Brugge", "Service", "Description"]


@postgres
def test_search_vector_is_stored_for_the_gin_index(reference_data):
    organisation = listed_organisation(name="Fietspunt Mechelen", services=["fietsherstel"])
    organisation.refresh_from_db()

    assert "fietspunt" in organisation.search_vector
    assert "fietsherstel" in organisation.search_vector


@pytest.mark.parametrize("q", ["<script>", "a & b | !c", "'\"", "(((", "-", "x" * 500, "é ü ø"])
def test_odd_queries_do_not_fail(reference_data, q):
    listed_organisation(name="Gewoon")

    assert isinstance(found(q), list)
