"""vouchers/lifecycle.py: every step, who may take it, what it refuses and what it writes."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from companies.models import Collaboration
from portal.models import Municipality, ServiceCategory
from tests.factories import (
    OfferedServiceFactory,
    OrganisationFactory,
    OwnerFactory,
    ProgrammeFactory,
    SocialEnterpriseFactory,
    VoucherFactory,
    in_days,
    postcode,
)
from vouchers import lifecycle
from vouchers.lifecycle import TRANSITIONS, VoucherError
from vouchers.models import Programme, Voucher, VoucherEvent

from .conftest import PATHS, today

STATUSES = list(PATHS)
# The steps a user takes (expiry is the portal's, tested in test_tasks.py).
USER_STEPS = ["approved", "rejected", "withdrawn", "redeemed", "paid"]


def events(voucher):
    return [
        (event.from_status, event.to_status, event.actor)
        for event in VoucherEvent.objects.filter(voucher=voucher)
    ]


def held(programme):
    return Programme.objects.with_budget().get(pk=programme.pk).held


# --- The transition table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [pair for pair in TRANSITIONS if pair[0] and pair[1] != "expired"],
)
def test_every_legal_step_moves_the_voucher_and_writes_its_event(
    world, voucher_in, take, from_status, to_status
):
    voucher = voucher_in(from_status)
    before = VoucherEvent.objects.filter(voucher=voucher).count()

    result = take(to_status, voucher)

    voucher.refresh_from_db()
    assert result.status == voucher.status == to_status
    assert VoucherEvent.objects.filter(voucher=voucher).count() == before + 1
    last = VoucherEvent.objects.filter(voucher=voucher).last()
    assert (last.from_status, last.to_status) == (from_status, to_status)
    assert last.actor is not None


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (from_status, to_status)
        for from_status in STATUSES
        for to_status in USER_STEPS
        if (from_status, to_status) not in TRANSITIONS
    ],
)
def test_every_illegal_step_is_refused_and_changes_nothing(
    world, voucher_in, take, from_status, to_status
):
    voucher = voucher_in(from_status)
    before = events(voucher)

    with pytest.raises(VoucherError) as refused:
        take(to_status, voucher)

    assert refused.value.code == "illegal_step"
    assert str(refused.value.message)  # a sentence the page shows as it is
    assert "%(" not in str(refused.value.message)
    voucher.refresh_from_db()
    assert voucher.status == from_status
    assert events(voucher) == before


def test_the_whole_life_is_written_down_with_who_took_each_step(world, voucher_in):
    voucher = voucher_in("paid")

    assert events(voucher) == [
        ("", "submitted", world.employer),
        ("submitted", "approved", world.regisseur),
        ("approved", "redeemed", world.provider_member),
        ("redeemed", "paid", world.regisseur),
    ]


def test_a_voucher_that_expired_was_moved_by_the_portal(world, voucher_in):
    voucher = voucher_in("expired")

    assert events(voucher)[-1] == ("approved", "expired", None)


# --- Who may take each step ----------------------------------------------------------------------

MANAGERS_ONLY = {"regisseur", "administrator"}
MAY = {
    "approved": MANAGERS_ONLY,
    "rejected": MANAGERS_ONLY,
    "paid": MANAGERS_ONLY,
    "withdrawn": {"employer"},
    "redeemed": {"provider_member"},
}
PEOPLE = [
    "employer",
    "provider_member",
    "regisseur",
    "other_regisseur",
    "administrator",
    "stranger",
    "anonymous",
]
FROM = {"approved": "submitted", "rejected": "submitted", "withdrawn": "approved"}
FROM.update({"redeemed": "approved", "paid": "redeemed"})


def call_step(to_status, voucher, user):
    arguments = {
        "approved": lambda: lifecycle.approve(voucher, user=user),
        "rejected": lambda: lifecycle.reject(voucher, user=user, reason="Buiten het programma."),
        "withdrawn": lambda: lifecycle.withdraw(voucher, user=user),
        "redeemed": lambda: lifecycle.redeem(
            voucher,
            user=user,
            delivered_on=today(),
            invoice_number="F-1",
            invoice_amount=Decimal(500),
        ),
        "paid": lambda: lifecycle.mark_paid(voucher, user=user, paid_on=today(), reference="R-1"),
    }
    return arguments[to_status]()


def person(world, name):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


@pytest.mark.parametrize("to_status", list(MAY))
@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_right_party_takes_a_step(world, voucher_in, to_status, who):
    voucher = voucher_in(FROM[to_status])
    user = person(world, who)

    if who in MAY[to_status]:
        call_step(to_status, voucher, user)
        voucher.refresh_from_db()
        assert voucher.status == to_status
        assert VoucherEvent.objects.filter(voucher=voucher).last().actor == user
    else:
        with pytest.raises(PermissionDenied):
            call_step(to_status, voucher, user)
        voucher.refresh_from_db()
        assert voucher.status == FROM[to_status]


def test_a_party_that_may_not_take_a_step_hears_so_before_the_state_is_checked(world, voucher_in):
    """A stranger learns nothing about the voucher's state: PermissionDenied, not illegal_step."""
    voucher = voucher_in("paid")

    with pytest.raises(PermissionDenied):
        lifecycle.approve(voucher, user=world.other_regisseur)
    with pytest.raises(PermissionDenied):
        lifecycle.redeem(
            voucher,
            user=world.employer,
            delivered_on=today(),
            invoice_number="F-1",
            invoice_amount=Decimal(1),
        )


