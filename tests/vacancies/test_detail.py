"""Who sees what on an opportunity's page: public when published, expired or closed; drafts only
for the poster's members; the poster's controls only for them."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import MembershipFactory, ServiceRequestFactory, VacancyFactory
from vacancies.models import Support

pytestmark = pytest.mark.django_db


def url(opportunity, kind=None):
    kind = kind or ("vacancies" if opportunity._meta.model_name == "vacancy" else "requests")
    return f"/en/{kind}/{opportunity.code}/"


def test_a_published_vacancy_is_public_with_its_poster_place_and_facts(client, world):
    world.employer.verified_at = timezone.now()
    world.employer.save(update_fields=["verified_at"])
    world.vacancy.supports.set(Support.objects.filter(slug="mentor"))
    world.vacancy.start_date = timezone.localdate() + timedelta(days=40)
    world.vacancy.save()

    response = client.get(url(world.vacancy))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Keukenhulp</h1>" in page
    assert f'href="/en/organisations/{world.employer.slug}/"' in page
    assert '<span class="badge badge--verified">Verified</span>' in page
    assert "Tongeren-Borgloon" in page  # the municipality since the 2025 merger
    assert "Permanent contract" in page
    assert "Mentor or buddy" in page
    assert "Open to people from the social economy" in page
    assert "Manage" not in page


def test_a_published_service_request_shows_category_period_volume_and_budget(client, world):
    today = timezone.localdate()
    request = ServiceRequestFactory(
        organisation=world.employer,
        status="published",
        published_at=timezone.now(),
        period_start=today + timedelta(days=10),
        period_end=today + timedelta(days=20),
        volume="5.000 geschenkdozen",
        budget_band="5k-25k",
    )

    page = client.get(url(request)).content.decode()

    assert request.category.name_en in page
    assert "5.000 geschenkdozen" in page
    assert "€5,000 to €25,000" in page
    assert " to " in page  # the period


@pytest.mark.parametrize("attribute", ["draft_vacancy", "draft_request"])
@pytest.mark.parametrize(
    "role", [None, "stranger", "enterprise_member", "regisseur", "other_regisseur", "administrator"]
)
def test_a_draft_is_not_found_by_anybody_but_the_posters_members(client, world, attribute, role):
    if role:
        client.force_login(getattr(world, role))

    assert client.get(url(getattr(world, attribute))).status_code == 404


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_the_posters_members_see_their_draft_marked_as_one(client, world, role):
    client.force_login(getattr(world, role))

    page = client.get(url(world.draft_vacancy)).content.decode()

    assert "This is a draft: only the members of Bakkerij Mergelland see it." in page
    assert f'action="/en/vacancies/{world.draft_vacancy.code}/publish/"' in page
    assert f'href="/en/vacancies/{world.draft_vacancy.code}/edit/"' in page


def test_an_expired_one_stays_public_and_is_clearly_marked(client, world):
    closing = timezone.localdate() - timedelta(days=3)
    expired = VacancyFactory(
        organisation=world.employer,
        status="expired",
        closing_date=closing,
        published_at=timezone.now() - timedelta(days=30),
        expired_at=timezone.now() - timedelta(days=2),
    )

    response = client.get(url(expired))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<span class="badge badge--warning">Expired</span>' in page
    with translation.override("en"):
        assert f"The closing date was {date_format(closing)}." in page


def test_a_closed_one_stays_public_and_says_why(client, world):
    closed = ServiceRequestFactory(
        organisation=world.employer,
        status="closed",
        closed_reason="filled",
        closed_at=timezone.now(),
    )

    page = client.get(url(closed)).content.decode()

    assert "Closed: filled" in page
    assert "It takes no more answers." in page


def test_the_poster_gets_extend_and_close_for_a_published_one_and_reopen_for_a_closed_one(
    client, world
):
    client.force_login(world.editor)
    closed = VacancyFactory(organisation=world.employer, status="closed", closed_reason="filled")

    published = client.get(url(world.vacancy)).content.decode()
    reopen = client.get(url(closed)).content.decode()

    code = world.vacancy.code
    assert f'action="/en/vacancies/{code}/extend/"' in published
    assert f'action="/en/vacancies/{code}/close/"' in published
    assert 'name="reason" value="filled"' in published
    assert "/reopen/" not in published
    assert f'action="/en/vacancies/{closed.code}/reopen/"' in reopen
    assert "/extend/" not in reopen and "/edit/" not in reopen


def test_a_code_of_one_kind_is_not_found_under_the_other(client, world):
    assert client.get(url(world.vacancy, kind="requests")).status_code == 404
    assert client.get(url(world.service_request, kind="vacancies")).status_code == 404
    assert client.get("/en/vacancies/does-not-exist/").status_code == 404


def test_the_responses_slot_is_for_the_posters_members_and_the_answer_slot_for_enterprises(
    client, world, slots
):
    slots(responses="[responses slot]", respond="[respond slot]")

    def page_for(user):
        client.logout()
        if user:
            client.force_login(user)
        return client.get(url(world.vacancy)).content.decode()

    member_page = page_for(world.editor)
    assert "[responses slot]" in member_page and "[respond slot]" not in member_page
    enterprise_page = page_for(world.enterprise_member)
    assert "[respond slot]" in enterprise_page and "[responses slot]" not in enterprise_page
    for user in [None, world.stranger, world.regisseur]:
        page = page_for(user)
        assert "[responses slot]" not in page and "[respond slot]" not in page


def test_a_social_enterprise_that_posts_sees_its_own_controls_not_the_answer_slot(
    client, world, slots
):
    slots(respond="[respond slot]")
    own = VacancyFactory(organisation=world.enterprise, status="published")
    client.force_login(world.enterprise_member)

    page = client.get(url(own)).content.decode()

    assert "[respond slot]" not in page
    assert f'action="/en/vacancies/{own.code}/close/"' in page


@pytest.mark.parametrize("role", [None, "owner"])
def test_the_page_takes_a_fixed_number_of_queries(
    client, world, role, slots, django_assert_num_queries
):
    slots()
    world.vacancy.supports.set(Support.objects.all())
    if role:
        MembershipFactory(user=getattr(world, role))  # a second organisation in the session
        client.force_login(getattr(world, role))

    # Anonymous: the opportunity and its supports. Logged in, also: the session, the user,
    # whether they are a member, their memberships (the one they act for) and, for a member,
    # how many social enterprises were matched.
    with django_assert_num_queries(2 if role is None else 7):
        assert client.get(url(world.vacancy)).status_code == 200
