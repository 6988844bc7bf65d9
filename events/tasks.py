"""Daily work on events, scheduled by Celery beat (CELERY_BEAT_SCHEDULE in settings).

Each task is safe to run again, or late: it acts on the rows' dates, not on the day it runs, and
writes each email once under the outbox's dedupe key.
"""

from celery import shared_task

from . import deals


@shared_task(acks_late=True)
def ask_deal_follow_ups():
    """3, 6 and 12 months after a deal, ask both sides whether it was carried out."""
    return deals.ask_due()
