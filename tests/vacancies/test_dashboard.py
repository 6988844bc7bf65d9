"""The poster's part of the dashboard: its opportunities, drafts included, with their responses
per state, in a fixed number of queries however many there are."""

import re

import pytest

from companies.access import ACTING_SESSION_KEY
from tests.factories import (
    OrganisationFactory,
    OwnerFactory,
    ServiceRequestFactory,
    SocialEnterpriseFactory,
    UserFactory,
    VacancyFactory,
)
from vacancies.models import Response

pytestmark = pytest.mark.django_db

URL = "/en/dashboard/"


def answer(opportunity, status, enterprise=None):
    field = "vacancy" if opportunity._meta.model_name == "vacancy" else "service_request"
    return Response.objects.create(
        **{field: opportunity},
        enterprise=enterprise or SocialEnterpriseFactory(),
        message="Wij hebben iemand voor u.",
        status=status,
    )


def row_of(page, opportunity):
    """The table row of an opportunity, its cells' text without tags."""
    row = re.search(
        rf"<tr>\s*<th scope=\"row\"><a href=\"[^\"]*{opportunity.code}/\">.*?</tr>", page, re.S
    )
    assert row, f"{opportunity} is not on the dashboard"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(0), re.S)
    ]


def test_the_poster_sees_drafts_and_published_ones_with_responses_per_state(client, world):
    for status in ["new", "new", "in_conversation", "accepted", "declined", "declined"]:
        answer(world.vacancy, status)
    answer(world.service_request, "in_conversation")
    client.force_login(world.editor)

    page = client.get(URL).content.decode()

    assert "Vacancies and service requests of Bakkerij Mergelland" in page
    assert 'href="/en/vacancies/new/"' in page
    assert 'href="/en/requests/new/"' in page
    vacancy = row_of(page, world.vacancy)
    assert vacancy[0] == "Keukenhulp"
    assert vacancy[1] == "Open"
    assert vacancy[3:] == ["2", "1", "1", "2"]
    assert row_of(page, world.draft_vacancy)[1:2] == ["Draft"]
    assert row_of(page, world.draft_vacancy)[3:] == ["0", "0", "0", "0"]
    assert row_of(page, world.service_request)[3:] == ["0", "1", "0", "0"]
    assert row_of(page, world.draft_request)[0] == "Verpakken geschenkdozen"
    # Drafts first: the work that waits for the poster.
    assert page.index(world.draft_vacancy.code) < page.index(world.vacancy.code)


def test_only_the_acting_organisations_opportunities_are_shown(client, world, other_world):
    second = OrganisationFactory(name="Zaal Tweede")
    OwnerFactory(organisation=second, user=world.owner)
    mine = VacancyFactory(organisation=second, title="Zaalbediende")
    client.force_login(world.owner)
    session = client.session
    session[ACTING_SESSION_KEY] = second.pk
    session.save()

    page = client.get(URL).content.decode()

    assert "Vacancies and service requests of Zaal Tweede" in page
    assert mine.code in page
    for other in [world.vacancy, world.draft_request, other_world.vacancy]:
        assert other.code not in page


def test_a_user_without_an_organisation_gets_no_poster_section(client, reference_data):
    client.force_login(UserFactory())

    page = client.get(URL).content.decode()

    assert "Vacancies and service requests of" not in page
    assert 'href="/en/vacancies/new/"' not in page


def test_an_organisation_that_posted_nothing_is_invited_to_post(client, reference_data):
    owner = OwnerFactory(organisation=OrganisationFactory(name="Nieuwe Zaak")).user
    client.force_login(owner)

    page = client.get(URL).content.decode()

    assert "You have not posted a vacancy yet." in page
    assert "You have not posted a service request yet." in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_dashboard_takes_the_same_queries_for_2_or_20_opportunities(
    client, reference_data, count, django_assert_num_queries
):
    employer = OrganisationFactory()
    owner = OwnerFactory(organisation=employer).user
    enterprises = [SocialEnterpriseFactory() for _ in range(2)]
    for index in range(count):
        factory = VacancyFactory if index % 2 else ServiceRequestFactory
        opportunity = factory(organisation=employer, status="published")
        for enterprise, status in zip(enterprises, ["new", "accepted"], strict=True):
            answer(opportunity, status, enterprise)
    client.force_login(owner)

    # Session and user (2); the organisations part (memberships twice, addresses, invitations,
    # join requests twice: 6); this part (the vacancies with their counts, the service requests
    # with theirs: 2); collaborations waiting for confirmation (1); the firm's vouchers and the
    # programmes open where it is (2); the acting membership is looked up once per request.
    with django_assert_num_queries(13):
        page = client.get(URL).content.decode()

    assert page.count('<th scope="row">') == count
