"""The helper's words in Dutch (the default) and French."""

import pytest
from django.utils import translation

from procurement import advice, cpv
from procurement.models import Route

pytestmark = pytest.mark.django_db


def counts(**pairs):
    return {route: pairs.get(route, (0, 0)) for route in Route.values}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nl",
            "5 geverifieerde ondernemingen die een voorbehouden opdracht mogen uitvoeren, "
            "bereiken 3500 Hasselt voor groenonderhoud: een voorbehouden opdracht is realistisch.",
        ),
        (
            "fr",
            "5 entreprises vérifiées pouvant exécuter un marché réservé desservent 3500 Hasselt "
            "pour groenonderhoud : un marché réservé est réaliste.",
        ),
    ],
)
def test_the_reason_is_translated(language, expected):
    with translation.override(language):
        _route, reason = advice.recommend(
            counts(reserved_contract=(5, 5)), place="3500 Hasselt", category="groenonderhoud"
        )
    assert reason == expected


def test_an_unknown_cpv_code_is_reported_in_dutch():
    with translation.override("nl"), pytest.raises(cpv.CpvError, match="onbekende CPV-code"):
        cpv.lookup("79530000-8")


def test_the_helper_page_is_dutch_at_the_root(client, reference_data):
    html = client.get("/buying/").content.decode()
    assert "Aankopen met sociale impact" in html
    assert "Voeg een aankoop toe" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nl",
            "Geen enkele in aanmerking komende onderneming bereikt alle 3 plaatsen voor "
            "groenonderhoud; 2 samen wel: een gezamenlijke offerte (tijdelijke "
            "handelsvereniging) of percelen per gebied.",
        ),
        (
            "fr",
            "Aucune entreprise éligible ne dessert à elle seule les 3 lieux pour groenonderhoud "
            "; 2 ensemble les desservent : une offre conjointe (association momentanée, "
            "tijdelijke handelsvereniging) ou des lots par zone.",
        ),
    ],
)
def test_the_joint_reason_is_translated(language, expected):
    joint = advice.Joint(members=[object(), object()], routes=set(), distance_km=0)
    with translation.override(language):
        route, reason = advice.recommend(
            counts(), place="3500 Hasselt", category="groenonderhoud", joint=joint, places=3
        )
    assert (route, reason) == (advice.JOINT, expected)
