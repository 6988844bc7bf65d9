"""Who reaches which page of an organisation: the matrix of every view that changes data.

Only members keep a profile and only owners manage members. Strangers, and regisseurs and
administrators (who are not members), get 404; an editor where an owner is needed gets 403;
an anonymous visitor is sent to the login page. A refused request changes nothing.
"""

import pytest

from companies.models import Invitation, JoinRequest, Membership, OfferedService
from tests.companies.conftest import profile_data

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "stranger",
    "regisseur",
    "other_regisseur",
    "administrator",
    "editor",
    "owner",
]


def _service_data(world):
    return {
        f"service-{world.service.pk}-category": world.service.category_id,
        f"service-{world.service.pk}-description": "Anders",
        f"service-{world.service.pk}-scope": "flanders",
    }


# name: (method, path under /organisations/<slug>/, data, what an editor gets, what an owner gets)
CASES = {
    "edit page": ("get", "edit/", None, 200, 200),
    "edit": ("post", "edit/", lambda w: profile_data(w.organisation, name="Nieuwe naam"), 302, 302),
    "services page": ("get", "services/", None, 200, 200),
    "add service": (
        "post",
        "services/",
        lambda w: {"new-category": w.other_category.pk, "new-scope": "flanders"},
        302,
        302,
    ),
    "change service": ("post", "services/{service}/", _service_data, 302, 302),
    "remove service": ("post", "services/{service}/remove/", {}, 302, 302),
    "members page": ("get", "members/", None, 403, 200),
    "invite": ("post", "members/", {"email": "nieuw@example.be", "role": "editor"}, 403, 302),
    "change role": ("post", "members/{colleague}/role/", {"role": "owner"}, 403, 302),
    "remove member": ("post", "members/{colleague}/remove/", {}, 403, 302),
    "accept join request": (
        "post",
        "join-requests/{join_request}/decide/",
        {"decision": "accept"},
        403,
        302,
    ),
    "decline join request": (
        "post",
        "join-requests/{join_request}/decide/",
        {"decision": "decline"},
        403,
        302,
    ),
    "cancel invitation": ("post", "invitations/{invitation}/cancel/", {}, 403, 302),
    "act for": ("post", "act/", {}, 302, 302),
}


def state(world):
    """Everything the views above can change, to check that a refusal changed nothing."""
    organisation = world.organisation
    organisation.refresh_from_db()
    return (
        organisation.name,
        sorted(Membership.objects.values_list("pk", "role")),
        sorted(OfferedService.objects.values_list("pk", "category_id", "description", "radius_km")),
        sorted(Invitation.objects.values_list("pk", "email")),
        sorted(JoinRequest.objects.values_list("pk", "status")),
    )


def request_as(client, world, role, case):
    method, path, data, *_ = CASES[case]
    if role != "anonymous":
        client.force_login(getattr(world, role))
    url = f"/organisations/{world.organisation.slug}/" + path.format(
        service=world.service.pk,
        colleague=world.colleague.pk,
        join_request=world.join_request.pk,
        invitation=world.invitation.pk,
    )
    if callable(data):
        data = data(world)
    return getattr(client, method)(url, data)


@pytest.fixture
def world(world):
    from portal.models import ServiceCategory

    world.other_category = ServiceCategory.objects.exclude(pk=world.service.category_id).first()
    return world


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role, case):
    method, _path, _data, editor_gets, owner_gets = CASES[case]
    before = state(world)

    response = request_as(client, world, role, case)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        expected = 302
    else:
        expected = {"editor": editor_gets, "owner": owner_gets}.get(role, 404)
        assert response.status_code == expected, response.content[:500]
    if method == "post" and expected != 302 or role == "anonymous":
        assert state(world) == before
    if method == "post" and role in {"editor", "owner"} and expected == 302 and case != "act for":
        assert state(world) != before


POST_ONLY = [case for case, (method, *_rest) in CASES.items() if method == "post"]


