"""Registering for an event: the one place where a registration's status changes.

    register ─> registered ──cancel──> cancelled
           └──> waiting ──(a place frees up: cancel, more capacity)──> registered (promoted_at)
                   └──cancel──> cancelled

A member registers an organisation they belong to, with the people who come (members or guests,
at most `event.people_per_registration`), what it offers and seeks, and whether it appears on the
participant list. Capacity holds under concurrency as the voucher budget does: every step that
takes or frees a place locks the event's row first (SELECT ... FOR UPDATE), counts the registered
organisations and decides in the same transaction, so fifty sign-ups at once queue on that row
and never overbook; those beyond capacity wait in the order they came (created_at, then id).

A refusal (closed, deadline passed, twice, not a member, bad people) is a RegistrationError with
a code and a translated message. Every step writes its emails to the outbox in the same
transaction, each in its recipient's language; the beat's reminder and thank-you are written once
per registration and person through the outbox's dedupe keys, so the tasks are safe to run again.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from companies.access import is_member
from portal import audit, emails
from portal.models import Notification, User
from portal.notifications import absolute, reverse_in

from . import meetings
from .models import ACTIVE, Attendee, Event, Registration, RegistrationStatus

S = RegistrationStatus
MAX_TEXT = 500  # Registration.offers and .seeks
MAX_NAME = 150  # Attendee.name
# The thank-you goes to events that ended at most this long ago: a beat that was down for a
# day still sends it, an old event never gets one.
THANKS_WITHIN = timedelta(days=7)


class RegistrationError(ValidationError):
    """A step that is not possible now; `code` names why, the message says it to the user."""

    def __init__(self, message, code, **params):
        super().__init__(message % params if params else message, code=code)


# --- Reading -------------------------------------------------------------------------------------


def registered_count(event):
    return Registration.objects.filter(event=event, status=S.REGISTERED).count()


def waiting_position(registration):
    """1 for the first on the waiting list; None for a registration that is not waiting."""
    if registration.status != S.WAITING:
        return None
    ahead = Registration.objects.filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk),
        event_id=registration.event_id,
        status=S.WAITING,
    )
    return ahead.count() + 1


def active_registration(event, organisation):
    registrations = Registration.objects.filter(event=event, organisation=organisation)
    return registrations.filter(status__in=ACTIVE).first()


def closed_problem(event, *, now=None):
    """Why nobody can register for (or cancel at) `event` now, or None."""
    now = now or timezone.now()
    if not event.published:
        return RegistrationError(_("This event is not open for registration."), "not_published")
    if event.cancelled:
        return RegistrationError(_("This event is cancelled."), "cancelled")
    if now > event.registration_deadline:
        return RegistrationError(
            _("Registration closed on %(deadline)s."),
            "deadline_passed",
            deadline=formats.date_format(
                timezone.localtime(event.registration_deadline), "DATETIME_FORMAT"
            ),
        )
    return None


# --- Input ---------------------------------------------------------------------------------------


def _text(value):
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > MAX_TEXT:
        raise RegistrationError(
            _("Keep what you offer and seek to %(limit)s characters each."),
            "too_long",
            limit=MAX_TEXT,
        )
    return text


def clean_people(event, people):
    """[(name, email)] stripped, checked and without empty rows; RegistrationError otherwise."""
    found = []
    seen = set()
    for name, email in people or []:
        name = (name or "").strip() if isinstance(name, str) else ""
        email = (email or "").strip() if isinstance(email, str) else ""
        if not name and not email:
            continue
        if not name or len(name) > MAX_NAME:
            raise RegistrationError(
                _("Give the name of every person who comes (at most %(limit)s characters)."),
                "person_name",
                limit=MAX_NAME,
            )
        try:
            validate_email(email)
        except ValidationError:
            raise RegistrationError(
                _("“%(email)s” is not an email address."), "person_email", email=email[:80]
            ) from None
        if email.lower() in seen:
            raise RegistrationError(
                _("%(email)s is named twice."), "person_twice", email=email[:80]
            )
        seen.add(email.lower())
        found.append((name, email))
    if not found:
        raise RegistrationError(
            _("Name at least one person who comes, with their email address."), "no_people"
        )
    if len(found) > event.people_per_registration:
        raise RegistrationError(
            _("At most %(limit)s people per organisation can come to this event."),
            "too_many_people",
            limit=event.people_per_registration,
        )
    return found


def _attendees(registration, people):
    """The Attendee rows for `people`; a person with the address of a member is that member."""
    members = {
        user.email.lower(): user
        for user in User.objects.filter(
            memberships__organisation=registration.organisation, is_active=True
        )
    }
    return [
        Attendee(registration=registration, name=name, email=email, user=members.get(email.lower()))
        for name, email in people
    ]


# --- Steps ---------------------------------------------------------------------------------------


def _locked_event(event):
    """The event's row, locked until the transaction ends: places are taken one at a time."""
    return Event.objects.select_for_update().get(pk=event.pk)


