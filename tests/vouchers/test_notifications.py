"""Who hears about each step of a voucher, in which language, with which link, and only once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from portal.models import Frequency, Notification, NotificationPreference
from tests.factories import MembershipFactory
from vouchers import lifecycle
from vouchers.lifecycle import VoucherError

from .conftest import today


def outbox(voucher, step=None):
    """{recipient: row} of the voucher's emails (of one step)."""
    rows = Notification.objects.filter(key__startswith=f"voucher:{voucher.pk}:")
    if step:
        rows = rows.filter(key__startswith=f"voucher:{voucher.pk}:{step}:")
    return {row.recipient: row for row in rows.select_related("recipient")}


def test_an_application_tells_the_applicant_and_the_regisseurs_of_the_region(world, apply_for):
    colleague = MembershipFactory(organisation=world.firm).user

    voucher = apply_for()

    rows = outbox(voucher, "submitted")
    assert set(rows) == {world.employer, colleague, world.regisseur}
    assert all(row.kind == "voucher" for row in rows.values())
    assert rows[world.employer].key == f"voucher:{voucher.pk}:submitted:{world.employer.pk}"
    manager_email = rows[world.regisseur]
    assert world.firm.name in manager_email.subject
    assert voucher.intended_use in manager_email.body
    admin_link = f"{settings.SITE_URL}/admin/vouchers/voucher/{voucher.pk}/change/"
    assert admin_link in manager_email.body
    assert admin_link in manager_email.html
    assert f"{settings.SITE_URL}/vouchers/mine/" in rows[world.employer].body


def test_approval_gives_both_parties_the_code_each_in_their_language(world, voucher_in):
    voucher = voucher_in("approved")

    rows = outbox(voucher, "approved")
    assert set(rows) == {world.employer, world.provider_member}
    applicant_email, provider_email = rows[world.employer], rows[world.provider_member]
    assert applicant_email.language == "nl"
    assert provider_email.language == "fr"
    for row in rows.values():
        assert voucher.code in row.subject or voucher.code in row.body
        assert voucher.code in row.html
    assert f"{settings.SITE_URL}/vouchers/mine/" in applicant_email.body
    assert f"{settings.SITE_URL}/fr/vouchers/redeem/" in provider_email.body
    assert f'href="{settings.SITE_URL}/fr/vouchers/redeem/"' in provider_email.html
    # The unsubscribe link of the voucher kind, in the recipient's language.
    assert "/fr/notifications/unsubscribe/" in provider_email.body


def test_a_rejection_tells_the_applicant_the_reason(world, voucher_in):
    voucher = voucher_in("rejected")

    rows = outbox(voucher, "rejected")
    assert set(rows) == {world.employer}
    assert "Deze dienst valt buiten het programma." in rows[world.employer].body


def test_a_redemption_tells_the_applicant_and_the_regisseurs_what_to_pay(world, voucher_in):
    voucher = voucher_in("redeemed")

    rows = outbox(voucher, "redeemed")
    assert set(rows) == {world.employer, world.regisseur}
    assert "F2025-0042" in rows[world.regisseur].body
    assert "420" in rows[world.regisseur].subject
    assert f"/admin/vouchers/voucher/{voucher.pk}/change/" in rows[world.regisseur].body


def test_a_payment_tells_both_parties(world, voucher_in):
    voucher = voucher_in("paid")

    rows = outbox(voucher, "paid")
    assert set(rows) == {world.employer, world.provider_member}
    assert "BET-2025-007" in rows[world.provider_member].body


def test_withdrawing_an_application_tells_the_regisseurs_but_not_the_provider(world, voucher_in):
    voucher = voucher_in("withdrawn")

    assert set(outbox(voucher, "withdrawn")) == {world.employer, world.regisseur}


def test_withdrawing_an_approved_voucher_tells_the_provider_too(world, voucher_in, take):
    voucher = voucher_in("approved")

    take("withdrawn", voucher)

    rows = outbox(voucher, "withdrawn")
    assert set(rows) == {world.employer, world.provider_member, world.regisseur}
    assert voucher.code in rows[world.provider_member].body


