"""The audit log (portal/audit.py): every voucher step, verification, membership change and
programme change writes exactly one entry naming who did it; administrators read it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from companies import membership, verification
from portal.models import AuditEntry
from tests.factories import (
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    log_in_as,
    postcode,
    region,
)
from tests.vouchers.conftest import apply_for, take, today, voucher_in, world  # noqa: F401
from vouchers import lifecycle


def only_new_entry(before):
    """The one entry written since `before` (the highest pk then)."""
    [entry] = AuditEntry.objects.filter(pk__gt=before)
    return entry


def last_pk():
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- Vouchers: every step ----------------------------------------------------------------------

STATUS_BEFORE = {"redeemed": "approved", "paid": "redeemed"}


def test_applying_writes_one_entry_by_the_applicant(world, apply_for):  # noqa: F811
    before = last_pk()

    voucher = apply_for()

    entry = only_new_entry(before)
    assert (entry.action, entry.actor, entry.actor_label) == (
        "voucher.submitted",
        world.employer,
        world.employer.email,
    )
    assert (entry.object_type, entry.object_id) == ("vouchers.voucher", str(voucher.pk))


@pytest.mark.parametrize(
    ("status", "actor"),
    [
        ("approved", "regisseur"),
        ("rejected", "regisseur"),
        ("withdrawn", "employer"),
        ("redeemed", "provider_member"),
        ("paid", "regisseur"),
    ],
)
def test_each_step_writes_one_entry_by_who_took_it(world, voucher_in, take, status, actor):  # noqa: F811
    voucher = voucher_in(STATUS_BEFORE.get(status, "submitted"))
    before = last_pk()

    take(status, voucher)

    entry = only_new_entry(before)
    assert entry.action == f"voucher.{status}"
    assert entry.actor == getattr(world, actor)
    assert entry.changes["to_status"] == status


def test_expiry_is_the_portals_entry_without_an_actor(world, voucher_in):  # noqa: F811
    voucher = voucher_in("approved")
    before = last_pk()

    lifecycle.expire_due(today=voucher.valid_until + timedelta(days=1))

    entry = only_new_entry(before)
    assert (entry.action, entry.actor, entry.actor_label) == ("voucher.expired", None, "")


def test_a_refused_step_writes_nothing(world, voucher_in):  # noqa: F811
    voucher = voucher_in("submitted")
    before = last_pk()

    with pytest.raises(lifecycle.VoucherError):
        lifecycle.redeem(
            voucher,
            user=world.provider_member,
            delivered_on=today(),
            invoice_number="F1",
            invoice_amount=Decimal("10"),
        )

    assert not AuditEntry.objects.filter(pk__gt=before).exists()


# --- Programmes in the admin -------------------------------------------------------------------


def programme_data(programme, **changes):
    return {
        "name": programme.name,
        "slug": programme.slug,
        "region": programme.region_id,
        "year": programme.year,
        "description": programme.description,
        "budget": programme.budget,
        "voucher_value": programme.voucher_value,
        "vouchers_per_firm": programme.vouchers_per_firm,
        "opens_on": programme.opens_on.isoformat(),
        "closes_on": programme.closes_on.isoformat(),
        "validity_days": programme.validity_days,
        "terms": programme.terms,
        **changes,
    }


def test_changing_a_programme_in_the_admin_writes_one_entry_with_the_changes(client, world):  # noqa: F811
    log_in_as(client, world.regisseur)
    before = last_pk()
    url = reverse("admin:vouchers_programme_change", args=[world.programme.pk])

    response = client.post(url, programme_data(world.programme, budget="20000"))

    assert response.status_code == 302
    entry = only_new_entry(before)
    assert (entry.action, entry.actor) == ("programme.changed", world.regisseur)
    assert entry.changes == {"budget": "20000"}


def test_creating_a_programme_in_the_admin_writes_one_entry(client, world):  # noqa: F811
    log_in_as(client, world.regisseur)
    before = last_pk()
    data = programme_data(world.programme, name="Nieuwe cheques", slug="nieuwe-cheques")

    response = client.post(reverse("admin:vouchers_programme_add"), data)

    assert response.status_code == 302
    entry = only_new_entry(before)
    assert (entry.action, entry.actor, entry.object_label) == (
        "programme.created",
        world.regisseur,
        f"Nieuwe cheques ({world.programme.year})",
    )


def test_deleting_a_programme_in_the_admin_writes_one_entry(client, world):  # noqa: F811
    log_in_as(client, world.regisseur)
    before = last_pk()
    url = reverse("admin:vouchers_programme_delete", args=[world.programme.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    entry = only_new_entry(before)
    assert (entry.action, entry.actor) == ("programme.deleted", world.regisseur)


# --- Verification and memberships --------------------------------------------------------------


@pytest.fixture
def team(reference_data, db):
    organisation = OrganisationFactory(name="Bakkerij Mergelland", postcode=postcode("3700"))
    regisseur = StaffFactory()
    region().regisseurs.add(regisseur)
    return {
        "organisation": organisation,
        "owner": OwnerFactory(organisation=organisation).user,
        "editor": MembershipFactory(organisation=organisation),
        "regisseur": regisseur,
    }


def test_verifying_writes_one_entry_and_verifying_again_none(team):
    before = last_pk()

    verification.verify(team["organisation"], by=team["regisseur"])
    verification.verify(team["organisation"], by=team["regisseur"])

    entry = only_new_entry(before)
    assert (entry.action, entry.actor) == ("organisation.verified", team["regisseur"])
    assert entry.object_label == "Bakkerij Mergelland"


def test_a_role_change_writes_one_entry_with_the_roles(team):
    before = last_pk()

    membership.change_role(team["editor"], role="owner", by=team["owner"])
    membership.change_role(team["editor"], role="owner", by=team["owner"])  # no change

    entry = only_new_entry(before)
    assert (entry.action, entry.actor) == ("membership.role_changed", team["owner"])
    assert entry.changes == {"role_before": "editor", "role": "owner"}


def test_removing_and_leaving_write_one_entry_each(team):
    other = MembershipFactory(organisation=team["organisation"])
    before = last_pk()

    membership.remove_member(team["editor"], by=team["owner"])
    removed = only_new_entry(before)
    membership.remove_member(other, by=other.user)
    left = only_new_entry(removed.pk)

    assert (removed.action, removed.actor) == ("membership.removed", team["owner"])
    assert (left.action, left.actor) == ("membership.left", other.user)


def test_the_last_owner_refused_writes_nothing(team):
    owner_membership = team["organisation"].memberships.get(user=team["owner"])
    before = last_pk()

    with pytest.raises(membership.ValidationError):
        membership.remove_member(owner_membership, by=team["owner"])

    assert not AuditEntry.objects.filter(pk__gt=before).exists()


@pytest.mark.parametrize(
    ("decide", "action"),
    [
        (membership.accept_join_request, "join_request.accepted"),
        (membership.decline_join_request, "join_request.declined"),
    ],
)
def test_a_join_decision_writes_one_entry_by_the_owner(team, decide, action):
    join_request = JoinRequestFactory(organisation=team["organisation"])
    before = last_pk()

    decide(join_request, by=team["owner"])

    entry = only_new_entry(before)
    assert entry.action == action
    assert entry.actor == team["owner"]
    assert entry.changes == {"user": str(join_request.user)}


def test_accepting_an_invitation_writes_one_entry_by_the_invitee(team):
    invitee = UserFactory(email="nieuw@example.be")
    invitation = InvitationFactory(
        organisation=team["organisation"], email="nieuw@example.be", invited_by=team["owner"]
    )
    before = last_pk()

    membership.accept_invitation(invitation, user=invitee)

    entry = only_new_entry(before)
    assert (entry.action, entry.actor) == ("invitation.accepted", invitee)
    assert entry.changes == {
        "invited_by": str(team["owner"]),
        "role_before": None,
        "role": "editor",
    }


# --- Who reads it ------------------------------------------------------------------------------


def test_administrators_read_the_log_and_nobody_changes_it(client, team):
    verification.verify(team["organisation"], by=team["regisseur"])
    entry = AuditEntry.objects.get()
    log_in_as(client, StaffFactory(is_superuser=True))

    listing = client.get(reverse("admin:portal_auditentry_changelist"))
    change = reverse("admin:portal_auditentry_change", args=[entry.pk])
    delete = reverse("admin:portal_auditentry_delete", args=[entry.pk])

    assert listing.status_code == 200
    assert "organisation.verified" in listing.content.decode()
    assert client.get(change).status_code == 200
    assert client.post(change, {"action": "forged"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:portal_auditentry_add")).status_code == 403
    entry.refresh_from_db()
    assert entry.action == "organisation.verified"


def test_regisseurs_and_members_do_not_read_the_log(client, team):
    url = reverse("admin:portal_auditentry_changelist")
    log_in_as(client, team["regisseur"])
    assert client.get(url).status_code == 403

    client.force_login(team["owner"])
    response = client.get(url)
    assert response.status_code == 302  # to the admin's login: not staff