def test_an_inactive_regisseur_or_one_no_longer_staff_may_not_approve(world, voucher_in):
    voucher = voucher_in("submitted")
    world.regisseur.is_staff = False
    world.regisseur.save()

    with pytest.raises(PermissionDenied):
        lifecycle.approve(voucher, user=world.regisseur)

    world.regisseur.is_staff = True
    world.regisseur.is_active = False
    world.regisseur.save()
    with pytest.raises(PermissionDenied):
        lifecycle.approve(voucher, user=world.regisseur)


@pytest.mark.parametrize("who", ["provider_member", "regisseur", "administrator", "stranger"])
def test_only_a_member_of_the_applicant_applies(world, apply_for, who):
    with pytest.raises(PermissionDenied):
        apply_for(user=person(world, who))

    assert not Voucher.objects.exists()


def test_anonymous_may_not_apply(world, apply_for):
    with pytest.raises(PermissionDenied):
        apply_for(user=AnonymousUser())


# --- Applying ------------------------------------------------------------------------------------


def test_an_application_is_submitted_with_the_terms_accepted(world, apply_for):
    voucher = apply_for(intended_use="  Groenonderhoud proberen.  ")

    assert voucher.status == "submitted"
    assert voucher.applied_by == world.employer
    assert voucher.terms_accepted_at is not None
    assert voucher.intended_use == "Groenonderhoud proberen."
    assert voucher.amount == 0
    assert voucher.code is None
    assert events(voucher) == [("", "submitted", world.employer)]


def test_the_world_firm_may_apply(world):
    assert lifecycle.eligibility_problems(world.programme, world.firm) == []


def codes(problems):
    return [problem.code for problem in problems]


def test_window_closed_before_it_opens_and_after_it_closes(world, apply_for):
    early = ProgrammeFactory(opens_on=in_days(3), closes_on=in_days(30))
    late = ProgrammeFactory(opens_on=in_days(-30), closes_on=in_days(-1))

    for programme in (early, late):
        assert codes(lifecycle.eligibility_problems(programme, world.firm)) == ["window_closed"]
        with pytest.raises(VoucherError) as refused:
            apply_for(programme=programme)
        assert refused.value.code == "window_closed"


def test_the_window_includes_its_first_and_last_day(world, apply_for):
    programme = ProgrammeFactory(opens_on=today(), closes_on=today())

    assert apply_for(programme=programme).status == "submitted"


def test_budget_used_up(world, apply_for):
    programme = ProgrammeFactory(budget=500)
    VoucherFactory(programme=programme, approved=True)

    with pytest.raises(VoucherError) as refused:
        apply_for(programme=programme)

    assert refused.value.code == "budget_used_up"


def test_a_firm_outside_the_programmes_municipalities_is_not_eligible(world, apply_for):
    world.firm.postcode = postcode("3500")  # Hasselt, not in Zuidoost-Limburg
    world.firm.save()

    with pytest.raises(VoucherError) as refused:
        apply_for()

    assert refused.value.code == "not_eligible"
    assert "Hasselt" in str(refused.value.message)


