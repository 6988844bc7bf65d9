"""A user deletes their own account (/account/privacy/delete/, portal/personal_data.erase):
what goes, what stays without their name, and who may."""

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import reverse

from companies.models import (
    Collaboration,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
)
from companies.verification import verify
from portal.models import AuditEntry, Notification, NotificationPreference, User
from tests.factories import PASSWORD, OwnerFactory, StaffFactory, UserFactory, region
from vacancies.models import Response, SavedSearch, Vacancy
from vouchers.models import Voucher, VoucherEvent

from . import privacy_world

DELETE = "/account/privacy/delete/"
PAGE = "/account/privacy/"

# Every relation to the user, and what deleting the account does to it. A new foreign key to
# User fails test_every_relation_to_the_user_is_classified until it is added here, with the
# on_delete the privacy policy needs: CASCADE for what is the person's own, SET_NULL for the
# history an organisation keeps (docs: portal/personal_data.py).
OWN = models.CASCADE
HISTORY = models.SET_NULL
RELATIONS = {
    # The person's own: goes with the account.
    "portal.Notification.recipient": OWN,
    "portal.NotificationPreference.user": OWN,
    "companies.Membership.user": OWN,
    "companies.JoinRequest.user": OWN,
    # A claim states a role and a phone number of the claimant's own.
    "companies.Claim.claimant": OWN,
    "vacancies.SavedSearch.user": OWN,
    # API tokens (api/tokens.py): the person's; an organisation's stops with its issuer anyway.
    "api.ApiToken.user": OWN,
    "account.EmailAddress.user": OWN,
    "mfa.Authenticator.user": OWN,
    "usersessions.UserSession.user": OWN,
    # A person's name and address on an event's list of people.
    "events.Attendee.user": OWN,
    # Django's "recent actions" of the admin; the audit log is the record that stays.
    "admin.LogEntry.user": OWN,
    # History that stays, without the name.
    "portal.AuditEntry.actor": HISTORY,
    "companies.Organisation.verified_by": HISTORY,
    "companies.Organisation.rejected_by": HISTORY,
    "companies.Organisation.created_by": HISTORY,
    # Regie notes are about the organisation; the author's name goes with the account.
    "companies.RegieNote.author": HISTORY,
    "companies.JoinRequest.decided_by": HISTORY,
    "companies.Claim.decided_by": HISTORY,
    "companies.Invitation.invited_by": HISTORY,
    "companies.Invitation.accepted_by": HISTORY,
    "companies.Collaboration.declared_by": HISTORY,
    "vacancies.Vacancy.created_by": HISTORY,
    "vacancies.ServiceRequest.created_by": HISTORY,
    "vacancies.Response.created_by": HISTORY,
    "vouchers.Voucher.applied_by": HISTORY,
    "vouchers.VoucherEvent.actor": HISTORY,
    # Events: the organisation's registration, the event, its meetings and deals stay.
    "events.Event.created_by": HISTORY,
    "events.Registration.registered_by": HISTORY,
    "events.Meeting.placed_by": HISTORY,
    "events.Deal.recorded_by": HISTORY,
    "events.DealFollowUp.answered_by": HISTORY,
    # Procurement: a buyer's uploaded year, plan and recorded outcome are the organisation's.
    "procurement.SpendYear.uploaded_by": HISTORY,
    "procurement.PurchasingPlan.created_by": HISTORY,
    "procurement.PlanLine.outcome_recorded_by": HISTORY,
}
# Many-to-many links: the link rows go (the person no longer coordinates the region, ...).
LINKS = {"portal.Region.regisseurs", "portal.User.groups", "portal.User.user_permissions"}


def _installed(label):
    return apps.is_installed(label) or any(
        config.label == label.split(".")[0] for config in apps.get_app_configs()
    )


