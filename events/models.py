"""Network events: netwerkmomenten, kennismakingsbeurzen, round tables and info sessions, from
sign-up to the deals they produce (issue 22).

An Event is run by the regisseurs of its region. Organisations register for it (a Registration,
with the people who come: Attendee); capacity counts registrations, and those beyond it wait in
order. Before the event participants book short one-to-one meetings in the event's time slots
(Meeting, with one MeetingSeat per side so that the database itself refuses to seat a
registration twice in one slot). A Deal is an agreement that came out of a meeting; it enters the
collaboration register as a declaration with channel "network event", and both sides are asked
after 3, 6 and 12 months whether it was carried out (DealFollowUp).

The rules that change these rows live in their own modules (registration, meetings, deals); the
models hold the data and the constraints the database can keep.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Collaboration, CollaborationRole, Organisation
from portal.models import Postcode, Region, RunByRegionQuerySet, Sector, ServiceCategory
from portal.validators import MinValueValidator


class EventKind(models.TextChoices):
    NETWORKING = "networking", _("Networking event")
    FAIR = "fair", _("Introduction fair")
    ROUND_TABLE = "round_table", _("Round table")
    INFO_SESSION = "info_session", _("Information session")


class EventAudience(models.TextChoices):
    """Whom the event is for (the organisations' kinds it invites)."""

    ALL = "all", _("Everyone")
    REGULAR = "regular", _("Regular firms")
    SOCIAL = "social", _("Social enterprises")
    PUBLIC = "public", _("Public bodies")


class EventQuerySet(RunByRegionQuerySet):
    def published(self):
        return self.filter(published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())


class Event(models.Model):
    """A meeting of regular firms and social enterprises that a regie organises."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    description = models.TextField(_("description"), max_length=5000)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # In person: the address and its postcode; online: the link, shown only to participants.
    online = models.BooleanField(_("online"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.ForeignKey(
        Postcode,
        verbose_name=_("postcode"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    online_url = models.URLField(
        _("link to join online"),
        blank=True,
        help_text=_("Shown only to registered participants."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity (organisations)"), validators=[MinValueValidator(1)]
    )
    people_per_registration = models.PositiveSmallIntegerField(
        _("people per organisation"), default=2, validators=[MinValueValidator(1)]
    )
    registration_deadline = models.DateTimeField(_("registration deadline"))
    audience = models.CharField(
        _("for"), max_length=10, choices=EventAudience.choices, default=EventAudience.ALL
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector theme"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service theme"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # One-to-one meetings: slots of `slot_minutes` from `meetings_from` to `meetings_until` on the
    # day of the event, at `tables` numbered tables. No tables: the event has no meetings.
    slot_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"), default=15, validators=[MinValueValidator(5)]
    )
    meetings_from = models.TimeField(_("meetings from"), null=True, blank=True)
    meetings_until = models.TimeField(_("meetings until"), null=True, blank=True)
    tables = models.PositiveSmallIntegerField(_("tables for meetings"), default=0)
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished events are not listed.")
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=models.F("starts_at")),
                name="event_deadline_before_start",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=Q(online=True) | Q(postcode__isnull=False),
                name="event_in_person_has_a_place",
            ),
            models.CheckConstraint(
                condition=Q(meetings_from__isnull=True)
                | Q(meetings_until__isnull=True)
                | Q(meetings_until__gt=models.F("meetings_from")),
                name="event_meetings_in_order",
            ),
        ]
        indexes = [models.Index(fields=["region", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def clean_fields(self, exclude=None):
        # What was refused before clean() (by a form: a postcode that does not exist, a time
        # that does not parse) is not also said to be missing or out of order by clean().
        self._refused = set(exclude or ())
        super().clean_fields(exclude=exclude)

    def clean(self):
        """The rules of a possible event, each said on its field in words (the admin's form shows
        them there), before the database's constraints would refuse the row by name: the end
        after the start, the registration deadline not after the start, a postcode in person
        and a link online, and the meetings (both times or neither, in order, within the
        event's hours, a slot at least; tables need them)."""
        super().clean()
        refused = getattr(self, "_refused", set())
        errors = {}

        def say(field, message):
            if field not in refused:
                errors.setdefault(field, message)

        starts, ends = self.starts_at, self.ends_at
        if self.online and not self.online_url:
            say("online_url", _("An online event needs the link to join it."))
        if not self.online and self.postcode_id is None:
            say("postcode", _("An event in person needs the postcode of its place."))
        if starts and ends and ends <= starts:
            say("ends_at", _("The event must end after it starts."))
        deadline = self.registration_deadline
        if deadline and starts and deadline > starts:
            say("registration_deadline", _("Registration must close before the event starts."))
        self._clean_meetings(say, refused)
        if errors:
            raise ValidationError(errors)

    def _clean_meetings(self, say, refused):
        if refused & {"meetings_from", "meetings_until", "slot_minutes", "tables"}:
            return
        since, until = self.meetings_from, self.meetings_until
        if (since is None) != (until is None):
            say(
                "meetings_until" if since else "meetings_from",
                _("Give both the start and the end of the meetings, or neither."),
            )
            return
        if since is None:
            if self.tables:
                say("meetings_from", _("Meetings at tables need a start and an end."))
            return
        if until <= since:
            say("meetings_until", _("The meetings must end after they start."))
            return
        starts, ends = self.starts_at, self.ends_at
        if refused & {"starts_at", "ends_at"} or not (starts and ends) or ends <= starts:
            return
        zone = timezone.get_current_timezone()
        day = timezone.localtime(starts).date()
        first = timezone.make_aware(datetime.combine(day, since), zone)
        last = timezone.make_aware(datetime.combine(day, until), zone)
        if first < starts or last > ends:
            say(
                "meetings_from",
                _("The meetings must take place within the event, from %(start)s to %(end)s.")
                % {
                    "start": formats.time_format(timezone.localtime(starts), "TIME_FORMAT"),
                    "end": formats.time_format(timezone.localtime(ends), "TIME_FORMAT"),
                },
            )
        elif self.tables and first + timedelta(minutes=self.slot_minutes or 0) > last:
            say(
                "slot_minutes",
                _("A meeting of %(minutes)s minutes does not fit between %(start)s and %(end)s.")
                % {
                    "minutes": self.slot_minutes,
                    "start": formats.time_format(since, "TIME_FORMAT"),
                    "end": formats.time_format(until, "TIME_FORMAT"),
                },
            )

    @property
    def cancelled(self):
        return self.cancelled_at is not None

    def registration_open(self, now=None):
        now = now or timezone.now()
        return self.published and not self.cancelled and now <= self.registration_deadline

    def slots(self):
        """The start of every meeting slot (aware datetimes, in the portal's time zone)."""
        if not (self.tables and self.meetings_from and self.meetings_until):
            return []
        day = timezone.localtime(self.starts_at).date()
        zone = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(day, self.meetings_from), zone)
        end = timezone.make_aware(datetime.combine(day, self.meetings_until), zone)
        length = timedelta(minutes=self.slot_minutes)
        found = []
        while start + length <= end:
            found.append(start)
            start += length
        return found


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


# The statuses that hold a registration (a place or a place in the queue).
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


class Registration(models.Model):
    """An organisation's sign-up for an event: who comes, what it offers and seeks there."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    offers = models.TextField(_("what we offer"), max_length=500, blank=True)
    seeks = models.TextField(_("what we are looking for"), max_length=500, blank=True)
    offered_categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("services offered"), blank=True, related_name="+"
    )
    sought_categories = models.ManyToManyField(
        ServiceCategory, verbose_name=_("services sought"), blank=True, related_name="+"
    )
    listed = models.BooleanField(
        _("on the participant list"),
        default=False,
        help_text=_("Other participants see the organisation, its offer and what it seeks."),
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One active registration per organisation and event; a cancelled one may be renewed.
            models.UniqueConstraint(
                fields=["event", "organisation"],
                condition=Q(status__in=["registered", "waiting"]),
                name="registration_once_per_event",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self):
        return f"{self.organisation} · {self.event}"


class Attendee(models.Model):
    """A person who comes for a registration: a member of the organisation or a guest."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="attendees",
    )
    # A guest's name and address are erased (emptied, erased_at set) when the event is older
    # than EVENTS_ATTENDEE_RETENTION_DAYS (events/retention.py); the row stays, as a count.
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    erased_at = models.DateTimeField(_("name and address erased at"), null=True, blank=True)
    # The person's own: their name and address at the event go with their account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["pk"]
        constraints = [
            # Erased guests have no address left: they are not the same person twice.
            models.UniqueConstraint(
                fields=["registration", "email"],
                condition=~Q(email=""),
                name="attendee_once_per_registration",
            )
        ]

    def __str__(self):
        return self.name


class MeetingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# The statuses that hold a slot for both sides.
BOOKED = (MeetingStatus.REQUESTED, MeetingStatus.ACCEPTED)


class Meeting(models.Model):
    """A one-to-one meeting of two registrations of an event in one slot, at one table."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="meetings"
    )
    requester = models.ForeignKey(
        Registration,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="meetings_requested",
    )
    invitee = models.ForeignKey(
        Registration,
        verbose_name=_("with"),
        on_delete=models.CASCADE,
        related_name="meetings_invited",
    )
    starts_at = models.DateTimeField(_("starts at"))
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.REQUESTED
    )
    message = models.TextField(_("message"), max_length=500, blank=True)
    # Placed by the regisseur (accepted for both sides) rather than requested by a participant.
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    held = models.BooleanField(_("held"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "table", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=models.F("invitee")), name="meeting_not_with_oneself"
            ),
            # A table holds one meeting per slot.
            models.UniqueConstraint(
                fields=["event", "starts_at", "table"],
                condition=Q(status__in=["requested", "accepted"]),
                name="meeting_one_per_table_and_slot",
            ),
        ]

    def __str__(self):
        return f"{self.requester.organisation} · {self.invitee.organisation}"

    @property
    def both_came(self):
        """Both sides were ticked present on the sign-in list."""
        return self.requester.attended is True and self.invitee.attended is True


class MeetingSeat(models.Model):
    """One side's seat in a meeting: two per meeting. The database refuses a second seat for a
    registration in the same slot while both meetings hold it (no double booking)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="seats"
    )
    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    # The meeting's status, kept here so that the constraint can see it.
    active = models.BooleanField(_("holds the slot"), default=True)

    class Meta:
        verbose_name = _("meeting seat")
        verbose_name_plural = _("meeting seats")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "starts_at"],
                condition=Q(active=True),
                name="meeting_seat_no_double_booking",
            ),
            models.UniqueConstraint(
                fields=["meeting", "registration"], name="meeting_seat_once_per_side"
            ),
        ]

    def __str__(self):
        return f"{self.registration} · {self.starts_at:%H:%M}"


