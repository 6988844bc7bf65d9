"""Cancelling an event: the regie calls it off, once, and everyone who signed up hears of it.

A manager of the event (a regisseur of its region, an administrator: events.access) cancels it
until it has ended; an event that took place is history, not something to call off. In one
transaction, holding the event's row (the lock every registration and booking takes first, so
nobody registers or books while it is cancelled):

- `Event.cancelled_at` is set, and saved with `updated_at`, so that the calendar files' SEQUENCE
  (events/ical.py) grows and a calendar takes the new version over the one it imported;
- its booked meetings are cancelled and their seats and tables freed (meetings.call_off);
- every registered and waiting registration's people (the registrant and each person named,
  members in their own language, guests in the registrant's) get one email through the
  outbox, with the link to the event's calendar file, which for a cancelled event is the
  iCalendar cancellation (METHOD:CANCEL, the same UID, a higher SEQUENCE).

Registrations keep their status: they are the record of who had signed up, and nothing can be
done with them any more (registration.closed_problem refuses every step of a cancelled event).
Cancelling an event that is cancelled already changes nothing and writes nothing: the caller
says so. The beat's reminders and thanks, deals and the reports leave cancelled events out.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit

from . import meetings
from . import registration as steps
from .access import is_event_manager
from .models import ACTIVE, Event, Registration


def to_tell(event):
    """The registrations whose people hear of the cancellation: registered and waiting."""
    return Registration.objects.filter(event=event, status__in=ACTIVE)


def cancel(event, *, by, now=None):
    """`by`, a manager of `event`, cancels it. Returns the number of registrations told, or
    None when the event was cancelled already (nothing changes). Raises PermissionDenied for
    anyone else and a ValidationError (code "event_over") once the event has ended."""
    if not is_event_manager(by, event):
        raise PermissionDenied("Only the event's regisseurs and administrators cancel it.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled:
            event.cancelled_at = locked.cancelled_at
            return None
        if locked.ends_at <= now:
            raise ValidationError(
                _("%(title)s has taken place: an event that is over cannot be cancelled."),
                code="event_over",
                params={"title": locked.title},
            )
        locked.cancelled_at = now
        locked.save(update_fields=["cancelled_at", "updated_at"])
        called_off = meetings.call_off(locked, now=now)
        registrations = list(
            to_tell(locked)
            .select_related("event__region", "event__postcode", "organisation", "registered_by")
            .order_by("created_at", "pk")
        )
        for registration in registrations:
            steps.tell_event_cancelled(registration)
        audit.record(
            by, "event.cancelled", locked, registrations=len(registrations), meetings=called_off
        )
    event.cancelled_at, event.updated_at = locked.cancelled_at, locked.updated_at
    return len(registrations)