def test_every_relation_to_the_user_is_classified():
    found, links = {}, set()
    for field in User._meta.get_fields(include_hidden=True):
        if not field.is_relation:
            continue
        if field.many_to_many:
            model = field.model if field.concrete else field.related_model
            name = field.name if field.concrete else field.remote_field.name
            links.add(f"{model._meta.label}.{name}")
        elif not field.concrete and not field.related_model._meta.auto_created:
            key = f"{field.related_model._meta.label}.{field.remote_field.name}"
            found[key] = field.on_delete

    expected = {key: rule for key, rule in RELATIONS.items() if _installed(key.split(".")[0])}
    assert found == expected
    assert links == LINKS


@pytest.fixture
def world(reference_data, db):
    return privacy_world.build()


def delete(client, who, password=PASSWORD, **extra):
    client.force_login(who)
    return client.post(DELETE, {"password": password, **extra})


# --- Who may -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_goes(client, world):
    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert User.objects.filter(pk=world.pia.pk).exists()


def test_get_does_not_delete(client, world):
    client.force_login(world.pia)

    assert client.get(DELETE).status_code == 405
    assert User.objects.filter(pk=world.pia.pk).exists()


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.pia)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 403
    assert User.objects.filter(pk=world.pia.pk).exists()


def test_a_wrong_password_deletes_nothing_and_says_so(client, world):
    response = delete(client, world.pia, password="niet-mijn-wachtwoord")

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["password"]
    assert error.code == "wrong_password"
    assert str(error.message) in response.content.decode()
    assert User.objects.filter(pk=world.pia.pk).exists()
    assert Membership.objects.filter(user=world.pia).exists()


def test_a_missing_password_deletes_nothing(client, world):
    client.force_login(world.pia)

    response = client.post(DELETE, {})

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert User.objects.filter(pk=world.pia.pk).exists()


def test_only_the_account_of_who_asks_goes_whatever_the_form_says(client, world):
    response = delete(client, world.otto, user=world.pia.pk, pk=world.pia.pk, email=world.pia.email)

    assert response.status_code == 302
    assert not User.objects.filter(pk=world.otto.pk).exists()
    assert User.objects.filter(pk=world.pia.pk).exists()


def test_an_administrator_cannot_delete_their_own_account_here(client, reference_data, db):
    administrator = StaffFactory(is_superuser=True)

    response = delete(client, administrator)

    assert response.status_code == 200
    assert User.objects.filter(pk=administrator.pk).exists()
    [problem] = response.context["problems"]
    assert problem.message in response.content.decode()


# --- What goes, what stays ---------------------------------------------------------------------


def test_deleting_logs_out_and_the_account_is_gone(client, world):
    response = delete(client, world.pia)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=world.pia.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact="pia.werk@example.be").exists()
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("account_login"))


def test_what_was_the_persons_own_goes(client, world):
    delete(client, world.pia)

    assert not Membership.objects.filter(pk=world.pia_membership.pk).exists()
    assert not JoinRequest.objects.filter(pk=world.join_request.pk).exists()
    assert not SavedSearch.objects.filter(pk=world.saved_search.pk).exists()
    assert not NotificationPreference.objects.filter(kind="saved_search").exists()
    # Emails to her, to her second address, and the copies of her message to Groenwerk.
    assert not Notification.objects.filter(pk__in=[world.to_pia.pk, world.account_email.pk])
    assert not Notification.objects.filter(kind="contact_message").exists()
    assert not Invitation.objects.filter(pk=world.invitation_received.pk).exists()


def test_the_organisations_keep_their_history_without_her_name(client, world):
    delete(client, world.pia)

    assert Organisation.objects.filter(pk=world.firm.pk).exists()
    assert Collaboration.objects.get(pk=world.collaboration.pk).declared_by is None
    assert Voucher.objects.get(pk=world.voucher.pk).applied_by is None
    assert VoucherEvent.objects.get(pk=world.event.pk).actor is None
    assert Vacancy.objects.get(pk=world.vacancy.pk).created_by is None
    assert Response.objects.get(pk=world.response.pk).created_by is None
    assert Invitation.objects.get(pk=world.invitation_sent.pk).invited_by is None
    # The audit log keeps who acted, as its label (the privacy page says so).
    entry = AuditEntry.objects.get(pk=world.entry.pk)
    assert entry.actor is None
    assert entry.actor_label == "pia@example.be"


