"""How long events keep what people wrote about themselves and each other.

EVENTS_ATTENDEE_RETENTION_DAYS (730 by default) after an event ended, nightly
(`events.tasks.erase_past_event_guests`), `erase_past_guests` erases:

- the name and address of every guest named on its registrations (an Attendee without an
  account of the organisation: someone a member named, who never agreed to anything here and
  whom the portal has no other reason to know). The row stays, emptied and dated
  (`erased_at`), so that the number of people a registration brought still reads the same;
- the messages sent with meeting requests: free text between people ("call me on ..."), which
  nothing counts or shows once the event is long over.

What stays, and why:

- the registrations, their attendance, the meetings (status, time, table, held) and the deals
  and follow-up answers: they are about organisations, not people, and they are what the
  event's report, report (i) and the register count. Their figures read the same before and
  after (tests/events/test_retention.py);
- members' places on the list of people (an Attendee tied to their account): they are the
  member's own record, exported with their data and deleted with their account
  (events/personal_data.py), which they can do at any time; erasing the copy of a name that
  the account holds anyway would protect nobody;
- whom the deals' follow-ups at 3, 6 and 12 months ask: the members of each side's
  organisation at the time of asking (events/deals.py), never the people named at the event, so
  a deal expected to start long after the event is still followed up after its guests are gone.

The emails written to guests go earlier, with the outbox's PRIVACY_NOTIFICATION_DAYS. Each run
takes only what is not erased yet: it is safe to run again, or late.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Attendee, Meeting


def cutoff(now=None):
    """Events that ended before this moment are past keeping their guests."""
    return (now or timezone.now()) - timedelta(days=settings.EVENTS_ATTENDEE_RETENTION_DAYS)


def guests_due(now=None):
    """The guests of events that ended before the cutoff, not erased yet."""
    return Attendee.objects.filter(
        registration__event__ends_at__lt=cutoff(now), user__isnull=True, erased_at__isnull=True
    )


def erase_past_guests(*, now=None):
    """Erase what the module's docstring says; returns (guests erased, messages erased)."""
    now = now or timezone.now()
    guests = Attendee.objects.filter(pk__in=guests_due(now).values("pk")).update(
        name="", email="", erased_at=now
    )
    messages = (
        Meeting.objects.filter(event__ends_at__lt=cutoff(now))
        .exclude(message="")
        .update(message="")
    )
    return guests, messages
