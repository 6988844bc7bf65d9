"""An address says who someone is only once they verified it (portal.accounts.verified_addresses).

Anyone can add any address to their account on /accounts/email/; until its link is followed,
nothing the portal keeps or writes under that address is theirs: not an invitation, not the
language an invitation is written in. The privacy export and deletion have their own tests
(test_privacy_export.py, test_privacy_deletion.py).
"""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from companies.models import Invitation
from portal.models import Notification
from tests.factories import OwnerFactory, UserFactory

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