def test_the_programmes_own_municipalities_replace_the_regions(world, apply_for):
    world.programme.municipalities.set([Municipality.objects.get(nis_code="24062")])  # Leuven

    with pytest.raises(VoucherError) as refused:
        apply_for()
    assert refused.value.code == "not_eligible"

    world.firm.postcode = postcode("3000")
    world.firm.save()
    assert apply_for().status == "submitted"


@pytest.mark.parametrize("kind", ["public", "school", "nonprofit", "social"])
def test_only_a_regular_firm_is_eligible(world, apply_for, kind):
    world.firm.kind = kind
    world.firm.save()

    with pytest.raises(VoucherError) as refused:
        apply_for()

    assert refused.value.code == "not_eligible"


def test_an_unverified_firm_may_not_apply(world, apply_for):
    world.firm.verified_at = None
    world.firm.save()

    with pytest.raises(VoucherError) as refused:
        apply_for()

    assert refused.value.code == "applicant_not_verified"


def test_maximum_reached_counts_open_and_used_vouchers_but_not_refused_ones(world, apply_for, take):
    first = apply_for()
    with pytest.raises(VoucherError) as refused:
        apply_for()
    assert refused.value.code == "maximum_reached"

    take("rejected", first)
    second = apply_for()
    take("withdrawn", second)
    third = apply_for()
    take("approved", third)
    with pytest.raises(VoucherError) as refused:
        apply_for()
    assert refused.value.code == "maximum_reached"


def test_a_programme_may_give_a_firm_more_vouchers(world, apply_for):
    programme = ProgrammeFactory(vouchers_per_firm=2)

    apply_for(programme=programme)
    apply_for(programme=programme)
    with pytest.raises(VoucherError) as refused:
        apply_for(programme=programme)

    assert refused.value.code == "maximum_reached"
    assert "2" in str(refused.value.message)


def test_all_problems_are_listed_for_the_page(world):
    world.firm.verified_at = None
    world.firm.postcode = postcode("3500")
    world.firm.save()
    programme = ProgrammeFactory(opens_on=in_days(-30), closes_on=in_days(-1), budget=0)

    assert codes(lifecycle.eligibility_problems(programme, world.firm)) == [
        "window_closed",
        "not_eligible",
        "applicant_not_verified",
        "budget_used_up",
    ]


def test_the_provider_must_be_verified(world, apply_for):
    world.provider.verified_at = None
    world.provider.save()

    with pytest.raises(VoucherError) as refused:
        apply_for()

    assert refused.value.code == "provider_not_verified"


def test_the_provider_must_be_a_social_enterprise(world, apply_for):
    regular = OrganisationFactory(postcode=postcode("3700"), verified_at=world.firm.verified_at)

    with pytest.raises(VoucherError) as refused:
        apply_for(provider=regular)

    assert refused.value.code == "provider_not_social"


def test_the_category_must_be_one_the_programme_covers(world, apply_for):
    other = ServiceCategory.objects.exclude(pk=world.category.pk).first()
    OfferedServiceFactory(organisation=world.provider, category=other)
    world.programme.categories.set([other])

    with pytest.raises(VoucherError) as refused:
        apply_for()
    assert refused.value.code == "category_not_eligible"

    assert apply_for(category=other).category == other


def test_the_provider_must_offer_the_category(world, apply_for):
    other = ServiceCategory.objects.exclude(pk=world.category.pk).first()

    with pytest.raises(VoucherError) as refused:
        apply_for(category=other)

    assert refused.value.code == "provider_does_not_offer"


@pytest.mark.parametrize("expected_date", [in_days(-1), "2030-01-01", None])
def test_the_expected_date_must_be_today_or_later(world, apply_for, expected_date):
    with pytest.raises(VoucherError) as refused:
        apply_for(expected_date=expected_date)

    assert refused.value.code == "expected_date_past"


@pytest.mark.parametrize("intended_use", ["", "   ", None, "x" * 2001])
def test_the_intended_use_is_required_and_bounded(world, apply_for, intended_use):
    with pytest.raises(VoucherError) as refused:
        apply_for(intended_use=intended_use)

    assert refused.value.code == "intended_use_required"


def test_error_messages_are_in_the_active_language(world, apply_for):
    from django.utils import translation

    world.firm.verified_at = None
    world.firm.save()
    with translation.override("en"), pytest.raises(VoucherError) as refused:
        apply_for()

    assert "is not verified yet" in refused.value.messages[0]
    assert refused.value.messages == [str(refused.value.message)]


