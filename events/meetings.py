"""One-to-one meetings at an event: the one place where a meeting changes.

    request ──> requested ──accept──> accepted ──cancel──> cancelled
                    │  └──decline──> declined
                    └──cancel──> cancelled
    place (the regisseur) ──> accepted
    the event cancelled (events/cancellation.py) ──call_off──> cancelled

Once the event has started, its managers may say by hand whether an accepted meeting was held
(`set_held`: held, not held, or back to what the attendance list says, None).

Who: the sides are registrations of the event with status "registered" (not waiting, not
cancelled); a member of the requester's organisation requests, a member of the invitee's answers,
a member of either side cancels; the event's managers (regisseurs of its region, administrators)
place a meeting by hand between any two registered participants. Everything happens before the
event ends. A step that does not fit gets a MeetingError whose `code` names the problem and whose
message, translated into the active language, tells the user what to do; a user who may not take
a step at all gets PermissionDenied.

No double booking: every step that books locks the event's row first (SELECT ... FOR UPDATE, the
lock discipline of the voucher budget and of the registrations), so the bookings of one event
queue and each sees the ones committed before it: the check of both sides' slots and the choice
of the lowest free table are then exact. The database holds the final guard: one MeetingSeat per
side carries the meeting's start, and the partial unique constraint meeting_seat_no_double_booking
refuses a second active seat of a registration in a slot (also for writes that bypass this
module); its IntegrityError is said as the same refusal. Declining or cancelling frees the seats
(active=False) and, through the meeting's status, the table.

Both sides hear of each step through the outbox (kind "event_meeting", template event_meeting),
in each recipient's language, under a dedupe key naming the meeting, the step and the recipient.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from companies.access import is_member
from portal import audit, emails
from portal.models import Notification, User
from portal.notifications import absolute, reverse_in

from .access import is_event_manager
from .models import BOOKED, Event, Meeting, MeetingSeat, MeetingStatus, Registration

S = MeetingStatus
REGISTERED = "registered"
MAX_MESSAGE_LENGTH = Meeting._meta.get_field("message").max_length


class MeetingError(ValidationError):
    """A meeting step that is not possible now; `code` names why, the message says so."""

    def __init__(self, message, code, **params):
        super().__init__(message % params if params else message, code=code)


# --- Who may -------------------------------------------------------------------------------------


def registrations_of(user, event):
    """The user's organisations' registered (not waiting, not cancelled) registrations for
    `event`, by organisation name."""
    if not (user.is_authenticated and user.is_active):
        return Registration.objects.none()
    return (
        Registration.objects.filter(
            event=event, status=REGISTERED, organisation__memberships__user=user
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def _slot_text(starts_at):
    return formats.time_format(timezone.localtime(starts_at), "TIME_FORMAT")


# --- Reading -------------------------------------------------------------------------------------


def participants(event, *, mine=None):
    """The registered registrations on the participant list, without `mine`, each with
    `score`: how many of the categories `mine` seeks they offer plus how many it offers they
    seek. Suggested (score > 0) first, the most fitting on top, then by name. The score is in
    the same query as the list (subqueries over the categories' tables): one query for the list,
    two more for the categories shown, whatever the number of participants."""
    listed = (
        Registration.objects.filter(event=event, status=REGISTERED, listed=True)
        .select_related("organisation__municipality")
        .prefetch_related("offered_categories", "sought_categories")
    )
    if mine is None:
        return listed.annotate(score=Value(0)).order_by("organisation__name", "pk")
    sought = [category.pk for category in mine.sought_categories.all()]
    offered = [category.pk for category in mine.offered_categories.all()]
    score = _matches(Registration.offered_categories.through, sought) + _matches(
        Registration.sought_categories.through, offered
    )
    return (
        listed.exclude(pk=mine.pk)
        .annotate(score=score)
        .order_by("-score", "organisation__name", "pk")
    )


def _matches(through, categories):
    """How many of `categories` a registration has in the M2M table `through` (0 if none)."""
    if not categories:
        return Value(0, output_field=IntegerField())
    count = (
        through.objects.filter(registration=OuterRef("pk"), servicecategory__in=categories)
        .order_by()
        .values("registration")
        .annotate(found=Count("pk"))
        .values("found")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def booked_slots(event):
    """What the event's active seats hold, in one query: ({registration id: {start, ...}},
    {start: number of meetings})."""
    taken, meetings = {}, {}
    seats = MeetingSeat.objects.filter(meeting__event=event, active=True).values_list(
        "registration_id", "starts_at"
    )
    for registration_id, starts_at in seats:
        taken.setdefault(registration_id, set()).add(starts_at)
        meetings[starts_at] = meetings.get(starts_at, 0) + 1
    return taken, {start: seats_ // 2 for start, seats_ in meetings.items()}


def free_slots(event, one, other, *, booked=None, now=None):
    """The slots still to come in which both registrations are free and a table is left."""
    now = now or timezone.now()
    taken, counts = booked or booked_slots(event)
    busy = taken.get(one.pk, set()) | taken.get(other.pk, set())
    return [
        slot
        for slot in event.slots()
        if slot > now and slot not in busy and counts.get(slot, 0) < event.tables
    ]


def schedule(registrations):
    """The accepted meetings of these registrations, by time, with both organisations."""
    return (
        Meeting.objects.filter(
            Q(requester__in=registrations) | Q(invitee__in=registrations),
            status=S.ACCEPTED,
        )
        .select_related("event", "requester__organisation", "invitee__organisation")
        .order_by("starts_at", "table", "pk")
    )


def grid(event):
    """The event's slots as rows and tables as columns: [(slot, [meeting or None, ...])]."""
    cells = {
        (meeting.starts_at, meeting.table): meeting
        for meeting in Meeting.objects.filter(event=event, status__in=BOOKED).select_related(
            "requester__organisation", "invitee__organisation"
        )
    }
    tables = range(1, event.tables + 1)
    return [(slot, [cells.get((slot, table)) for table in tables]) for slot in event.slots()]


