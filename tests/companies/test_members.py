"""Owners manage the members; an organisation always keeps at least one owner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.html import escape

from companies import membership as membership_rules
from companies.models import Membership

pytestmark = pytest.mark.django_db


def url(world, rest=""):
    return f"/en/organisations/{world.organisation.slug}/members/{rest}"


def own_membership(world, user):
    return Membership.objects.get(user=user, organisation=world.organisation)


def test_the_members_page_lists_members_requests_and_invitations(client, world):
    client.force_login(world.owner)

    page = client.get(url(world)).content.decode()

    for text in [
        "Olga Owner",
        "Eddy Editor",
        "Cora Colleague",
        escape(world.join_request.user.get_full_name()),
        escape(world.join_request.message),
        world.invitation.email,
    ]:
        assert text in page


def test_an_owner_makes_a_member_owner(client, world):
    client.force_login(world.owner)

    response = client.post(url(world, f"{world.colleague.pk}/role/"), {"role": "owner"})

    assert response.status_code == 302
    world.colleague.refresh_from_db()
    assert world.colleague.role == "owner"


def test_an_unknown_role_is_refused_with_a_message(client, world):
    client.force_login(world.owner)

    response = client.post(
        url(world, f"{world.colleague.pk}/role/"), {"role": "koning"}, follow=True
    )

    assert "Choose owner or editor." in response.content.decode()
    world.colleague.refresh_from_db()
    assert world.colleague.role == "editor"


def test_the_last_owner_cannot_step_down(client, world):
    own = own_membership(world, world.owner)
    client.force_login(world.owner)

    response = client.post(url(world, f"{own.pk}/role/"), {"role": "editor"}, follow=True)

    assert "needs at least one owner" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "owner"


def test_an_owner_may_step_down_when_another_owner_remains(client, world):
    world.colleague.role = "owner"
    world.colleague.save()
    own = own_membership(world, world.owner)
    client.force_login(world.owner)

    client.post(url(world, f"{own.pk}/role/"), {"role": "editor"})

    own.refresh_from_db()
    assert own.role == "editor"


def test_an_owner_removes_a_member(client, world):
    client.force_login(world.owner)

    response = client.post(url(world, f"{world.colleague.pk}/remove/"))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=world.colleague.pk).exists()


def test_the_last_owner_cannot_leave(client, world):
    own = own_membership(world, world.owner)
    client.force_login(world.owner)

    response = client.post(url(world, f"{own.pk}/remove/"), follow=True)

    assert "needs at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_an_editor_leaves_and_lands_on_the_dashboard(client, world):
    own = own_membership(world, world.editor)
    client.force_login(world.editor)

    response = client.post(url(world, f"{own.pk}/remove/"))

    assert response["Location"] == "/en/dashboard/"
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_two_owners_cannot_both_step_down(world):
    world.colleague.role = "owner"
    world.colleague.save()
    own = own_membership(world, world.owner)

    membership_rules.change_role(world.colleague, role="editor", by=world.owner)

    with translation.override("en"), pytest.raises(ValidationError, match="at least one owner"):
        membership_rules.change_role(own, role="editor", by=world.owner)


def test_only_owners_may_change_roles_even_outside_the_views(world):
    with pytest.raises(PermissionDenied):
        membership_rules.change_role(world.colleague, role="owner", by=world.editor)
