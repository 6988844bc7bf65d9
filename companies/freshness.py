"""How fresh an organisation's details are: confirming them, the yearly reminder, the clock.

Every organisation has the moment its details were last confirmed (`details_confirmed_at`; null
means "since it was created", so the clock runs from `created_at`, which for an imported listing
is its import date). An owner's save of the profile confirms it, and so does the one-click link
of the yearly "is this still correct?" email.

- after REMINDER_MONTHS (12) without confirmation, the owners get that email, once a year;
- after OUTDATED_MONTHS (13) the profile says "last confirmed on <date>" and the directory's
  recommended order puts it after the fresh ones;
- after settings.DIRECTORY_STALE_MONTHS (24) it leaves the default directory and its search
  (`Organisation.objects.fresh_enough()`) until an owner confirms; its profile stays reachable.

The link in the email is signed (django.core.signing, its own salt, so no other token of the
portal is accepted here), expires after CONFIRM_LINK_DAYS, names the organisation and the
confirmation it was made for: once the details are confirmed again the link has done its work
and says so. It needs no login, because all it can do is confirm.
"""

import calendar
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal import emails
from portal.notifications import absolute, reverse_in

from .models import Membership, MembershipRole, Organisation

REMINDER_MONTHS = 12
OUTDATED_MONTHS = 13
CONFIRM_LINK_DAYS = 60
CONFIRM_SALT = "companies.freshness.confirm"


def months_before(moment, months):
    """`moment` minus a number of calendar months (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def end_of_today():
    """The moment the directory judges freshness at: the end of today (local time). A listing
    leaves on the day it turns DIRECTORY_STALE_MONTHS, and a browse of the directory is the
    same search all day long (its counts and order are cached by the day, portal/facets.py)."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), time()))


def months_after(moment, months):
    return months_before(moment, -months)


def confirmed_on(organisation):
    """When the organisation's details were last confirmed (its creation when never)."""
    return organisation.details_confirmed_at or organisation.created_at


def is_outdated(organisation, *, now=None):
    """Not confirmed for OUTDATED_MONTHS: the profile says since when."""
    now = now or timezone.now()
    return confirmed_on(organisation) < months_before(now, OUTDATED_MONTHS)


def confirmed_expression():
    return Coalesce("details_confirmed_at", "created_at")


def fresh_enough_condition(*, now=None):
    """The condition of `Organisation.objects.fresh_enough()`."""
    cutoff = months_before(now or timezone.now(), settings.DIRECTORY_STALE_MONTHS)
    return models.Q(details_confirmed_at__gte=cutoff) | models.Q(
        details_confirmed_at__isnull=True, created_at__gte=cutoff
    )


def fresh_first(*, now=None):
    """An order_by() term: organisations confirmed within OUTDATED_MONTHS first."""
    cutoff = months_before(now or timezone.now(), OUTDATED_MONTHS)
    return models.Case(
        models.When(details_confirmed_at__gte=cutoff, then=0),
        models.When(details_confirmed_at__isnull=True, created_at__gte=cutoff, then=0),
        default=1,
        output_field=models.IntegerField(),
    ).asc()


def confirm(organisation, *, now=None):
    """Record that the organisation's details are right as they stand."""
    now = now or timezone.now()
    Organisation.objects.filter(pk=organisation.pk).update(details_confirmed_at=now)
    organisation.details_confirmed_at = now
    return organisation


# --- The signed link ----------------------------------------------------------------------------


def confirmation_token(organisation):
    stamp = confirmed_on(organisation).isoformat()
    return signing.dumps({"o": organisation.pk, "c": stamp}, salt=CONFIRM_SALT, compress=True)


class LinkInvalid(Exception):
    """The link was changed, was made for another organisation, or is not a link of ours."""


class LinkExpired(Exception):
    """The link is older than CONFIRM_LINK_DAYS."""


class LinkUsed(Exception):
    """The details were confirmed after the link was made: it has nothing left to do."""


def check_token(organisation, token):
    """Raise LinkInvalid, LinkExpired or LinkUsed unless `token` may confirm `organisation`."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict) or data.get("o") != organisation.pk:
        raise LinkInvalid
    if data.get("c") != confirmed_on(organisation).isoformat():
        raise LinkUsed


# --- The yearly reminder ------------------------------------------------------------------------


def due_for_reminder(*, now):
    """Organisations not confirmed for REMINDER_MONTHS whose next reminder is due."""
    return Organisation.objects.not_confirmed_since(months_before(now, REMINDER_MONTHS)).filter(
        models.Q(next_freshness_reminder_at__isnull=True)
        | models.Q(next_freshness_reminder_at__lte=now)
    )


def send_reminders(*, now=None):
    """Email the owners of each organisation due for its yearly "is this still correct?".

    Once a year per organisation: the claim (a conditional UPDATE that moves
    `next_freshness_reminder_at` a year on) and the emails are committed together, so a second
    run, or a second worker at the same time, sends nothing again. Returns how many
    organisations were reminded.
    """
    now = now or timezone.now()
    reminded = 0
    for organisation in due_for_reminder(now=now).order_by("pk").iterator():
        with transaction.atomic():
            claimed = (
                due_for_reminder(now=now)
                .filter(pk=organisation.pk)
                .update(next_freshness_reminder_at=months_after(now, REMINDER_MONTHS))
            )
            if not claimed:
                continue
            reminded += 1
            token = confirmation_token(organisation)
            owners = Membership.objects.filter(
                organisation=organisation, role=MembershipRole.OWNER
            ).select_related("user")
            for membership in owners:
                user = membership.user
                emails.send_to_user(
                    user,
                    template="details_confirmation",
                    # The outbox's closest kind: news about the organisation's listing.
                    kind="organisation_verified",
                    key=f"details_confirmation:{organisation.pk}:{now:%Y-%m-%d}:{user.pk}",
                    context={
                        "organisation": organisation,
                        "confirmed_on": confirmed_on(organisation),
                        "confirm_url": absolute(
                            reverse_in(
                                "companies:confirm_details",
                                user.language,
                                slug=organisation.slug,
                                token=token,
                            )
                        ),
                        "edit_url": absolute(
                            reverse_in(
                                "companies:organisation_edit",
                                user.language,
                                slug=organisation.slug,
                            )
                        ),
                        "link_days": CONFIRM_LINK_DAYS,
                        "stale_months": settings.DIRECTORY_STALE_MONTHS,
                    },
                )
    return reminded
