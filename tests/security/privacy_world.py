"""People with a bit of everything the portal keeps about them, for the privacy tests.

Pia owns a firm in Tongeren together with Otto; she declared a collaboration with a social
enterprise, applied for a voucher, posted a vacancy, asked to join the enterprise, invited a
colleague, was invited herself at her second address, saved a search, wrote to the enterprise
through its profile, got emails. Otto has his own saved search and emails: none of his may show
up in Pia's export or go with her account.

`bystanders(world)` adds Bea and Carol, whose addresses Pia can add to her account on allauth's
email page without ever verifying them (`claim`); `confirm` follows the link that page sends.
"""

import re
from datetime import date
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from companies import contact
from companies.models import Collaboration
from portal import audit
from portal.models import Notification, NotificationPreference, NotificationStatus
from tests.factories import (
    CandidateFactory,
    InvitationFactory,
    JoinRequestFactory,
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    SocialEnterpriseFactory,
    UserFactory,
    VacancyFactory,
    VoucherFactory,
    first_service_category,
    postcode,
)
from vacancies.models import SavedSearch
from vouchers.models import VoucherEvent


def email(user, *, key, kind="voucher", subject="Uw cheque is goedgekeurd", address=None, **fields):
    """An outbox row: to `user`'s account, or to `address` without an account (user may be
    None then, for someone who has none)."""
    return Notification.objects.create(
        key=key,
        recipient=None if address else user,
        email=address or user.email,
        kind=kind,
        language="nl",
        subject=subject,
        body=f"Beste {user.name if user else address}, ...",
        **fields,
    )


def build():
    now = timezone.now()
    pia = UserFactory(name="Pia Privé", email="pia@example.be")
    EmailAddress.objects.create(user=pia, email="pia.werk@example.be", verified=True)
    otto = UserFactory(name="Otto Ander", email="otto@example.be")
    NotificationPreference.objects.create(user=pia, kind="saved_search", frequency="weekly")

    firm = OrganisationFactory(name="Drukkerij Peeters", postcode=postcode("3700"), verified_at=now)
    pia_membership = OwnerFactory(organisation=firm, user=pia)
    OwnerFactory(organisation=firm, user=otto)
    social = SocialEnterpriseFactory(
        name="Groenwerk Tongeren", postcode=postcode("3700"), verified_at=now
    )
    OfferedServiceFactory(organisation=social, category=first_service_category())
    sam = OwnerFactory(organisation=social, user__name="Sam Sociaal").user

    join_request = JoinRequestFactory(user=pia, organisation=social, message="Ik help graag mee.")
    invitation_sent = InvitationFactory(
        organisation=firm, invited_by=pia, email="nieuwe.collega@example.be"
    )
    invitation_received = InvitationFactory(
        organisation=social, invited_by=sam, email="PIA.WERK@example.be"
    )
    saved_search = SavedSearch.objects.create(
        user=pia, target="vacancies", query="q=groen", name="Groen werk"
    )
    SavedSearch.objects.create(user=otto, target="directory", query="q=druk", name="Otto zoekt")

    to_pia = email(pia, key="test:pia:1")
    account_email = email(
        pia,
        key="test:pia:account",
        kind="account",
        subject="Bevestig uw e-mailadres",
        address="pia.werk@example.be",
    )
    to_otto = email(otto, key="test:otto:1", subject="Voor Otto")
    contact.send_contact_message(social, sender=pia, subject="Samen groenonderhoud?", message="Hoi")

    collaboration = Collaboration.objects.create(
        regular=firm,
        social=social,
        role="client",
        category=first_service_category(),
        started=date(2025, 3, 1),
        channel="directory",
        declared_by=pia,
        confirmed_by_regular_at=now,
    )
    voucher = VoucherFactory(applicant=firm, provider=social, applied_by=pia)
    event = VoucherEvent.objects.create(
        voucher=voucher, from_status="", to_status="submitted", actor=pia
    )
    vacancy = VacancyFactory(organisation=firm, created_by=pia, title="Drukker (m/v/x)")
    other_vacancy = VacancyFactory(organisation=OrganisationFactory(), status="published")
    response = CandidateFactory(vacancy=other_vacancy, enterprise=social, created_by=pia)
    entry = audit.record(pia, "membership.role_changed", pia_membership, role="owner")
    return SimpleNamespace(**locals())


