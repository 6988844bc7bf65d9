"""Daily work on events, scheduled by Celery beat (CELERY_BEAT_SCHEDULE in settings).

Each task is safe to run again, or late: the emails are written once per registration and person
under the outbox's dedupe keys, and the tasks act on the events' times, not on the day they run.
"""

from celery import shared_task

from . import registration


@shared_task(acks_late=True)
def send_event_reminders():
    """The day before an event, remind the registered people, with the calendar file."""
    return registration.send_reminders()


@shared_task(acks_late=True)
def send_event_thanks():
    """After an event, thank the participants and ask what came of it."""
    return registration.send_thanks()
