"""The directory's relevance (issue 20): who offers a service before who mentions it, social
enterprises first unless a kind is chosen, verified, fresh and complete profiles first among
equals; typos in services' names and texts forgiven. On SQLite and PostgreSQL alike."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies import search
from companies.models import Organisation
from portal import textsearch
from portal.models import SearchWord
from tests.factories import listed_organisation

pytestmark = pytest.mark.django_db

URL = reverse("companies:directory")


def listed(client, **parameters):
    response = client.get(URL, parameters)
    assert response.status_code == 200
    return [organisation.name for organisation in response.context["organisations"]]


def test_who_offers_the_service_comes_before_who_mentions_it(reference_data, client):
    listed_organisation(
        name="Bakkerij Mergelland",
        kind="regular",
        description="Bakkerij die een firma voor schoonmaak zoekt.",
    )
    listed_organisation(name="Poetsploeg Tongeren", services=["schoonmaak"])
    listed_organisation(name="Werkhuis Bilzen", services={"catering": "Ook schoonmaak na feesten"})

    assert listed(client, q="schoonmaak") == [
        "Poetsploeg Tongeren",
        "Werkhuis Bilzen",
        "Bakkerij Mergelland",
    ]


def test_social_enterprises_come_first_unless_the_visitor_chose_the_kinds(reference_data, client):
    listed_organisation(name="Schoonmaak Janssens", kind="regular")
    listed_organisation(name="Poetsploeg Tongeren", services=["schoonmaak"])

    assert listed(client, q="schoonmaak") == ["Poetsploeg Tongeren", "Schoonmaak Janssens"]
    # Both kinds asked for: the name that says it outranks the service.
    assert listed(client, q="schoonmaak", kind=["regular", "social"]) == [
        "Schoonmaak Janssens",
        "Poetsploeg Tongeren",
    ]


def test_among_equals_verified_then_fresh_then_complete_come_first(reference_data, client):
    now = timezone.now()
    old = now - timedelta(days=400)  # past companies.freshness.OUTDATED_MONTHS
    listed_organisation(name="A Unverified", services=["groenonderhoud"], verified_at=None)
    listed_organisation(name="B Outdated", services=["groenonderhoud"], verified_at=now)
    listed_organisation(name="C Sparse", services=["groenonderhoud"], verified_at=now)
    listed_organisation(name="D Complete", services=["groenonderhoud"], verified_at=now)
    Organisation.objects.filter(name="B Outdated").update(details_confirmed_at=old, created_at=old)
    Organisation.objects.filter(name="C Sparse").update(completeness=20)
    Organisation.objects.filter(name="D Complete").update(completeness=90)

    assert listed(client, q="groenonderhoud") == [
        "D Complete",
        "C Sparse",
        "B Outdated",
        "A Unverified",
    ]


@pytest.mark.parametrize(
    ("typo", "found"),
    [
        ("groenonderhout", "Groenploeg"),
        ("schoonmak", "Poetsploeg"),
        ("fietsherstelling", "Fietsatelier"),
        ("etiketeren", "Verpakkers"),  # a word of a service's own text
        ("nettoyaeg", "Poetsploeg"),  # two letters swapped, in French
    ],
)
def test_a_typo_in_a_service_still_finds_it(reference_data, typo, found):
    listed_organisation(name="Groenploeg", services=["groenonderhoud"])
    listed_organisation(name="Poetsploeg", services=["schoonmaak"])
    listed_organisation(name="Fietsatelier", services=["fietsherstel"])
    listed_organisation(name="Verpakkers", services={"verpakking-assemblage": "Wij etiketteren"})

    names = [o.name for o in search.search(Organisation.objects.all(), typo)]

    assert names == [found]


def test_the_words_of_services_become_known_words(reference_data):
    listed_organisation(name="Atelier", services={"catering": "Broodjes en soepbuffet"})

    assert SearchWord.objects.filter(word__in=["soepbuffet", "catering", "atelier"]).count() == 3
    # The categories' names in every language are known before anyone offers them.
    assert SearchWord.objects.filter(word__in=["démantèlement", "dismantling"]).count() == 2


@pytest.mark.sqlite
def test_on_sqlite_a_word_of_fewer_than_five_letters_is_taken_as_typed(reference_data):
    listed_organisation(name="Groenploeg", services=["groenonderhoud"])

    assert textsearch.near_words("gron") == []
    assert [o.name for o in search.search(Organisation.objects.all(), "gron")] == []
    assert [o.name for o in search.search(Organisation.objects.all(), "groenplog")] == [
        "Groenploeg"
    ]
