"""How the two sides rate a collaboration (issue 21, item 3: "how are they evaluated?").

Each side of a collaboration confirmed by both is asked to rate it: when it becomes confirmed
(`ON_CONFIRMATION`: by `collaborations.confirm`, and by `collaborations.record` for what the
portal saw happen; not for imported history, which would ask about years long past), once a
year on the anniversary of its start while it runs (`year-N`, `ask_yearly`, beat, daily), and
when it ends (`AT_END`, by `collaborations.end`). A rating is a score from 1 to 5, whether the
side would work with the other again, and an optional note that stays private (the reports
never read it, the other side never sees it; administrators see it in the admin).

The ask is an email to every member of the side (kind "collaboration_rating", which members
may switch off) with a link that needs no login, because all it can do is record that side's
rating for that period. The link is signed (django.core.signing, its own salt, so no other
token of the portal is accepted), names the collaboration, the side and the period, and
expires after LINK_DAYS. Every member of a side gets the same link; the first to use it rates
for the side: the database's unique constraint (collaboration, side, period) refuses a second,
so a used link says "already rated". A side's link cannot rate for the other side, since the
side is part of what is signed.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portal import emails, signed_links
from portal.notifications import absolute, reverse_in

from . import membership
from .models import Collaboration, CollaborationRating, RatingSide

ON_CONFIRMATION = "on_confirmation"
AT_END = "at_end"
YEAR_PREFIX = "year-"
LINK_DAYS = 60
SALT = "companies.ratings.rate"
# The yearly ask looks this many days back for anniversaries: a beat that stood still for a
# few days still asks, and the outbox's key keeps it from asking twice.
CATCH_UP_DAYS = 14


def year_period(number):
    return f"{YEAR_PREFIX}{number}"


def years_of(period):
    """N of a "year-N" period; None for the others."""
    return int(period.removeprefix(YEAR_PREFIX)) if period.startswith(YEAR_PREFIX) else None


def is_period(value):
    if not isinstance(value, str):
        return False
    if value in (ON_CONFIRMATION, AT_END):
        return True
    number = value.removeprefix(YEAR_PREFIX)
    return (
        value.startswith(YEAR_PREFIX)
        and number.isascii()
        and number.isdigit()
        and 1 <= int(number) <= 100
    )


# --- The signed link ----------------------------------------------------------------------------


def token(collaboration, side, period):
    return signed_links.sign({"c": collaboration.pk, "s": side, "p": period}, salt=SALT)


# The link's problems (portal/signed_links.py); LinkUsed: the side has rated for the period.
LinkInvalid = signed_links.LinkInvalid
LinkExpired = signed_links.LinkExpired
LinkUsed = signed_links.LinkUsed


def read(value):
    """(collaboration, side, period) of a link, with the two organisations; raises LinkInvalid,
    LinkExpired or LinkUsed. Two queries."""
    data = signed_links.read(value, salt=SALT, days=LINK_DAYS)
    if not isinstance(data.get("c"), int):
        raise LinkInvalid
    side, period = data.get("s"), data.get("p")
    if side not in RatingSide.values or not is_period(period):
        raise LinkInvalid
    collaboration = (
        Collaboration.objects.confirmed()
        .select_related("regular", "social", "category")
        .filter(pk=data["c"])
        .first()
    )
    if collaboration is None:
        raise LinkInvalid
    if CollaborationRating.objects.filter(
        collaboration=collaboration, side=side, period=period
    ).exists():
        raise LinkUsed
    return collaboration, side, period


def rate(*, collaboration, side, period, score, would_work_again, note=""):
    """Record the side's rating for the period; LinkUsed when it has already rated it (two
    members using the link at the same moment: the second finds the constraint)."""
    try:
        with transaction.atomic():
            return CollaborationRating.objects.create(
                collaboration=collaboration,
                side=side,
                period=period,
                score=score,
                would_work_again=would_work_again,
                note=note.strip(),
            )
    except IntegrityError:
        raise LinkUsed from None


# --- Asking -------------------------------------------------------------------------------------


def ask(collaboration, *, period, sides=tuple(RatingSide.values)):
    """Email every member of each side a link to rate the collaboration for `period`.

    In the caller's transaction, through the outbox; the key names the collaboration, side,
    period and member, so asking again writes nothing. A side that has rated for the period is
    not asked. Returns how many emails were written."""
    rated = set(
        CollaborationRating.objects.filter(collaboration=collaboration, period=period).values_list(
            "side", flat=True
        )
    )
    written = 0
    for side in sides:
        if side in rated:
            continue
        organisation, other = (
            (collaboration.regular, collaboration.social)
            if side == RatingSide.REGULAR
            else (collaboration.social, collaboration.regular)
        )
        link = token(collaboration, side, period)
        for member in membership.members_of(organisation):
            row = emails.send_to_user(
                member,
                template="collaboration_rating",
                kind="collaboration_rating",
                key=f"collaboration_rating:{collaboration.pk}:{side}:{period}:{member.pk}",
                summary=other.name,
                context={
                    "collaboration": collaboration,
                    "organisation": organisation,
                    "other": other,
                    "period": period,
                    "at_end": period == AT_END,
                    "years": years_of(period),
                    "rate_url": absolute(
                        reverse_in("companies:collaboration_rate", member.language, token=link)
                    ),
                    "link_days": LINK_DAYS,
                },
            )
            written += row is not None
    return written


def anniversary(started, years):
    """The date `years` years after `started` (29 February becomes 28 February)."""
    try:
        return started.replace(year=started.year + years)
    except ValueError:
        return started.replace(year=started.year + years, day=28)


def completed_years(started, today):
    """How many whole years a collaboration started on `started` has run by `today`."""
    years = today.year - started.year
    if anniversary(started, years) > today:
        years -= 1
    return max(years, 0)


def _anniversaries_between(first, last):
    """Q: the start's month and day fall on a day from `first` to `last` (29 February counted
    on 28 February of a year that has none)."""
    condition = Q(pk__in=[])
    day = first
    while day <= last:
        condition |= Q(started__month=day.month, started__day=day.day)
        if day.month == 2 and day.day == 28 and (day + timedelta(days=1)).month == 3:
            condition |= Q(started__month=2, started__day=29)
        day += timedelta(days=1)
    return condition


def due_yearly(today):
    """Running confirmed collaborations whose anniversary fell in the last CATCH_UP_DAYS."""
    first = today - timedelta(days=CATCH_UP_DAYS - 1)
    return (
        Collaboration.objects.confirmed()
        .filter(Q(ended__isnull=True) | Q(ended__gt=today))
        # A year has at least 365 days: anything younger has no anniversary yet.
        .filter(started__lte=today - timedelta(days=365))
        .filter(_anniversaries_between(first, today))
        .select_related("regular", "social", "category")
    )


def ask_yearly(*, today=None):
    """Beat, daily: ask both sides of each running collaboration to rate its last year, on the
    anniversary of its start. Safe to run again, late or twice: the period is the number of
    whole years run (an anniversary seen up to CATCH_UP_DAYS late still names the same year),
    and the outbox writes each (collaboration, side, period, member) once. Returns how many
    collaborations were asked about."""
    today = today or timezone.localdate()
    asked = 0
    for collaboration in due_yearly(today).order_by("pk").iterator():
        years = completed_years(collaboration.started, today)
        if years < 1:
            continue
        with transaction.atomic():
            ask(collaboration, period=year_period(years))
        asked += 1
    return asked
