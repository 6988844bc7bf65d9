"""What a user may send to people who did not ask for it: how often, and with what in it.

Invitations and requests to join end up in somebody else's mailbox on one user's word, in an
email that comes from the portal. Two rules keep the portal from relaying spam:

- `refuse_links`: text written by someone nobody vouched for (see `vouched_for`) may not carry a
  web address; mail clients turn one into a link that looks as if the portal recommends it.
- `check_allowance`: how many the user sent in the last hour and the last 24 hours, counted from
  the rows that record each sending (not a counter in one process's memory), so that every web
  process and worker sees the same count.
"""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import formats, timezone

from .models import Membership

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

# A web address as mail clients recognise one: a scheme ("https://", "ftp://"), "www.", or a
# bare domain name ("prizes.example", "prijzen.be/win"). The domain of an email address is not
# one (the text is refused for its link, not for an address to write back to). Wider than a
# URL validator on purpose: a false alarm ("rapport.pdf") is shown to the writer, who can change it.
LINK = re.compile(
    r"""
    \b[a-z][a-z0-9+.-]*://\S*                       # a scheme: https://..., ftp://...
    | \bwww\d{0,3}\.\S+                             # www.example...
    | (?<![\w@.-])(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+  # labels of a domain name ...
      [^\W\d_]{2,63}(?![\w@-])(?:/\S*)?             # ... and its top-level domain, a path
    """,
    re.IGNORECASE | re.VERBOSE,
)


def first_link(*texts):
    """The first web address in any of the texts, or None."""
    for text in texts:
        found = LINK.search(text or "")
        if found:
            return found.group(0)
    return None


def vouched_for(user):
    """Whether someone answers for this user: staff, or a member of a verified organisation."""
    return (
        user.is_staff
        or Membership.objects.filter(user=user, organisation__verified_at__isnull=False).exists()
    )


def refuse_links(*texts, refusal):
    """Raise `refusal(link)` (a ValidationError) when one of the texts carries a web address."""
    link = first_link(*texts)
    if link:
        raise refusal(link)


def moment(when):
    """A time to show in a message, in the portal's time zone, rounded up to the minute."""
    when = (when + timedelta(seconds=59)).replace(second=0, microsecond=0)
    return formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")


def one_at_a_time(sender):
    """Lock the sender's user row until the transaction ends (PostgreSQL; SQLite's writers
    queue anyway), so that two of their requests at once count and check one after the other."""
    get_user_model().objects.select_for_update().filter(pk=sender.pk).exists()


def check_allowance(sender, sent, *, at="created_at", per_hour, per_day, refusal):
    """Refuse one more sending when `sender` used up the hour's or the day's allowance.

    `sent` holds a row for each sending of this kind by the sender, timed by the field `at`.
    When the last hour holds `per_hour` of them or the last 24 hours `per_day`, raises
    `refusal(period="hour" or "day", limit=..., again_at=...)`, a ValidationError, with the
    moment the allowance has room again. Call it inside the transaction that writes the new row:
    it takes `one_at_a_time(sender)`, so two requests at once count each other.
    """
    one_at_a_time(sender)
    now = timezone.now()
    since = {"hour": now - HOUR, "day": now - DAY}
    counts = sent.filter(**{f"{at}__gt": since["day"]}).aggregate(
        hour=Count("pk", filter=Q(**{f"{at}__gt": since["hour"]})), day=Count("pk")
    )
    refusals = []
    for period, limit, length in (("hour", per_hour, HOUR), ("day", per_day, DAY)):
        if counts[period] >= limit:
            # Room again when the oldest of the last `limit` sendings leaves the period.
            times = sent.filter(**{f"{at}__gt": since[period]}).order_by(f"-{at}")
            nth = max(limit, 1)
            oldest = list(times.values_list(at, flat=True)[nth - 1 : nth]) or [now]
            refusals.append((oldest[0] + length, period, limit))
    if refusals:
        again_at, period, limit = max(refusals)
        raise refusal(period=period, limit=limit, again_at=again_at)
