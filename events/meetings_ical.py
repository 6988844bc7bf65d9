"""A participant's meeting schedule as an iCalendar file (RFC 5545).

The few rules a calendar application holds us to: lines end in CRLF, text escapes backslash,
semicolon, comma and newlines (3.3.11), lines longer than 75 octets fold with CRLF and a space,
never inside a UTF-8 character (3.1), times are in UTC ("Z"), and every meeting has a UID of its
own, so that a calendar subscribed to the file updates a moved or cancelled meeting instead of
adding it twice. The writing itself (escaping, folding, UTC times) is events/ical.py's.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .ical import CRLF, escape, fold, host, utc


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
            f"UID:event-meeting-{meeting.pk}@{host()}",
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
    return "".join(fold(line) + CRLF for line in lines)
