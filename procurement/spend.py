"""A buyer's spend in the social economy (issue 23, item 5): who may see it, and its figures.

The amounts are the buyer's own. Its members see them; administrators too (in a session that
passed the second factor, as for everything staff see beyond the public view). Nobody else
does, not a regisseur, not the suppliers: they get 404, as for an organisation's other private
pages (companies/access.py). The public reports only get counts of buyers and protected totals
(procurement/reports.py).

The figures (`figures`) are read in a fixed number of queries whatever the number of lines and
years: the buyer's years, the lines summed per year, supplier and category, the listed
organisations among the suppliers with their recognitions, and the reference lists. Suppliers
are matched to listed organisations by enterprise number when the figures are read, so a
supplier listed after the upload counts from then on. Spend in the social economy is what went
to listed social-economy enterprises; what went to other listed organisations (regular firms,
public bodies) is not; a number not listed on the portal is unmatched and listed with its
weight, since it may be a social enterprise that is not on the portal yet.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.http import Http404

from companies import access
from companies.enterprise_number import display
from companies.models import Organisation, OrganisationKind, Recognition
from portal import twofactor
from portal.models import Province, ServiceCategory

from .models import SpendLine, SpendYear

ZERO = Decimal("0")
# The unmatched numbers a page lists (the CSV has them all), largest first.
UNMATCHED_SHOWN = 100


class Viewer:
    """Who looks at a buyer's spend: a member (may upload and remove years) or an
    administrator (reads)."""

    def __init__(self, buyer, membership=None):
        self.buyer = buyer
        self.membership = membership

    @property
    def is_member(self):
        return self.membership is not None


def viewer_for(request, slug):
    """The buyer with this slug and the request's right to see its spend.

    Raises Http404 for anyone but its members and administrators. Returns (viewer, step): `step`
    is the redirect to the second factor an administrator needs first, else None.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    if user.is_active and user.is_superuser:
        membership = access.memberships_of(user).filter(organisation__slug=slug).first()
        if membership is not None:
            return Viewer(membership.organisation, membership), None
        buyer = Organisation.objects.filter(slug=slug).first()
        if buyer is None:
            raise Http404
        return Viewer(buyer), twofactor.second_factor_step(request)
    membership = access.membership_for(request, slug)
    return Viewer(membership.organisation, membership), None


def member_of(request, slug):
    """The membership of a buyer's member, for uploading and removing; 404 for anyone else."""
    return access.membership_for(request, slug)


@dataclass
class Supplier:
    """A supplier's number and, when listed, its organisation."""

    number: str
    name: str = ""
    slug: str = ""
    kind: str = ""
    province: Province | None = None
    recognitions: list = field(default_factory=list)

    @property
    def listed(self):
        return bool(self.kind)

    @property
    def is_social(self):
        return self.kind == OrganisationKind.SOCIAL

    @property
    def shown_number(self):
        return display(self.number)


@dataclass
class Part:
    """One line of a breakdown: its label, the amount per year and the suppliers behind it."""

    key: str
    label: str
    amounts: dict = field(default_factory=dict)  # {year: Decimal}
    suppliers: dict = field(default_factory=dict)  # {year: set of numbers}

    def add(self, year, amount, number):
        self.amounts[year] = self.amounts.get(year, ZERO) + amount
        self.suppliers.setdefault(year, set()).add(number)

    def cells(self, years):
        return [
            {
                "year": year,
                "amount": self.amounts.get(year),
                "suppliers": len(self.suppliers.get(year, ())),
            }
            for year in years
        ]


def share(part, whole):
    """A percentage with one decimal, or None with nothing to divide."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


@dataclass
class Year:
    """The totals of one year."""

    year: int
    spend_year: SpendYear
    total: Decimal = ZERO
    social: Decimal = ZERO
    other_listed: Decimal = ZERO
    unmatched: Decimal = ZERO
    lines: int = 0
    social_suppliers: set = field(default_factory=set)
    unmatched_numbers: dict = field(default_factory=dict)  # {number: [amount, lines]}

    @property
    def social_share(self):
        return share(self.social, self.total)

    @property
    def unmatched_share(self):
        return share(self.unmatched, self.total)


@dataclass
class Spend:
    years: list  # Year, newest first
    recognitions: list  # Part, social spend per recognition
    categories: list  # Part, social spend per service category
    provinces: list  # Part, social spend per province of the supplier
    # (year, supplier, category or None, amount, lines): what the CSV lists.
    rows: list

    @property
    def year_numbers(self):
        return [year.year for year in self.years]

    def year(self, number):
        return next((year for year in self.years if year.year == number), None)

    def unmatched(self, number):
        """The chosen year's unmatched numbers, largest first: (Supplier, amount, lines, share)."""
        year = self.year(number)
        if year is None:
            return []
        found = sorted(year.unmatched_numbers.items(), key=lambda item: (-item[1][0], item[0]))
        return [
            (Supplier(number), amount, lines, share(amount, year.total))
            for number, (amount, lines) in found
        ]


