"""The daily voucher work: expiry, reminders before expiry, and the follow-up a year later."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from companies.models import Collaboration
from portal.models import Notification
from tests.factories import VoucherFactory
from vouchers import lifecycle, tasks
from vouchers.models import Programme, Voucher, VoucherEvent

from .conftest import today


def held(programme):
    return Programme.objects.with_budget().get(pk=programme.pk).held


def rows(voucher, step):
    return Notification.objects.filter(key__startswith=f"voucher:{voucher.pk}:{step}:")


# --- Expiry --------------------------------------------------------------------------------------


def test_an_approved_voucher_expires_the_day_after_its_validity_and_frees_its_budget(
    world, voucher_in
):
    voucher = voucher_in("approved")
    assert held(world.programme) == Decimal(500)

    assert lifecycle.expire_due(today=voucher.valid_until) == 0
    assert lifecycle.expire_due(today=voucher.valid_until + timedelta(days=1)) == 1

    voucher.refresh_from_db()
    assert (voucher.status, voucher.amount) == ("expired", 0)
    assert held(world.programme) == 0
    event = VoucherEvent.objects.filter(voucher=voucher).last()
    assert (event.from_status, event.to_status, event.actor) == ("approved", "expired", None)
    assert {row.recipient for row in rows(voucher, "expired")} == {
        world.employer,
        world.provider_member,
    }


def test_expiry_runs_once(world, voucher_in):
    voucher = voucher_in("approved")
    later = voucher.valid_until + timedelta(days=3)

    assert lifecycle.expire_due(today=later) == 1
    assert lifecycle.expire_due(today=later) == 0
    assert VoucherEvent.objects.filter(voucher=voucher, to_status="expired").count() == 1
    assert rows(voucher, "expired").count() == 2


@pytest.mark.parametrize("status", ["submitted", "redeemed", "paid", "withdrawn", "rejected"])
def test_only_approved_vouchers_expire(world, voucher_in, status):
    voucher = voucher_in(status)
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=today() - timedelta(days=10))

    assert lifecycle.expire_due() == 0

    voucher.refresh_from_db()
    assert voucher.status == status


def test_the_expiry_task_uses_today(world, voucher_in):
    expired = voucher_in("approved")
    Voucher.objects.filter(pk=expired.pk).update(valid_until=today() - timedelta(days=1))

    assert tasks.expire_vouchers.delay().get() == 1

    expired.refresh_from_db()
    assert expired.status == "expired"


# --- Reminders before expiry ---------------------------------------------------------------------


def test_reminders_go_out_thirty_and_seven_days_before_the_end_once_each(world, voucher_in):
    voucher = voucher_in("approved")
    end = voucher.valid_until

    assert lifecycle.send_expiry_reminders(today=end - timedelta(days=31)) == 0
    assert lifecycle.send_expiry_reminders(today=end - timedelta(days=30)) == 1
    assert lifecycle.send_expiry_reminders(today=end - timedelta(days=30)) == 0
    assert lifecycle.send_expiry_reminders(today=end - timedelta(days=20)) == 0
    assert lifecycle.send_expiry_reminders(today=end - timedelta(days=7)) == 1
    assert lifecycle.send_expiry_reminders(today=end - timedelta(days=2)) == 0
    assert lifecycle.send_expiry_reminders(today=end) == 0

    reminders = rows(voucher, "expiring")
    assert reminders.count() == 4  # two reminders, each to the applicant and the provider
    assert {row.recipient for row in reminders} == {world.employer, world.provider_member}
    assert {row.key.split(":")[4] for row in reminders} == {"30", "7"}


def test_a_reminder_missed_by_the_beat_goes_out_on_the_next_run(world, voucher_in):
    voucher = voucher_in("approved")

    assert lifecycle.send_expiry_reminders(today=voucher.valid_until - timedelta(days=5)) == 1

    assert {row.key.split(":")[4] for row in rows(voucher, "expiring")} == {"7"}
    row = rows(voucher, "expiring").get(recipient=world.employer)
    assert "5 dagen" in row.body or "5 days" in row.body


def test_a_short_lived_voucher_gets_only_the_last_reminder(world, apply_for):
    world.programme.validity_days = 10
    world.programme.save()
    voucher = lifecycle.approve(apply_for(), user=world.regisseur)

    assert lifecycle.send_expiry_reminders() == 0
    assert lifecycle.send_expiry_reminders(today=voucher.valid_until - timedelta(days=7)) == 1
    assert lifecycle.send_expiry_reminders(today=voucher.valid_until - timedelta(days=6)) == 0

    assert {row.key.split(":")[4] for row in rows(voucher, "expiring")} == {"7"}


@pytest.mark.parametrize("status", ["redeemed", "withdrawn", "expired"])
def test_no_reminder_for_a_voucher_no_longer_waiting_to_be_redeemed(world, voucher_in, status):
    voucher = voucher_in(status)
    Voucher.objects.filter(pk=voucher.pk).update(
        decided_at=timezone.now() - timedelta(days=173), valid_until=today() + timedelta(days=7)
    )

    assert lifecycle.send_expiry_reminders() == 0
    assert not rows(voucher, "expiring").exists()


def test_the_reminder_task_uses_today(world, voucher_in):
    voucher = voucher_in("approved")
    Voucher.objects.filter(pk=voucher.pk).update(
        decided_at=timezone.now() - timedelta(days=173), valid_until=today() + timedelta(days=7)
    )

    assert tasks.remind_expiring_vouchers.delay().get() == 1
    assert tasks.remind_expiring_vouchers.delay().get() == 0


# --- The follow-up a year after redemption -------------------------------------------------------


def a_year_later():
    return today() + timedelta(days=366)


def test_a_year_after_redemption_the_applicant_is_asked_once(world, voucher_in):
    voucher = voucher_in("redeemed")

    assert lifecycle.send_follow_ups(today=today() + timedelta(days=364)) == 0
    assert lifecycle.send_follow_ups(today=a_year_later()) == 1
    assert lifecycle.send_follow_ups(today=a_year_later()) == 0

    voucher.refresh_from_db()
    assert voucher.follow_up_sent_at is not None
    follow_ups = rows(voucher, "follow_up")
    assert {row.recipient for row in follow_ups} == {world.employer}
    row = follow_ups.get()
    assert row.reply_to == world.regisseur.email
    link = f"{settings.SITE_URL}/organisations/{world.firm.slug}/collaborations/"
    assert link in row.body
    assert world.provider.name in row.subject


def test_a_paid_voucher_is_followed_up_too(world, voucher_in):
    voucher = voucher_in("paid")

    assert lifecycle.send_follow_ups(today=a_year_later()) == 1
    assert rows(voucher, "follow_up").count() == 1


def test_without_a_regisseur_the_follow_up_cannot_be_answered_by_email(world, voucher_in):
    voucher = voucher_in("redeemed")
    world.programme.region.regisseurs.clear()

    lifecycle.send_follow_ups(today=a_year_later())

    row = rows(voucher, "follow_up").get()
    assert row.reply_to == ""
    assert "beantwoord" not in row.body.lower() and "answer this email" not in row.body


def test_no_follow_up_about_a_collaboration_that_has_ended(world, voucher_in):
    voucher = voucher_in("redeemed")
    Collaboration.objects.filter(pk=voucher.collaboration_id).update(ended=today())

    assert lifecycle.send_follow_ups(today=a_year_later()) == 0

    voucher.refresh_from_db()
    assert voucher.follow_up_sent_at is not None
    assert not rows(voucher, "follow_up").exists()


@pytest.mark.parametrize("status", ["approved", "expired", "withdrawn"])
def test_no_follow_up_for_a_voucher_never_redeemed(world, voucher_in, status):
    voucher = voucher_in(status)

    assert lifecycle.send_follow_ups(today=a_year_later()) == 0
    assert not rows(voucher, "follow_up").exists()


def test_the_follow_up_task_uses_today(world, voucher_in):
    voucher = voucher_in("redeemed")
    Voucher.objects.filter(pk=voucher.pk).update(redeemed_at=timezone.now() - timedelta(days=366))
    VoucherFactory(redeemed=True)  # recent, and without a collaboration: not asked

    assert tasks.send_voucher_follow_ups.delay().get() == 1
    assert tasks.send_voucher_follow_ups.delay().get() == 0


def test_the_follow_up_after_a_leap_day_comes_a_year_later(world):
    from datetime import date

    assert lifecycle._a_year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert lifecycle._a_year_before(date(2027, 3, 1)) == date(2026, 3, 1)


# --- Beat ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "vouchers.tasks.expire_vouchers",
        "vouchers.tasks.remind_expiring_vouchers",
        "vouchers.tasks.send_voucher_follow_ups",
    ],
)
def test_beat_runs_each_task_daily(name):
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == name]

    assert len(entries) == 1
    assert import_string(name).name == name
    schedule = entries[0]["schedule"]
    assert schedule.day_of_week == set(range(7)) and len(schedule.hour) == 1
