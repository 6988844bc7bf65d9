"""Who may answer opportunities and who may move the answers, through every view that changes
data: anonymous, stranger, member of a regular firm, member of the poster, member of a social
enterprise, regisseurs of the right and of another region, and forged ids and codes."""

import pytest

from tests.factories import (
    CandidateFactory,
    MembershipFactory,
    OfferFactory,
    OrganisationFactory,
    log_in_as,
)
from vacancies.models import Response

pytestmark = pytest.mark.django_db

CANDIDATE = {
    "experience": "Twee jaar in ons atelier.",
    "skills": "Inpakken, etiketteren.",
    "availability": "Voltijds vanaf april.",
    "support_needed": "",
    "message": "Een sterke kandidaat.",
}
OFFER = {"message": "Wij pakken 5.000 dozen in.", "availability": "In mei.", "price_indication": ""}


@pytest.fixture
def firm_member(world):
    return MembershipFactory(organisation=OrganisationFactory(name="Garage Bilzen")).user


@pytest.fixture
def answers(world):
    return {
        "vacancy": CandidateFactory(vacancy=world.vacancy, enterprise=world.enterprise),
        "request": OfferFactory(service_request=world.service_request, enterprise=world.enterprise),
    }


def respond_url(world, kind):
    if kind == "vacancy":
        return f"/en/vacancies/{world.vacancy.code}/respond/", CANDIDATE
    return f"/en/requests/{world.service_request.code}/offer/", OFFER


def move_url(world, kind, response):
    opportunity = world.vacancy if kind == "vacancy" else world.service_request
    path = "vacancies" if kind == "vacancy" else "requests"
    return f"/en/{path}/{opportunity.code}/responses/{response.pk}/move/"


def move_data(response):
    prefix = f"response-{response.pk}"
    return {f"{prefix}-status": "accepted", f"{prefix}-reply": "Akkoord"}


KINDS = ["vacancy", "request"]


# --- Answering ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_is_sent_to_log_in(client, world, kind):
    url, data = respond_url(world, kind)

    for answer in [client.get(url), client.post(url, data)]:
        assert answer.status_code == 302
        assert answer["Location"].startswith("/en/accounts/login/")
    assert not Response.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["stranger", "regisseur", "other_regisseur", "administrator"])
def test_users_without_a_social_enterprise_are_refused_clearly(client, world, kind, who):
    url, data = respond_url(world, kind)
    log_in_as(client, getattr(world, who))

    answer = client.post(url, data)

    assert answer.status_code == 403
    assert "Only members of a social-economy enterprise can respond." in answer.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_of_a_regular_firm_is_refused(client, world, firm_member, kind):
    url, data = respond_url(world, kind)
    log_in_as(client, firm_member)

    answer = client.post(url, data)

    assert answer.status_code == 403
    html = answer.content.decode()
    assert "Only members of a social-economy enterprise can respond." in html
    assert 'href="/en/dashboard/"' in html
    assert not Response.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["owner", "editor"])
def test_the_posters_members_cannot_answer_their_own(client, world, kind, who):
    url, data = respond_url(world, kind)
    log_in_as(client, getattr(world, who))
    # Even when acting for a social enterprise they also belong to.
    MembershipFactory(user=getattr(world, who), organisation=world.enterprise)
    client.post(f"/en/organisations/{world.enterprise.slug}/act/")

    answer = client.post(url, data)

    assert answer.status_code == 403
    assert "Your own organisation posted this" in answer.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_social_enterprise_posting_cannot_answer_its_own(client, world, kind):
    from tests.factories import ServiceRequestFactory, VacancyFactory

    factory = VacancyFactory if kind == "vacancy" else ServiceRequestFactory
    own = factory(organisation=world.enterprise, status="published")
    path = "vacancies" if kind == "vacancy" else "requests"
    action = "respond" if kind == "vacancy" else "offer"
    log_in_as(client, world.enterprise_member)

    answer = client.post(
        f"/en/{path}/{own.code}/{action}/", CANDIDATE if kind == "vacancy" else OFFER
    )

    assert answer.status_code == 403
    assert not Response.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_of_a_social_enterprise_may_answer(client, world, kind):
    url, data = respond_url(world, kind)
    log_in_as(client, world.enterprise_member)

    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    assert Response.objects.get().enterprise == world.enterprise


