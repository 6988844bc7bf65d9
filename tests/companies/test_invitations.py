"""Owners invite by email; the invitee accepts with a verified address, within 14 days."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from companies.models import Invitation, Membership
from tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, world, capture, email="nieuwe.collega@example.be", role="editor"):
    client.force_login(world.owner)
    with capture(execute=True):
        return client.post(
            f"/en/organisations/{world.organisation.slug}/members/", {"email": email, "role": role}
        )


def link_in(message):
    return re.search(r"https?://\S+/organisations/invitations/\S+/", message.body).group(0)


def test_an_owner_invites_and_the_email_carries_an_absolute_link(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://brugwerk.example"

    response = invite(client, world, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nieuwe.collega@example.be")
    assert invitation.invited_by == world.owner
    assert len(invitation.token) >= 40
    message = mail.outbox[-1]
    assert message.to == ["nieuwe.collega@example.be"]
    assert world.organisation.name in message.subject
    assert link_in(message) == (
        f"https://brugwerk.example/organisations/invitations/{invitation.token}/"
    )
    assert invitation.token in message.alternatives[0][0]


def test_a_known_user_is_invited_in_their_language(
    client, world, django_capture_on_commit_callbacks
):
    UserFactory(email="francoise@example.be", language="fr")

    invite(client, world, django_capture_on_commit_callbacks, email="Francoise@example.be")

    assert "/fr/organisations/invitations/" in mail.outbox[-1].body


def test_inviting_again_renews_the_link(client, world, django_capture_on_commit_callbacks):
    invite(client, world, django_capture_on_commit_callbacks)
    first = Invitation.objects.get(email="nieuwe.collega@example.be").token

    invite(client, world, django_capture_on_commit_callbacks, role="owner")

    invitation = Invitation.objects.get(email="nieuwe.collega@example.be")
    assert invitation.token != first
    assert invitation.role == "owner"
    assert len(mail.outbox) == 2


def test_a_member_cannot_be_invited(client, world, django_capture_on_commit_callbacks):
    response = invite(client, world, django_capture_on_commit_callbacks, email=world.editor.email)

    assert response.status_code == 200
    assert "is already a member" in response.content.decode()
    assert not mail.outbox


def test_a_wrong_address_gets_an_error(client, world, django_capture_on_commit_callbacks):
    response = invite(client, world, django_capture_on_commit_callbacks, email="geen adres")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert 'value="geen adres"' in response.content.decode()


def accept_url(invitation):
    return f"/en/organisations/invitations/{invitation.token}/"


def test_the_invitee_accepts_with_the_invited_address(client, world):
    invitation = InvitationFactory(organisation=world.organisation, role="owner")
    invitee = UserFactory(email=invitation.email.upper())
    client.force_login(invitee)

    page = client.get(accept_url(invitation))
    response = client.post(accept_url(invitation))

    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    assert response["Location"] == "/en/dashboard/"
    assert Membership.objects.get(user=invitee, organisation=world.organisation).role == "owner"
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    assert client.session["acting_organisation"] == world.organisation.pk


def test_a_verified_second_address_also_counts(client, world):
    invitation = InvitationFactory(organisation=world.organisation)
    invitee = UserFactory()
    EmailAddress.objects.create(user=invitee, email=invitation.email, verified=True)
    client.force_login(invitee)

    client.post(accept_url(invitation))

    assert Membership.objects.filter(user=invitee, organisation=world.organisation).exists()


def test_another_address_is_explained_and_nothing_happens(client, world):
    invitation = InvitationFactory(organisation=world.organisation)
    client.force_login(world.stranger)

    page = client.get(accept_url(invitation)).content.decode()
    client.post(accept_url(invitation))

    assert f"This invitation was sent to {invitation.email}" in page
    assert "/en/accounts/email/" in page
    assert not Membership.objects.filter(user=world.stranger).exists()


def test_an_unverified_address_does_not_count(client, world):
    invitation = InvitationFactory(organisation=world.organisation)
    invitee = UserFactory()
    EmailAddress.objects.create(user=invitee, email=invitation.email, verified=False)
    client.force_login(invitee)

    client.post(accept_url(invitation))

    assert not Membership.objects.filter(user=invitee, organisation=world.organisation).exists()


def test_an_invitation_expires_after_14_days(client, world):
    invitation = InvitationFactory(organisation=world.organisation)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    invitee = UserFactory(email=invitation.email)
    client.force_login(invitee)

    page = client.get(accept_url(invitation)).content.decode()
    client.post(accept_url(invitation))

    assert "This invitation has expired" in page
    assert not Membership.objects.filter(user=invitee, organisation=world.organisation).exists()


def test_an_invitation_is_used_once(client, world):
    invitation = InvitationFactory(organisation=world.organisation)
    invitee = UserFactory(email=invitation.email)
    client.force_login(invitee)
    client.post(accept_url(invitation))
    Membership.objects.filter(user=invitee).delete()

    page = client.post(accept_url(invitation)).content.decode()

    assert "already used" in page
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_unknown_token_is_not_found(client, world):
    client.force_login(world.stranger)

    assert client.get("/en/organisations/invitations/geen-geldige-code/").status_code == 404


def test_anonymous_visitors_log_in_first_and_come_back(client, world):
    response = client.get(accept_url(world.invitation))

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_an_owner_cancels_an_invitation(client, world):
    client.force_login(world.owner)

    response = client.post(
        f"/en/organisations/{world.organisation.slug}/invitations/{world.invitation.pk}/cancel/"
    )

    assert response.status_code == 302
    assert not Invitation.objects.filter(pk=world.invitation.pk).exists()


def test_the_dashboard_shows_invitations_for_ones_addresses(client, world):
    invitee = UserFactory(email=world.invitation.email)
    client.force_login(invitee)

    page = client.get("/en/dashboard/").content.decode()

    assert f"Join {world.organisation.name}" in page
    assert accept_url(world.invitation).removeprefix("/en") in page


def test_names_are_not_html_escaped_in_the_plain_text(
    client, world, django_capture_on_commit_callbacks
):
    world.organisation.name = "Groen & Zoon <vzw>"
    world.organisation.save()

    invite(client, world, django_capture_on_commit_callbacks)

    message = mail.outbox[-1]
    assert "Groen & Zoon <vzw>" in message.subject
    assert "Groen & Zoon <vzw>" in message.body
    assert "Groen &amp; Zoon &lt;vzw&gt;" in message.alternatives[0][0]
