"""Daily work on opportunities, scheduled by Celery beat (CELERY_BEAT_SCHEDULE in settings).

Both tasks are safe to run again, or late: they act on the state of the rows (what is still
published past its closing date; which closing date a reminder went out for), not on the day
they run.
"""

from celery import shared_task
from django.utils import timezone

from . import lifecycle


@shared_task(acks_late=True)
def expire_opportunities():
    """Mark published opportunities whose closing date has passed as expired."""
    return lifecycle.expire_due(timezone.localdate())


@shared_task(acks_late=True)
def remind_expiring_opportunities():
    """Remind posters, once per closing date, that an opportunity closes in a few days."""
    return lifecycle.remind_expiring(timezone.localdate())