# --- Checks --------------------------------------------------------------------------------------


def _check_event(event, now):
    if event.cancelled:
        raise MeetingError(_("This event is cancelled: no meetings take place."), "event_cancelled")
    if now >= event.ends_at:
        raise MeetingError(
            _("This event is over: meetings can no longer be booked or changed."), "event_over"
        )
    if not event.slots():
        raise MeetingError(_("This event has no one-to-one meetings."), "no_meetings")


def _check_sides(event, requester, invitee):
    for side in (requester, invitee):
        if side.event_id != event.pk:
            raise MeetingError(
                _("%(name)s is not registered for this event."),
                "not_participant",
                name=side.organisation.name,
            )
    if requester.pk == invitee.pk or requester.organisation_id == invitee.organisation_id:
        raise MeetingError(_("You cannot book a meeting with yourself."), "with_oneself")
    for side in (requester, invitee):
        if side.status != REGISTERED:
            raise MeetingError(
                _(
                    "%(name)s is %(status)s for this event: only registered participants meet "
                    "others."
                ),
                "not_registered",
                name=side.organisation.name,
                status=side.get_status_display().lower(),
            )


def _check_slot(event, starts_at, now):
    if starts_at not in event.slots():
        raise MeetingError(
            _("Choose one of the event's meeting times; this time is not one of them."),
            "not_a_slot",
        )
    if starts_at <= now:
        raise MeetingError(
            _("The meeting time %(time)s has passed; choose a later one."),
            "slot_passed",
            time=_slot_text(starts_at),
        )


def _check_free(event, requester, invitee, starts_at):
    """Both sides free in the slot, and no other active meeting between them."""
    busy = (
        MeetingSeat.objects.filter(
            registration__in=[requester, invitee], starts_at=starts_at, active=True
        )
        .select_related("registration__organisation")
        .first()
    )
    if busy is not None:
        raise _double_booked(busy.registration, starts_at)
    pair = Q(requester=requester, invitee=invitee) | Q(requester=invitee, invitee=requester)
    if Meeting.objects.filter(pair, status__in=BOOKED).exists():
        raise MeetingError(
            _("%(name)s and you already have a meeting at this event."),
            "already_meeting",
            name=invitee.organisation.name,
        )