# --- Approving, rejecting, withdrawing -----------------------------------------------------------

CODE = re.compile(r"^KC-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}$")


def test_approval_holds_the_value_and_gives_a_code_and_a_validity(world, apply_for):
    voucher = apply_for()

    lifecycle.approve(voucher, user=world.regisseur, note="Mooi project.")

    voucher.refresh_from_db()
    assert voucher.amount == Decimal("500.00")
    assert CODE.match(voucher.code)
    assert voucher.decided_at is not None
    assert voucher.valid_until == today() + timedelta(days=world.programme.validity_days)
    assert held(world.programme) == Decimal("500.00")
    assert VoucherEvent.objects.filter(voucher=voucher).last().note == "Mooi project."


def test_approval_is_refused_when_the_budget_is_used_up(world, apply_for):
    voucher = apply_for()
    world.programme.budget = Decimal(700)
    world.programme.save()
    VoucherFactory(programme=world.programme, approved=True, amount=Decimal(300))

    with pytest.raises(VoucherError) as refused:
        lifecycle.approve(voucher, user=world.regisseur)

    assert refused.value.code == "budget_used_up"
    voucher.refresh_from_db()
    assert (voucher.status, voucher.code, voucher.amount) == ("submitted", None, 0)
    assert held(world.programme) == Decimal(300)


def test_approval_may_use_the_budget_to_the_last_cent(world, apply_for):
    world.programme.budget = Decimal(800)
    world.programme.save()
    VoucherFactory(programme=world.programme, approved=True, amount=Decimal(300))

    lifecycle.approve(apply_for(), user=world.regisseur)

    assert held(world.programme) == world.programme.budget


def test_rejection_needs_a_reason_that_the_applicant_reads(world, voucher_in):
    voucher = voucher_in("submitted")
    for reason in ["", "   ", None, "x" * 2001]:
        with pytest.raises(VoucherError) as refused:
            lifecycle.reject(voucher, user=world.regisseur, reason=reason)
        assert refused.value.code == "reason_required"

    lifecycle.reject(voucher, user=world.regisseur, reason=" Dit is geen kennismaking. ")

    voucher.refresh_from_db()
    assert voucher.status == "rejected"
    assert voucher.rejection_reason == "Dit is geen kennismaking."
    assert voucher.decided_at is not None
    assert VoucherEvent.objects.filter(voucher=voucher).last().note == "Dit is geen kennismaking."


@pytest.mark.parametrize("from_status", ["submitted", "approved"])
def test_withdrawal_frees_the_budget(world, voucher_in, from_status):
    voucher = voucher_in(from_status)

    lifecycle.withdraw(voucher, user=world.employer, note="Toch niet nodig.")

    voucher.refresh_from_db()
    assert voucher.amount == 0
    assert held(world.programme) == 0
    assert VoucherEvent.objects.filter(voucher=voucher).last().note == "Toch niet nodig."


def test_a_withdrawn_voucher_makes_room_for_another_approval(world, apply_for):
    world.programme.budget = Decimal(500)
    world.programme.save()
    first = apply_for()
    other_firm = OrganisationFactory(postcode=postcode("3700"), verified_at=world.firm.verified_at)
    other_employer = OwnerFactory(organisation=other_firm).user
    second = apply_for(applicant=other_firm, user=other_employer)
    lifecycle.approve(first, user=world.regisseur)
    with pytest.raises(VoucherError):
        lifecycle.approve(second, user=world.regisseur)

    lifecycle.withdraw(first, user=world.employer)
    lifecycle.approve(second, user=world.regisseur)

    assert held(world.programme) == Decimal(500)


# --- Redeeming and paying ------------------------------------------------------------------------


def redeem(world, voucher, **changes):
    arguments = {
        "user": world.provider_member,
        "delivered_on": today(),
        "invoice_number": "F2025-0042",
        "invoice_amount": Decimal("420.00"),
        **changes,
    }
    return lifecycle.redeem(voucher, **arguments)


def test_a_voucher_pays_a_smaller_invoice_in_full_and_frees_the_rest(world, voucher_in):
    voucher = voucher_in("approved")

    redeem(world, voucher, invoice_amount=Decimal("320.50"))

    voucher.refresh_from_db()
    assert voucher.amount == Decimal("320.50")
    assert voucher.invoice_amount == Decimal("320.50")
    assert held(world.programme) == Decimal("320.50")


