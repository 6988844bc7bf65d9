"""The vouchers' report (d) on /reports/: per programme, how far its vouchers got, and whether
the collaboration they started still runs a year later.

Registered in companies.reports from VouchersConfig.ready(); the framework, the suppression rule
and the pages are there. The firms behind a figure are the applicants.
"""

from datetime import timedelta

from django.db import connections
from django.db.models import Count, DateField, Exists, F, Max, Min, OuterRef, Q, Value
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Collaboration, Organisation
from companies.reports import ALL, Cell, Chart, Column, Row, Section, Table, register

from .models import Programme, Voucher, VoucherStatus

# "Twelve months after redemption", counted in days so that the database can add it to a date
# on PostgreSQL and SQLite alike.
A_YEAR = timedelta(days=365)


def goes_on():
    """Whether a confirmed collaboration between the voucher's applicant and provider runs on
    the day a year after the redemption (annotate `anniversary` first)."""
    return Exists(
        Collaboration.objects.confirmed()
        .filter(
            regular=OuterRef("applicant"),
            social=OuterRef("provider"),
            started__lte=OuterRef("anniversary"),
        )
        .filter(Q(ended__isnull=True) | Q(ended__gte=OuterRef("anniversary")))
    )


class VoucherProgrammes(Section):
    slug = "vouchers"
    letter = "d"
    title = _("Introduction vouchers")
    question = _(
        "Per voucher programme: how many vouchers were applied for, approved, redeemed and "
        "paid, and do the collaborations they started still run a year later?"
    )
    method = _(
        "Vouchers of the programmes of the years asked. Approved counts every voucher that "
        "was approved, also when it later expired or was withdrawn; redeemed counts redeemed "
        "and paid ones. Of the vouchers redeemed at least a year ago, the last column counts "
        "those whose applicant and provider still have a confirmed collaboration 365 days "
        "after the redemption. The counts of a programme are public and shown as they are; a "
        "figure of the last column of fewer than 3 applicants, or that one applicant makes up "
        "almost entirely, is hidden."
    )
    filters = frozenset({"years", "region", "category"})
    chart = Chart.BARS

    def columns(self):
        return [
            # The counts of a public programme are public; whether applicant and provider still
            # work together comes from the register.
            Column("applied", gettext("Applied"), confidential=False),
            Column("approved", gettext("Approved"), confidential=False),
            Column("redeemed", gettext("Redeemed"), confidential=False),
            Column("paid", gettext("Paid"), confidential=False),
            Column("year_on", gettext("Redeemed over a year ago"), confidential=False),
            Column("going_on", gettext("Still working together a year later")),
        ]

    def measures(self):
        a_year_ago = timezone.localdate() - A_YEAR
        return {
            "applied": Q(),
            "approved": Q(code__isnull=False),
            "redeemed": Q(redeemed_at__isnull=False),
            "paid": Q(status=VoucherStatus.PAID),
            "year_on": Q(redeemed_at__date__lte=a_year_ago),
            "going_on": Q(redeemed_at__date__lte=a_year_ago, goes_on=True),
        }

    def first_and_last(self):
        found = Programme.objects.aggregate(first=Min("year"), last=Max("year"))
        return None if found["first"] is None else (found["first"], found["last"])

    def programmes(self, filters):
        programmes = Programme.objects.filter(
            year__gte=filters.year_from, year__lte=filters.year_to
        )
        if filters.region is not None:
            programmes = programmes.filter(region=filters.region)
        return programmes

    def vouchers(self, filters):
        vouchers = Voucher.objects.filter(programme__in=self.programmes(filters))
        if filters.category is not None:
            vouchers = vouchers.filter(category=filters.category)
        return vouchers.annotate(
            anniversary=Cast(TruncDate("redeemed_at") + Value(A_YEAR), DateField()),
            goes_on=goes_on(),
        )

    def build(self, filters):
        aggregates = {}
        for key, condition in self.measures().items():
            condition = condition or None
            aggregates[key] = Count("pk", filter=condition)
            aggregates[f"{key}__firms"] = Count("applicant", distinct=True, filter=condition)
        figures = {
            row["programme"]: row
            for row in self.vouchers(filters).values("programme").annotate(**aggregates).order_by()
        }
        columns = self.columns()
        rows = []
        programmes = list(self.programmes(filters).order_by("-year", "name"))
        for programme in programmes:
            found = figures.get(programme.pk, {})
            cells = {
                column.key: Cell.count(
                    found.get(column.key, 0), found.get(f"{column.key}__firms", 0)
                )
                for column in columns
            }
            rows.append(
                Row(
                    key=programme.slug,
                    labels=[programme.name, str(programme.year)],
                    cells=cells,
                    link=programme.get_absolute_url(),
                )
            )
        largest, firms, across = self.going_on_per_applicant(filters)
        for row, programme in zip(rows, programmes, strict=True):
            row.cells["going_on"].largest = largest.get(programme.pk, 0)
        if len(rows) > 1:
            totals = {
                column.key: Cell.total([row.cells[column.key] for row in rows])
                for column in columns
            }
            # An applicant can have vouchers of several programmes: the total's distinct
            # applicants are counted, not added up, and its largest share is what one applicant
            # holds over all of them, not the largest of a programme.
            totals["going_on"].firms = firms
            totals["going_on"].largest = across
            rows.append(
                Row(
                    key=ALL,
                    labels=[gettext("All programmes"), ""],
                    cells=totals,
                    total=True,
                )
            )
        return Table(row_headers=[_("Programme"), _("Year")], columns=columns, rows=rows)

    def going_on_per_applicant(self, filters):
        """For the dominance rule on the last column, a sum over applicants, in one query: per
        programme the most of its vouchers counted there that one applicant holds; over all
        programmes the distinct applicants and the most that one of them holds.

        Per programme and applicant their vouchers; around that, per applicant the sum over
        their programmes (a window) and whether this is their first programme (so that each
        is counted once); then per programme the largest of both and the firsts. The largest
        over all programmes is the largest of the per-applicant sums. Only ORM-compiled SQL
        goes into the subquery."""
        per_pair = (
            self.vouchers(filters)
            .filter(self.measures()["going_on"])
            .values(held_in=F("programme"), firm=F("applicant"))
            .annotate(held=Count("pk"))
            .order_by()
        )
        inner, params = per_pair.query.sql_with_params()
        sql = (
            "SELECT held_in, MAX(held), MAX(across), SUM(first_seen)"  # noqa: S608
            " FROM (SELECT held_in, held, SUM(held) OVER (PARTITION BY firm) AS across,"
            " CASE WHEN ROW_NUMBER() OVER (PARTITION BY firm ORDER BY held_in) = 1"
            " THEN 1 ELSE 0 END AS first_seen"
            f" FROM ({inner}) AS per_pair) AS per_firm GROUP BY held_in"
        )
        largest, firms, across = {}, 0, 0
        with connections[per_pair.db].cursor() as cursor:
            cursor.execute(sql, params)
            for programme, most, most_across, firsts in cursor.fetchall():
                # PostgreSQL sums bigints into numerics (Decimal).
                largest[programme] = int(most)
                across = max(across, int(most_across))
                firms += int(firsts)
        return largest, firms, across

    def chart_columns(self, table):
        return table.columns[:4]

    def chart_label(self, row):
        return row.labels[0]  # the programme's name; its year is mostly part of it

    def behind(self, filters, row_key, column_key):
        vouchers = self.vouchers(filters).filter(self.measures()[column_key])
        if row_key != ALL:
            vouchers = vouchers.filter(programme__slug=row_key)
        return Organisation.objects.filter(pk__in=vouchers.values("applicant"))


register(VoucherProgrammes())
