"""An address says who someone is only once they verified it (portal.accounts.verified_addresses).

Anyone can add any address to their account on /accounts/email/; until its link is followed,
nothing the portal keeps or writes under that address is theirs: not an invitation, not the
language an invitation is written in. The privacy export and deletion have their own tests
(test_privacy_export.py, test_privacy_deletion.py).
"""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from companies.models import Invitation
from portal import personal_data
from portal.models import Notification, User
from tests.factories import PASSWORD, OwnerFactory, UserFactory

from . import privacy_world


@pytest.fixture
def owner(reference_data, db):
    return OwnerFactory(organisation__name="Fietsatelier Hasselt", user__language="nl").user


def invite(client, owner, address):
    organisation = owner.memberships.get().organisation
    client.force_login(owner)
    response = client.post(
        reverse("companies:members", kwargs={"slug": organisation.slug}),
        {"email": address, "role": "editor"},
    )
    assert response.status_code == 302
    return Invitation.objects.get(email__iexact=address)


def invitation_email(invitation):
    return Notification.objects.get(kind="invitation", email__iexact=invitation.email)


def test_an_invitation_to_a_verified_second_address_is_written_in_its_owners_language(
    client, owner
):
    francoise = UserFactory(email="francoise@example.be", language="fr")
    EmailAddress.objects.create(user=francoise, email="francoise.werk@example.be", verified=True)

    invitation = invite(client, owner, "francoise.werk@example.be")

    row = invitation_email(invitation)
    assert row.language == "fr"
    assert "/fr/organisations/invitations/" in row.body


def test_an_address_someone_added_but_never_verified_does_not_choose_the_language(client, owner):
    francois = UserFactory(email="francois@example.be", language="fr")
    privacy_world.claim(client, francois, "carol@example.be")

    invitation = invite(client, owner, "carol@example.be")

    row = invitation_email(invitation)
    assert row.language == "nl"  # the inviter's, as for anyone the portal does not know
    assert "/fr/" not in row.body


def test_the_dashboard_shows_an_invitation_once_its_address_is_verified(client, owner):
    invite(client, owner, "carol@example.be")
    francois = UserFactory(email="francois@example.be", language="fr")
    privacy_world.claim(client, francois, "carol@example.be")

    unverified = client.get(reverse("dashboard")).content.decode()
    privacy_world.confirm(client, "carol@example.be")
    verified = client.get(reverse("dashboard")).content.decode()

    assert "Fietsatelier Hasselt" not in unverified
    assert "Fietsatelier Hasselt" in verified


def test_the_emails_allauth_writes_about_an_account_are_written_to_that_account(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "nieuw@example.be", "password1": PASSWORD, "password2": PASSWORD},
    )
    newcomer = User.objects.get(email="nieuw@example.be")
    Client().post(reverse("account_reset_password"), {"email": "nieuw@example.be"})
    privacy_world.claim(client, newcomer, "ander@example.be")

    rows = Notification.objects.filter(kind="account").order_by("pk")

    assert [(row.email, row.recipient) for row in rows] == [
        ("nieuw@example.be", newcomer),  # the sign-up's link
        ("nieuw@example.be", newcomer),  # the new password's link
        ("ander@example.be", newcomer),  # the link for the address added
    ]


def test_an_unfinished_sign_up_takes_the_emails_about_it_along(client, db):
    client.post(
        reverse("account_signup"),
        {"email": "nieuw@example.be", "password1": PASSWORD, "password2": PASSWORD},
    )
    later = timezone.now() + timedelta(days=settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS + 1)

    assert personal_data.remove_expired(later)["unverified_accounts"] == 1

    assert not User.objects.filter(email="nieuw@example.be").exists()
    assert not Notification.objects.filter(email="nieuw@example.be").exists()


def test_allauths_notices_about_an_account_are_written_to_that_account(client, db):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Een-nieuw-wachtwoord-9",
            "password2": "Een-nieuw-wachtwoord-9",
        },
    )

    assert response.status_code == 302
    notice = Notification.objects.get(kind="account", key__startswith="account:password_changed:")
    assert (notice.email, notice.recipient) == (user.email, user)
