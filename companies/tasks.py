"""Work on organisations in the background, scheduled by Celery beat (CELERY_BEAT_SCHEDULE).

Safe to run again or late: each task claims its rows by a timestamp (a join request's
`escalated_at`, an organisation's `next_freshness_reminder_at`; a collaboration's rating asks
by the period in the outbox's key), not the day it runs.
"""

from celery import shared_task

from . import claims, freshness, ratings


@shared_task
def escalate_join_requests():
    """Beat, hourly: join requests the owners left unanswered go to the regisseurs."""
    return claims.escalate_join_requests()


@shared_task(acks_late=True)
def remind_details_confirmation():
    """Ask the owners of organisations unconfirmed for a year whether the details still hold."""
    return freshness.send_reminders()


@shared_task(acks_late=True)
def ask_collaboration_ratings():
    """Ask both sides of running collaborations to rate the year, on its anniversary."""
    return ratings.ask_yearly()