def test_what_others_have_stays(client, world):
    delete(client, world.pia)

    assert Notification.objects.filter(pk=world.to_otto.pk).exists()
    assert SavedSearch.objects.filter(user=world.otto).exists()
    assert Membership.objects.filter(user=world.otto, organisation=world.firm).exists()


def test_a_regisseurs_verifications_stay_without_their_name(client, world):
    regisseur = StaffFactory()
    region().regisseurs.add(regisseur)
    organisation = OwnerFactory(organisation__postcode=world.firm.postcode).organisation
    verify(organisation, by=regisseur)

    delete(client, regisseur)

    organisation.refresh_from_db()
    assert organisation.verified_at is not None
    assert organisation.verified_by is None
    assert not region().regisseurs.filter(pk=regisseur.pk).exists()


def test_a_decided_join_request_keeps_its_decision_without_the_owner(client, world):
    from companies import membership

    membership.accept_join_request(world.join_request, by=world.sam)
    owner_of_social = world.sam
    OwnerFactory(organisation=world.social)  # Sam is not the last owner

    delete(client, owner_of_social)

    join_request = JoinRequest.objects.get(pk=world.join_request.pk)
    assert join_request.status == "accepted"
    assert join_request.decided_by is None


# --- The last owner ----------------------------------------------------------------------------


def test_the_last_owner_of_an_organisation_with_members_must_hand_over_first(client, world):
    Membership.objects.filter(user=world.otto, organisation=world.firm).update(role="editor")

    response = delete(client, world.pia)

    assert response.status_code == 200
    assert User.objects.filter(pk=world.pia.pk).exists()
    [problem] = response.context["problems"]
    assert "Drukkerij Peeters" in problem.message
    members_url = reverse("companies:members", kwargs={"slug": world.firm.slug})
    assert [url for _label, url in problem.links] == [members_url]
    page = response.content.decode()
    assert f'href="{members_url}"' in page
    assert 'action="/account/privacy/delete/"' not in page  # no form until it is handed over


def test_the_page_says_so_before_anyone_tries(client, world):
    Membership.objects.filter(user=world.otto, organisation=world.firm).update(role="editor")
    client.force_login(world.pia)

    page = client.get(PAGE).content.decode()

    assert reverse("companies:members", kwargs={"slug": world.firm.slug}) in page


def test_an_organisations_only_member_leaves_it_without_members(client, reference_data, db):
    only = OwnerFactory()

    response = delete(client, only.user)

    assert response.status_code == 302
    assert Organisation.objects.filter(pk=only.organisation_id).exists()
    assert not Membership.objects.filter(organisation=only.organisation_id).exists()


def test_an_owner_may_go_when_another_owner_stays(client, world):
    delete(client, world.pia)

    assert Membership.objects.get(organisation=world.firm).user == world.otto


def test_two_last_but_one_owners_cannot_both_leave_their_members_alone(reference_data, db):
    from django.core.exceptions import ValidationError

    from portal import personal_data

    first = OwnerFactory()
    second = OwnerFactory(organisation=first.organisation)
    OwnerFactory(organisation=first.organisation, role="editor")

    personal_data.erase(first.user)
    with pytest.raises(ValidationError):
        personal_data.erase(second.user)
    assert User.objects.filter(pk=second.user_id).exists()


def test_a_plain_user_without_organisations_goes(client, db):
    user = UserFactory()

    delete(client, user)

    assert not User.objects.filter(pk=user.pk).exists()


# --- Only verified addresses are the user's (issue 16) ------------------------------------------


@pytest.fixture
def bystanders(world):
    return privacy_world.bystanders(world)