@pytest.mark.parametrize("invoice_amount", [Decimal("500.00"), Decimal("1250.00"), 99999999])
def test_a_voucher_pays_at_most_its_value(world, voucher_in, invoice_amount):
    voucher = voucher_in("approved")

    redeem(world, voucher, invoice_amount=invoice_amount)

    voucher.refresh_from_db()
    assert voucher.amount == Decimal("500.00")
    assert voucher.invoice_amount == Decimal(invoice_amount)
    assert voucher.delivered_on == today()
    assert voucher.invoice_number == "F2025-0042"
    assert voucher.redeemed_at is not None


@pytest.mark.parametrize(
    "changes",
    [
        {"invoice_amount": Decimal(0)},
        {"invoice_amount": Decimal("-5")},
        {"invoice_amount": Decimal("10.005")},
        {"invoice_amount": Decimal("100000000")},
        {"invoice_amount": Decimal("NaN")},
        {"invoice_amount": "veel"},
        {"invoice_amount": None},
        {"invoice_amount": True},
        {"invoice_number": ""},
        {"invoice_number": "   "},
        {"invoice_number": "F" * 51},
        {"invoice_number": None},
        {"delivered_on": in_days(1)},
        {"delivered_on": in_days(-1)},  # before the approval, today
        {"delivered_on": "2025-05-01"},
        {"delivered_on": None},
    ],
)
def test_a_redemption_with_a_bad_invoice_is_refused_and_changes_nothing(world, voucher_in, changes):
    voucher = voucher_in("approved")

    with pytest.raises(VoucherError) as refused:
        redeem(world, voucher, **changes)

    assert refused.value.code == "invoice_invalid"
    voucher.refresh_from_db()
    assert (voucher.status, voucher.amount) == ("approved", Decimal("500.00"))
    assert not Collaboration.objects.exists()


def test_a_voucher_past_its_validity_cannot_be_redeemed_before_the_beat_expires_it(
    world, voucher_in
):
    voucher = voucher_in("approved")
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=in_days(-1))

    with pytest.raises(VoucherError) as refused:
        redeem(world, voucher)

    assert refused.value.code == "illegal_step"


def test_a_voucher_can_be_redeemed_on_its_last_valid_day(world, voucher_in):
    voucher = voucher_in("approved")
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=today())

    assert redeem(world, voucher).status == "redeemed"


def test_redemption_records_the_collaboration_it_started(world, voucher_in):
    voucher = voucher_in("redeemed")

    collaboration = Collaboration.objects.get()
    assert voucher.collaboration == collaboration
    assert collaboration.regular == world.firm
    assert collaboration.social == world.provider
    assert (collaboration.role, collaboration.channel, collaboration.source) == (
        "client",
        "voucher",
        "voucher",
    )
    assert collaboration.category == world.category
    assert collaboration.started == voucher.delivered_on
    assert collaboration.confirmed_by_regular_at and collaboration.confirmed_by_social_at


def test_a_provider_that_is_no_longer_social_cannot_redeem_into_the_register(world, voucher_in):
    voucher = voucher_in("approved")
    world.provider.kind = "regular"
    world.provider.save()

    with pytest.raises(VoucherError) as refused:
        redeem(world, voucher)

    assert refused.value.code == "not_eligible"
    voucher.refresh_from_db()
    assert voucher.status == "approved"


@pytest.mark.parametrize(
    "changes",
    [
        {"paid_on": in_days(1)},
        {"paid_on": in_days(-1)},  # before the delivery, today
        {"paid_on": "2025-06-01"},
        {"reference": ""},
        {"reference": "R" * 51},
    ],
)
def test_a_payment_with_a_bad_date_or_reference_is_refused(world, voucher_in, changes):
    voucher = voucher_in("redeemed")
    arguments = {"user": world.regisseur, "paid_on": today(), "reference": "BET-1", **changes}

    with pytest.raises(VoucherError) as refused:
        lifecycle.mark_paid(voucher, **arguments)

    assert refused.value.code == "payment_invalid"
    voucher.refresh_from_db()
    assert voucher.status == "redeemed"


