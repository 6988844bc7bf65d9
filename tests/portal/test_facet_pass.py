"""The one query behind a list page (portal.facets.FacetedSearch._counted, issue 9): it counts
every facet's options, the results, and finds the asked page's rows in order. These tests hold
its answers against the plain ORM: each option's count is the number of results the page shows
when that option is ticked too, the total is the number of results, and each page holds the
rows the ordered results hold there."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict
from django.urls import reverse

from companies.filters import DirectoryFilter
from companies.models import Organisation
from portal import facets
from tests.factories import listed_organisation, listed_vacancy
from vacancies.filters import VacancyFilter
from vacancies.models import Vacancy

pytestmark = pytest.mark.django_db

PLACES = ["3700", "3500", "9000", "2000", "8000", "1000"]  # Brussels has no province
SERVICES = ["groenonderhoud", "schoonmaak", "catering"]
RECOGNITIONS = ["maatwerkbedrijf", "lokale-diensteneconomie"]


@pytest.fixture
def directory(reference_data):
    """Organisations with every combination of kind, place, services and recognitions."""
    made = []
    for number in range(30):
        made.append(
            listed_organisation(
                name=f"Groenwerk {number}" if number % 3 else f"Werkhuis {number}",
                kind=["social", "regular", "social", "nonprofit"][number % 4],
                code=PLACES[number % len(PLACES)],
                services=SERVICES[: number % 4],
                recognitions=RECOGNITIONS[: number % 3] if number % 4 != 1 else [],
            )
        )
    return made


def search(params, model=Organisation, filterset=DirectoryFilter):
    return filterset(QueryDict(params), queryset=model.objects.all())


def results(params, model=Organisation, filterset=DirectoryFilter):
    """The results as the ORM gives them, without the one query."""
    return list(search(params, model, filterset).qs)


def ticked(params, facet, option):
    """The query string with `option` ticked too in `facet`."""
    data = QueryDict(params, mutable=True)
    data.appendlist(facet["name"], str(option["value"]))
    return data.urlencode()


@pytest.mark.parametrize(
    "params",
    [
        "",
        "q=groenwerk",
        "kind=social",
        "service=groenonderhoud&kind=social",
        "service=groenonderhoud&service=schoonmaak&recognition=maatwerkbedrijf",
        "province=limburg&region=zuidoost-limburg",
        "postcode=3700&km=60&sector=A",
        "q=groenwerk&postcode=9000&km=100&kind=social&kind=regular&verified=1",
        "kind=nonsense&service=%00",  # bad values are left out, here as in the results
    ],
)
def test_every_count_is_the_number_of_results_that_ticking_the_option_brings(directory, params):
    found = search(params)
    assert found.count() == len(results(params))
    for facet in found.facets():
        for option in facet["options"]:
            if option["selected"]:
                continue  # ticking it again changes nothing
            with_it = ticked(params, facet, option)
            if not facet.get("flag"):
                # Within a facet options add up (OR): count what this option alone brings.
                alone = QueryDict(params, mutable=True)
                alone.setlist(facet["name"], [str(option["value"])])
                with_it = alone.urlencode()
            assert option["count"] == len(results(with_it)), (facet["name"], option)


def magazijniers(count):
    """Vacancies in sectors H and C, every other one open to doorstroom (a mentor)."""
    for number in range(count):
        listed_vacancy(
            title=f"Magazijnier {number}",
            supports=["mentor"] if number % 2 else [],
            sector="H" if number % 3 else "C",
        )


def test_the_flag_facet_counts_the_results_with_the_flag(reference_data):
    magazijniers(7)
    found = search("sector=H", Vacancy, VacancyFilter)
    doorstroom = next(facet for facet in found.facets() if facet["name"] == "doorstroom")

    assert doorstroom["options"][0]["count"] == len(
        results("sector=H&doorstroom=1", Vacancy, VacancyFilter)
    )
    assert found.count() == len(results("sector=H", Vacancy, VacancyFilter))


def test_with_the_flag_and_another_facet_chosen_each_counts_without_its_own(reference_data):
    magazijniers(9)
    found = search("sector=H&doorstroom=1", Vacancy, VacancyFilter)
    counts = {
        facet["name"]: {option["value"]: option["count"] for option in facet["options"]}
        for facet in found.facets()
    }

    assert found.count() == len(results("sector=H&doorstroom=1", Vacancy, VacancyFilter))
    # The flag's count keeps the sector; a sector's count keeps the flag.
    assert counts["doorstroom"]["1"] == found.count()
    assert counts["sector"]["C"] == len(results("sector=C&doorstroom=1", Vacancy, VacancyFilter))
    assert counts["sector"]["H"] == found.count() > 0


@pytest.mark.parametrize(
    "params", ["", "sort=name", "sort=newest", "postcode=3700&km=250&sort=distance"]
)
def test_each_page_holds_the_rows_the_ordered_results_hold_there(directory, params):
    everything = [organisation.pk for organisation in results(params)]
    for number in (1, 2, 3):
        page = search(params).paginate(str(number), 7)
        assert [row.pk for row in page] == everything[(number - 1) * 7 : number * 7]
        assert page.paginator.count == len(everything)


@pytest.mark.parametrize(
    ("asked", "served"),
    [("", 1), ("abc", 1), ("0", 1), ("-3", 1), ("2.5", 1), ("99", 5), ("9" * 40, 5)],
)
def test_a_page_beyond_the_last_is_the_last_and_a_bad_one_the_first(directory, asked, served):
    page = search("").paginate(asked, 7)

    assert page.number == served
    assert len(page) == (30 - 28 if served == 5 else 7)


def test_the_cards_of_a_distance_search_carry_the_distance(directory):
    page = search("postcode=3700&km=30").paginate("1", 20)

    assert page.object_list
    assert all(row.distance_km <= 30 for row in page)


def test_a_facet_path_the_pass_cannot_follow_is_refused():
    with pytest.raises(ImproperlyConfigured):
        facets.reach(Organisation, "memberships__user__email")


def test_the_page_says_how_many_results_there_are(client, directory):
    response = client.get("/en" + reverse("companies:directory"), {"per_page": "7"})

    assert response.context["page_obj"].paginator.count == 30
    assert "30 organisations found" in " ".join(response.content.decode().split())


def test_a_page_asked_after_the_facets_were_counted_is_found_all_the_same(directory):
    found = search("")
    found.facets()

    page = found.paginate("2", 7)

    assert [row.pk for row in page] == [row.pk for row in results("")][7:14]
