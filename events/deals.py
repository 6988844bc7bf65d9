"""Deals made at network events and what came of them (issue 22, item 4): the one place where a
Deal or a DealFollowUp is written.

Recording
    During or after the event, a member of either side of an accepted meeting records what the
    two agreed (`record`). One side must be a social-economy enterprise, the other a regular
    organisation (a firm, public body, school or non-profit), as in the collaboration register.
    The deal enters the register as a declaration by the recording side, with channel "network
    event" and source "event" (companies.collaborations.declare), so the other side is emailed
    and confirms or disputes it on its collaborations page, as every declaration. One deal per
    meeting: the meeting's row is locked while it is recorded, so two members of the two sides
    recording at the same moment make one deal, and the second is told it is there.

    The register counts a collaboration from its start, and refuses a start in the future: a
    deal whose work starts later enters it from the day it was recorded (the agreement); one
    recorded after its expected start, from that start.

Follow-ups
    At 3, 6 and 12 months both sides are asked whether the deal was carried out. The months
    count from the expected start, or from the day the deal was recorded when that is later
    (asking three months after the agreement whether work that starts in six was done tells
    nothing). The beat (`ask_due`, daily) emails every member of each side that has not answered
    a link for the latest period that is due; a period is asked until the next one is due (the
    last until its link would expire), so a beat that stood still catches up and a deal
    recorded late is not asked three questions at once. The outbox's key names the deal, the
    side, the period and the member: running it again writes nothing. Deals whose
    collaboration was withdrawn or disputed are not followed up: the other side said it did
    not happen.

    The link needs no login (portal/signed_links.py, its own salt): it names the deal, the side
    and the period, and can do one thing, record that side's answer for that period, once (the
    database's unique constraint). Each side's link answers only for its side.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import collaborations, membership
from companies.access import is_member
from companies.models import CollaborationChannel, CollaborationSource
from portal import emails, signed_links
from portal.notifications import absolute, reverse_in
from portal.validators import localised

from .models import Deal, DealFollowUp, Meeting, MeetingStatus

MONTHS = DealFollowUp.MONTHS
SALT = "events.deals.follow_up"
LINK_DAYS = 60
# How far after the event the work may be expected to start.
EXPECTED_WITHIN = timedelta(days=2 * 365)

LinkInvalid = signed_links.LinkInvalid
LinkExpired = signed_links.LinkExpired
LinkUsed = signed_links.LinkUsed


# --- Recording ---------------------------------------------------------------------------------


def side_for(meeting, user):
    """The organisation of the meeting `user` acts for (the requester's first), or None when
    they are a member of neither side."""
    for registration in (meeting.requester, meeting.invitee):
        if is_member(user, registration.organisation_id):
            return registration.organisation
    return None


def meetings_of(event, user):
    """The accepted meetings of the event that one of the user's organisations sat in, with both
    sides (one query)."""
    if not (user.is_authenticated and user.is_active):
        return Meeting.objects.none()
    mine = Q(requester__organisation__memberships__user=user) | Q(
        invitee__organisation__memberships__user=user
    )
    return (
        Meeting.objects.filter(mine, event=event, status=MeetingStatus.ACCEPTED)
        .select_related("requester__organisation", "invitee__organisation")
        .distinct()
        .order_by("starts_at", "table", "pk")
    )


def recorded_meetings(meetings):
    """The ids of those of `meetings` whose deal is recorded (one query)."""
    return Deal.objects.filter(meeting__in=meetings.values("pk")).values_list(
        "meeting_id", flat=True
    )


def _refuse(message, code, **params):
    raise ValidationError(message, code=code, params=params or None)


def record(meeting, *, by, what, role, category, expected_start, now=None):
    """`by`, a member of one side of `meeting`, records the deal it led to; returns the Deal.

    Raises ValidationError with a message for the user: not a member of either side, the
    meeting not accepted, the event not started or cancelled, two organisations that are not a
    social enterprise and a regular organisation, an expected start before the event or more
    than two years after it, a deal already recorded for the meeting."""
    now = now or timezone.now()
    with transaction.atomic():
        # The meeting's row: a second recording for it waits here and then finds the first.
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("event", "requester__organisation", "invitee__organisation")
            .get(pk=meeting.pk)
        )
        event = meeting.event
        organisation = side_for(meeting, by)
        if organisation is None:
            _refuse(
                _(
                    "Only a member of one of the two organisations that met can record a deal "
                    "from this meeting."
                ),
                "not_in_meeting",
            )
        if meeting.status != MeetingStatus.ACCEPTED:
            _refuse(
                _(
                    "This meeting was not accepted by both sides, so no deal can be recorded "
                    "from it."
                ),
                "meeting_not_accepted",
            )
        if event.cancelled:
            _refuse(_("This event was cancelled."), "event_cancelled")
        if now < event.starts_at:
            _refuse(
                _("A deal is recorded during or after the event, from %(start)s."),
                "before_event",
                start=localised(timezone.localtime(event.starts_at)),
            )
        other = (
            meeting.invitee.organisation
            if organisation.pk == meeting.requester.organisation_id
            else meeting.requester.organisation
        )
        if organisation.is_social == other.is_social:
            _refuse(
                _(
                    "A deal is recorded between a social-economy enterprise and a regular "
                    "organisation; %(one)s and %(other)s are not."
                ),
                "same_kind",
                one=organisation.name,
                other=other.name,
            )
        day = timezone.localtime(event.starts_at).date()
        if expected_start < day:
            _refuse(
                _("The expected start cannot lie before the event (%(date)s)."),
                "start_before_event",
                date=localised(day),
            )
        if expected_start > day + EXPECTED_WITHIN:
            _refuse(
                _("The expected start must lie within two years of the event (by %(date)s)."),
                "start_too_late",
                date=localised(day + EXPECTED_WITHIN),
            )
        if Deal.objects.filter(meeting=meeting).exists():
            _refuse(
                _("A deal from this meeting between %(one)s and %(other)s is already recorded."),
                "already_recorded",
                one=meeting.requester.organisation.name,
                other=meeting.invitee.organisation.name,
            )
        regular, social = collaborations.sides(organisation, other)
        collaboration, _created = collaborations.declare(
            organisation=organisation,
            other=other,
            role=role,
            category=category,
            started=min(expected_start, timezone.localdate(now)),
            channel=CollaborationChannel.NETWORK_EVENT,
            source=CollaborationSource.EVENT,
            by=by,
        )
        if Deal.objects.filter(collaboration=collaboration).exists():
            _refuse(
                _("This collaboration is already in the register as a deal of another meeting."),
                "already_recorded",
            )
        try:
            with transaction.atomic():
                return Deal.objects.create(
                    event=event,
                    meeting=meeting,
                    collaboration=collaboration,
                    regular=regular,
                    social=social,
                    what=what.strip(),
                    role=role,
                    category=category,
                    expected_start=expected_start,
                    recorded_by=by,
                )
        except IntegrityError:
            # The database's guard (deal_once_per_meeting, the collaboration's one deal) met a
            # write that did not take the meeting's lock: the same refusal, said the same way.
            _refuse(
                _("A deal from this meeting between %(one)s and %(other)s is already recorded."),
                "already_recorded",
                one=meeting.requester.organisation.name,
                other=meeting.invitee.organisation.name,
            )


def origins(collaboration_ids):
    """{collaboration id: Origin} for the collaborations among `collaboration_ids` that came out
    of a deal at a published event: the event's title and page, which profiles show next to
    the channel (registered with companies.collaborations from EventsConfig.ready). An
    unpublished event is not named. One query."""
    found = (
        Deal.objects.filter(collaboration__in=collaboration_ids, event__published=True)
        .values_list("collaboration_id", "event__title", "event__slug")
        .order_by()
    )
    return {
        collaboration_id: collaborations.Origin(
            title=title, url=reverse("events:detail", kwargs={"slug": slug})
        )
        for collaboration_id, title, slug in found
    }


# --- Follow-ups --------------------------------------------------------------------------------


def counted_from(deal):
    """The day the follow-ups count from: the expected start, or the day the deal was recorded
    when that is later."""
    return max(deal.expected_start, timezone.localdate(deal.created_at))


def due_on(deal, months):
    return counted_from(deal) + relativedelta(months=months)


def period_due(deal, today):
    """The period (3, 6 or 12) to ask about on `today`, or None: the latest that is due, while
    the next is not (the last: while its link would still work)."""
    for months, following in zip(MONTHS, (*MONTHS[1:], None), strict=True):
        if due_on(deal, months) > today:
            return None
        until = (
            due_on(deal, following)
            if following
            else due_on(deal, months) + timedelta(days=LINK_DAYS)
        )
        if today < until:
            return months
    return None


def token(deal, organisation, months):
    return signed_links.sign({"d": deal.pk, "o": organisation.pk, "m": months}, salt=SALT)


def read(value):
    """(deal, organisation, months) of a follow-up link, with both sides; raises LinkInvalid,
    LinkExpired or LinkUsed. Two queries."""
    data = signed_links.read(value, salt=SALT, days=LINK_DAYS)
    deal_id, organisation_id, months = data.get("d"), data.get("o"), data.get("m")
    if not all(isinstance(value, int) for value in (deal_id, organisation_id, months)):
        raise LinkInvalid
    if months not in MONTHS:
        raise LinkInvalid
    deal = (
        Deal.objects.select_related("event", "regular", "social", "category")
        .filter(pk=deal_id)
        .filter(Q(regular_id=organisation_id) | Q(social_id=organisation_id))
        .first()
    )
    if deal is None:
        raise LinkInvalid
    organisation = deal.regular if deal.regular_id == organisation_id else deal.social
    if DealFollowUp.objects.filter(deal=deal, organisation=organisation, months=months).exists():
        raise LinkUsed
    return deal, organisation, months


def answer(*, deal, organisation, months, carried_out, by=None):
    """Record the side's answer for the period; LinkUsed when it has answered it already (two
    members answering at the same moment: the second meets the constraint)."""
    try:
        with transaction.atomic():
            return DealFollowUp.objects.create(
                deal=deal,
                organisation=organisation,
                months=months,
                carried_out=carried_out,
                answered_by=by if by is not None and by.is_authenticated else None,
            )
    except IntegrityError:
        raise LinkUsed from None


def ask(deal, months):
    """Email every member of each side that has not answered for `months` the link to answer.
    In the caller's transaction, through the outbox (written once per key). Returns how many
    emails were written."""
    answered = set(
        DealFollowUp.objects.filter(deal=deal, months=months).values_list(
            "organisation_id", flat=True
        )
    )
    written = 0
    for organisation, other in ((deal.regular, deal.social), (deal.social, deal.regular)):
        if organisation.pk in answered:
            continue
        link = token(deal, organisation, months)
        for member in membership.members_of(organisation):
            row = emails.send_to_user(
                member,
                template="event_deal_follow_up",
                kind="event_deal",
                key=f"event_deal:{deal.pk}:{organisation.pk}:{months}:{member.pk}",
                summary=other.name,
                context={
                    "deal": deal,
                    "organisation": organisation,
                    "other": other,
                    "months": months,
                    "answer_url": absolute(
                        reverse_in("events:deal_follow_up", member.language, token=link)
                    ),
                    "link_days": LINK_DAYS,
                },
            )
            written += row is not None
    return written


def due(today):
    """Deals that may have a period to ask about on `today`: counted from a day between 12
    months and LINK_DAYS ago and 3 months ago, whose collaboration stands (not withdrawn, not
    disputed)."""
    latest = today - relativedelta(months=MONTHS[0])
    earliest = today - relativedelta(months=MONTHS[-1]) - timedelta(days=LINK_DAYS)
    return (
        Deal.objects.filter(expected_start__lte=latest, created_at__date__lte=latest)
        .filter(Q(expected_start__gte=earliest) | Q(created_at__date__gte=earliest))
        .filter(collaboration__isnull=False, collaboration__disputed_at__isnull=True)
        .select_related("event", "regular", "social", "category")
    )


def ask_due(*, today=None):
    """Beat, daily: ask both sides of each deal about the period that is due (see the module's
    docstring). Safe to run again, late or twice. Returns how many deals were asked about."""
    today = today or timezone.localdate()
    asked = 0
    for deal in due(today).order_by("pk").iterator():
        months = period_due(deal, today)
        if months is None:
            continue
        with transaction.atomic():
            ask(deal, months)
        asked += 1
    return asked
