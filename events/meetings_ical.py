"""A participant's meeting schedule as an iCalendar file (RFC 5545).

The few rules a calendar application holds us to: lines end in CRLF, text escapes backslash,
semicolon, comma and newlines (3.3.11), lines longer than 75 octets fold with CRLF and a space,
never inside a UTF-8 character (3.1), times are in UTC ("Z"), and every meeting has a UID of its
own, so that a calendar subscribed to the file updates a moved or cancelled meeting instead of
adding it twice. (When events/ical.py of the event pages lands, both share one writer.)
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

LINE_OCTETS = 75


def escape(text):
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line):
    """The content line cut into pieces of at most 75 octets, continuations starting with a
    space, never splitting a character."""
    pieces, current, size = [], "", 0
    for character in line:
        octets = len(character.encode())
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # the space counts
        if size + octets > limit:
            pieces.append(current)
            current, size = "", 0
        current += character
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _host():
    return urlsplit(settings.SITE_URL).hostname or "brugwerk"


def _place(event, meeting):
    where = _("Table %(table)s") % {"table": meeting.table} if meeting.table else ""
    if event.online:
        return where
    return ", ".join(part for part in (where, event.address, str(event.postcode or "")) if part)


def schedule_calendar(event, meetings, *, organisation):
    """The text of an .ics file with `meetings` (accepted, of `organisation`) at `event`."""
    stamp = utc(timezone.now())
    length = timedelta(minutes=event.slot_minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape(settings.PORTAL_NAME)}//Events//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(event.title)}",
    ]
    for meeting in meetings:
        other = (
            meeting.invitee
            if meeting.requester.organisation_id == organisation.pk
            else meeting.requester
        ).organisation
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-meeting-{meeting.pk}@{_host()}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(meeting.starts_at)}",
            f"DTEND:{utc(meeting.starts_at + length)}",
            "SUMMARY:" + escape(_("Meeting with %(name)s") % {"name": other.name}),
            f"LOCATION:{escape(_place(event, meeting))}",
            f"DESCRIPTION:{escape(event.title)}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