@pytest.mark.parametrize(
    "case", [c for c in POST_ONLY if CASES[c][1] not in {"edit/", "services/", "members/"}]
)
def test_views_that_change_data_refuse_get(client, world, case):
    before = state(world)
    client.force_login(world.owner)
    _method, path, *_ = CASES[case]
    url = f"/organisations/{world.organisation.slug}/" + path.format(
        service=world.service.pk,
        colleague=world.colleague.pk,
        join_request=world.join_request.pk,
        invitation=world.invitation.pk,
    )

    response = client.get(url)

    assert response.status_code == 405
    assert state(world) == before


# --- Changing an id or a slug never reaches another organisation ---------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("members/{membership}/role/", {"role": "owner"}),
        ("members/{membership}/remove/", {}),
        ("join-requests/{join_request}/decide/", {"decision": "accept"}),
        ("invitations/{invitation}/cancel/", {}),
        ("services/{service}/", {"service-{service}-scope": "flanders"}),
        ("services/{service}/remove/", {}),
    ],
)
def test_an_id_of_another_organisation_is_not_found_through_ones_own(
    client, world, other_world, path, data
):
    before = state(world)
    ids = {
        "membership": other_world.membership.pk,
        "join_request": other_world.join_request.pk,
        "invitation": other_world.invitation.pk,
        "service": other_world.service.pk,
    }
    client.force_login(world.owner)

    response = client.post(
        f"/organisations/{world.organisation.slug}/" + path.format(**ids),
        {key.format(**ids): value for key, value in data.items()},
    )

    assert response.status_code == 404
    assert state(world) == before
    assert Membership.objects.filter(pk=other_world.membership.pk, role="editor").exists()
    assert JoinRequest.objects.get(pk=other_world.join_request.pk).status == "pending"
    assert Invitation.objects.filter(pk=other_world.invitation.pk).exists()
    assert OfferedService.objects.filter(pk=other_world.service.pk).exists()


@pytest.mark.parametrize(
    "path", ["edit/", "services/", "members/", "members/{membership}/remove/", "act/"]
)
def test_the_slug_of_another_organisation_is_not_found(client, world, other_world, path):
    client.force_login(world.owner)

    url = f"/organisations/{other_world.organisation.slug}/" + path.format(
        membership=other_world.membership.pk
    )
    response = client.post(url, {})

    assert response.status_code == 404
    assert Membership.objects.filter(pk=other_world.membership.pk).exists()


def test_forged_fields_in_the_profile_form_are_ignored(client, world, other_world):
    client.force_login(world.owner)
    data = profile_data(world.organisation, name="Groenwerk Tongeren vzw")
    data.update(
        {
            "id": other_world.organisation.pk,
            "pk": other_world.organisation.pk,
            "slug": other_world.organisation.slug,
            "organisation": other_world.organisation.pk,
            "verified_at": "2024-01-01 10:00",
            "verified_by": world.owner.pk,
        }
    )

    response = client.post(f"/organisations/{world.organisation.slug}/edit/", data)

    assert response.status_code == 302
    world.organisation.refresh_from_db()
    other_world.organisation.refresh_from_db()
    assert world.organisation.name == "Groenwerk Tongeren vzw"
    assert world.organisation.slug != other_world.organisation.slug
    assert world.organisation.verified_at is None
    assert other_world.organisation.name == "Kringwinkel Elders"


def test_an_editor_may_leave_but_not_remove_others(client, world):
    own = Membership.objects.get(user=world.editor, organisation=world.organisation)
    client.force_login(world.editor)

    refused = client.post(
        f"/organisations/{world.organisation.slug}/members/{world.colleague.pk}/remove/"
    )
    left = client.post(f"/organisations/{world.organisation.slug}/members/{own.pk}/remove/")

    assert refused.status_code == 403
    assert Membership.objects.filter(pk=world.colleague.pk).exists()
    assert left.status_code == 302
    assert not Membership.objects.filter(pk=own.pk).exists()
