"""A purchasing plan's lines, as a buyer types them one by one or uploads them (CSV or XLSX),
checked line by line (issue 23, item 2).

Columns: `subject`, `category` (a service category's slug) or `cpv` (a CPV code,
procurement/cpv.py), `postcode` (the place of delivery), `amount` (estimated, in euro, Belgian
or international notation) and `period` (free text). The place of delivery may name several
places (a school group, a municipality's sites: "Hasselt; Genk; Bilzen", "3500, 3600, 3740" or
"3500 3600"), each a postcode or a name as the place field of every list page reads it
(portal/places.py); each place that is not known is reported with the line. Files are read
by companies/csv_import.py, as every import of the portal (UTF-8 with or without BOM or
Windows-1252, semicolons or commas, XLSX). Every problem of a line is reported with its line
number; the good lines are analysed all the same, and a plan with a bad line is not saved until
it is corrected.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from companies import csv_import
from portal import geography, names, places, reference
from portal.models import Postcode, ServiceCategory

from . import cpv

REQUIRED_COLUMNS = ["subject", "postcode"]
# A plan of a year of a large city is a few hundred purchases; beyond this a file is refused.
MAX_LINES = 500
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_AMOUNT = Decimal("9999999999.99")  # PlanLine.amount: 12 digits, 2 after the point
SUBJECT_MAX = 200
PERIOD_MAX = 100
# The places of delivery of one line: a school group or a municipality's sites, not a region
# (a purchase for a whole province is a line per lot, or all of Flanders).
MAX_PLACES = 10
PLACES_MAX_LENGTH = 300
_PLACE_SEPARATORS = re.compile(r"[;,|/\n]+")
_CODES = re.compile(r"\d{4}(?:\s+\d{4})+")


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
    # Every place of delivery, `postcode` first; one place when the line names one.
    places: list = field(default_factory=list)

    def __post_init__(self):
        if not self.places:
            self.places = [self.postcode]

    @property
    def place_label(self):
        """The places as the advice names them: "3500 Hasselt, 3600 Genk"."""
        return ", ".join(f"{place.code} {place.name}" for place in self.places)

    def as_cells(self):
        """The entry as the cells a file line would hold (how the session keeps a draft)."""
        return {
            "subject": self.subject,
            "category": "" if self.cpv_code else self.category.slug,
            "cpv": self.cpv_code,
            "postcode": "; ".join(place.code for place in self.places),
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


def split_places(text):
    """The places a cell names, as typed: separated by ";", ",", "|", "/" or new lines, and
    postcodes also by spaces ("3500 3600"); a postcode with its name ("3700 Tongeren") is one."""
    found = []
    for piece in _PLACE_SEPARATORS.split(text or ""):
        piece = " ".join(piece.split())
        if _CODES.fullmatch(piece):
            found.extend(piece.split())
        elif piece:
            found.append(piece)
    return found


def delivery_places(text):
    """([Postcode], [message]) for the places of delivery `text` names: each place once, in
    the order given; a message per place that is not known (or too many places)."""
    text = text or ""
    if len(text) > PLACES_MAX_LENGTH:
        return [], [
            _("the places of delivery are longer than %(max)d characters")
            % {"max": PLACES_MAX_LENGTH}
        ]
    pieces = split_places(text)
    if not pieces:
        return [], [_("the postcode of the place of delivery is missing")]
    if len(pieces) > MAX_PLACES:
        return [], [
            _("a purchase names at most %(max)d places of delivery; split it into lots")
            % {"max": MAX_PLACES}
        ]
    found, problems = {}, []
    for piece in pieces:
        if piece.isdigit():
            # A bare number: a postcode or nothing (a name is never digits).
            postcode = geography.point_for_postcode(piece)
            if postcode is None:
                problems.append(
                    _("“%(postcode)s” is not a Belgian postcode") % {"postcode": piece[:20]}
                )
                continue
        else:
            try:
                postcode = places.find(piece).postcode
            except forms.ValidationError as error:
                problems.extend(error.messages)
                continue
        found.setdefault(postcode.pk, postcode)
    return list(found.values()), problems


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

    delivery, problems = delivery_places(cells.get("postcode") or "")
    for problem in problems:
        refuse("postcode", problem)

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
        postcode=delivery[0],
        cpv_code=cpv_code,
        amount=amount,
        period=period,
        cpv_label=cpv_label,
        places=delivery,
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


def saved_places(line):
    """The places of delivery of a saved PlanLine: its postcode, then its further places (from
    memory, portal.reference: no query; a postcode no longer known is left out)."""
    further = (reference.find(Postcode, "code", code) for code in line.further_places or ())
    return [line.postcode, *(postcode for postcode in further if postcode is not None)]


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
                places=saved_places(line),
            )
        )
    return found
