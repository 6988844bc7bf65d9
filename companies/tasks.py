"""Background tasks of the companies app."""

from celery import shared_task

from . import claims


@shared_task
def escalate_join_requests():
    """Beat, hourly: join requests the owners left unanswered go to the regisseurs."""
    return claims.escalate_join_requests()
