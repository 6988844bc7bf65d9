"""The network events' report (i) on /reports/: per region and year, the events held, the
organisations that registered and came, the meetings held and the deals they led to.

Registered in companies.reports from EventsConfig.ready(); the framework, the suppression rule
and the pages are there. The events held are published events, not cancelled, that have ended,
counted in the year and region of the event; every other figure is about those events. Who
registered and came for an event, and the meetings held, are public counts (an event's
participant list is shown to its participants, and the counts say no more than that an
organisation took part): shown as they are. The deals and their confirmation come from the
collaboration register (who works with whom) and are protected as the register is: the firms
behind them are the regular sides of the deals.

Six queries whatever the number of events: the regions, then events, registrations, meetings
and deals each grouped by year and region, and the firms of the deals per year.
"""

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation
from companies.reports import ALL, Cell, Chart, Column, Row, Section, Table, register
from portal.models import Region

from .models import Deal, Event, Meeting, MeetingStatus, Registration, RegistrationStatus

# A meeting is held when set so by hand, or, when nobody did, when both sides came.
HELD = Q(status=MeetingStatus.ACCEPTED) & (
    Q(held=True) | Q(held__isnull=True, requester__attended=True, invitee__attended=True)
)
CONFIRMED = Q(
    collaboration__confirmed_by_regular_at__isnull=False,
    collaboration__confirmed_by_social_at__isnull=False,
    collaboration__disputed_at__isnull=True,
)


def _year_and_region(prefix=""):
    return {
        "report_year": ExtractYear(f"{prefix}starts_at"),
        "report_region": F(f"{prefix}region"),
    }