def test_payment_records_date_and_reference_and_keeps_holding_the_amount(world, voucher_in):
    voucher = voucher_in("redeemed")

    lifecycle.mark_paid(voucher, user=world.administrator, paid_on=today(), reference=" BET-7 ")

    voucher.refresh_from_db()
    assert (voucher.paid_on, voucher.payment_reference) == (today(), "BET-7")
    assert held(world.programme) == Decimal("420.00")
    figures = Programme.objects.with_budget().get(pk=world.programme.pk)
    assert (figures.reserved, figures.redeemed, figures.paid) == (0, 0, Decimal("420.00"))


# --- Codes ---------------------------------------------------------------------------------------


def test_codes_are_unique_and_unguessable(world):
    programme = ProgrammeFactory(budget=50 * 500)
    vouchers = VoucherFactory.create_batch(40, programme=programme)

    for voucher in vouchers:
        lifecycle.approve(voucher, user=world.regisseur)

    issued = {voucher.code for voucher in vouchers}
    assert len(issued) == 40
    assert all(CODE.match(code) for code in issued)
    # Not a counter: a counter's codes share all but their last characters; random ones share
    # their first eight with a chance of about 40 * 39 / 2 / 32 ** 8, one in a million million.
    assert len({code[3:11] for code in issued}) == 40


def test_a_new_code_is_never_one_already_given(world, monkeypatch):
    VoucherFactory(approved=True, code="KC-2222222222")
    drawn = iter("2222222222" + "3333333333")
    monkeypatch.setattr(lifecycle.secrets, "choice", lambda alphabet: next(drawn))

    assert lifecycle.new_code() == "KC-3333333333"


@pytest.mark.parametrize(
    "typed",
    [
        "KC-7H3MX9Q2RT",
        "kc-7h3mx9q2rt",
        " KC 7H3M X9Q2 RT ",
        "7h3m-x9q2-rt",
        "kc7h3mx9q2rt",
        "KC–7H3MX9Q2RT\n",
    ],
)
def test_a_provider_finds_its_voucher_by_the_code_however_it_is_typed(world, typed):
    voucher = VoucherFactory(approved=True, provider=world.provider, code="KC-7H3MX9Q2RT")

    assert lifecycle.find_by_code(typed, provider=world.provider) == voucher


@pytest.mark.parametrize(
    "typed", ["", None, 12, "KC-7H3MX9Q2R", "KC-7H3MX9Q2RTT", "x" * 10_000, "KC-%' OR 1=1"]
)
def test_an_unknown_code_is_refused(world, typed):
    VoucherFactory(approved=True, provider=world.provider, code="KC-7H3MX9Q2RT")

    with pytest.raises(VoucherError) as refused:
        lifecycle.find_by_code(typed, provider=world.provider)

    assert refused.value.code == "code_unknown"


def test_another_providers_code_is_unknown(world):
    other = SocialEnterpriseFactory(postcode=postcode("3700"))
    VoucherFactory(approved=True, provider=other, code="KC-7H3MX9Q2RT")

    with pytest.raises(VoucherError) as refused:
        lifecycle.find_by_code("KC-7H3MX9Q2RT", provider=world.provider)

    assert refused.value.code == "code_unknown"


# --- The database's own budget guard (migration 0002) --------------------------------------------


def test_the_database_refuses_a_voucher_that_would_overspend(world):
    programme = ProgrammeFactory(budget=1000)
    VoucherFactory.create_batch(2, programme=programme, approved=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        VoucherFactory(programme=programme, approved=True)
    submitted = VoucherFactory(programme=programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=submitted.pk).update(status="approved", amount=500)

    assert held(programme) == Decimal(1000)


def test_the_database_refuses_a_budget_below_what_is_held(world):
    programme = ProgrammeFactory(budget=1000)
    VoucherFactory(programme=programme, approved=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(budget=499)
    Programme.objects.filter(pk=programme.pk).update(budget=500)

    programme.refresh_from_db()
    assert programme.budget == 500


def test_the_database_lets_vouchers_hold_less_or_move_on(world):
    programme = ProgrammeFactory(budget=500)
    voucher = VoucherFactory(programme=programme, approved=True)

    Voucher.objects.filter(pk=voucher.pk).update(status="redeemed", amount=300)
    Voucher.objects.filter(pk=voucher.pk).update(status="paid")

    assert held(programme) == Decimal(300)
