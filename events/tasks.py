"""Daily work on events, scheduled by Celery beat (CELERY_BEAT_SCHEDULE in settings).

Each task is safe to run again, or late: it acts on the events' and the deals' dates, not on the
day it runs, and writes each email once under the outbox's dedupe key (per registration and
person; per deal, side, period and member).
"""

from celery import shared_task

from . import deals, registration, retention


@shared_task(acks_late=True)
def send_event_reminders():
    """The day before an event, remind the registered people, with the calendar file."""
    return registration.send_reminders()


@shared_task(acks_late=True)
def send_event_thanks():
    """After an event, thank the participants and ask what came of it."""
    return registration.send_thanks()


@shared_task(acks_late=True)
def ask_deal_follow_ups():
    """3, 6 and 12 months after a deal, ask both sides whether it was carried out."""
    return deals.ask_due()


@shared_task(acks_late=True)
def erase_past_event_guests():
    """EVENTS_ATTENDEE_RETENTION_DAYS after an event, erase its guests' names and addresses
    and the messages of its meeting requests (events/retention.py)."""
    guests, messages = retention.erase_past_guests()
    return {"guests": guests, "messages": messages}