class Deal(models.Model):
    """An agreement that came out of a meeting at an event, entered in the collaboration
    register as a declaration with channel "network event"."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="deals"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )
    collaboration = models.OneToOneField(
        Collaboration,
        verbose_name=_("collaboration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_deal",
    )
    regular = models.ForeignKey(
        Organisation,
        verbose_name=_("regular organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    social = models.ForeignKey(
        Organisation,
        verbose_name=_("social enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    what = models.TextField(_("what was agreed"), max_length=1000)
    role = models.CharField(
        _("role of the regular organisation"), max_length=10, choices=CollaborationRole.choices
    )
    category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("service category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expected_start = models.DateField(_("expected start"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(regular=models.F("social")), name="deal_between_two_organisations"
            ),
            # One deal per meeting (events/deals.py checks it under the meeting's lock; this is
            # the last guard, for writes that bypass it). A deal whose meeting was deleted keeps
            # no meeting and is not counted.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(meeting__isnull=False),
                name="deal_once_per_meeting",
                violation_error_message=_("A deal from this meeting is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.regular} · {self.social} ({self.event})"


class DealFollowUp(models.Model):
    """One side's answer, 3, 6 or 12 months after the deal, to "was it carried out?"."""

    MONTHS = (3, 6, 12)

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    months = models.PositiveSmallIntegerField(_("months after the deal"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    carried_out = models.BooleanField(_("carried out"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deal follow-up")
        verbose_name_plural = _("deal follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "months", "organisation"], name="deal_follow_up_once"
            ),
            models.CheckConstraint(
                condition=Q(months__in=[3, 6, 12]), name="deal_follow_up_months"
            ),
        ]

    def __str__(self):
        return f"{self.deal} · {self.months}"