def register(
    event,
    *,
    organisation,
    user,
    people,
    offers="",
    seeks="",
    offered_categories=(),
    sought_categories=(),
    listed=False,
    now=None,
):
    """`user`, a member of `organisation`, registers it for `event`: a place while there is one,
    else the next place on the waiting list. Returns the registration."""
    if not is_member(user, organisation):
        raise RegistrationError(
            _("You can only register an organisation you are a member of."), "not_member"
        )
    people = clean_people(event, people)
    offers, seeks = _text(offers), _text(seeks)
    with transaction.atomic():
        event = _locked_event(event)
        now = now or timezone.now()
        problem = closed_problem(event, now=now)
        if problem:
            raise problem
        if active_registration(event, organisation):
            raise RegistrationError(
                _("%(organisation)s is registered for this event already."),
                "already_registered",
                organisation=organisation.name,
            )
        full = registered_count(event) >= event.capacity
        registration = Registration.objects.create(
            event=event,
            organisation=organisation,
            registered_by=user,
            status=S.WAITING if full else S.REGISTERED,
            offers=offers,
            seeks=seeks,
            listed=bool(listed),
        )
        registration.offered_categories.set(offered_categories)
        registration.sought_categories.set(sought_categories)
        Attendee.objects.bulk_create(_attendees(registration, people))
        audit.record(user, f"event_registration.{registration.status}", registration)
        _tell(registration, str(registration.status))
    return registration


def change(
    registration,
    *,
    user,
    people,
    offers="",
    seeks="",
    offered_categories=(),
    sought_categories=(),
    listed=False,
    now=None,
):
    """A member changes who comes and what the organisation offers and seeks, until the
    deadline. The status stays as it is."""
    _require_member(user, registration)
    people = clean_people(registration.event, people)
    offers, seeks = _text(offers), _text(seeks)
    with transaction.atomic():
        event = _locked_event(registration.event)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        _require_active(locked)
        problem = closed_problem(event, now=now)
        if problem:
            raise problem
        locked.offers, locked.seeks, locked.listed = offers, seeks, bool(listed)
        locked.save(update_fields=["offers", "seeks", "listed"])
        locked.offered_categories.set(offered_categories)
        locked.sought_categories.set(sought_categories)
        existing = {attendee.email.lower(): attendee for attendee in locked.attendees.all()}
        kept = {email.lower() for _name, email in people}
        Attendee.objects.filter(
            pk__in=[attendee.pk for key, attendee in existing.items() if key not in kept]
        ).delete()
        fresh = []
        for name, email in people:
            attendee = existing.get(email.lower())
            if attendee is None:
                fresh.append((name, email))
            elif (attendee.name, attendee.email) != (name, email):
                attendee.name, attendee.email = name, email
                attendee.save(update_fields=["name", "email"])
        Attendee.objects.bulk_create(_attendees(locked, fresh))
        audit.record(user, "event_registration.changed", locked)
    return locked


def cancel(registration, *, user, now=None):
    """A member cancels, until the deadline; a place freed moves the first waiting one up."""
    _require_member(user, registration)
    with transaction.atomic():
        event = _locked_event(registration.event)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        _require_active(locked)
        now = now or timezone.now()
        if event.cancelled:
            raise RegistrationError(_("This event is cancelled."), "cancelled")
        if now > event.registration_deadline:
            raise RegistrationError(
                _(
                    "Registrations can be cancelled until %(deadline)s. Tell the regie if you "
                    "cannot come."
                ),
                "deadline_passed",
                deadline=formats.date_format(
                    timezone.localtime(event.registration_deadline), "DATETIME_FORMAT"
                ),
            )
        was = locked.status
        locked.status, locked.cancelled_at = S.CANCELLED, now
        locked.save(update_fields=["status", "cancelled_at"])
        audit.record(user, "event_registration.cancelled", locked, from_status=was)
        _tell(locked, "cancelled")
        # Its meetings are cancelled with it: the other sides' seats and the tables are free.
        meetings.release(locked, now=now)
        if was == S.REGISTERED:
            fill_places(event, now=now)
    registration.status, registration.cancelled_at = locked.status, locked.cancelled_at
    return registration


