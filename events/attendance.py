"""Who came (issue 22, item 5): the one place where a registration's attendance is written.

The regisseurs of the event's region and administrators tick, on the sign-in list, the
organisations whose people came (`mark`). The list is the registered organisations (not those
waiting, not those that cancelled); one form sends the whole list, so an organisation left
unticked did not come. Attendance is marked from the day of the event on. A meeting counts as
held when both sides came, unless someone set `Meeting.held` by hand (events/event_report.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.validators import localised

from .access import is_event_manager
from .models import Event, Registration, RegistrationStatus


def sign_in_list(event):
    """The registered organisations of the event with their people, by name (two queries)."""
    return (
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
        .select_related("organisation")
        .prefetch_related("attendees")
        .order_by("organisation__name", "pk")
    )


@transaction.atomic
def mark(event, *, attended, by, now=None):
    """Record that the registrations whose ids are in `attended` came and the other registered
    ones did not; returns how many registrations changed. `attended` may only name registered
    organisations of the event (a form offers no others; anything else is refused)."""
    if not is_event_manager(by, event):
        raise PermissionDenied("Only the event's regisseurs and administrators mark attendance.")
    now = now or timezone.now()
    day = timezone.localtime(event.starts_at).date()
    if timezone.localdate(now) < day:
        raise ValidationError(
            _("Attendance is marked from the day of the event (%(date)s) on."),
            code="before_event",
            params={"date": localised(day)},
        )
    # The event's row: two regisseurs sending the list at once are applied one after the other.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    registered = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
    attended = set(attended)
    known = set(registered.values_list("pk", flat=True))
    if not attended <= known:
        raise ValidationError(
            _("Only organisations registered for this event can be marked as present."),
            code="not_registered",
        )
    changed = registered.filter(pk__in=attended).exclude(attended=True).update(attended=True)
    changed += registered.exclude(pk__in=attended).exclude(attended=False).update(attended=False)
    return changed
