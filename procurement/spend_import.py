"""A buyer's purchases of a year, uploaded as CSV or XLSX (issue 23, item 5).

The file has a header naming the columns of FORMAT (any order, other columns ignored): the
supplier's enterprise number and the amount in EUR on every line, a service category slug and a
description where the buyer has them. The import keeps the contract of the portal's other
imports (companies/csv_import.py, collaboration_import.py): every line is checked before
anything is written and each bad line is reported with its number and reason; one bad line
imports nothing; the file as a whole is refused when it cannot be read (encoding, a quote left
open, columns missing or named twice, empty, too large).

A spend year is the buyer's whole year: uploading it again replaces that year's lines, so the
same file twice leaves the same figures. Uploads of one buyer run one after the other: each
locks the buyer's organisation row (as a voucher application locks its applicant,
vouchers/lifecycle.py) before it deletes and writes the year, so two uploads of the same buyer
and year at once leave one complete set of lines, the one committed last. On SQLite the
transaction itself is the queue (transaction_mode IMMEDIATE).
"""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import csv_import
from companies.csv_import import BATCH_SIZE, AmountError, ImportFileError, parse_amount
from companies.models import Organisation
from portal.models import ServiceCategory

from .models import SpendLine, SpendYear

COLUMNS = ("supplier_enterprise_number", "amount")
OPTIONAL = ("category", "description")
# The first year a buyer may upload: the reports' first year.
FIRST_YEAR = 2012
# A file larger than this is refused before it is read; so is one of more lines.
MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
# What SpendLine.amount holds: twelve digits before the decimal comma.
MAX_AMOUNT = Decimal("999999999999.99")
DESCRIPTION_LENGTH = 300

FORMAT_HELP = (
    "supplier_enterprise_number;amount;category;description\n"
    "0403.170.701;1.234,56;groenonderhoud;Onderhoud parken\n"
    "BE0999000129;860.00;;Catering nieuwjaarsreceptie"
)


def purchase_amount(text):
    """The amount of a purchase line: read as every import reads an amount
    (csv_import.parse_amount: "1.234,56", "1234.56", "€ 1 234"; "1.234" is 1234, more than two
    decimals refused), and neither empty, nor negative (a credit note is netted against the
    purchases it corrects), nor more than a SpendLine holds. Raises AmountError."""
    amount = parse_amount(text)
    shown = text.strip()[:40]
    if amount is None:
        raise AmountError(_("the amount is empty"))
    if amount < 0:
        raise AmountError(
            _("%(value)s is negative; net a credit note against the purchases it corrects")
            % {"value": shown}
        )
    if amount > MAX_AMOUNT:
        raise AmountError(_("%(value)s is too large for one purchase line") % {"value": shown})
    return amount


@dataclass
class Result:
    year: int
    lines: int = 0
    errors: list = field(default_factory=list)
    imported: int = 0
    total: Decimal = Decimal("0")
    # The year was there before and is replaced; `same_file`: by the very same file.
    replaced: bool = False
    same_file: bool = False
    written: bool = False

    @property
    def bad_lines(self):
        return len({error.line for error in self.errors})


def check_year(year, *, today=None):
    """Refuse a year the portal does not take: before FIRST_YEAR or in the future."""
    current = (today or timezone.localdate()).year
    if year > current:
        raise ValidationError(
            _("%(year)s lies in the future; upload the purchases of a year that has begun."),
            code="future_year",
            params={"year": year},
        )
    if year < FIRST_YEAR:
        raise ValidationError(
            _("Purchases are taken from %(first)s on."),
            code="early_year",
            params={"first": FIRST_YEAR},
        )


def read(data, *, max_lines=None):
    """The data lines of `data` (bytes): an XLSX workbook or a CSV file in UTF-8 (with or
    without BOM) or Windows-1252. Raises ImportFileError when it cannot be read as a whole."""
    max_lines = max_lines or MAX_LINES
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty or its first line is blank; it needs a header."))
    if len(data) > MAX_BYTES:
        raise too_large()
    try:
        return csv_import.read_table(
            data,
            columns=COLUMNS,
            encodings=(csv_import.UTF8, csv_import.WINDOWS_1252),
            max_lines=max_lines,
        )
    except csv_import.TooManyLines:
        # Not "split it": a second file of the same year would replace the first.
        raise too_many_lines(max_lines) from None


