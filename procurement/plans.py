"""A purchasing plan's lines, as a buyer types them one by one or uploads them (CSV or XLSX),
checked line by line (issue 23, item 2).

Columns: `subject`, `category` (a service category's slug) or `cpv` (a CPV code,
procurement/cpv.py), `postcode` (the place of delivery), `amount` (estimated, in euro, Belgian
or international notation) and `period` (free text). Files are read by companies/csv_import.py,
as every import of the portal (UTF-8 with or without BOM or Windows-1252, semicolons or commas,
XLSX). Every problem of a line is reported with its line number; the good lines are analysed
all the same, and a plan with a bad line is not saved until it is corrected.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from companies import csv_import
from portal import geography, names, reference
from portal.models import Postcode, ServiceCategory

from . import cpv

REQUIRED_COLUMNS = ["subject", "postcode"]
# A plan of a year of a large city is a few hundred purchases; beyond this a file is refused.
MAX_LINES = 500
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_AMOUNT = Decimal("9999999999.99")  # PlanLine.amount: 12 digits, 2 after the point
SUBJECT_MAX = 200
PERIOD_MAX = 100


@dataclass
class Entry:
    """One purchase of a plan, checked: what the advice reads (a PlanLine has the same)."""

    position: int
    subject: str
    category: ServiceCategory
    postcode: Postcode
    cpv_code: str = ""
    amount: Decimal | None = None
    period: str = ""
    cpv_label: str = ""
    line: object = None  # the saved PlanLine, for a saved plan (its outcome)

    def as_cells(self):
        """The entry as the cells a file line would hold (how the session keeps a draft)."""
        return {
            "subject": self.subject,
            "category": "" if self.cpv_code else self.category.slug,
            "cpv": self.cpv_code,
            "postcode": self.postcode.code,
            "amount": "" if self.amount is None else str(self.amount),
            "period": self.period,
        }


@dataclass
class Checked:
    entries: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # csv_import.LineError


def estimated_amount(text):
    """A purchase's estimated amount, read as every import reads an amount
    (csv_import.parse_amount: "12.500,00", "12,500.00", "€ 12 500", "1500"); None when empty.
    Raises csv_import.AmountError (a ValueError, with the message) when it is no amount, is
    negative or larger than a PlanLine holds."""
    amount = csv_import.parse_amount(text)
    if amount is not None and amount < 0:
        raise csv_import.AmountError(_("the estimated amount cannot be negative"))
    if amount is not None and amount > MAX_AMOUNT:
        raise csv_import.AmountError(_("the estimated amount is larger than any contract"))
    return amount


def check(cells, number):
    """(Entry or None, [LineError]) for the `cells` of line `number`."""
    errors = []

    def refuse(code, message):
        errors.append(csv_import.LineError(number, code, str(message)))

    subject = names.normalise(cells.get("subject") or "")
    if not subject:
        refuse("subject", _("the subject is missing"))
    elif len(subject) > SUBJECT_MAX:
        refuse("subject", _("the subject is longer than %(max)d characters") % {"max": SUBJECT_MAX})

    slug = (cells.get("category") or "").strip().lower()
    code = (cells.get("cpv") or "").strip()
    category, cpv_code, cpv_label = None, "", ""
    if code:
        try:
            mapping = cpv.lookup(code)
        except cpv.CpvError as error:
            refuse("cpv", error)
        else:
            category = reference.find(ServiceCategory, "slug", mapping.category)
            cpv_code, cpv_label = code.replace(" ", ""), mapping.label
    elif slug:
        category = reference.find(ServiceCategory, "slug", slug)
        if category is None:
            refuse(
                "category",
                _("“%(slug)s” is not a service category of the portal") % {"slug": slug[:60]},
            )
    else:
        refuse("category", _("give a service category or a CPV code"))

    place = (cells.get("postcode") or "").strip()
    postcode = geography.point_for_postcode(place)
    if postcode is None:
        refuse(
            "postcode",
            _("“%(postcode)s” is not a Belgian postcode") % {"postcode": place[:20]}
            if place
            else _("the postcode of the place of delivery is missing"),
        )

    amount = None
    try:
        amount = estimated_amount(cells.get("amount") or "")
    except csv_import.AmountError as error:
        refuse("amount", error)

    period = names.normalise(cells.get("period") or "")
    if len(period) > PERIOD_MAX:
        refuse("period", _("the period is longer than %(max)d characters") % {"max": PERIOD_MAX})

    if errors:
        return None, errors
    entry = Entry(
        position=number,
        subject=subject,
        category=category,
        postcode=postcode,
        cpv_code=cpv_code,
        amount=amount,
        period=period,
        cpv_label=cpv_label,
    )
    return entry, []


def read(data):
    """Checked entries of an uploaded plan (bytes of a CSV or XLSX file).

    Raises csv_import.ImportFileError when the file as a whole cannot be read: too large, not
    CSV nor XLSX, no header, no column for the category or CPV code, too many lines."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise csv_import.ImportFileError(
            _("The file is larger than %(mb)d MB; split it into smaller files.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    lines = csv_import.read_table(
        data,
        columns=REQUIRED_COLUMNS,
        encodings=(csv_import.UTF8, csv_import.WINDOWS_1252),
        max_lines=MAX_LINES,
    )
    if lines and not ({"category", "cpv"} & set().union(*(line.cells for line in lines))):
        raise csv_import.ImportFileError(
            _("The header needs a column “category” (a service category) or “cpv” (a CPV code).")
        )
    checked = Checked()
    for line in lines:
        checked.errors.extend(line.problems)
        if line.problems:
            continue
        entry, errors = check(line.cells, line.number)
        checked.errors.extend(errors)
        if entry is not None:
            checked.entries.append(entry)
    return checked


def entries_of(plan_lines):
    """Entries of saved PlanLines (loaded with reference.with_reference for category and
    postcode, so that no line costs a query)."""
    found = []
    for line in plan_lines:
        mapping_label = ""
        if line.cpv_code:
            try:
                mapping_label = cpv.lookup(line.cpv_code).label
            except cpv.CpvError:
                mapping_label = ""
        found.append(
            Entry(
                position=line.position,
                subject=line.subject,
                category=line.category,
                postcode=line.postcode,
                cpv_code=line.cpv_code,
                amount=line.amount,
                period=line.period,
                cpv_label=mapping_label,
                line=line,
            )
        )
    return found
