"""Work on organisations in the background, scheduled by Celery beat (CELERY_BEAT_SCHEDULE).

Safe to run again or late: each task claims its rows by a timestamp (a join request's
`escalated_at`, an organisation's `next_freshness_reminder_at`; a collaboration's rating asks
by the period in the outbox's key), not the day it runs.
"""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import claims, four_questions, freshness, ratings, reports


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


@shared_task(acks_late=True)
def refresh_report(slug, params, language):
    """Compute a report (or the four questions) for one choice after a change: asked by the
    first request that was served the figures of before (reports.kept)."""
    with translation.override(language):
        if slug == four_questions.QUESTIONS.slug:
            four_questions.refresh(params)
        elif (section := reports.get(slug)) is not None:
            reports.refresh(section, params)


@shared_task(acks_late=True)
def refresh_reports():
    """Beat: the default choice of every report and of the four questions, in every language,
    computed after a change or confirmed as current (reports.kept)."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for section in reports.sections():
                reports.refresh(section, {})
            four_questions.refresh({})
