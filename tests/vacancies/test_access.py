"""Who may change an opportunity: the matrix of every view that changes data.

Members of the posting organisation (owners and editors alike) manage its opportunities.
Strangers, members of other organisations, and regisseurs and administrators (who are not
members) get 404; an anonymous visitor is sent to the login page. A refused request changes
nothing, and no code of another organisation's opportunity is reachable through one's own.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ServiceRequestFactory, VacancyFactory
from tests.vacancies.conftest import request_data, vacancy_data
from vacancies.models import ServiceRequest, Vacancy

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "stranger",
    "enterprise_member",
    "regisseur",
    "other_regisseur",
    "administrator",
    "editor",
    "owner",
]
LATER = str(timezone.localdate() + timedelta(days=60))

# name: (method, kind, which opportunity of the world, path after the code, data)
CASES = {
    "edit vacancy page": ("get", "vacancies", "vacancy", "edit/", None),
    "edit vacancy": (
        "post",
        "vacancies",
        "vacancy",
        "edit/",
        lambda: vacancy_data(title="Nieuw", closing_date=None),
    ),
    "publish vacancy": ("post", "vacancies", "draft_vacancy", "publish/", {}),
    "close vacancy": ("post", "vacancies", "vacancy", "close/", {"reason": "filled"}),
    "extend vacancy": ("post", "vacancies", "vacancy", "extend/", {"closing_date": LATER}),
    "reopen vacancy": ("post", "vacancies", "closed_vacancy", "reopen/", {"closing_date": LATER}),
    "edit request page": ("get", "requests", "service_request", "edit/", None),
    "edit request": (
        "post",
        "requests",
        "draft_request",
        "edit/",
        lambda: request_data(title="Nieuw"),
    ),
    "publish request": ("post", "requests", "draft_request", "publish/", {}),
    "close request": ("post", "requests", "service_request", "close/", {"reason": "withdrawn"}),
    "extend request": ("post", "requests", "service_request", "extend/", {"closing_date": LATER}),
    "reopen request": ("post", "requests", "closed_request", "reopen/", {"closing_date": LATER}),
}


@pytest.fixture
def world(world):
    world.closed_vacancy = VacancyFactory(
        organisation=world.employer, status="closed", closed_reason="filled"
    )
    world.closed_request = ServiceRequestFactory(
        organisation=world.employer, status="closed", closed_reason="withdrawn"
    )
    return world


def state():
    """Everything the views above can change, to check that a refusal changed nothing."""
    fields = ["pk", "title", "status", "closing_date", "closed_reason"]
    return (
        sorted(Vacancy.objects.values_list(*fields)),
        sorted(ServiceRequest.objects.values_list(*fields)),
    )


def request_as(client, world, role, case):
    method, kind, attribute, path, data = CASES[case]
    if role != "anonymous":
        client.force_login(getattr(world, role))
    url = f"/en/{kind}/{getattr(world, attribute).code}/{path}"
    return getattr(client, method)(url, data() if callable(data) else data)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role, case):
    method = CASES[case][0]
    before = state()

    response = request_as(client, world, role, case)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")
        assert state() == before
    elif role in {"editor", "owner"}:
        assert response.status_code == (200 if method == "get" else 302), response.content[:300]
        if method == "post":
            assert response["Location"].startswith(f"/en/{CASES[case][1]}/")
            assert state() != before
    else:
        assert response.status_code == 404
        assert state() == before


@pytest.mark.parametrize("url", ["/en/vacancies/new/", "/en/requests/new/"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_post(client, world, role, url):
    """Members of any organisation post for it; without one, a user is sent to add or join one.
    The regisseurs and the administrator of the world belong to no organisation."""
    before = state()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    data = vacancy_data() if "vacancies" in url else request_data()

    response = client.post(url, {**data, "action": "publish"})

    assert response.status_code == 302
    if role == "anonymous":
        assert response["Location"].startswith("/en/accounts/login/")
    elif role in {"editor", "owner", "enterprise_member"}:
        assert response["Location"].startswith(url.removesuffix("new/"))
        assert state() != before
        return
    else:
        assert response["Location"] == "/en/dashboard/"
    assert state() == before


POST_ONLY = [case for case, (method, *_rest) in CASES.items() if not case.startswith("edit")]


@pytest.mark.parametrize("case", POST_ONLY)
def test_actions_refuse_get(client, world, case):
    _method, kind, attribute, path, _data = CASES[case]
    before = state()
    client.force_login(world.owner)

    response = client.get(f"/en/{kind}/{getattr(world, attribute).code}/{path}")

    assert response.status_code == 405
    assert state() == before


@pytest.mark.parametrize("case", list(CASES))
def test_the_code_of_another_organisations_opportunity_is_not_found(
    client, world, other_world, case
):
    method, kind, attribute, path, data = CASES[case]
    other_world.closed_vacancy = VacancyFactory(organisation=other_world.employer, status="closed")
    other_world.closed_request = ServiceRequestFactory(
        organisation=other_world.employer, status="closed"
    )
    before = state()
    client.force_login(world.owner)

    url = f"/en/{kind}/{getattr(other_world, attribute).code}/{path}"
    response = getattr(client, method)(url, data() if callable(data) else data)

    assert response.status_code == 404
    assert state() == before


def test_a_code_of_the_other_kind_is_not_found(client, world):
    """A vacancy's code under /requests/ (and the other way round) finds nothing to change."""
    before = state()
    client.force_login(world.owner)

    for url in [
        f"/en/requests/{world.vacancy.code}/close/",
        f"/en/vacancies/{world.service_request.code}/close/",
    ]:
        assert client.post(url, {"reason": "filled"}).status_code == 404
    assert state() == before


def test_the_form_cannot_move_an_opportunity_to_another_organisation(client, world, other_world):
    """A posted `organisation` field is ignored: the poster stays who it was."""
    client.force_login(world.owner)

    client.post(
        f"/en/vacancies/{world.vacancy.code}/edit/",
        {**vacancy_data(closing_date=None), "organisation": other_world.employer.pk},
    )
    client.post(
        "/en/vacancies/new/",
        {**vacancy_data(title="Ingeslopen"), "organisation": other_world.employer.pk},
    )

    assert Vacancy.objects.get(pk=world.vacancy.pk).organisation == world.employer
    assert Vacancy.objects.get(title="Ingeslopen").organisation == world.employer
