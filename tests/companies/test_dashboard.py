"""The dashboard shows a user's organisations, the one they act for, and what waits for them."""

import pytest

from companies.access import ACTING_SESSION_KEY
from tests.factories import JoinRequestFactory, OrganisationFactory, OwnerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/en/dashboard/"


def test_without_organisations_it_invites_to_create_or_join_one(client, reference_data):
    client.force_login(UserFactory())

    page = client.get(URL).content.decode()

    assert 'href="/en/organisations/new/"' in page
    assert 'href="/en/organisations/join/"' in page
    assert "You do not belong to an organisation yet" in page


def test_it_lists_organisations_roles_and_links(client, world):
    client.force_login(world.owner)

    page = client.get(URL).content.decode()

    assert world.organisation.name in page
    assert "Owner" in page
    assert "You act for this organisation." in page
    slug = world.organisation.slug
    for path in ["edit/", "services/", "members/"]:
        assert f'href="/en/organisations/{slug}/{path}"' in page


def test_an_editor_gets_no_members_link(client, world):
    client.force_login(world.editor)

    page = client.get(URL).content.decode()

    assert "Editor" in page
    assert f"/organisations/{world.organisation.slug}/members/" not in page


def test_owners_see_requests_to_join_and_can_answer_them_there(client, world):
    client.force_login(world.owner)

    page = client.get(URL).content.decode()

    assert "Requests to join your organisations" in page
    assert world.join_request.user.get_full_name() in page
    decide = (
        f"/en/organisations/{world.organisation.slug}/join-requests/{world.join_request.pk}/decide/"
    )
    assert f'action="{decide}"' in page


def test_editors_do_not_see_requests_to_join(client, world):
    client.force_login(world.editor)

    assert "Requests to join your organisations" not in client.get(URL).content.decode()


def test_a_user_of_two_organisations_switches_the_one_they_act_for(client, world):
    second = OrganisationFactory(name="Tweede Zaak")
    OwnerFactory(organisation=second, user=world.owner)
    client.force_login(world.owner)
    client.post(f"/en/organisations/{world.organisation.slug}/act/")

    page = client.get(URL).content.decode()
    assert f'action="/en/organisations/{second.slug}/act/"' in page

    response = client.post(f"/en/organisations/{second.slug}/act/", {"next": URL})

    assert response["Location"] == URL
    assert client.session[ACTING_SESSION_KEY] == second.pk
    assert f'action="/en/organisations/{world.organisation.slug}/act/"' in (
        client.get(URL).content.decode()
    )


def test_one_acts_only_for_ones_own_organisations(client, world, other_world):
    client.force_login(world.owner)

    response = client.post(f"/en/organisations/{other_world.organisation.slug}/act/")

    assert response.status_code == 404
    assert client.session.get(ACTING_SESSION_KEY) != other_world.organisation.pk


def test_own_requests_to_join_are_listed(client, world, other_world):
    client.force_login(world.stranger)
    JoinRequestFactory(user=world.stranger, organisation=other_world.organisation)

    page = client.get(URL).content.decode()

    assert f"{other_world.organisation.name}: waiting for an owner to answer" in page


def test_the_dashboard_runs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for _ in range(5):
        OwnerFactory(user=world.owner)
        JoinRequestFactory(organisation=world.organisation)
    client.force_login(world.owner)

    # The whole page, whose organisation acts as a social enterprise: it also shows that
    # enterprise's answers and fitting opportunities (5 queries more, pinned in
    # tests/vacancies/test_enterprise_dashboard.py), what it posted (2 more), collaborations
    # waiting for its confirmation (1) and the vouchers it may redeem (1).
    with django_assert_max_num_queries(17):
        client.get(URL)
