"""Historical collaborations from a CSV file (`manage.py import_collaborations FILE.csv`).

The file's format is FORMAT below (the command's help shows it). Every line is checked before
anything is written, and each bad line is reported with its line number and reason. One bad
line stops the whole import unless `skip_invalid` (the command's --skip-invalid) imports the
good ones. Imported collaborations are confirmed by both sides (source "import") and carry a
SHA-256 fingerprint of their normalised line as `import_key`, so importing the same file again
adds nothing and reports those lines as already present. So is a line whose pair, role, service
and start match a collaboration declared by hand or recorded by the portal: the register holds
each collaboration once (a unique constraint), and two lines of one file that agree on those
are refused as the same collaboration. A file the csv module cannot read to the end (a quote
left open, a cell over its size limit), one not in UTF-8 and a header naming a column twice
are refused as a whole, with the line.

Imports of the same organisations run one after the other (`_lock_regular_sides`, the lock
declarations and recordings take too): each reads what is present once the one before has
committed, inserts with ON CONFLICT DO NOTHING and counts the rows it actually wrote, so that
imports run at once report numbers that add up. Lines are inserted in batches.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import ServiceCategory

from . import collaborations, csv_import, enterprise_number
from .csv_import import (  # noqa: F401 (ImportFileError and LineError: the command's names)
    BATCH_SIZE,
    LOOKUP_CHUNK,
    ImportFileError,
    LineError,
    parse_date,
    report_progress,
)
from .models import (
    Collaboration,
    CollaborationChannel,
    CollaborationRole,
    CollaborationSource,
    Organisation,
)

COLUMNS = (
    "regular_enterprise_number",
    "social_enterprise_number",
    "role",
    "category",
    "started",
    "ended",
    "channel",
)
OPTIONAL = {"category", "ended"}
FORMAT = """\
The file is UTF-8 (with or without the byte order mark Excel writes), separated by semicolons
or commas, with a header line naming these columns, in any order (other columns are ignored):

  regular_enterprise_number  the regular organisation: a firm, public body, school or non-profit
  social_enterprise_number   the social-economy enterprise
  role                       the regular side's role: client, supplier or partner
  category                   a service category slug, e.g. groenonderhoud (may be empty)
  started                    the start: 2012-01-01 or later, not in the future
  ended                      the end, not before the start (empty while it runs)
  channel                    how they met: directory, service_request, voucher, network_event,
                             regie or other

Enterprise numbers may be written in any KBO spelling (0403.170.701, BE0403170701, 403170701);
both organisations must be on the portal. Dates are YYYY-MM-DD or DD/MM/YYYY (also with - or .).
Imported collaborations count as confirmed by both sides. A line already imported, or matching
a collaboration in the register by pair, role, category and start, is reported as already present.

Example:
  regular_enterprise_number;social_enterprise_number;role;category;started;ended;channel
  0403.170.701;BE0999000129;client;groenonderhoud;2014-03-01;2019-12-31;regie
