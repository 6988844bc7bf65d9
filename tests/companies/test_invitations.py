"""Owners invite by email; the invitee accepts with a verified address, within 14 days."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from companies.models import Invitation, Membership
from portal.models import AuditEntry, Notification
from tests.factories import (
    InvitationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    UserFactory,
    postcode,
)
from tests.vouchers.test_budget_race import run_together

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


def earlier(hours):
    """Move every invitation and every invitation email back by `hours`, as if sent then."""
    past = timezone.now() - timedelta(hours=hours)
    Invitation.objects.update(created_at=past)
    AuditEntry.objects.filter(action="invitation.sent").update(at=past)


def test_inviting_again_within_a_day_keeps_the_link_and_sends_no_email(
    client, world, django_capture_on_commit_callbacks
):
    invite(client, world, django_capture_on_commit_callbacks)
    first = Invitation.objects.get(email="nieuwe.collega@example.be").token

    response = invite(client, world, django_capture_on_commit_callbacks, role="owner")

    invitation = Invitation.objects.get(email="nieuwe.collega@example.be")
    assert (invitation.token, invitation.role) == (first, "owner")
    assert len(mail.outbox) == 1
    page = client.get(response["Location"]).content.decode()
    assert "was invited less than a day ago, so we sent no new email" in page


def test_inviting_again_after_a_day_renews_the_link(
    client, world, django_capture_on_commit_callbacks
):
    invite(client, world, django_capture_on_commit_callbacks)
    first = Invitation.objects.get(email="nieuwe.collega@example.be").token
    earlier(hours=24.1)

    invite(client, world, django_capture_on_commit_callbacks, role="owner")

    invitation = Invitation.objects.get(email="nieuwe.collega@example.be")
    assert invitation.token != first
    assert invitation.role == "owner"
    assert len(mail.outbox) == 2


def test_cancelling_and_inviting_again_within_a_day_sends_no_second_email(
    client, world, django_capture_on_commit_callbacks
):
    invite(client, world, django_capture_on_commit_callbacks)
    client.post(
        f"/en/organisations/{world.organisation.slug}/invitations/"
        f"{Invitation.objects.get(email='nieuwe.collega@example.be').pk}/cancel/"
    )

    response = invite(client, world, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "nieuwe.collega@example.be received an invitation less than a day ago" in (
        response.content.decode()
    )
    assert not Invitation.objects.filter(email="nieuwe.collega@example.be").exists()
    assert len(mail.outbox) == 1


def test_an_address_gets_one_invitation_a_day_whichever_organisation_sends_it(
    client, world, other_world, django_capture_on_commit_callbacks
):
    invite(client, world, django_capture_on_commit_callbacks)
    client.force_login(other_world.owner)
    url = f"/en/organisations/{other_world.organisation.slug}/members/"

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"email": "Nieuwe.Collega@example.be", "role": "editor"})
    earlier(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        next_day = client.post(url, {"email": "Nieuwe.Collega@example.be", "role": "editor"})

    assert "received an invitation less than a day ago" in refused.content.decode()
    assert next_day.status_code == 302
    assert [m.to for m in mail.outbox] == [
        ["nieuwe.collega@example.be"],
        ["Nieuwe.Collega@example.be"],
    ]


def test_an_owner_who_sent_the_hours_invitations_is_refused_and_keeps_the_input(
    client, world, other_world, settings, django_capture_on_commit_callbacks
):
    settings.INVITATIONS_PER_HOUR = 3
    for n in range(3):
        invite(client, world, django_capture_on_commit_callbacks, email=f"collega{n}@example.be")

    response = invite(client, world, django_capture_on_commit_callbacks, email="vierde@example.be")

    assert response.status_code == 200
    page = response.content.decode()
    assert "You have sent 3 invitations in the last hour, the most we allow." in page
    assert 'value="vierde@example.be"' in page
    assert not Invitation.objects.filter(email="vierde@example.be").exists()
    assert len(mail.outbox) == 3
    # Another owner is not held back by it.
    client.force_login(other_world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        other = client.post(
            f"/en/organisations/{other_world.organisation.slug}/members/",
            {"email": "vierde@example.be", "role": "editor"},
        )
    assert other.status_code == 302
    assert mail.outbox[-1].to == ["vierde@example.be"]


def test_the_hours_allowance_comes_back_an_hour_later(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.INVITATIONS_PER_HOUR = 2
    for n in range(2):
        invite(client, world, django_capture_on_commit_callbacks, email=f"collega{n}@example.be")
    earlier(hours=1.1)

    response = invite(client, world, django_capture_on_commit_callbacks, email="derde@example.be")

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["derde@example.be"]


def test_an_owner_who_sent_the_days_invitations_is_refused_until_the_next_day(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.INVITATIONS_PER_DAY = 3
    for n in range(3):
        invite(client, world, django_capture_on_commit_callbacks, email=f"collega{n}@example.be")
    earlier(hours=2)

    refused = invite(client, world, django_capture_on_commit_callbacks, email="vierde@example.be")
    earlier(hours=24.1)
    next_day = invite(client, world, django_capture_on_commit_callbacks, email="vierde@example.be")

    assert "You have sent 3 invitations in the last 24 hours" in refused.content.decode()
    assert next_day.status_code == 302
    assert len(mail.outbox) == 4


def test_cancelled_invitations_still_count(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.INVITATIONS_PER_HOUR = 2
    for n in range(2):
        invite(client, world, django_capture_on_commit_callbacks, email=f"collega{n}@example.be")
        world.organisation.invitations.filter(email=f"collega{n}@example.be").delete()

    response = invite(client, world, django_capture_on_commit_callbacks, email="derde@example.be")

    assert "You have sent 2 invitations in the last hour" in response.content.decode()
    assert len(mail.outbox) == 2


def test_the_refusal_is_in_the_pages_language(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.INVITATIONS_PER_HOUR = 1
    invite(client, world, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{world.organisation.slug}/members/",
            {"email": "tweede@example.be", "role": "editor"},
        )

    assert "Je hebt het afgelopen uur 1 uitnodiging verstuurd" in response.content.decode()


def test_an_unverified_organisation_with_a_web_address_in_its_name_cannot_invite(
    client, world, django_capture_on_commit_callbacks
):
    world.organisation.name = "Free prizes at http://prizes.example/win"
    world.organisation.save()

    refused = invite(client, world, django_capture_on_commit_callbacks)
    world.organisation.verified_at = timezone.now()
    world.organisation.save()
    verified = invite(client, world, django_capture_on_commit_callbacks)

    assert refused.status_code == 200
    assert "An invitation would carry the web address http://prizes.example/win" in (
        refused.content.decode()
    )
    assert verified.status_code == 302
    assert len(mail.outbox) == 1


def test_an_inviter_with_a_web_address_in_their_name_cannot_invite_unverified(
    client, world, django_capture_on_commit_callbacks
):
    world.owner.name = "Win at prizes.example"
    world.owner.save()

    response = invite(client, world, django_capture_on_commit_callbacks)

    assert "An invitation would carry the web address prizes.example" in (response.content.decode())
    assert not mail.outbox


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 302),
        ("stranger", 404),
        ("editor", 403),
        ("regisseur", 404),
        ("other_regisseur", 404),
        ("administrator", 404),
    ],
)
def test_only_owners_invite(client, world, who, status, django_capture_on_commit_callbacks):
    if who:
        client.force_login(getattr(world, who))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/organisations/{world.organisation.slug}/members/",
            {"email": "nieuwe.collega@example.be", "role": "owner"},
        )

    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith("/en/accounts/login/")
    assert not Invitation.objects.filter(email="nieuwe.collega@example.be").exists()
    assert not mail.outbox


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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_invitations_sent_at_once_stay_within_the_allowance(settings):
    """Twenty invitations by one owner at the same moment, each on its own connection."""
    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    settings.INVITATIONS_PER_HOUR = 5
    organisation = SocialEnterpriseFactory(postcode=postcode("3700"))
    owner = OwnerFactory(organisation=organisation).user
    url = f"/en/organisations/{organisation.slug}/members/"

    def post(index):
        client = Client()
        client.force_login(owner)
        response = client.post(url, {"email": f"racer{index}@example.be", "role": "editor"})
        return response.status_code

    outcomes = Counter(run_together(post, 20))

    assert outcomes == {302: 5, 200: 15}
    assert Notification.objects.filter(kind="invitation").count() == 5
    assert Invitation.objects.count() == 5
