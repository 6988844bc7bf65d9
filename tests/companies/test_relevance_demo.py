"""The directory's relevance on the demo (issue 20): realistic searches, in Dutch and French,
and which organisations come first.

Principles (companies/search.py): the organisations that offer a service (its category in any
language, their services' texts: weight B) come before those that only mention it (the
description: weight D); a name that says it (A) comes first of all; social enterprises before
other kinds when no kind is chosen; among equals verified, fresh and complete profiles first (then
the name). A typo of one or two letters in a word of five letters or more still finds. The
queries in SHARED rank the same on SQLite; those in POSTGRES_ONLY rank that way where Dutch
stemming and ts_rank do (they run on PostgreSQL only).
"""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# Query: the first organisations, in order.
SHARED_NL = {
    # Both cooperatives say it in their name and offer it; then the others that offer it.
    "schoonmaak": [
        "Schoonmaakcoöperatie Vlaamse Ardennen",
        "Schoonmaakcoöperatie Lanaken",
        "Denderwerk",
    ],
    "schoonmak": [
        "Schoonmaakcoöperatie Vlaamse Ardennen",
        "Schoonmaakcoöperatie Lanaken",
        "Denderwerk",
    ],
    "poetsdienst": ["Poetsdienst Halle", "Poetsdienst Dilsen-Stokkem"],
    "groenonderhoud": ["De Groene Kans", "Groenwerk Haspengouw", "Kempense Groenzorg"],
    "groenonderhout": ["De Groene Kans", "Groenwerk Haspengouw", "Kempense Groenzorg"],
    "fietsherstel": ["Fietsatelier Oudenaarde", "Fietspunt Bilzen-Hoeselt", "Mechels Fietspunt"],
    "fietsherstelling": [
        "Fietsatelier Oudenaarde",
        "Fietspunt Bilzen-Hoeselt",
        "Mechels Fietspunt",
    ],
    "catering": ["Cateringcoöperatie Kwadraat", "Brugse Kaaikeuken", "Werkhuis Tienen"],
    "maaltijden": ["Denderwerk", "Sociaal Restaurant De Keukenbrug", "Brugse Kaaikeuken"],
    "drukwerk": ["Gentse Scanstraat", "Atelier Tongria", "Mailinghuis Houthalen"],
    "verhuis": ["Verhuisploeg Beringen", "Kringwinkel Denderland", "Kringwinkel Limburg Zuid"],
    "kringwinkel": ["Kringwinkel Denderland", "Kringwinkel Hageland", "Kringwinkel Limburg Zuid"],
    "naaiwerk": ["Naaiatelier Ronse", "Schoonmaakcoöperatie Vlaamse Ardennen"],
    "wasserij": ["Wasserij Waasland", "Wasserij Den Bleek"],
    "digitalisering": ["Gentse Scanstraat", "Digitaal Atelier Leuven"],
    "houtbewerking": ["Atelier Hasselt Arbeidszorg", "Kortrijkse Werkplaats", "Bree Montage"],
    "metaalbewerking": [
        "Havenatelier Antwerpen",
        "Kempense Werkplaats Lommel",
        "Metaalatelier Hamont",
    ],
    "recyclage": ["Recyclagecentrum Tessenderlo", "Kringwinkel Hageland"],
    "klusjes": ["Diestse Klusjesdienst", "Klusjesdienst Zonhoven"],
    "logistiek": ["Havenatelier Antwerpen", "Maatwerk Maasland"],
    "tuinbouw": ["Groenwerk Haspengouw", "Zwalmse Groenploeg"],
}

SHARED_FR = {
    "nettoyage": ["Denderwerk", "Poetsdienst Halle", "Schoonmaakcoöperatie Vlaamse Ardennen"],
    "déménagement": ["Kringwinkel Denderland", "Kringwinkel Limburg Zuid"],
    "traiteur": ["Sociaal Restaurant De Keukenbrug", "Denderwerk", "Brugse Kaaikeuken"],
    "menuiserie": ["Atelier Hasselt Arbeidszorg", "Kortrijkse Werkplaats", "Bree Montage"],
    "impression": ["Gentse Scanstraat", "Atelier Tongria", "Mailinghuis Houthalen"],
    "restauration": ["Sociaal Restaurant De Keukenbrug", "Sociaal Restaurant De Smaak"],
}

POSTGRES_ONLY = {
    "verpakking": ["Denderwerk", "Havenatelier Antwerpen", "Maatwerk Maasland"],
    "groen": ["De Groene Kans", "Groenwerk Haspengouw", "Kempense Groenzorg"],
    "entretien des espaces verts": ["De Groene Kans", "Groen & Co Peer", "Wijkwerk Kinrooi"],
    "réparation de vélos": ["Herstelatelier Leopoldsburg", "Fietsatelier Oudenaarde"],
    "restauration": [
        "Sociaal Restaurant De Keukenbrug",
        "Sociaal Restaurant De Smaak",
        "Brugse Kaaikeuken",
    ],
}


@pytest.fixture
def demo(reference_data, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


def first(client, q, how_many, **parameters):
    response = client.get("/organisations/", {"q": q, **parameters})
    assert response.status_code == 200
    return [organisation.name for organisation in response.context["organisations"]][:how_many]


def pinned(client, expected):
    return {q: first(client, q, len(names)) for q, names in expected.items()}


def test_dutch_searches_rank_those_that_offer_it_first(demo, client):
    assert len(SHARED_NL) >= 15
    assert pinned(client, SHARED_NL) == SHARED_NL


def test_french_searches_rank_those_that_offer_it_first(demo, client):
    assert len(SHARED_FR) >= 5
    assert pinned(client, SHARED_FR) == SHARED_FR


@pytest.mark.postgres
def test_stemmed_and_weighted_searches_on_postgresql(demo, client):
    assert pinned(client, POSTGRES_ONLY) == POSTGRES_ONLY


def test_a_search_near_a_place_finds_who_offers_it_there(demo, client):
    # The demo's user report: a bakery that mentions cleaning is no cleaning firm.
    assert first(client, "schoonmaak", 3, postcode="3700", km="30") == [
        "Schoonmaakcoöperatie Lanaken"
    ]
