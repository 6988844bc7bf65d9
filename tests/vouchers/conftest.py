"""A voucher world: a programme of Zuidoost-Limburg, a firm that may apply, a provider it may
choose, their members, the regisseurs of this region and of another one, and an administrator.

The firm and the provider lie in Tongeren (3700, in Zuidoost-Limburg); `other_regisseur` looks
after Vlaams-Brabant. Nobody is a member of more than one organisation.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.factories import (
    MembershipFactory,
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    StaffFactory,
    UserFactory,
    first_service_category,
    in_days,
    postcode,
    region,
)


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def world(reference_data, db):
    category = first_service_category()
    firm = OrganisationFactory(
        name="Drukkerij Peeters", postcode=postcode("3700"), verified_at=_now()
    )
    provider = SocialEnterpriseFactory(
        name="Groenwerk Tongeren", postcode=postcode("3700"), verified_at=_now()
    )
    OfferedServiceFactory(organisation=provider, category=category)
    regisseur = StaffFactory(name="Rita Regisseur")
    region().regisseurs.add(regisseur)
    other_regisseur = StaffFactory(name="Vera Vlaams-Brabant")
    region("vlaams-brabant").regisseurs.add(other_regisseur)
    return SimpleNamespace(
        programme=ProgrammeFactory(name="Kennismakingscheques Zuidoost-Limburg"),
        category=category,
        firm=firm,
        employer=OwnerFactory(organisation=firm, user__name="Erik Employer").user,
        provider=provider,
        provider_member=MembershipFactory(
            organisation=provider, user__name="Sofie Sociaal", user__language="fr"
        ).user,
        regisseur=regisseur,
        other_regisseur=other_regisseur,
        administrator=StaffFactory(name="Ada Admin", is_superuser=True),
        stranger=UserFactory(name="Stan Stranger"),
    )


@pytest.fixture
def apply_for(world):
    """Apply as the world's employer, with the world's provider and category unless told."""
    from vouchers import lifecycle

    def apply_for(**changes):
        programme = changes.pop("programme", world.programme)
        fields = {
            "applicant": world.firm,
            "provider": world.provider,
            "category": world.category,
            "intended_use": "Groenonderhoud rond ons bedrijfsgebouw uitproberen.",
            "expected_date": in_days(30),
            "user": world.employer,
            **changes,
        }
        return lifecycle.apply(programme, **fields)

    return apply_for


def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def take(world):
    """Take a step as the party whose step it is: take("approved", voucher)."""
    from decimal import Decimal

    from vouchers import lifecycle

    def expire(voucher):
        """The beat's expiry, run on the day after the voucher's validity ended."""
        lifecycle.expire_due(today=voucher.valid_until + timedelta(days=1))
        voucher.refresh_from_db()
        return voucher

    steps = {
        "approved": lambda voucher: lifecycle.approve(voucher, user=world.regisseur),
        "rejected": lambda voucher: lifecycle.reject(
            voucher, user=world.regisseur, reason="Deze dienst valt buiten het programma."
        ),
        "withdrawn": lambda voucher: lifecycle.withdraw(voucher, user=world.employer),
        "redeemed": lambda voucher: lifecycle.redeem(
            voucher,
            user=world.provider_member,
            delivered_on=today(),
            invoice_number="F2025-0042",
            invoice_amount=Decimal("420.00"),
        ),
        "paid": lambda voucher: lifecycle.mark_paid(
            voucher, user=world.regisseur, paid_on=today(), reference="BET-2025-007"
        ),
        "expired": expire,
    }

    def take(status, voucher):
        return steps[status](voucher)

    return take


# The steps that lead to each status from a fresh application.
PATHS = {
    "submitted": [],
    "approved": ["approved"],
    "rejected": ["rejected"],
    "withdrawn": ["withdrawn"],
    "redeemed": ["approved", "redeemed"],
    "paid": ["approved", "redeemed", "paid"],
    "expired": ["approved", "expired"],
}


@pytest.fixture
def voucher_in(apply_for, take):
    """The world's application, brought to `status` through the lifecycle."""

    def voucher_in(status):
        voucher = apply_for()
        for step in PATHS[status]:
            take(step, voucher)
        voucher.refresh_from_db()
        assert voucher.status == status
        return voucher

    return voucher_in