def _double_booked(registration, starts_at):
    return MeetingError(
        _("%(name)s already has a meeting at %(time)s; choose another time."),
        "double_booked",
        name=registration.organisation.name,
        time=_slot_text(starts_at),
    )


def _free_table(event, starts_at):
    taken = set(
        Meeting.objects.filter(event=event, starts_at=starts_at, status__in=BOOKED).values_list(
            "table", flat=True
        )
    )
    for table in range(1, event.tables + 1):
        if table not in taken:
            return table
    raise MeetingError(
        _("No table is left at %(time)s; choose another time."),
        "no_table",
        time=_slot_text(starts_at),
    )


def _text(message):
    text = message.strip() if isinstance(message, str) else ""
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MeetingError(
            _("Keep your message to at most %(limit)d characters."),
            "message_too_long",
            limit=MAX_MESSAGE_LENGTH,
        )
    return text


# --- Steps ---------------------------------------------------------------------------------------


def _lock_event(event):
    """The event's row, locked until the transaction ends: the bookings of an event queue."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _fresh(registration):
    return Registration.objects.select_related("organisation").get(pk=registration.pk)


def _book(event, *, requester, invitee, starts_at, table, status, message="", placed_by=None):
    """Create the meeting and its two seats; a seat refused by the database is a double
    booking (a write that bypassed the lock got there first)."""
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                event=event,
                requester=requester,
                invitee=invitee,
                starts_at=starts_at,
                table=table,
                status=status,
                message=message,
                placed_by=placed_by,
                answered_at=timezone.now() if status == S.ACCEPTED else None,
            )
            MeetingSeat.objects.bulk_create(
                MeetingSeat(meeting=meeting, registration=side, starts_at=starts_at)
                for side in (requester, invitee)
            )
    except IntegrityError as error:
        text = str(error)
        if "meeting_one_per_table_and_slot" in text or "events_meeting.table" in text:
            raise MeetingError(
                _("No table is left at %(time)s; choose another time."),
                "no_table",
                time=_slot_text(starts_at),
            ) from error
        raise MeetingError(
            _("One of you already has a meeting at %(time)s; choose another time."),
            "double_booked",
            time=_slot_text(starts_at),
        ) from error
    return meeting


def request(event, *, requester, invitee, starts_at, user, message="", now=None):
    """A member of `requester`'s organisation asks `invitee` for a meeting at `starts_at`; a
    table is assigned at once (the lowest free one), and the invitee is asked to answer."""
    if not is_member(user, requester.organisation_id):
        raise PermissionDenied("Only a member of the requesting organisation requests a meeting.")
    now = now or timezone.now()
    message = _text(message)
    with transaction.atomic():
        event = _lock_event(event)
        requester, invitee = _fresh(requester), _fresh(invitee)
        _check_event(event, now)
        _check_sides(event, requester, invitee)
        if not invitee.listed:
            raise MeetingError(
                _("%(name)s is not on the participant list; choose a listed participant."),
                "not_listed",
                name=invitee.organisation.name,
            )
        _check_slot(event, starts_at, now)
        _check_free(event, requester, invitee, starts_at)
        table = _free_table(event, starts_at)
        meeting = _book(
            event,
            requester=requester,
            invitee=invitee,
            starts_at=starts_at,
            table=table,
            status=S.REQUESTED,
            message=message,
        )
        audit.record(user, "meeting.requested", meeting, starts_at=starts_at.isoformat())
        _tell(meeting, "requested", invitee=True)
    return meeting


def place(event, *, requester, invitee, starts_at, table, by, now=None):
    """A manager of the event places a meeting by hand, accepted for both sides at once."""
    if not is_event_manager(by, event):
        raise PermissionDenied("Only the event's regisseurs and administrators place meetings.")
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event)
        requester, invitee = _fresh(requester), _fresh(invitee)
        _check_event(event, now)
        _check_sides(event, requester, invitee)
        _check_slot(event, starts_at, now)
        if not isinstance(table, int) or not 1 <= table <= event.tables:
            raise MeetingError(
                _("Choose a table from 1 to %(tables)d."), "not_a_table", tables=event.tables
            )
        _check_free(event, requester, invitee, starts_at)
        if Meeting.objects.filter(
            event=event, starts_at=starts_at, table=table, status__in=BOOKED
        ).exists():
            raise MeetingError(
                _("Table %(table)d is taken at %(time)s; choose another table or time."),
                "table_taken",
                table=table,
                time=_slot_text(starts_at),
            )
        meeting = _book(
            event,
            requester=requester,
            invitee=invitee,
            starts_at=starts_at,
            table=table,
            status=S.ACCEPTED,
            placed_by=by,
        )
        audit.record(by, "meeting.placed", meeting, starts_at=starts_at.isoformat(), table=table)
        _tell(meeting, "placed", requester=True, invitee=True)
    return meeting


def _locked(meeting):
    return (
        Meeting.objects.select_for_update()
        .select_related("event", "requester__organisation", "invitee__organisation")
        .get(pk=meeting.pk)
    )


def _free_seats(meeting):
    MeetingSeat.objects.filter(meeting=meeting).update(active=False)


def accept(meeting, *, user, now=None):
    return _answer(meeting, user=user, accepted=True, now=now)


def decline(meeting, *, user, now=None):
    return _answer(meeting, user=user, accepted=False, now=now)


def _answer(meeting, *, user, accepted, now=None):
    """A member of the invitee accepts or declines a requested meeting."""
    if not is_member(user, meeting.invitee.organisation_id):
        raise PermissionDenied("Only a member of the invited organisation answers.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(meeting)
        _check_event(locked.event, now)
        if locked.status != S.REQUESTED:
            raise MeetingError(
                _("This meeting is %(status)s: only a requested meeting can be answered."),
                "illegal_step",
                status=locked.get_status_display().lower(),
            )
        sides = (locked.requester, locked.invitee)
        if accepted and any(side.status != REGISTERED for side in sides):
            raise MeetingError(
                _("This meeting can no longer take place: a participant cancelled."),
                "not_registered",
            )
        locked.status = S.ACCEPTED if accepted else S.DECLINED
        locked.answered_at = now
        locked.save(update_fields=["status", "answered_at"])
        if not accepted:
            _free_seats(locked)
        step = "accepted" if accepted else "declined"
        audit.record(user, f"meeting.{step}", locked)
        _tell(locked, step, requester=True, invitee=accepted)
    meeting.status, meeting.answered_at = locked.status, locked.answered_at
    return meeting


def cancel(meeting, *, user, now=None):
    """A member of either side (or a manager of the event) cancels a requested or accepted
    meeting; the seats and the table are free again, and the other side hears of it."""
    sides = (meeting.requester.organisation_id, meeting.invitee.organisation_id)
    acting_side = next((side for side in sides if is_member(user, side)), None)
    if acting_side is None and not is_event_manager(user, meeting.event):
        raise PermissionDenied("Only the meeting's sides and the event's managers cancel it.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(meeting)
        _check_event(locked.event, now)
        if locked.status not in BOOKED:
            raise MeetingError(
                _("This meeting is %(status)s already."),
                "illegal_step",
                status=locked.get_status_display().lower(),
            )
        locked.status = S.CANCELLED
        locked.answered_at = locked.answered_at or now
        locked.save(update_fields=["status", "answered_at"])
        _free_seats(locked)
        audit.record(user, "meeting.cancelled", locked)
        _tell(
            locked,
            "cancelled",
            requester=acting_side != locked.requester.organisation_id,
            invitee=acting_side != locked.invitee.organisation_id,
        )
    meeting.status = locked.status
    return meeting


def release(registration, *, now=None):
    """Cancel the booked meetings of a registration that is no longer registered (its
    cancellation calls this in its own transaction); the other sides hear of it."""
    booked = Meeting.objects.filter(
        Q(requester=registration) | Q(invitee=registration), status__in=BOOKED
    ).select_related("event", "requester__organisation", "invitee__organisation")
    for meeting in booked:
        meeting.status = S.CANCELLED
        meeting.answered_at = meeting.answered_at or now or timezone.now()
        meeting.save(update_fields=["status", "answered_at"])
        _free_seats(meeting)
        _tell(
            meeting,
            "cancelled",
            requester=meeting.requester_id != registration.pk,
            invitee=meeting.invitee_id != registration.pk,
        )


def call_off(event, *, now=None):
    """Cancel every booked meeting of `event`, which is being cancelled (events/cancellation.py
    calls this in its transaction, holding the event's lock). Nobody is emailed per meeting:
    the email about the event's cancellation says it all. Returns how many were cancelled."""
    now = now or timezone.now()
    booked = list(
        Meeting.objects.filter(event=event, status__in=BOOKED).values_list("pk", flat=True)
    )
    Meeting.objects.filter(pk__in=booked).update(status=S.CANCELLED)
    Meeting.objects.filter(pk__in=booked, answered_at__isnull=True).update(answered_at=now)
    MeetingSeat.objects.filter(meeting__in=booked).update(active=False)
    return len(booked)


# What `set_held` takes: held, not held, or (None) what the attendance list says.
HELD_VALUES = {"yes": True, "no": False, "derived": None}


def set_held(meeting, *, held, by, now=None):
    """A manager of the event records whether an accepted meeting was held (True or False), or
    leaves it to the attendance list again (None: held when both sides came), from the start of
    the event on. The event's report reads it (events/event_report.py). Nobody is emailed."""
    if not is_event_manager(by, meeting.event):
        raise PermissionDenied("Only the event's regisseurs and administrators say so.")
    if held not in HELD_VALUES.values():
        raise MeetingError(
            _("Choose held, not held, or from the attendance list."), "not_a_held_value"
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(meeting)
        event = locked.event
        if event.cancelled:
            raise MeetingError(
                _("This event is cancelled: no meetings take place."), "event_cancelled"
            )
        if now < event.starts_at:
            raise MeetingError(
                _("Whether a meeting was held is recorded from the start of the event, %(start)s."),
                "before_event",
                start=formats.date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT"),
            )
        if locked.status != S.ACCEPTED:
            raise MeetingError(
                _("This meeting is %(status)s: only an accepted meeting can be held."),
                "not_accepted",
                status=locked.get_status_display().lower(),
            )
        if locked.held != held:
            was = locked.held
            locked.held = held
            locked.save(update_fields=["held"])
            audit.record(by, "meeting.held", locked, held_from=was, held_to=held)
    meeting.held = held
    return meeting


# --- Telling the sides ---------------------------------------------------------------------------


def _members(organisation_id):
    return User.objects.filter(memberships__organisation=organisation_id, is_active=True).order_by(
        "pk"
    )


def _tell(meeting, step, *, requester=False, invitee=False):
    """Email the members of the chosen sides about a step (template event_meeting)."""
    sides = []
    if requester:
        sides.append((meeting.requester, meeting.invitee))
    if invitee:
        sides.append((meeting.invitee, meeting.requester))
    for mine, other in sides:
        for user in _members(mine.organisation_id):
            key = f"event_meeting:{meeting.pk}:{step}:{user.pk}"
            if Notification.objects.filter(key=key).exists():
                continue
            emails.send_to_user(
                user,
                template="event_meeting",
                kind="event_meeting",
                key=key,
                context={
                    "step": step,
                    "meeting": meeting,
                    "event": meeting.event,
                    "organisation": mine.organisation,
                    "other": other.organisation,
                    "incoming": mine.pk == meeting.invitee_id,
                    "link": absolute(
                        reverse_in("events:meetings", user.language, slug=meeting.event.slug)
                    ),
                },
            )
