"""Report (j) on /reports/: the social spend of buyers per province and year (issue 23, item 5).

Registered in companies.reports from ProcurementConfig.ready(); the framework, the suppression
rule and the pages are there. A buyer's amounts are its own (procurement/spend.py): what
reaches the public is the number of buyers that uploaded a year, shown as it is (that a buyer
keeps count of its social spend tells nothing of its amounts), and their totals, in whole
euros, protected as the register's figures are: a total of fewer than 3 buyers, or one that a
single buyer makes up for more than 85% of (the dominance rule), is hidden, and so are the
cells that would give it away. Regisseurs see these public figures too, whatever the region
chosen (`regional_in_full`): the amounts stay the buyers'. Administrators see everything, and the
buyers behind a figure.
The place is the buyer's province; the year is the year of the purchases.

Three queries whatever the number of lines: the spend per year and province (summed per buyer
first, so that the largest buyer of each cell is known), the provinces, and the years with data.
"""

from collections import defaultdict

from django.db.models import Exists, Max, Min, OuterRef, Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation, OrganisationKind
from companies.reports import (
    ALL,
    Column,
    Mode,
    YearProvinceSection,
    in_place,
    in_province,
    parse_year_province,
    province_key,
    provinces_for,
    register,
    year_province_table,
)

from .models import SpendLine, SpendYear


def social_supplier():
    """The line's supplier is a social-economy enterprise on the portal."""
    return Exists(
        Organisation.objects.filter(
            enterprise_number=OuterRef("supplier_number"), kind=OrganisationKind.SOCIAL
        )
    )


class SocialSpend(YearProvinceSection):
    slug = "social-spend"
    letter = "j"
    title = _("Social spend of buyers")
    question = _(
        "Per province and year: how many buyers keep count of their purchases on the portal, "
        "and how much did they spend, in all and with social-economy enterprises?"
    )
    method = _(
        "Buyers (public bodies, schools, non-profits and firms) upload their purchases of a "
        "year with the suppliers' enterprise numbers; a purchase counts as social spend when "
        "its supplier is a social-economy enterprise on the portal. Counted in the year of the "
        "purchases and the province of the buyer, in whole euros. The number of buyers is shown "
        "as it is; an amount of fewer than 3 buyers, or one that a single buyer makes up for "
        "more than 85 percent of, is hidden, as in the register's reports."
    )
    filters = frozenset({"years", "province", "region"})
    # The amounts are the buyers': a regisseur's own region is shown in public figures too.
    regional_in_full = False

    def columns(self):
        return [
            Column("buyers", gettext("Buyers"), confidential=False),
            Column("social", gettext("Spent in the social economy (EUR)")),
            Column("total", gettext("All purchases (EUR)")),
        ]

    def first_and_last(self):
        found = SpendYear.objects.aggregate(first=Min("year"), last=Max("year"))
        if found["first"] is None:
            return None
        return (found["first"], found["last"])

    def lines(self, filters):
        lines = SpendLine.objects.filter(
            spend_year__year__gte=filters.year_from, spend_year__year__lte=filters.year_to
        )
        return in_place(lines, filters, "spend_year__buyer__")

    def build(self, filters):
        per_buyer = (
            self.lines(filters)
            .values("spend_year__year", "spend_year__buyer", "spend_year__buyer__province")
            .annotate(total=Sum("amount"), social=Sum("amount", filter=social_supplier()))
            .order_by()
        )
        # {(year, province id): {"buyers": n, "social": [amounts of buyers], "total": [...]}}
        cells = defaultdict(lambda: {"buyers": 0, "social": [], "total": []})
        present = set()
        for row in per_buyer:
            key = (row["spend_year__year"], row["spend_year__buyer__province"])
            present.add(key[1])
            cells[key]["buyers"] += 1
            for name in ("social", "total"):
                if row[name]:
                    cells[key][name].append(round(row[name]))
        counts = {}
        for key, found in cells.items():
            counts[key] = {
                "buyers": (found["buyers"], found["buyers"]),
                "social": (sum(found["social"]), len(found["social"])),
                "total": (sum(found["total"]), len(found["total"])),
            }
        provinces = provinces_for(filters, present)
        table = year_province_table(
            filters, counts=counts, columns=self.columns(), provinces=provinces
        )
        # The dominance rule: each amount knows its largest buyer's part; a buyer has one
        # province, so a year's total's largest part is the largest of its provinces'.
        places = {province_key(p): p.pk if p else None for p in provinces}
        for row in table.rows:
            if row.note:
                continue
            year, _sep, place = row.key.partition(":")
            for name in ("social", "total"):
                cell = row.cells[name]
                if place == ALL:
                    cell.largest = max((part.largest or 0 for part in cell.parts), default=0)
                else:
                    found = cells.get((int(year), places[place]))
                    cell.largest = max(found[name], default=0) if found else 0
        return table

    def compute(self, filters, *, mode, version=None):
        # Whoever asks for a regional table gets the public one (regional_in_full).
        if mode == Mode.REGIONAL:
            mode = Mode.PUBLIC
        return super().compute(filters, mode=mode, version=version)

    def behind(self, filters, row_key, column_key):
        """The buyers behind a figure: for administrators only, the one full view (a regisseur's
        region is shown in public figures, see regional_in_full)."""
        year, place = parse_year_province(row_key)
        lines = in_province(
            self.lines(filters).filter(spend_year__year=year), place, "spend_year__buyer__"
        )
        if column_key == "social":
            lines = lines.filter(social_supplier())
        return Organisation.objects.filter(pk__in=lines.values("spend_year__buyer"))


register(SocialSpend())
