"""Daily work on vouchers, scheduled by Celery beat (CELERY_BEAT_SCHEDULE in settings).

Each task is safe to run again, or late: expiry re-checks every voucher under its lock, the
reminders are written once under the outbox's dedupe keys, and the follow-up claims the voucher's
follow_up_sent_at. They act on the rows' dates, not on the day they run.
"""

from celery import shared_task

from . import lifecycle


@shared_task(acks_late=True)
def expire_vouchers():
    """Approved vouchers past their validity expire and free their budget."""
    return lifecycle.expire_due()


@shared_task(acks_late=True)
def remind_expiring_vouchers():
    """Remind applicant and provider, 30 and 7 days ahead, of a voucher not yet redeemed."""
    return lifecycle.send_expiry_reminders()


@shared_task(acks_late=True)
def send_voucher_follow_ups():
    """Twelve months after redemption, ask the applicant whether the collaboration goes on."""
    return lifecycle.send_follow_ups()