"""


@dataclass
class Result:
    lines: int = 0
    errors: list = field(default_factory=list)
    valid: int = 0
    imported: int = 0
    already_present: int = 0
    dry_run: bool = False
    written: bool = False

    @property
    def bad_lines(self):
        return len({error.line for error in self.errors})


def read(data):
    """The data lines of CSV `data` (bytes), as companies.csv_import reads them: UTF-8 only."""
    return csv_import.read(data, columns=COLUMNS)


def _check_cells(line, categories):
    """Everything that can be checked on the line alone; enterprise numbers normalised."""
    if line.problems:
        return
    cells = line.cells
    for name in COLUMNS:
        if not cells.get(name) and name not in OPTIONAL:
            line.refuse("missing", _("%(column)s is empty") % {"column": name})
    for side in ("regular", "social"):
        line.enterprise_number(f"{side}_enterprise_number", side)
    role = cells.get("role", "").lower()
    if role:
        if role in CollaborationRole.values:
            line.values["role"] = role
        else:
            line.refuse(
                "unknown_role",
                _("unknown role “%(value)s” (use %(choices)s)")
                % {"value": cells["role"], "choices": ", ".join(CollaborationRole.values)},
            )
    line.category(categories)
    channel = cells.get("channel", "").lower()
    if channel:
        if channel in CollaborationChannel.values:
            line.values["channel"] = channel
        else:
            line.refuse(
                "unknown_channel",
                _("unknown channel “%(value)s” (use %(choices)s)")
                % {"value": cells["channel"], "choices": ", ".join(CollaborationChannel.values)},
            )
    for name in ("started", "ended"):
        line.values[name] = None
        if cells.get(name):
            parsed = parse_date(cells[name])
            if parsed is None:
                line.refuse(
                    "bad_date",
                    _("%(column)s: “%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
                    % {"column": name, "value": cells[name]},
                )
            line.values[name] = parsed
    if line.values["started"]:
        try:
            collaborations.check_period(line.values["started"], line.values["ended"])
        except ValidationError as error:
            for column, messages in error.error_dict.items():
                for message in messages:
                    line.refuse(message.code, f"{column}: {' '.join(message.messages)}")


def _organisations(numbers):
    """{enterprise number: (pk, is social, name)} for the numbers that are on the portal."""
    found = {}
    numbers = sorted(numbers)
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        rows = Organisation.objects.filter(
            enterprise_number__in=numbers[start : start + LOOKUP_CHUNK]
        ).values_list("enterprise_number", "pk", "kind", "name")
        for number, pk, kind, name in rows:
            found[number] = (pk, kind == "social", name)
    return found


def _check_sides(line, organisations):
    for side in ("regular", "social"):
        number = line.numbers.get(side)
        if number is None:
            continue
        column = f"{side}_enterprise_number"
        if number not in organisations:
            line.refuse(
                "unknown_enterprise_number",
                _("%(column)s: no organisation with enterprise number %(number)s on the portal")
                % {"column": column, "number": enterprise_number.display(number)},
            )
            continue
        _pk, is_social, name = organisations[number]
        if side == "social" and not is_social:
            line.refuse(
                "wrong_kind",
                _("%(column)s: %(name)s is not a social-economy enterprise")
                % {"column": column, "name": name},
            )
        elif side == "regular" and is_social:
            line.refuse(
                "wrong_kind",
                _("%(column)s: %(name)s is a social-economy enterprise, not a regular organisation")
                % {"column": column, "name": name},
            )


def fingerprint(*, regular, social, role, category, started, ended, channel):
    """The import key: a SHA-256 of the normalised line, the same however it was spelt."""
    normalised = "|".join(
        [
            regular,
            social,
            role,
            category.slug if category else "",
            started.isoformat(),
            ended.isoformat() if ended else "",
            channel,
        ]
    )
    return hashlib.sha256(normalised.encode()).hexdigest()


def _present(keys):
    present = set()
    keys = sorted(keys)
    for start in range(0, len(keys), LOOKUP_CHUNK):
        present.update(
            Collaboration.objects.filter(
                import_key__in=keys[start : start + LOOKUP_CHUNK]
            ).values_list("import_key", flat=True)
        )
    return present


def _registered(lines):
    """(regular, social, role, category, started) of the collaborations already in the register
    between the lines' organisations, whatever their source: a collaboration declared by hand or
    recorded by the portal is the same one when the pair, role, service and start agree."""
    registered = set()
    regulars = sorted({line.values["regular"] for line in lines})
    socials = {line.values["social"] for line in lines}
    for start in range(0, len(regulars), LOOKUP_CHUNK):
        rows = Collaboration.objects.filter(
            regular__in=regulars[start : start + LOOKUP_CHUNK]
        ).values_list("regular", "social", "role", "category", "started")
        registered.update(row for row in rows if row[1] in socials)
    return registered


def _natural(line):
    values = line.values
    category = values["category"].pk if values["category"] else None
    return (values["regular"], values["social"], values["role"], category, values["started"])


def check(lines, *, progress=None):
    """Check every line; returns {line number: import key} of the good lines, in file order,
    after adding each problem to its line."""
    categories = {category.slug: category for category in ServiceCategory.objects.all()}
    total = len(lines)
    for done, line in enumerate(lines, start=1):
        _check_cells(line, categories)
        report_progress(progress, "checked", done, total)
    organisations = _organisations({number for line in lines for number in line.numbers.values()})
    first_seen = {}
    for line in lines:
        _check_sides(line, organisations)
        if line.problems:
            continue
        values = line.values
        # The register holds a collaboration once (pair, role, category, start): two lines that
        # agree on those are the same one, even when their end or channel differ.
        identity = (
            line.numbers["regular"],
            line.numbers["social"],
            values["role"],
            values["category"].pk if values["category"] else None,
            values["started"],
        )
        key = fingerprint(
            regular=line.numbers["regular"],
            social=line.numbers["social"],
            role=values["role"],
            category=values["category"],
            started=values["started"],
            ended=values["ended"],
            channel=values["channel"],
        )
        if identity in first_seen:
            line.refuse(
                "duplicate_line",
                _("the same collaboration as line %(line)d") % {"line": first_seen[identity]},
            )
            continue
        first_seen[identity] = line.number
        line.values["regular"] = organisations[line.numbers["regular"]][0]
        line.values["social"] = organisations[line.numbers["social"]][0]
        line.values["key"] = key


def _new(good):
    """The good lines whose collaboration is not in the register yet."""
    present = _present([line.values["key"] for line in good])
    registered = _registered(good)
    return [
        line
        for line in good
        if line.values["key"] not in present and _natural(line) not in registered
    ]


def _lock_regular_sides(good):
    """Lock the rows of the lines' regular organisations until the end of the transaction.

    `collaborations.declare` and `record` lock the regular side's row before they look and
    write, so whoever writes collaborations of a firm waits for whoever is writing them: a
    second import of the same firms waits here until the first has committed, then sees its
    rows; a declaration waits until the import has committed, then finds the imported row.
    (Without this, an import and a declaration of the same collaboration could each wait for
    the other: the import's foreign keys are checked at commit, on the row the declaration
    locked.) Rows are locked in the order of their ids, so two imports cannot deadlock.
    Imports of other firms run alongside: their import keys and collaborations differ.
    On SQLite the transaction itself is the queue: the portal's `transaction_mode=IMMEDIATE`
    takes the database's write lock when it begins.
    """
    if not connection.features.has_select_for_update:
        return
    regulars = sorted({line.values["regular"] for line in good})
    for start in range(0, len(regulars), LOOKUP_CHUNK):
        # FOR NO KEY UPDATE: it makes declare's FOR UPDATE wait, and lets the foreign-key
        # checks of this transaction's own rows through.
        list(
            Organisation.objects.filter(pk__in=regulars[start : start + LOOKUP_CHUNK])
            .order_by("pk")
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )


def import_collaborations(
    data: bytes,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable | None = None,
) -> Result:
    """Check the CSV `data` and import its collaborations; see the module's docstring.

    `progress(stage, done, total)` is called every PROGRESS_EVERY lines of a large file.
    Raises ImportFileError when the file cannot be read at all.
    """
    lines = read(data)
    check(lines, progress=progress)
    result = Result(lines=len(lines), dry_run=dry_run)
    for line in lines:
        result.errors.extend(line.problems)
    good = [line for line in lines if not line.problems]
    result.valid = len(good)
    if dry_run or (result.errors and not skip_invalid):
        new = _new(good)
        result.already_present = len(good) - len(new)
        result.imported = len(new) if dry_run else 0
        return result
    now = timezone.now()
    imported = 0
    with transaction.atomic():
        _lock_regular_sides(good)
        # Read under the lock: what an import before this one wrote is committed and seen now.
        new = _new(good)
        for start in range(0, len(new), BATCH_SIZE):
            batch = new[start : start + BATCH_SIZE]
            Collaboration.objects.bulk_create(
                [
                    Collaboration(
                        regular_id=line.values["regular"],
                        social_id=line.values["social"],
                        role=line.values["role"],
                        category=line.values["category"],
                        started=line.values["started"],
                        ended=line.values["ended"],
                        channel=line.values["channel"],
                        source=CollaborationSource.IMPORT,
                        confirmed_by_regular_at=now,
                        confirmed_by_social_at=now,
                        import_key=line.values["key"],
                    )
                    for line in batch
                ],
                # Whatever else writes collaborations without the lock (the admin): the
                # register's unique constraint keeps theirs, and the line counts as present.
                ignore_conflicts=True,
            )
            # What went in: only imports write import keys, a key names the line's regular
            # organisation, and this import holds that row locked, so each of the batch's keys
            # now in the register is a row this import wrote.
            imported += Collaboration.objects.filter(
                import_key__in=[line.values["key"] for line in batch]
            ).count()
            report_progress(progress, "imported", min(start + BATCH_SIZE, len(new)), len(new))
    result.imported = imported
    result.already_present = len(good) - imported
    result.written = True
    return result
