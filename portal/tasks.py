"""Background tasks of the shared kernel: delivering the outbox, privacy clean-ups, keeping the
change log of the data version short."""

from celery import shared_task

from . import datachanges, notifications, personal_data


@shared_task(acks_late=True)
def deliver_notifications():
    """Send every due notification, batch by batch (enqueued on commit and by the sweep)."""
    total_sent = total_failed = 0
    while True:
        sent, failed = notifications.deliver()
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if sent + failed < notifications.BATCH_SIZE:
            return {"sent": total_sent, "failed": total_failed}


@shared_task
def sweep_notifications():
    """Beat, every minute: take back rows of dead workers and deliver what is due."""
    if notifications.sweep():
        deliver_notifications.delay()


@shared_task
def send_daily_digests():
    return notifications.send_digests(notifications.Frequency.DAILY)


@shared_task
def send_weekly_digests():
    return notifications.send_digests(notifications.Frequency.WEEKLY)


@shared_task
def remove_expired_personal_data():
    """Beat, nightly: unfinished sign-ups, old sent emails and old audit entries go (PRIVACY_*)."""
    return personal_data.remove_expired()


@shared_task
def prune_data_changes():
    """Beat, nightly: the change log behind the data version keeps one row (datachanges.py)."""
    return datachanges.prune()
