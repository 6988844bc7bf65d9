"""Fifty approvals at the same moment, each on its own connection, for a budget that fits thirty.

Each racer is a thread with its own PostgreSQL connection (Django gives every thread its own)
and its own transaction; a barrier releases them together, so the approvals really overlap.
Approval locks the programme's row, so they queue: exactly thirty fit, the other twenty hear
that the budget is used up, and the programme holds exactly thirty vouchers' worth. The second
test races writes that bypass the lifecycle, against the database's own guard (migration 0002).
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.factories import ProgrammeFactory, StaffFactory, VoucherFactory, region
from tests.races import run_together
from vouchers import lifecycle
from vouchers.lifecycle import VoucherError
from vouchers.models import Programme, Voucher, VoucherEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 50
FITS = 30
VALUE = Decimal(500)


@pytest.fixture
def race():
    """A programme whose budget fits FITS vouchers, with RACERS applications waiting."""
    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    regisseur = StaffFactory()
    region().regisseurs.add(regisseur)
    programme = ProgrammeFactory(budget=FITS * VALUE, voucher_value=VALUE)
    vouchers = VoucherFactory.create_batch(RACERS, programme=programme)
    return programme, regisseur, [voucher.pk for voucher in vouchers]


def outcome_name(outcome):
    if isinstance(outcome, VoucherError):
        return outcome.code
    if isinstance(outcome, Exception):
        return type(outcome).__name__
    return outcome


def test_fifty_approvals_at_once_for_thirty_vouchers_of_budget(race):
    programme, regisseur, pks = race
    # Each racer reads its voucher before the start, on its own connection.
    vouchers = list(Voucher.objects.filter(pk__in=pks).select_related("programme"))

    def approve(index):
        return str(lifecycle.approve(vouchers[index], user=regisseur).status)

    outcomes = run_together(approve, RACERS)

    counts = Counter(outcome_name(outcome) for outcome in outcomes)
    print(f"\nrace of {RACERS} approvals for {FITS} vouchers' budget: {dict(counts)}")
    assert counts == {"approved": FITS, "budget_used_up": RACERS - FITS}
    refused = [outcome for outcome in outcomes if isinstance(outcome, VoucherError)]
    assert all("budget" in str(error.message) for error in refused)
    figures = Programme.objects.with_budget().get(pk=programme.pk)
    print(f"held {figures.held} of {figures.budget}, left {figures.left}")
    assert figures.held == FITS * VALUE == figures.budget
    assert figures.left == 0 and figures.vouchers_left == 0
    assert Voucher.objects.filter(status="approved").count() == FITS
    assert Voucher.objects.filter(status="submitted", amount=0, code=None).count() == RACERS - FITS
    assert VoucherEvent.objects.filter(to_status="approved").count() == FITS
    assert Voucher.objects.exclude(code=None).values("code").distinct().count() == FITS


def test_the_database_guard_holds_under_the_same_race(race):
    """Writes that bypass the lifecycle (a shell, a bulk update) meet the trigger's lock."""
    programme, _regisseur, pks = race

    def approve_by_hand(index):
        return Voucher.objects.filter(pk=pks[index]).update(status="approved", amount=VALUE)

    outcomes = run_together(approve_by_hand, RACERS)

    counts = Counter(outcome_name(outcome) for outcome in outcomes)
    print(f"\nrace of {RACERS} raw updates for {FITS} vouchers' budget: {dict(counts)}")
    assert counts == {1: FITS, "IntegrityError": RACERS - FITS}
    assert Programme.objects.with_budget().get(pk=programme.pk).held == FITS * VALUE
