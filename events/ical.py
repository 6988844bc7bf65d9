"""Events as iCalendar (RFC 5545): one file per event and a feed per region.

Written by hand rather than with a library: the portal needs one component (VEVENT) with a dozen
properties, and the rules that matter are few: text values escape backslash, semicolon, comma and
newlines (3.3.11); content lines end in CRLF and are folded at 75 octets, never inside a UTF-8
character, the continuation starting with a space (3.1); times are written in UTC with a "Z"
(3.3.5, form #2), so that no VTIMEZONE is needed. The UID names the event and the portal's host
and never changes, so a calendar updates the entry it imported rather than adding a second one;
SEQUENCE follows the last change, and a cancelled event says STATUS:CANCELLED.

A cancelled event's own file is its cancellation (RFC 5546, 3.2.5): METHOD:CANCEL, the same
UID, an ORGANIZER (the regie, writing from the portal's address), STATUS:CANCELLED and a SEQUENCE
one above the last version, so that a calendar that imported the event takes it out. The
cancellation email links to it (events/cancellation.py). A region's feed is a subscription,
which publishes: there a cancelled event stays, marked STATUS:CANCELLED.

The link to join online is not in these files: they are public, the link is for participants.
"""

from datetime import UTC
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//Brugwerk//Events//NL"


def escape(text):
    """A TEXT value (RFC 5545, 3.3.11)."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line):
    """A content line folded at 75 octets (3.1); a character is never split."""
    parts = []
    current, size = "", 0
    limit = LINE_OCTETS
    for character in line:
        octets = len(character.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            # A continuation line starts with a space, which counts among its 75 octets.
            current, size, limit = " ", 1, LINE_OCTETS
        current += character
        size += octets
    parts.append(current)
    return CRLF.join(parts)


def utc(moment):
    """A DATE-TIME in UTC (3.3.5, form #2): a machine's form, not a date for people."""
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"
    )


def host():
    return urlsplit(settings.SITE_URL).hostname or "brugwerk"


def uid(event):
    """Stable for the event's life: its id and the portal's host, never its title or slug."""
    return f"event-{event.pk}@{host()}"


def location(event):
    """Where it happens: "Online", or the address with the postcode and place."""
    if event.online:
        return _("Online")
    place = " ".join(str(part) for part in (event.postcode.code, event.postcode.name) if part)
    return ", ".join(part for part in (event.address, place) if part)


def _property(name, value):
    return fold(f"{name}:{value}")


def organizer(event):
    """The regie as ORGANIZER: its name (a quoted parameter value, which may hold no DQUOTE,
    3.2) and the portal's sending address."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or f"noreply@{host()}"
    name = str(event.region.name).replace('"', "'")
    return fold(f'ORGANIZER;CN="{name}":mailto:{address}')


def sequence(event):
    """The number of seconds since creation at the last change: grows with every save."""
    return max(int((event.updated_at - event.created_at).total_seconds()), 0)


def vevent(event, *, url, now, cancel=False):
    lines = [
        "BEGIN:VEVENT",
        _property("UID", uid(event)),
        _property("DTSTAMP", utc(now)),
        _property("DTSTART", utc(event.starts_at)),
        _property("DTEND", utc(event.ends_at)),
        _property("SUMMARY", escape(event.title)),
        _property("DESCRIPTION", escape(f"{event.description}\n\n{url}")),
        _property("LOCATION", escape(location(event))),
        _property("URL", url),
        # A cancellation outranks every version saved up to the moment it was made, even one
        # saved in the same second.
        _property("SEQUENCE", sequence(event) + (1 if cancel else 0)),
        _property("LAST-MODIFIED", utc(event.updated_at)),
        _property("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED"),
    ]
    if cancel:
        lines.append(organizer(event))
    lines.append("END:VEVENT")
    return lines


def calendar(events, *, url_of, now, name="", language=None, cancel=False):
    """The VCALENDAR of `events` as text; `url_of(event)` gives each one's absolute page. With
    `cancel`, the cancellation of (cancelled) `events` rather than their publication."""
    with translation.override(language or translation.get_language()):
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            _property("PRODID", PRODID),
            "CALSCALE:GREGORIAN",
            "METHOD:CANCEL" if cancel else "METHOD:PUBLISH",
        ]
        if name:
            lines.append(_property("X-WR-CALNAME", escape(name)))
        for event in events:
            lines.extend(vevent(event, url=url_of(event), now=now, cancel=cancel))
        lines.append("END:VCALENDAR")
    return CRLF.join(lines) + CRLF
