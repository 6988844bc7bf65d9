"""Issue 23, item 2: counting the eligible enterprises that reach a line's place, per route,
and each branch of the advice (procurement/advice.py)."""

import pytest
from django.utils import timezone

from companies.models import OfferedService
from portal.models import ServiceCategory
from procurement import advice, plans
from procurement.models import Route
from tests.factories import listed_organisation, postcode

pytestmark = pytest.mark.django_db


def entry(code="3500", slug="groenonderhoud", position=1):
    return plans.Entry(
        position=position,
        subject="Maaien van de schoolsite",
        category=ServiceCategory.objects.get(slug=slug),
        postcode=postcode(code),
    )


def enterprise(recognition, *, code="3500", verified=True, radius=25, slug="groenonderhoud"):
    organisation = listed_organisation(
        recognitions=[recognition] if recognition else [],
        code=code,
        verified_at=timezone.now() if verified else None,
    )
    OfferedService.objects.create(
        organisation=organisation,
        category=ServiceCategory.objects.get(slug=slug),
        radius_km=radius,
    )
    return organisation


def counts(total_and_verified):
    """{route: (total, verified)} with the same pair for every route, unless given."""
    return {route: total_and_verified.get(route, (0, 0)) for route in Route.values}


# --- Counting ------------------------------------------------------------------------------


def test_an_enterprise_counts_where_its_radius_reaches(reference_data):
    enterprise("maatwerkbedrijf", code="3700", radius=25)  # Tongeren: about 20 km from Hasselt
    enterprise("maatwerkbedrijf", code="8000", radius=25)  # Brugge: far away
    enterprise("maatwerkbedrijf", code="8000", radius=None)  # Brugge, but all of Flanders

    [line] = advice.analyse([entry("3500")])
    assert line.counts[Route.RESERVED_CONTRACT] == (2, 2)
    assert len(line.enterprises) == 2
    places = sorted(found.municipality for found in line.enterprises)
    assert places == ["Brugge", "Tongeren-Borgloon"]


def test_a_small_radius_does_not_reach_a_place_farther_away(reference_data):
    enterprise("maatwerkbedrijf", code="3700", radius=5)
    [line] = advice.analyse([entry("3500")])
    assert line.counts[Route.RESERVED_CONTRACT] == (0, 0)
    assert line.route == advice.SOUND_OUT


def test_counts_are_per_route_with_the_verified_apart(reference_data):
    enterprise("maatwerkbedrijf", verified=True)
    enterprise("lokale-diensteneconomie", verified=False)
    enterprise("werkervaring", verified=True)
    enterprise(None)  # no recognition: not eligible for any route
    enterprise("maatwerkbedrijf", slug="schoonmaak")  # another service

    [line] = advice.analyse([entry("3500")])
    assert line.counts[Route.RESERVED_CONTRACT] == (2, 1)
    assert line.counts[Route.RESERVED_LOT] == (2, 1)
    assert line.counts[Route.EXECUTION_CLAUSE] == (3, 2)
    assert line.counts[Route.AWARD_CRITERION] == (3, 2)
    # The verified first, then the nearest.
    assert [found.organisation.verified_at is not None for found in line.enterprises] == [
        True,
        True,
        False,
    ]


def test_a_regular_firm_never_counts(reference_data):
    firm = listed_organisation(kind="regular", recognitions=["maatwerkbedrijf"], code="3500")
    OfferedService.objects.create(
        organisation=firm, category=ServiceCategory.objects.get(slug="groenonderhoud")
    )
    [line] = advice.analyse([entry("3500")])
    assert line.enterprises == []


def test_a_plan_of_two_hundred_lines_runs_the_queries_of_a_plan_of_ten(
    reference_data, django_assert_num_queries
):
    for code in ("3500", "3700", "2000", "9000"):
        enterprise("maatwerkbedrijf", code=code)
        enterprise("werkervaring", code=code, slug="schoonmaak")
    codes = ["3500", "3700", "2000", "9000", "8000"]
    slugs = ["groenonderhoud", "schoonmaak", "catering"]

    def plan(length):
        return [
            entry(codes[n % len(codes)], slugs[n % len(slugs)], position=n) for n in range(length)
        ]

    ten, two_hundred = plan(10), plan(200)
    advice.analyse(ten)  # the reference rows in memory
    with django_assert_num_queries(3):
        assert len(advice.analyse(ten)) == 10
    with django_assert_num_queries(3):
        assert len(advice.analyse(two_hundred)) == 200


# --- The rules, one test per branch ---------------------------------------------------------


def recommend(**pairs):
    return advice.recommend(counts(pairs), place="3500 Hasselt", category="groenonderhoud")


def test_three_verified_for_a_reserved_contract_make_it_realistic():
    route, reason = recommend(
        reserved_contract=(5, 5), reserved_lot=(5, 5), execution_clause=(6, 6)
    )
    assert route == Route.RESERVED_CONTRACT
    assert reason == (
        "5 verified enterprises that may take a reserved contract reach 3500 Hasselt for "
        "groenonderhoud: a reserved contract is realistic."
    )


def test_two_for_a_reserved_contract_but_too_few_verified_make_a_reserved_lot():
    route, reason = recommend(reserved_contract=(4, 2), reserved_lot=(4, 2))
    assert route == Route.RESERVED_LOT
    assert reason.startswith("4 enterprises that may take a reserved contract reach 3500 Hasselt")


def test_three_social_enterprises_without_reservation_make_an_award_criterion():
    route, reason = recommend(
        reserved_contract=(1, 1),
        reserved_lot=(1, 1),
        award_criterion=(3, 0),
        execution_clause=(3, 0),
    )
    assert route == Route.AWARD_CRITERION
    assert "give points for social value" in reason


def test_one_enterprise_makes_an_execution_clause():
    route, reason = recommend(
        reserved_contract=(1, 1),
        reserved_lot=(1, 1),
        award_criterion=(1, 1),
        execution_clause=(1, 1),
    )
    assert route == Route.EXECUTION_CLAUSE
    assert reason == (
        "1 social enterprise reaches 3500 Hasselt for groenonderhoud: a reserved lot would "
        "depend on one supplier; use a social clause in the execution."
    )


def test_none_means_sound_out_the_market():
    route, reason = recommend()
    assert route == advice.SOUND_OUT
    assert reason == (
        "No eligible social enterprise reaches 3500 Hasselt for groenonderhoud: sound out the "
        "market first."
    )


def test_the_thresholds_are_where_the_module_says():
    just_below = (advice.RESERVED_CONTRACT_MIN_VERIFIED - 1,) * 2
    assert recommend(reserved_contract=just_below, reserved_lot=just_below)[0] == (
        Route.RESERVED_LOT
    )
    assert recommend(award_criterion=(advice.AWARD_CRITERION_MIN - 1, 0), execution_clause=(2, 0))[
        0
    ] == (Route.EXECUTION_CLAUSE)


def test_every_reaching_enterprise_counts_and_the_first_are_listed(reference_data, monkeypatch):
    monkeypatch.setattr(advice, "SHOWN_PER_LINE", 2)
    enterprise("maatwerkbedrijf", code="3700", verified=False)
    near = enterprise("maatwerkbedrijf", code="3500", verified=False)
    verified_far = enterprise("maatwerkbedrijf", code="3700", verified=True)

    first, second = advice.analyse([entry("3500", position=1), entry("3500", position=2)])
    assert first.total == 3 and first.more
    assert [found.organisation for found in first.enterprises] == [verified_far, near]
    # The same place and service: the same answer, worked out once.
    assert second.enterprises is first.enterprises