def test_nobody_outside_the_voucher_hears_of_it(world, voucher_in):
    voucher = voucher_in("paid")

    recipients = set(outbox(voucher))
    assert world.other_regisseur not in recipients
    assert world.stranger not in recipients
    assert world.administrator not in recipients


def test_a_step_written_twice_emails_nobody_twice(world, voucher_in):
    voucher = voucher_in("approved")
    before = Notification.objects.count()

    written = lifecycle._tell(voucher, "approved", applicant=True, provider=True)
    with pytest.raises(VoucherError):
        lifecycle.approve(voucher, user=world.regisseur)

    assert written == 0
    assert Notification.objects.count() == before


def test_a_refused_step_writes_no_email(world, voucher_in):
    voucher = voucher_in("approved")
    before = Notification.objects.count()

    with pytest.raises(VoucherError):
        lifecycle.redeem(
            voucher,
            user=world.provider_member,
            delivered_on=today() + timedelta(days=1),
            invoice_number="F-1",
            invoice_amount=Decimal(100),
        )

    assert Notification.objects.count() == before


def test_someone_who_switched_voucher_emails_off_gets_none(world, apply_for):
    NotificationPreference.objects.create(
        user=world.employer, kind="voucher", frequency=Frequency.OFF
    )

    voucher = apply_for()

    assert set(outbox(voucher)) == {world.regisseur}


def test_an_inactive_member_gets_nothing(world, apply_for):
    gone = MembershipFactory(organisation=world.firm, user__is_active=False).user

    voucher = apply_for()

    assert gone not in outbox(voucher)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_every_voucher_email_renders_in_every_language(world, voucher_in, take, language):
    """Each template, for each party, in each language: a subject, a body and an absolute link."""
    for user in (world.employer, world.provider_member, world.regisseur):
        user.language = language
        user.save()
    world.programme.vouchers_per_firm = 5
    world.programme.save()
    approved = voucher_in("approved")
    lifecycle.send_expiry_reminders(today=approved.valid_until - timedelta(days=7))
    take("expired", approved)
    voucher_in("paid")
    lifecycle.send_follow_ups(today=today() + timedelta(days=366))
    voucher_in("rejected")
    withdrawn = voucher_in("approved")
    take("withdrawn", withdrawn)

    rows = Notification.objects.filter(kind="voucher")
    steps = {row.key.split(":")[2] for row in rows}
    assert steps == {
        "submitted",
        "approved",
        "expiring",
        "expired",
        "redeemed",
        "paid",
        "follow_up",
        "rejected",
        "withdrawn",
    }
    prefix = "" if language == "nl" else f"/{language}"
    for row in rows:
        assert row.language == language
        assert row.subject.strip()
        assert "{%" not in row.body and "{{" not in row.body
        assert f"{settings.SITE_URL}{prefix}/" in row.body
        assert row.html.startswith("<!DOCTYPE html>")


def test_the_amounts_in_the_emails_follow_each_recipients_language(world, voucher_in):
    """Issue 18, item 11: "500 €" for the French provider, "€ 420" for the Dutch applicant."""
    nbsp = "\N{NO-BREAK SPACE}"
    voucher = voucher_in("redeemed")

    approved = outbox(voucher, "approved")
    assert f"500{nbsp}€" in approved[world.provider_member].body
    assert f"500{nbsp}€" in approved[world.provider_member].html
    assert f"€{nbsp}500" in approved[world.employer].body
    redeemed = outbox(voucher, "redeemed")
    assert f"€{nbsp}420" in redeemed[world.employer].body
    # A subject is one plain line: its no-break spaces become spaces.
    assert "€ 420" in redeemed[world.regisseur].subject.replace(nbsp, " ")
    for row in Notification.objects.filter(kind="voucher"):
        assert "EUR" not in row.subject + row.body + row.html
        assert "420,00" not in row.body  # whole euros without ",00"