class NetworkEvents(Section):
    slug = "events"
    letter = "i"
    title = _("Network events")
    question = _(
        "Per region and year: how many network events were held, how many organisations "
        "registered and came, how many one-to-one meetings were held, and how many deals came "
        "of them and were confirmed by both sides?"
    )
    method = _(
        "Published events that were not cancelled and have ended, in the year and region of "
        "the event. Organisations registered are those with a place (not those waiting), "
        "counted once per event; attended are those the regisseur marked present. A meeting "
        "is held when it was accepted and both sides attended, or when it was set as held by "
        "hand. Deals are those recorded from the meetings of these events; confirmed are "
        "those whose collaboration both sides confirmed in the register. The counts of events, "
        "organisations and meetings are shown as they are; a figure of deals of fewer than 3 "
        "regular organisations is hidden, as in the register's reports."
    )
    filters = frozenset({"years", "region"})
    chart = Chart.BARS

    def columns(self):
        return [
            Column("events", gettext("Events held"), confidential=False),
            Column("registered", gettext("Organisations registered"), confidential=False),
            Column("attended", gettext("Organisations attending"), confidential=False),
            Column("meetings", gettext("Meetings held"), confidential=False),
            # Who agreed with whom: from the register, protected as it is.
            Column("deals", gettext("Deals recorded")),
            Column("confirmed", gettext("Deals confirmed by both sides")),
        ]

    def events(self, filters):
        events = Event.objects.filter(
            published=True, cancelled_at__isnull=True, ends_at__lt=timezone.now()
        ).filter(starts_at__year__gte=filters.year_from, starts_at__year__lte=filters.year_to)
        if filters.region is not None:
            events = events.filter(region=filters.region)
        return events

    def first_and_last(self):
        found = self.events_ever().aggregate(first=Min("starts_at"), last=Max("starts_at"))
        if found["first"] is None:
            return None
        return (timezone.localtime(found["first"]).year, timezone.localtime(found["last"]).year)

    def events_ever(self):
        return Event.objects.filter(
            published=True, cancelled_at__isnull=True, ends_at__lt=timezone.now()
        )

    def registrations(self, filters):
        return Registration.objects.filter(
            event__in=self.events(filters), status=RegistrationStatus.REGISTERED
        )

    def meetings(self, filters):
        return Meeting.objects.filter(HELD, event__in=self.events(filters))

    def deals(self, filters):
        return Deal.objects.filter(event__in=self.events(filters))

    def build(self, filters):
        counts = {}

        def add(rows, keys):
            for row in rows:
                figures = counts.setdefault((row["report_year"], row["report_region"]), {})
                for key in keys:
                    figures[key] = (row[key], row.get(f"{key}__firms", row[key]))

        add(
            self.events(filters)
            .values(**_year_and_region())
            .annotate(events=Count("pk"))
            .order_by(),
            ["events"],
        )
        add(
            self.registrations(filters)
            .values(**_year_and_region("event__"))
            .annotate(
                registered=Count("pk"),
                attended=Count("pk", filter=Q(attended=True)),
            )
            .order_by(),
            ["registered", "attended"],
        )
        add(
            self.meetings(filters)
            .values(**_year_and_region("event__"))
            .annotate(meetings=Count("pk"))
            .order_by(),
            ["meetings"],
        )
        add(
            self.deals(filters)
            .values(**_year_and_region("event__"))
            .annotate(
                deals=Count("pk"),
                deals__firms=Count("regular", distinct=True),
                confirmed=Count("pk", filter=CONFIRMED),
                confirmed__firms=Count("regular", distinct=True, filter=CONFIRMED),
            )
            .order_by(),
            ["deals", "confirmed"],
        )
        # A regular organisation can have deals in two regions in a year: the firms of a year's
        # total are counted over the year, not added up.
        year_firms = {
            row["report_year"]: row
            for row in self.deals(filters)
            .values(report_year=ExtractYear("event__starts_at"))
            .annotate(
                deals=Count("regular", distinct=True),
                confirmed=Count("regular", distinct=True, filter=CONFIRMED),
            )
            .order_by()
        }
        regions = (
            [filters.region]
            if filters.region is not None
            else list(Region.objects.filter(pk__in={region for _y, region in counts}))
        )
        regions.sort(key=lambda region: region.name)
        return self.table(filters, counts, regions, year_firms)

    def table(self, filters, counts, regions, year_firms):
        columns = self.columns()
        rows = []
        for year in filters.years:
            in_year = [region for region in regions if (year, region.pk) in counts]
            if not in_year:
                rows.append(
                    Row(
                        key=f"{year}:{ALL}",
                        labels=[str(year), ""],
                        cells={column.key: Cell.count(0) for column in columns},
                        note=gettext("No data for %(year)s") % {"year": year},
                    )
                )
                continue
            year_rows = []
            for region in in_year:
                figures = counts[(year, region.pk)]
                cells = {
                    column.key: Cell.count(*figures.get(column.key, (0, 0))) for column in columns
                }
                year_rows.append(
                    Row(key=f"{year}:{region.slug}", labels=[str(year), region.name], cells=cells)
                )
            rows += year_rows
            if len(year_rows) > 1:
                totals = {
                    column.key: Cell.total([row.cells[column.key] for row in year_rows])
                    for column in columns
                }
                for key in ("deals", "confirmed"):
                    totals[key].firms = year_firms.get(year, {}).get(key, 0)
                rows.append(
                    Row(
                        key=f"{year}:{ALL}",
                        labels=[str(year), gettext("All regions")],
                        cells=totals,
                        total=True,
                    )
                )
        return Table(row_headers=[_("Year"), _("Region")], columns=columns, rows=rows)

    def chart_label(self, row):
        return row.label

    def behind(self, filters, row_key, column_key):
        year, _sep, region = row_key.partition(":")
        if not (year.isascii() and year.isdigit()):
            return None
        narrow = {"event__starts_at__year": int(year)}
        if region != ALL:
            narrow["event__region__slug"] = region
        if column_key in ("deals", "confirmed"):
            deals = self.deals(filters).filter(**narrow)
            if column_key == "confirmed":
                deals = deals.filter(CONFIRMED)
            return Organisation.objects.filter(pk__in=deals.values("regular"))
        if column_key in ("registered", "attended"):
            registrations = self.registrations(filters).filter(**narrow)
            if column_key == "attended":
                registrations = registrations.filter(attended=True)
            return Organisation.objects.filter(pk__in=registrations.values("organisation"))
        return None


register(NetworkEvents())