def fill_places(event, *, now=None):
    """Move waiting registrations up, first come first, while the event has free places.

    Call it inside a transaction that holds the event's lock (cancel() does; the admin calls it
    after raising the capacity). Returns the registrations moved up.
    """
    if event.cancelled:
        return []
    now = now or timezone.now()
    free = event.capacity - registered_count(event)
    if free <= 0:
        return []
    moved = list(
        Registration.objects.select_for_update()
        .filter(event=event, status=S.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    for registration in moved:
        registration.status, registration.promoted_at = S.REGISTERED, now
        registration.save(update_fields=["status", "promoted_at"])
        audit.record(None, "event_registration.promoted", registration)
        _tell(registration, "promoted")
    return moved


def _require_member(user, registration):
    if not is_member(user, registration.organisation_id):
        raise PermissionDenied("Only a member of the organisation changes its registration.")


def _require_active(registration):
    if registration.status not in ACTIVE:
        raise RegistrationError(_("This registration is cancelled already."), "cancelled_already")


# --- Daily work (events/tasks.py) ----------------------------------------------------------------


def send_reminders(*, now=None):
    """The day before an event (or later that day, or on the day itself when beat missed a run),
    remind the registered people, with the event's calendar file. Once per registration and
    person (the outbox's key). Returns the number of emails written."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    due = Registration.objects.filter(
        status=S.REGISTERED,
        event__published=True,
        event__cancelled_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__date__lte=tomorrow,
    ).select_related("event__postcode", "organisation", "registered_by")
    written = 0
    for registration in due:
        with transaction.atomic():
            # The start's day in the key: an event moved to another day reminds again.
            day = timezone.localdate(registration.event.starts_at).isoformat()
            written += _tell(registration, f"reminder-{day}", template="event_reminder")
    return written


def send_thanks(*, now=None):
    """After an event, thank the registered people who did not stay away and ask what came of
    it, with the link to record a deal. Once per registration and person."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=S.REGISTERED,
            event__cancelled_at__isnull=True,
            event__ends_at__lt=now,
            event__ends_at__gte=now - THANKS_WITHIN,
        )
        .exclude(attended=False)
        .select_related("event__postcode", "organisation", "registered_by")
    )
    written = 0
    for registration in due:
        with transaction.atomic():
            written += _tell(registration, "thanks")
    return written


# --- Telling the people --------------------------------------------------------------------------


def recipients(registration):
    """Who hears about a registration: the member who made it and every person who comes, once
    each. Yields (user or None, email, language): a guest reads the registrant's language."""
    registrant = registration.registered_by
    fallback = registrant.language if registrant else None
    seen = set()
    if registrant is not None and registrant.is_active:
        seen.add(registrant.email.lower())
        yield registrant, f"u{registrant.pk}", registrant.email, registrant.language
    for attendee in registration.attendees.select_related("user"):
        person = attendee.user if attendee.user and attendee.user.is_active else None
        email = person.email if person else attendee.email
        if not email:  # a guest erased under the retention rule (events/retention.py)
            continue
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        key = f"u{person.pk}" if person else f"a{attendee.pk}"
        yield person, key, email, person.language if person else fallback


def _links(registration, language):
    event = registration.event
    return {
        "event_url": absolute(reverse_in("events:detail", language, slug=event.slug)),
        "registration_url": absolute(reverse_in("events:registration", language, slug=event.slug)),
        "calendar_url": absolute(reverse_in("events:calendar", language, slug=event.slug)),
        # Engineer C's page (issue 22, item 4); built from the event's address, as it may not be
        # in this branch's URLs yet.
        "deal_url": absolute(reverse_in("events:deal_new", language, slug=event.slug)),
    }


KINDS = {
    "registered": "event_registration",
    "waiting": "event_registration",
    "promoted": "event_registration",
    "cancelled": "event_registration",
    "reminder": "event_reminder",
    "thanks": "event_reminder",
    "event_cancelled": "event_cancelled",
}


def tell_event_cancelled(registration):
    """Tell the registration's people that its event is cancelled (events/cancellation.py),
    with the link to the event's calendar file, which is now its cancellation. Once per person.
    Returns how many emails were written."""
    return _tell(registration, "event_cancelled", template="event_called_off")


def _tell(registration, step, *, template=None):
    """Write the step's email (template event_<step>) to each recipient once; returns how many
    were written now."""
    written = 0
    event = registration.event
    template = template or f"event_{step}"
    for user, who, email, language in recipients(registration):
        key = f"event_registration:{registration.pk}:{step}:{who}"
        if Notification.objects.filter(key=key).exists():
            continue
        context = {
            "event": event,
            "registration": registration,
            "organisation": registration.organisation,
            "position": waiting_position(registration) if step == "waiting" else None,
            "starts": timezone.localtime(event.starts_at),
            "ends": timezone.localtime(event.ends_at),
            **_links(registration, language),
        }
        if user is not None:
            row = emails.send_to_user(
                user, template=template, kind=KINDS[step.split("-")[0]], key=key, context=context
            )
        else:
            row = emails.send(
                to=email,
                template=template,
                kind=KINDS[step.split("-")[0]],
                key=key,
                context=context,
                language=language,
            )
        written += row is not None
    return written