def too_many_lines(max_lines):
    return ImportFileError(
        _(
            "The file holds more than %(limit)s lines; it is too large to import. Add up the "
            "purchases per supplier and category first."
        )
        % {"limit": max_lines}
    )


def too_large():
    return ImportFileError(
        _("The file is larger than %(limit)s MB. Add up the purchases per supplier first.")
        % {"limit": MAX_BYTES // (1024 * 1024)}
    )


def _check(line, categories):
    if line.problems:
        return
    cells = line.cells
    if not cells.get("supplier_enterprise_number"):
        line.refuse("missing", _("%(column)s is empty") % {"column": "supplier_enterprise_number"})
    line.enterprise_number("supplier_enterprise_number", "supplier")
    amount = cells.get("amount", "")
    if not amount:
        line.refuse("missing", _("%(column)s is empty") % {"column": "amount"})
    else:
        try:
            line.values["amount"] = purchase_amount(amount)
        except AmountError as error:
            line.refuse("bad_amount", _("amount: %(reason)s") % {"reason": error})
    line.category(categories)
    description = cells.get("description", "")
    if len(description) > DESCRIPTION_LENGTH:
        line.refuse(
            "description_too_long",
            _("the description is longer than %(limit)d characters")
            % {"limit": DESCRIPTION_LENGTH},
        )
    line.values["description"] = description


def check(lines):
    """Add each line's problems to it; the good lines get their normalised values."""
    categories = {category.slug: category for category in ServiceCategory.objects.all()}
    for line in lines:
        _check(line, categories)


def digest(data):
    return hashlib.sha256(data).hexdigest()


def _lock_buyer(buyer):
    """Hold the buyer's row until the end of the transaction: uploads of one buyer queue here,
    so each deletes and writes a year the one before has committed."""
    if connection.features.has_select_for_update:
        list(
            Organisation.objects.filter(pk=buyer.pk)
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )


def import_spend(data, *, buyer, year, by=None, file_name=""):
    """Check `data` and, when every line is good, make it the buyer's spend of `year`.

    Returns a Result; nothing is written when it holds errors. Raises ImportFileError when the
    file cannot be read at all and ValidationError for a year that is not taken.
    """
    check_year(year)
    lines = read(data)
    result = Result(year=year, lines=len(lines))
    if not lines:
        raise ImportFileError(_("The file holds a header but no purchase lines."))
    check(lines)
    for line in lines:
        result.errors.extend(line.problems)
    if result.errors:
        return result
    fingerprint = digest(data)
    with transaction.atomic():
        _lock_buyer(buyer)
        # Read under the lock: an upload before this one has committed.
        previous = SpendYear.objects.filter(buyer=buyer, year=year).first()
        if previous is not None:
            result.replaced = True
            result.same_file = previous.digest == fingerprint
            previous.delete()
        spend_year = SpendYear.objects.create(
            buyer=buyer,
            year=year,
            uploaded_at=timezone.now(),
            uploaded_by=by,
            file_name=file_name[:200],
            digest=fingerprint,
        )
        for start in range(0, len(lines), BATCH_SIZE):
            SpendLine.objects.bulk_create(
                SpendLine(
                    spend_year=spend_year,
                    line_number=line.number,
                    supplier_number=line.numbers["supplier"],
                    amount=line.values["amount"],
                    category=line.values["category"],
                    description=line.values["description"],
                )
                for line in lines[start : start + BATCH_SIZE]
            )
    result.imported = len(lines)
    result.total = sum((line.values["amount"] for line in lines), Decimal("0"))
    result.written = True
    return result


def remove_year(*, buyer, year):
    """Remove the buyer's spend of `year` (under the lock uploads take); whether there was one."""
    with transaction.atomic():
        _lock_buyer(buyer)
        removed, _rows = SpendYear.objects.filter(buyer=buyer, year=year).delete()
    return bool(removed)
