"""/reports/vacancies/ (e) and /reports/requests/ (f): vacancies and doorstroom placements,
service requests and accepted offers, per province and year; suppressed on the posting firms.

The world: employers in Antwerpen (2000), Tongeren (3700, in Zuidoost-Limburg) and Leuven
(3000); see `world` for what each posted and when.
"""

from datetime import date, datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.models import Region, ServiceCategory
from tests.companies.test_reports import (
    csv_table,
    figures,
    json_table,
    not_used,
    page_table,
    url,
)
from tests.factories import (
    CandidateFactory,
    OfferFactory,
    OrganisationFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    VacancyFactory,
    log_in_as,
    postcode,
)
from vacancies.models import Placement


def moment(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 12, 0))


def vacancy(organisation, published, *, open_to_doorstroom=False, status="published"):
    return VacancyFactory(
        organisation=organisation,
        status=status,
        published_at=published,
        open_to_doorstroom=open_to_doorstroom,
    )


def place(vacancy, enterprise, on):
    candidate = CandidateFactory(
        vacancy=vacancy, enterprise=enterprise, status="accepted", decided_at=moment(*on)
    )
    return Placement.objects.create(
        response=candidate,
        vacancy=vacancy,
        employer=vacancy.organisation,
        enterprise=enterprise,
        placed_on=date(*on),
    )


def request(organisation, published, category="groenonderhoud", status="published"):
    return ServiceRequestFactory(
        organisation=organisation,
        status=status,
        published_at=published,
        category=ServiceCategory.objects.get(slug=category),
    )


def offer(service_request, enterprise, *, status="accepted", decided=None):
    return OfferFactory(
        service_request=service_request, enterprise=enterprise, status=status, decided_at=decided
    )


@pytest.fixture
def world(reference_data, db):
    e1, e2, e3 = (
        OrganisationFactory(name=f"Antwerpse werkgever {n}", postcode=postcode("2000"))
        for n in (1, 2, 3)
    )
    tongeren = OrganisationFactory(name="Tongerse werkgever", postcode=postcode("3700"))
    leuven = OrganisationFactory(name="Leuvense werkgever", postcode=postcode("3000"))
    s1 = SocialEnterpriseFactory(name="Maatwerk Antwerpen", postcode=postcode("2000"))
    s2 = SocialEnterpriseFactory(name="Maatwerk Tongeren", postcode=postcode("3700"))
    # 2019: four vacancies of three employers in Antwerpen, two of e1 open to doorstroom.
    first = vacancy(e1, moment(2019, 2, 1), open_to_doorstroom=True)
    second = vacancy(e1, moment(2019, 9, 1), open_to_doorstroom=True)
    third = vacancy(e2, moment(2019, 3, 1))
    vacancy(e3, moment(2019, 12, 31))
    vacancy(e2, None, status="draft")  # never published: not counted
    in_tongeren = vacancy(tongeren, moment(2019, 5, 1))
    vacancy(leuven, moment(2020, 1, 5))
    # Three candidates accepted in Antwerpen in 2019, by two employers; one in Tongeren.
    place(first, s1, (2019, 4, 1))
    place(second, s1, (2019, 10, 1))
    place(third, s1, (2019, 6, 1))
    place(in_tongeren, s2, (2019, 7, 1))
    CandidateFactory(vacancy=third, enterprise=s2, status="declined")  # not counted
    # 2021: requests of three firms in Antwerpen (one for catering), each with an accepted
    # offer; one of Tongeren with a declined offer; a draft request.
    requests = [request(e, moment(2021, 3, n)) for n, e in enumerate((e1, e2, e3), start=1)]
    requests.append(request(e1, moment(2021, 6, 1), category="catering"))
    for service_request in requests:
        offer(service_request, s1, decided=moment(2021, 7, 1))
    offer(request(tongeren, moment(2021, 4, 1)), s2, status="declined", decided=moment(2021, 5, 1))
    request(e2, None, status="draft")
    regisseur = StaffFactory(name="Rita Regisseur")
    Region.objects.get(slug="zuidoost-limburg").regisseurs.add(regisseur)
    return SimpleNamespace(
        e1=e1,
        tongeren=tongeren,
        regisseur=regisseur,
        other_regisseur=StaffFactory(name="Vera Vlaams-Brabant"),
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
    )


NOTHING_E = {"vacancies": 0, "open": 0, "placed": 0}
OTHERS = ("oost-vlaanderen", "west-vlaanderen")


def test_vacancies_and_doorstroom_per_province_and_year_in_full(client, world):
    log_in_as(client, world.administrator)
    assert figures(client, "vacancies", **{"from": "2019", "to": "2020"}) == {
        "2019:antwerpen": {"vacancies": 4, "open": 2, "placed": 3},
        "2019:limburg": {"vacancies": 1, "open": 0, "placed": 1},
        "2019:vlaams-brabant": NOTHING_E,
        **{f"2019:{slug}": NOTHING_E for slug in OTHERS},
        "2019:all": {"vacancies": 5, "open": 2, "placed": 4},
        "2020:antwerpen": NOTHING_E,
        "2020:limburg": NOTHING_E,
        "2020:vlaams-brabant": {"vacancies": 1, "open": 0, "placed": 0},
        **{f"2020:{slug}": NOTHING_E for slug in OTHERS},
        "2020:all": {"vacancies": 1, "open": 0, "placed": 0},
    }


def test_vacancies_in_public_hide_figures_of_fewer_than_3_employers(client, world):
    found = figures(client, "vacancies", **{"from": "2019", "to": "2019"})
    # Four vacancies but two of them of one employer: counted on the employers.
    # Published vacancies are public (/vacancies/ lists them): shown as they are. Placements
    # are not: fewer than 3 employers in each province, hidden; 3 in all, shown.
    assert found["2019:antwerpen"] == {"vacancies": 4, "open": 2, "placed": "x"}
    assert found["2019:limburg"] == {"vacancies": 1, "open": 0, "placed": "x"}
    assert found["2019:all"] == {"vacancies": 5, "open": 2, "placed": 4}