# Addresses of other people that anyone can add to their own account on /accounts/email/.
BYSTANDER_ADDRESSES = ["bea@example.be", "bea.prive@example.be", "carol@example.be"]
# Words that appear only in what the portal keeps of Bea and Carol.
BYSTANDER_WORDS = ["Bea:", "Carol:", "Kringwinkel Bilzen", "Bea vraagt een offerte"]


def bystanders(world):
    """Bea (two verified addresses) and Carol (no account yet), strangers to Pia: emails to
    Bea's account (sent and still waiting) and to her second address, invitations to both her
    addresses (one open, one she accepted), a message she wrote through a profile; an open
    invitation to Carol and its email, not sent yet."""
    now = timezone.now()
    bea = UserFactory(name="Bea Buiten", email="bea@example.be", language="fr")
    EmailAddress.objects.create(user=bea, email="bea.prive@example.be", verified=True)
    kringwinkel = SocialEnterpriseFactory(name="Kringwinkel Bilzen", postcode=postcode("3740"))
    keeper = OwnerFactory(organisation=kringwinkel, user__name="Kees Kring").user
    bea_sent = email(
        bea,
        key="test:bea:sent",
        subject="Bea: uw cheque is uitbetaald",
        status=NotificationStatus.SENT,
        sent_at=now,
    )
    bea_pending = email(bea, key="test:bea:pending", subject="Bea: nieuwe match")
    bea_invitation_email = email(
        bea,
        key="test:bea:invitation",
        kind="invitation",
        subject="Bea: uitnodiging van Kringwinkel Bilzen",
        address="bea.prive@example.be",
    )
    bea_invitation = InvitationFactory(
        organisation=kringwinkel, invited_by=keeper, email="bea.prive@example.be"
    )
    bea_accepted = InvitationFactory(
        organisation=kringwinkel,
        invited_by=keeper,
        email="bea@example.be",
        accepted_at=now,
        accepted_by=bea,
    )
    contact.send_contact_message(
        world.social, sender=bea, subject="Bea vraagt een offerte", message="Graag een prijs."
    )
    carol_invitation = InvitationFactory(
        organisation=kringwinkel, invited_by=keeper, email="carol@example.be"
    )
    carol_email = email(
        None,
        key="test:carol:invitation",
        kind="invitation",
        subject="Carol: uitnodiging van Kringwinkel Bilzen",
        address="carol@example.be",
    )
    # Someone asks for a new password at both addresses (allauth writes Bea's reset link, and
    # Carol a note that she has no account).
    for address in ("bea.prive@example.be", "carol@example.be"):
        Client().post(reverse("account_reset_password"), {"email": address})
    account_emails = Notification.objects.filter(kind="account").exclude(pk__lt=carol_email.pk)
    assert sorted(account_emails.values_list("email", "recipient")) == [
        ("bea.prive@example.be", bea.pk),
        ("carol@example.be", None),
    ]
    return SimpleNamespace(**locals())


def claim(client, user, address):
    """As `user`, add `address` on allauth's email page, as anyone can; follow no link."""
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": address})
    assert response.status_code == 302
    added = EmailAddress.objects.get(user=user, email__iexact=address)
    assert not added.verified
    return added


def confirm(client, address):
    """Follow the confirmation link that allauth wrote to `address` (as its owner would)."""
    row = Notification.objects.filter(kind="account", email__iexact=address).latest("pk")
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", row.body).group(0)
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email__iexact=address, verified=True)
