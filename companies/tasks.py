"""Work on organisations in the background, scheduled by Celery beat (CELERY_BEAT_SCHEDULE).

Safe to run again or late: the reminder claims each organisation's `next_freshness_reminder_at`
(companies/freshness.py), not the day it runs.
"""

from celery import shared_task

from . import freshness


@shared_task(acks_late=True)
def remind_details_confirmation():
    """Ask the owners of organisations unconfirmed for a year whether the details still hold."""
    return freshness.send_reminders()
