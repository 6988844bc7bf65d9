"""events/ical.py writes RFC 5545: text escaped, lines folded at 75 octets without splitting a
character, times in UTC, a UID that outlives changes of title and slug; read back here with a
small parser of our own (unfold, split, unescape)."""

from datetime import UTC, datetime

import pytest

from events import ical
from tests.factories import EventFactory

pytestmark = pytest.mark.usefixtures("reference_data")


def unfold(text):
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value):
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def parse(text):
    """[{property: value}] per VEVENT, and the calendar's own properties."""
    events, calendar, current = [], {}, None
    for line in unfold(text):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
        else:
            calendar[name] = value
    return calendar, events


def test_text_is_escaped():
    assert ical.escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert unescape(ical.escape("a,b;c\\d\ne")) == "a,b;c\\d\ne"


def test_long_lines_fold_at_75_octets_and_never_inside_a_character():
    line = "DESCRIPTION:" + "Één café, één crème brûlée – " * 20
    folded = ical.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line
    assert ical.fold("SHORT:x") == "SHORT:x"


def test_an_event_reads_back_with_utc_times_place_and_link(db):
    event = EventFactory(
        title="Netwerkmoment; groen, schoon & circulair",
        description="Lang verhaal.\nMet een tweede regel, en komma's; " * 5,
        address="Grote Markt 1",
    )
    url = "https://brugwerk.example/events/x/"

    text = ical.calendar([event], url_of=lambda e: url, now=datetime(2026, 1, 1, tzinfo=UTC))

    calendar, [vevent] = parse(text)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert vevent["SUMMARY"] == ical.escape(event.title)
    assert unescape(vevent["SUMMARY"]) == event.title
    assert unescape(vevent["DESCRIPTION"]).startswith(event.description.replace("\r", ""))
    starts = event.starts_at.astimezone(UTC)
    assert vevent["DTSTART"] == starts.strftime("%Y%m%dT%H%M%SZ")
    # 14:00 in Brussels is 13:00 UTC in winter, 12:00 in summer.
    assert vevent["DTSTART"][9:11] in {"12", "13"}
    assert vevent["DTEND"].endswith("Z")
    assert unescape(vevent["LOCATION"]) == "Grote Markt 1, 3700 Tongeren"
    assert vevent["URL"] == url
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["DTSTAMP"] == "20260101T000000Z"


def test_the_uid_stays_when_title_and_slug_change_and_cancelled_is_said(db):
    event = EventFactory(online=True, online_url="https://meet.example/geheim", postcode=None)
    before = parse(ical.calendar([event], url_of=str, now=event.created_at))[1][0]
    event.title, event.slug = "Nieuwe titel", "nieuwe-titel"
    event.cancelled_at = event.created_at
    event.save()

    after = parse(ical.calendar([event], url_of=str, now=event.created_at))[1][0]

    assert before["UID"] == after["UID"] == f"event-{event.pk}@{ical.host()}"
    assert after["STATUS"] == "CANCELLED"
    assert int(after["SEQUENCE"]) >= int(before["SEQUENCE"])
    assert after["LOCATION"] == "Online"
    text = ical.calendar([event], url_of=str, now=event.created_at)
    assert "meet.example" not in text  # the link is for participants only
