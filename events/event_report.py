"""The report of one event for its regisseurs (issue 22, item 5): from registration to lasting
collaboration.

Four grouped queries, whatever the size of the event: registrations (by status, kind of
organisation and attendance), registered organisations by municipality, meetings (by status,
whether set held by hand and whether each side came), and deals (with their collaboration's
confirmation and the follow-up answers counted per period).

The words
    Registered: the organisations with a place (not waiting, not cancelled). Attended: those
    the regisseur ticked on the sign-in list. A meeting is requested (whatever came of the
    request), accepted (accepted by the other side or placed by the regisseur) and held: set
    held by hand, or, when nobody set it, accepted and both sides attended. A deal is confirmed
    when its collaboration is confirmed by both sides in the register. Carried out after 3, 6
    or 12 months: of the deals asked about that period (its date has come), those where at
    least one side answered yes, and those where both did. In the funnel a deal counts as
    carried out when a side answered yes at any of the periods.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from companies.models import OrganisationKind

from . import deals
from .models import Deal, Meeting, MeetingStatus, Registration, RegistrationStatus


@dataclass
class FollowUpFigures:
    months: int
    asked: int = 0
    answered: int = 0
    one_side: int = 0
    both_sides: int = 0


@dataclass
class EventFigures:
    by_kind: list = field(default_factory=list)  # (label, registered, waiting, attended)
    by_municipality: list = field(default_factory=list)  # (name, registered)
    registered: int = 0
    waiting: int = 0
    cancelled: int = 0
    attended: int = 0
    absent: int = 0
    unmarked: int = 0
    requested: int = 0
    accepted: int = 0
    held: int = 0
    deals: int = 0
    confirmed: int = 0
    carried_out: int = 0
    follow_ups: list = field(default_factory=list)

    @property
    def funnel(self):
        """(label key, number, share of the step before in %, or None)."""
        steps = [
            ("requested", self.requested),
            ("accepted", self.accepted),
            ("held", self.held),
            ("deals", self.deals),
            ("confirmed", self.confirmed),
            ("carried_out", self.carried_out),
        ]
        result, before = [], None
        for key, number in steps:
            share = round(100 * number / before) if before else None
            result.append((key, number, share))
            before = number
        return result


def _registrations(event, figures):
    kinds = {kind: [label, 0, 0, 0] for kind, label in OrganisationKind.choices}
    rows = (
        Registration.objects.filter(event=event)
        .values("status", "organisation__kind", "attended")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for row in rows:
        number, status = row["number"], row["status"]
        line = kinds.get(row["organisation__kind"])
        if status == RegistrationStatus.REGISTERED:
            figures.registered += number
            line[1] += number
            if row["attended"] is True:
                figures.attended += number
                line[3] += number
            elif row["attended"] is False:
                figures.absent += number
            else:
                figures.unmarked += number
        elif status == RegistrationStatus.WAITING:
            figures.waiting += number
            line[2] += number
        else:
            figures.cancelled += number
    figures.by_kind = [tuple(line) for line in kinds.values() if any(line[1:])]


def _municipalities(event, figures):
    rows = (
        Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
        .values("organisation__municipality__name_nl", "organisation__municipality__name_fr")
        .annotate(number=Count("pk"))
        .order_by("-number", "organisation__municipality__name_nl")
    )
    # The name in the reader's language, as Municipality.name gives it.
    french = (get_language() or "")[:2] == "fr"
    figures.by_municipality = [
        (
            (french and row["organisation__municipality__name_fr"])
            or row["organisation__municipality__name_nl"],
            row["number"],
        )
        for row in rows
    ]


def _meetings(event, figures):
    rows = (
        Meeting.objects.filter(event=event)
        .values("status", "held", "requester__attended", "invitee__attended")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for row in rows:
        number = row["number"]
        figures.requested += number
        if row["status"] != MeetingStatus.ACCEPTED:
            continue
        figures.accepted += number
        both_came = row["requester__attended"] is True and row["invitee__attended"] is True
        if row["held"] is True or (row["held"] is None and both_came):
            figures.held += number


def _deals(event, figures, today):
    per_period = {}
    for months in deals.MONTHS:
        per_period[f"answered_{months}"] = Count("follow_ups", filter=Q(follow_ups__months=months))
        per_period[f"yes_{months}"] = Count(
            "follow_ups", filter=Q(follow_ups__months=months, follow_ups__carried_out=True)
        )
    found = (
        Deal.objects.filter(event=event)
        .annotate(**per_period)
        .values(
            "pk",
            "expected_start",
            "created_at",
            "collaboration__confirmed_by_regular_at",
            "collaboration__confirmed_by_social_at",
            "collaboration__disputed_at",
            *per_period,
        )
        .order_by()
    )
    periods = {months: FollowUpFigures(months) for months in deals.MONTHS}
    for row in found:
        figures.deals += 1
        if (
            row["collaboration__confirmed_by_regular_at"]
            and row["collaboration__confirmed_by_social_at"]
            and not row["collaboration__disputed_at"]
        ):
            figures.confirmed += 1
        deal = Deal(expected_start=row["expected_start"], created_at=row["created_at"])
        yes_at_all = False
        for months, period in periods.items():
            yes = row[f"yes_{months}"]
            yes_at_all = yes_at_all or yes > 0
            if deals.due_on(deal, months) > today:
                continue
            period.asked += 1
            period.answered += row[f"answered_{months}"] > 0
            period.one_side += yes >= 1
            period.both_sides += yes >= 2
        figures.carried_out += yes_at_all
    figures.follow_ups = list(periods.values())


def figures(event, *, today=None):
    """The event's figures (EventFigures): four queries."""
    today = today or timezone.localdate()
    result = EventFigures()
    _registrations(event, result)
    _municipalities(event, result)
    _meetings(event, result)
    _deals(event, result, today)
    return result