def _suppliers(buyer, *, provinces, recognitions):
    """{number: Supplier} of the listed organisations among the buyer's suppliers: two queries
    (the organisations, their recognitions)."""
    numbers = SpendLine.objects.filter(spend_year__buyer=buyer).values("supplier_number")
    organisations = Organisation.objects.filter(enterprise_number__in=numbers).values_list(
        "pk", "enterprise_number", "name", "slug", "kind", "province_id"
    )
    found, by_pk = {}, {}
    for pk, number, name, slug, kind, province in organisations:
        by_pk[pk] = found[number] = Supplier(number, name, slug, kind, provinces.get(province))
    held = Organisation.recognitions.through.objects.filter(
        organisation__enterprise_number__in=numbers
    ).values_list("organisation_id", "recognition_id")
    for organisation, recognition in held:
        if organisation in by_pk:
            by_pk[organisation].recognitions.append(recognitions[recognition])
    return found


def figures(buyer):
    """The buyer's spend over its years; see the module's docstring. Seven queries."""
    spend_years = {spend_year.pk: spend_year for spend_year in buyer.spend_years.all()}
    if not spend_years:
        return Spend(years=[], recognitions=[], categories=[], provinces=[], rows=[])
    sums = (
        SpendLine.objects.filter(spend_year__buyer=buyer)
        .values("spend_year", "supplier_number", "category")
        .annotate(amount=Sum("amount"), lines=Count("pk"))
        .order_by("spend_year", "supplier_number", "category")
    )
    recognitions = {r.pk: r for r in Recognition.objects.all()}
    categories = {c.pk: c for c in ServiceCategory.objects.all()}
    provinces = {p.pk: p for p in Province.objects.all()}
    suppliers = _suppliers(buyer, provinces=provinces, recognitions=recognitions)
    years = {pk: Year(spend_year.year, spend_year) for pk, spend_year in spend_years.items()}
    by_recognition, by_category, by_province = {}, {}, {}
    rows = []

    def part(parts, key, label):
        if key not in parts:
            parts[key] = Part(key, label)
        return parts[key]

    for row in sums:
        year = years[row["spend_year"]]
        number, amount = row["supplier_number"], row["amount"]
        supplier = suppliers.get(number) or Supplier(number)
        category = categories.get(row["category"])
        rows.append((year.year, supplier, category, amount, row["lines"]))
        year.total += amount
        year.lines += row["lines"]
        if not supplier.listed:
            year.unmatched += amount
            held = year.unmatched_numbers.setdefault(number, [ZERO, 0])
            held[0] += amount
            held[1] += row["lines"]
            continue
        if not supplier.is_social:
            year.other_listed += amount
            continue
        year.social += amount
        year.social_suppliers.add(number)
        # An enterprise with two recognitions counts under both: these parts overlap.
        for recognition in supplier.recognitions or [None]:
            key = recognition.slug if recognition else "none"
            part(by_recognition, key, recognition).add(year.year, amount, number)
        if category is None:
            part(by_category, "none", None).add(year.year, amount, number)
        else:
            part(by_category, category.slug, category).add(year.year, amount, number)
        province = supplier.province
        part(by_province, province.slug if province else "none", province).add(
            year.year, amount, number
        )

    def ordered(parts, order):
        # Largest first over all years; "not given" last.
        return sorted(
            parts.values(),
            key=lambda p: (p.label is None, -sum(p.amounts.values(), ZERO), order(p)),
        )

    return Spend(
        years=sorted(years.values(), key=lambda y: -y.year),
        recognitions=ordered(by_recognition, lambda p: p.key),
        categories=ordered(by_category, lambda p: p.key),
        provinces=ordered(by_province, lambda p: p.key),
        rows=rows,
    )