def test_requests_and_accepted_offers_per_province_and_year(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "requests", **{"from": "2021", "to": "2021"})
    assert found["2021:antwerpen"] == {"requests": 4, "accepted": 4}
    assert found["2021:limburg"] == {"requests": 1, "accepted": 0}
    assert found["2021:all"] == {"requests": 5, "accepted": 4}
    client.logout()
    found = figures(client, "requests", **{"from": "2021", "to": "2021"})
    assert found["2021:antwerpen"] == {"requests": 4, "accepted": 4}
    assert found["2021:limburg"] == {"requests": 1, "accepted": 0}
    assert found["2021:all"] == {"requests": 5, "accepted": 4}


def test_the_category_filter_narrows_requests_and_offers(client, world):
    log_in_as(client, world.administrator)
    params = {"from": "2021", "to": "2021", "category": "catering"}
    assert figures(client, "requests", **params)["2021:antwerpen"] == {
        "requests": 1,
        "accepted": 1,
    }


def test_the_province_filter_narrows_to_one_province(client, world):
    log_in_as(client, world.administrator)
    found = figures(client, "vacancies", **{"from": "2019", "to": "2019", "province": "limburg"})
    assert found == {"2019:limburg": {"vacancies": 1, "open": 0, "placed": 1}}


def test_a_regisseur_sees_their_region_in_full_and_the_employers_behind(client, world):
    log_in_as(client, world.regisseur)
    params = {"from": "2019", "to": "2019", "region": "zuidoost-limburg"}
    assert figures(client, "vacancies", **params) == {
        "2019:limburg": {"vacancies": 1, "open": 0, "placed": 1}
    }
    response = client.get(url("vacancies"), {**params, "row": "2019:limburg", "column": "placed"})
    assert [o.name for o in response.context["behind"].organisations] == ["Tongerse werkgever"]


def test_a_regisseur_of_another_region_and_visitors_see_public_figures(client, world):
    params = {"from": "2019", "to": "2019", "region": "zuidoost-limburg"}
    for user in (None, world.other_regisseur):
        if user:
            log_in_as(client, user)
        assert figures(client, "vacancies", **params)["2019:limburg"]["placed"] == "x"
        response = client.get(url("vacancies"), {**params, "row": "2019:limburg", "column": "open"})
        assert response.context["behind"] is None


def test_an_administrator_sees_who_is_behind_accepted_offers(client, world):
    log_in_as(client, world.administrator)
    response = client.get(
        url("requests"),
        {"from": "2021", "to": "2021", "row": "2021:antwerpen", "column": "accepted"},
    )
    behind = response.context["behind"]
    assert behind.count == 3
    assert [o.name for o in behind.organisations] == [f"Antwerpse werkgever {n}" for n in (1, 2, 3)]


@pytest.mark.parametrize("slug", ["vacancies", "requests"])
@pytest.mark.parametrize("who", ["anonymous", "regisseur", "administrator"])
def test_the_exports_say_exactly_what_the_page_says(client, world, slug, who):
    params = {"from": "2019", "to": "2021"}
    if who != "anonymous":
        log_in_as(client, getattr(world, who))
    if who == "regisseur":
        params["region"] = "zuidoost-limburg"
    page = page_table(client.get(url(slug), params))
    assert len(page) > 2
    assert csv_table(client.get(url(slug), {**params, "format": "csv"})) == page
    assert json_table(client.get(url(slug), {**params, "format": "json"})) == page


def test_vacancies_know_no_service_category(client, world):
    response = client.get(url("vacancies"), {"category": "catering"})
    assert "category" not in response.context["form"].fields
    assert not_used() not in response.content.decode()


@pytest.mark.parametrize("params", [{"from": "twee"}, {"province": "\x00"}, {"to": "-1"}])
def test_a_bad_filter_is_reported(client, world, params):
    response = client.get(url("requests"), params)
    assert response.status_code == 200
    assert not_used() in response.content.decode()


# The form's choices (vacancies: province and region; requests: and category) and the data
# version; unless the table is cached for that version, the provinces and one grouped query per
# measure's table (vacancies and placements; requests and offers), and one for the distinct
# employers (requesters) of the confidential column's total over the provinces; and the years
# that hold data (the form's default range).
PAGE = {"vacancies": 2 + 1, "requests": 3 + 1}
BUILD = 1 + 2 + 1 + 1


@pytest.mark.parametrize("slug", sorted(PAGE))
def test_a_fixed_number_of_queries_whatever_the_data(
    client, world, django_assert_num_queries, slug
):
    with django_assert_num_queries(PAGE[slug] + BUILD):
        assert client.get(url(slug)).status_code == 200
    s3 = SocialEnterpriseFactory(postcode=postcode("9000"))
    for n in range(30):
        employer = OrganisationFactory(postcode=postcode(("2000", "3000", "9000")[n % 3]))
        posted = vacancy(employer, moment(2013 + n % 10, 1 + n % 12, 1), open_to_doorstroom=n % 2)
        place(posted, s3, (2013 + n % 10, 1 + n % 12, 2))
        offer(request(employer, moment(2013 + n % 10, 1, 1)), s3, decided=moment(2014, 1, 1))
    with django_assert_num_queries(PAGE[slug] + BUILD):
        assert client.get(url(slug)).status_code == 200
    with django_assert_num_queries(PAGE[slug]):
        assert client.get(url(slug)).status_code == 200