def everything_of_bea_and_carol(bystanders):
    """Every row the portal keeps of Bea and Carol, as it is now (an email about another
    account, such as the link Pia asks for at Bea's address, is that account's)."""
    addresses = Q()
    for address in privacy_world.BYSTANDER_ADDRESSES:
        addresses |= Q(email__iexact=address)
    bea = bystanders.bea
    return {
        "user": list(User.objects.filter(pk=bea.pk).values()),
        "addresses": list(EmailAddress.objects.filter(user=bea).order_by("pk").values()),
        "emails": list(
            Notification.objects.filter(
                (Q(recipient=None) & addresses) | Q(recipient=bea) | Q(reply_to="bea@example.be")
            )
            .order_by("pk")
            .values()
        ),
        "invitations": list(
            Invitation.objects.filter(addresses | Q(accepted_by=bea)).order_by("pk").values()
        ),
        "memberships": list(Membership.objects.filter(user=bea).order_by("pk").values()),
    }


@pytest.mark.parametrize("address", privacy_world.BYSTANDER_ADDRESSES)
def test_deleting_an_account_leaves_what_was_sent_to_its_unverified_address(
    client, world, bystanders, address
):
    before = everything_of_bea_and_carol(bystanders)
    privacy_world.claim(client, world.pia, address)

    response = delete(client, world.pia)

    assert response.status_code == 302
    assert not User.objects.filter(pk=world.pia.pk).exists()
    assert not EmailAddress.objects.filter(user_id=world.pia.pk).exists()
    assert everything_of_bea_and_carol(bystanders) == before
    # Pending and sent alike, and the invitations still open.
    emails = Notification.objects.filter(
        pk__in=[
            bystanders.bea_sent.pk,
            bystanders.bea_pending.pk,
            bystanders.bea_invitation_email.pk,
            bystanders.carol_email.pk,
        ]
    )
    assert sorted(emails.values_list("status", flat=True)) == [
        "pending",
        "pending",
        "pending",
        "sent",
    ]
    assert (
        Invitation.objects.filter(
            pk__in=[bystanders.bea_invitation.pk, bystanders.carol_invitation.pk],
            accepted_at__isnull=True,
        ).count()
        == 2
    )
    assert Notification.objects.filter(kind="contact_message", reply_to="bea@example.be")


def test_deleting_an_account_whose_login_address_was_never_verified_leaves_its_owner_alone(
    client, world, bystanders
):
    impostor = UserFactory(email="BEA.prive@example.be", verified=False)
    before = everything_of_bea_and_carol(bystanders)

    delete(client, impostor)

    assert not User.objects.filter(pk=impostor.pk).exists()
    assert everything_of_bea_and_carol(bystanders) == before


def test_deleting_leaves_what_another_account_got_at_an_address_now_verified_by_her(
    client, world, bystanders
):
    to_bea = Notification.objects.create(
        key="test:bea:old-address",
        recipient=bystanders.bea,
        email="pia.werk@example.be",
        kind="voucher",
        language="nl",
        subject="Bea: aan haar oude adres",
    )
    accepted_by_bea = Invitation.objects.create(
        organisation=bystanders.kringwinkel,
        email="pia.werk@example.be",
        token="test-token-accepted-by-bea",
        accepted_at=bystanders.now,
        accepted_by=bystanders.bea,
    )

    delete(client, world.pia)

    assert Notification.objects.filter(pk=to_bea.pk, recipient=bystanders.bea).exists()
    assert Invitation.objects.filter(pk=accepted_by_bea.pk, accepted_by=bystanders.bea).exists()


def test_an_address_verified_through_its_link_is_erased_with_the_account(client, world, bystanders):
    privacy_world.claim(client, world.otto, "carol@example.be")
    privacy_world.confirm(client, "carol@example.be")  # Otto reads Carol's mailbox after all

    delete(client, world.otto)

    assert not User.objects.filter(pk=world.otto.pk).exists()
    assert not Invitation.objects.filter(pk=bystanders.carol_invitation.pk).exists()
    assert not Notification.objects.filter(pk=bystanders.carol_email.pk).exists()
    # Bea's are still hers.
    assert Invitation.objects.filter(pk=bystanders.bea_invitation.pk).exists()
    assert Notification.objects.filter(pk=bystanders.bea_pending.pk).exists()
