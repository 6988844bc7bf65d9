"""The dashboard of a user acting for a social enterprise: its candidates and offers with their
states, and the open opportunities that fit its services and region, in a fixed number of
queries."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from portal.models import ServiceCategory
from tests.factories import (
    CandidateFactory,
    OfferedServiceFactory,
    OfferFactory,
    OrganisationFactory,
    ServiceRequestFactory,
    VacancyFactory,
    postcode,
)
from vacancies import fitting

pytestmark = pytest.mark.django_db

URL = "/en/dashboard/"


def category(slug):
    return ServiceCategory.objects.get(slug=slug)


def published(factory, code="3700", days_ago=1, **fields):
    """A published opportunity of a new firm at `code`, published `days_ago` days ago."""
    fields.setdefault("organisation", OrganisationFactory(postcode=postcode(code)))
    return factory(
        status="published",
        postcode=postcode(code),
        published_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def enterprise(world):
    """Groenwerk Tongeren (3700): green maintenance within 25 km, catering in all of Flanders."""
    OfferedServiceFactory(
        organisation=world.enterprise, category=category("groenonderhoud"), radius_km=25
    )
    OfferedServiceFactory(
        organisation=world.enterprise, category=category("catering"), radius_km=None
    )
    return world.enterprise


def test_the_enterprise_sees_its_offers_and_candidates_with_their_states(client, world, enterprise):
    offer = OfferFactory(
        service_request=world.service_request, enterprise=enterprise, status="in_conversation"
    )
    candidate = CandidateFactory(vacancy=world.vacancy, enterprise=enterprise, status="accepted")
    client.force_login(world.enterprise_member)

    html = client.get(URL).content.decode()

    assert "Answers of Groenwerk Tongeren" in html
    assert f'href="/en/requests/{offer.service_request.code}/#respond"' in html
    assert f'href="/en/vacancies/{candidate.vacancy.code}/#respond"' in html
    assert '<span class="badge badge--warning">In conversation</span>' in html
    assert '<span class="badge badge--success">Accepted</span>' in html


def test_service_requests_fit_by_category_and_radius(world, enterprise):
    near_green = published(ServiceRequestFactory, "3700", category=category("groenonderhoud"))
    hasselt_green = published(ServiceRequestFactory, "3500", category=category("groenonderhoud"))
    brussels_green = published(ServiceRequestFactory, "1000", category=category("groenonderhoud"))
    bruges_catering = published(ServiceRequestFactory, "8000", category=category("catering"))
    near_cleaning = published(ServiceRequestFactory, "3700", category=category("schoonmaak"))
    draft_green = ServiceRequestFactory(category=category("groenonderhoud"))
    own_green = published(
        ServiceRequestFactory, "3700", organisation=enterprise, category=category("groenonderhoud")
    )
    answered = published(ServiceRequestFactory, "3700", category=category("groenonderhoud"))
    OfferFactory(service_request=answered, enterprise=enterprise)

    found = fitting.requests_for(enterprise, list(enterprise.services.all()))

    # The world's own request is green maintenance in Tongeren too.
    expected = {world.service_request, near_green, hasselt_green, bruges_catering}
    assert set(found) == expected
    for excluded in [brussels_green, near_cleaning, draft_green, own_green, answered]:
        assert excluded not in found


def test_the_newest_ten_of_each_kind_of_answer(world):
    from vacancies import responses

    candidates = [CandidateFactory(enterprise=world.enterprise) for _ in range(3)]
    offers = [OfferFactory(enterprise=world.enterprise) for _ in range(12)]

    found_candidates, found_offers = responses.answers_of(world.enterprise)

    assert found_candidates == candidates[::-1]
    assert found_offers == offers[::-1][:10]


def test_without_services_no_request_fits(world):
    published(ServiceRequestFactory, "3700")

    assert fitting.requests_for(world.enterprise, []) == []


def test_vacancies_fit_within_30_km(world, enterprise):
    hasselt = published(VacancyFactory, "3500")
    antwerp = published(VacancyFactory, "2000")
    VacancyFactory(postcode=postcode("3700"))  # a draft

    found = fitting.vacancies_near(enterprise)

    assert world.vacancy in found
    assert hasselt in found
    assert antwerp not in found
    assert all(vacancy.status == "published" for vacancy in found)


def test_newest_first_and_at_most_ten(world, enterprise):
    requests = [
        published(ServiceRequestFactory, "3700", days_ago=days, category=category("catering"))
        for days in range(2, 14)
    ]

    found = fitting.requests_for(enterprise, list(enterprise.services.all()))

    # The world's request was published just now.
    assert found == [world.service_request, *requests[:9]]


def test_the_dashboard_links_the_fitting_opportunities(client, world, enterprise):
    bruges_catering = published(
        ServiceRequestFactory, "8000", category=category("catering"), title="Broodjeslunch"
    )
    client.force_login(world.enterprise_member)

    html = client.get(URL).content.decode()

    assert f'href="/en/requests/{bruges_catering.code}/"' in html
    assert "Broodjeslunch" in html
    assert f'href="/en/vacancies/{world.vacancy.code}/"' in html
    assert 'href="/en/requests/?postcode=3700"' in html


def test_an_enterprise_without_services_is_invited_to_add_them(client, world):
    client.force_login(world.enterprise_member)

    html = client.get(URL).content.decode()

    assert f'href="/en/organisations/{world.enterprise.slug}/services/"' in html


def test_a_regular_firm_gets_no_enterprise_section(client, world):
    client.force_login(world.owner)

    assert "Answers of" not in client.get(URL).content.decode()


def fill(enterprise, count):
    """`count` offers, candidates and fitting requests of each kind."""
    for _ in range(count):
        OfferFactory(
            service_request=published(ServiceRequestFactory, "3700"), enterprise=enterprise
        )
        CandidateFactory(vacancy=published(VacancyFactory, "3500"), enterprise=enterprise)
        published(ServiceRequestFactory, "3600", category=category("groenonderhoud"))
        published(ServiceRequestFactory, "9000", category=category("catering"))


def test_the_enterprise_part_takes_six_queries(rf, world, enterprise, django_assert_num_queries):
    fill(enterprise, 12)
    request = rf.get(URL)
    request.user = world.enterprise_member
    request.session = {}
    template = Template("{% load vacancies_tags %}{% my_responses %}")

    # The acting membership, services, candidates and offers (one query), fitting requests,
    # vacancies near, and the postcode for the links to the search pages.
    with django_assert_num_queries(6):
        html = template.render(Context({"request": request}))

    # Ten offers and ten requests that fit; ten candidates and ten vacancies near; a search link.
    assert html.count('<a href="/requests/') == 10 + 10 + 1
    assert html.count('<a href="/vacancies/') == 10 + 10 + 1


def test_the_dashboard_page_does_not_grow_with_the_rows(
    client, world, enterprise, django_assert_max_num_queries
):
    client.force_login(world.enterprise_member)
    fill(enterprise, 1)
    client.get(URL)  # the session settles on the first request

    with django_assert_max_num_queries(PAGE_QUERIES) as few:
        assert client.get(URL).status_code == 200
    fill(enterprise, 12)
    with django_assert_max_num_queries(PAGE_QUERIES) as many:
        assert client.get(URL).status_code == 200

    assert len(few.captured_queries) == len(many.captured_queries)


# The whole page for a user acting for a social enterprise: session and user (2), the
# organisations part (companies: 6), the enterprise part (the six above but the acting
# membership, which companies.access keeps on the request: 5), the poster part (2),
# collaborations waiting for confirmation (1), vouchers to redeem (1).
PAGE_QUERIES = 17