def test_a_user_of_several_organisations_answers_for_the_one_they_act_for(
    client, world, firm_member
):
    MembershipFactory(user=firm_member, organisation=world.enterprise)
    log_in_as(client, firm_member)
    url, data = respond_url(world, "request")

    client.post(f"/en/organisations/{world.enterprise.slug}/act/")
    assert client.post(url, data).status_code == 302

    firm = firm_member.memberships.exclude(organisation=world.enterprise).get().organisation
    client.post(f"/en/organisations/{firm.slug}/act/")
    assert client.post(url, data).status_code == 403
    assert Response.objects.get().enterprise == world.enterprise


@pytest.mark.parametrize("kind", KINDS)
def test_an_unknown_code_is_not_found(client, world, kind):
    log_in_as(client, world.enterprise_member)
    path, action = ("vacancies", "respond") if kind == "vacancy" else ("requests", "offer")

    assert client.post(f"/en/{path}/bestaat-niet/{action}/", {}).status_code == 404


# --- Moving -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_is_sent_to_log_in_to_move(client, world, answers, kind):
    response = answers[kind]

    answer = client.post(move_url(world, kind, response), move_data(response))

    assert answer.status_code == 302
    assert answer["Location"].startswith("/en/accounts/login/")
    response.refresh_from_db()
    assert response.status == "new"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "who",
    ["stranger", "enterprise_member", "regisseur", "other_regisseur", "administrator", "firm"],
)
def test_only_the_posters_members_find_the_move(client, world, answers, firm_member, kind, who):
    response = answers[kind]
    log_in_as(client, firm_member if who == "firm" else getattr(world, who))

    url = move_url(world, kind, response)
    assert client.get(url).status_code == 404
    assert client.post(url, move_data(response)).status_code == 404
    response.refresh_from_db()
    assert response.status == "new"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["owner", "editor"])
def test_the_posters_members_move(client, world, answers, kind, who):
    response = answers[kind]
    log_in_as(client, getattr(world, who))

    answer = client.post(move_url(world, kind, response), move_data(response))

    assert answer.status_code == 302
    response.refresh_from_db()
    assert response.status == "accepted"


@pytest.mark.parametrize("kind", KINDS)
def test_a_forged_response_id_of_another_opportunity_is_not_found(client, world, other_world, kind):
    factory = CandidateFactory if kind == "vacancy" else OfferFactory
    field = "vacancy" if kind == "vacancy" else "service_request"
    elsewhere = factory(**{field: getattr(other_world, field)}, enterprise=world.enterprise)
    log_in_as(client, world.owner)

    # The poster's own opportunity, another poster's response.
    answer = client.post(move_url(world, kind, elsewhere), move_data(elsewhere))

    assert answer.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == "new"


@pytest.mark.parametrize("kind", KINDS)
def test_a_response_to_another_opportunity_of_the_same_poster_is_not_found(
    client, world, answers, kind
):
    # A vacancy's candidate through a request's address, and the other way round.
    other_kind = "request" if kind == "vacancy" else "vacancy"
    log_in_as(client, world.owner)

    answer = client.post(move_url(world, other_kind, answers[kind]), move_data(answers[kind]))

    assert answer.status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_another_posters_code_is_not_found(client, world, other_world, kind):
    factory = CandidateFactory if kind == "vacancy" else OfferFactory
    field = "vacancy" if kind == "vacancy" else "service_request"
    theirs = factory(**{field: getattr(other_world, field)}, enterprise=world.enterprise)
    path = "vacancies" if kind == "vacancy" else "requests"
    log_in_as(client, world.owner)

    url = f"/en/{path}/{getattr(other_world, field).code}/responses/{theirs.pk}/move/"
    answer = client.post(url, move_data(theirs))

    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "new"


# --- The admin: responses and placements are there to look at -----------------------------


def test_administrators_see_responses_in_the_admin_but_cannot_change_them(client, world, answers):
    log_in_as(client, world.administrator)

    listing = client.get("/en/admin/vacancies/response/")
    detail = client.get(f"/en/admin/vacancies/response/{answers['request'].pk}/change/")

    assert listing.status_code == 200
    assert world.enterprise.name in listing.content.decode()
    assert detail.status_code == 200  # a view-only page
    assert 'name="status"' not in detail.content.decode()
    assert client.get("/en/admin/vacancies/response/add/").status_code == 403
    assert client.get("/en/admin/vacancies/placement/").status_code == 200
