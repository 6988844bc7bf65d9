"""Organisations from an official list (`manage.py import_organisations FILE.csv`).

A regie holds its region's social enterprises in official lists (recognised maatwerkbedrijven,
LDE initiatives, ...). This module reads such a list as FORMAT below says, with the machinery
of companies/csv_import.py that `import_collaborations` shares: every line is checked before
anything is written and each bad line reported with its number and reason; one bad line stops
the whole import unless `skip_invalid`.

An organisation IS its enterprise number. A line whose number is not on the portal adds an
unclaimed listing (no members, not verified, `source` and `source_date` set). A line whose
number is on the portal updates it only while nobody holds it: the file owns the name, kind,
address, contact details, recognitions, target groups and services of unclaimed listings,
while a listing with members is theirs ("claimed, left as its owners keep it"), and the
import reports it and changes nothing. A line that would change nothing counts as unchanged
(its source date stays), so a second run of the same file adds and updates nothing.

Imports run one after the other: on PostgreSQL each takes a transaction-level advisory lock
before it reads what is present, so a second import started at once waits and then finds the
first one's rows; on SQLite the portal's IMMEDIATE transactions queue them the same way. The
unique constraint on the enterprise number stays the last guard.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import names, phones, textsearch
from portal.forms import WebsiteField
from portal.models import Postcode, ServiceCategory

from . import csv_import, enterprise_number, kbo, search
from .csv_import import (  # noqa: F401 (ImportFileError: the command's name)
    BATCH_SIZE,
    LOOKUP_CHUNK,
    ImportFileError,
    LineError,
    report_progress,
)
from .models import (
    RESERVED_SLUGS,
    OfferedService,
    Organisation,
    OrganisationKind,
    Recognition,
    TargetGroup,
)

COLUMNS = (
    "enterprise_number",
    "name",
    "kind",
    "recognitions",
    "postcode",
    "street",
    "services",
    "phone",
    "email",
    "website",
    "target_groups",
)
REQUIRED = ("enterprise_number", "name", "kind", "postcode", "street")
FORMAT = """\
The file is UTF-8 (with or without the byte order mark Excel writes) or Windows-1252, separated
by semicolons or commas, with a header line naming these columns, in any order (other columns
are ignored):

  enterprise_number  the KBO number, in any spelling (0403.170.701, BE0403170701, 403170701)
  name               the organisation's name
  kind               social, regular, public, school or nonprofit
  recognitions       recognition slugs separated by | (e.g. maatwerkbedrijf|kringwinkel)
  postcode           a Belgian postcode, e.g. 3600
  street             street and number
  services           service category slugs with an optional radius in km, separated by |
                     (e.g. groenonderhoud:25|schoonmaak:10|catering)
  phone              a phone number (may be empty)
  email              an email address (may be empty)
  website            a web address; www.example.be is read as https://www.example.be
  target_groups      target group slugs separated by | (e.g. arbeidshandicap|jongeren)

Only recognitions, services, phone, email, website and target_groups may be empty.
A number already on the portal updates its listing while nobody holds it; a listing that has
members is left as they keep it.

Example:
  enterprise_number;name;kind;recognitions;postcode;street;services;phone;email;website
  0999.000.129;Groenwerk Maasland;social;maatwerkbedrijf;3630;Rijksweg 12;groenonderhoud:25;
  089 12 34 56;info@groenwerk.be;groenwerk.be
(one line in the file; the target_groups column is left out here to fit)
"""
ENCODINGS = (csv_import.UTF8, csv_import.WINDOWS_1252)
# A service radius beyond this is a typing error: Flanders is some 250 km wide.
MAX_RADIUS_KM = 300
LIST_SEPARATOR = re.compile(r"\s*\|\s*")
# The advisory lock every organisation import holds while it reads and writes (PostgreSQL).
LOCK_KEY = 1_700_017_003


@dataclass
class Result:
    lines: int = 0
    errors: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    valid: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    claimed: int = 0
    dry_run: bool = False
    written: bool = False

    @property
    def bad_lines(self):
        return len({error.line for error in self.errors})

    @property
    def skipped(self):
        return self.bad_lines


def read(data):
    return csv_import.read(data, columns=COLUMNS, encodings=ENCODINGS)


def check_enterprise_number(value):
    """The ten digits of enterprise number `value`, or raise ValidationError.

    The one place where the import decides whether a number may be listed: its check digits,
    and, with the KBO register loaded, an enterprise the register knows and that has not stopped
    (companies/kbo.py, as on the organisation form).
    """
    number = enterprise_number.normalise(value)
    refusal = kbo.refusal_for(number)
    if refusal:
        raise ValidationError(refusal, code="kbo")
    return number


def _slugs(line, column, known, code, example):
    """The objects named by the |-separated slugs of `column`, refusing unknown ones."""
    found = []
    for slug in LIST_SEPARATOR.split(line.cells.get(column, "").lower()):
        if not slug:
            continue
        if slug in known:
            if known[slug] not in found:
                found.append(known[slug])
        else:
            line.refuse(
                code,
                _("%(column)s: unknown “%(value)s” (use slugs such as %(example)s)")
                % {"column": column, "value": slug, "example": example},
            )
    return found


def _services(line, categories):
    """{category: radius or None} of the services cell ("groenonderhoud:25|schoonmaak")."""
    services = {}
    for item in LIST_SEPARATOR.split(line.cells.get("services", "")):
        if not item:
            continue
        slug, _sep, radius = (part.strip() for part in item.partition(":"))
        category = categories.get(slug.lower())
        if category is None:
            line.refuse(
                "unknown_service",
                _(
                    "services: unknown service category “%(value)s” (use a slug such as "
                    "groenonderhoud)"
                )
                % {"value": slug},
            )
            continue
        km = None
        if radius:
            if not (radius.isascii() and radius.isdigit()) or not 0 < int(radius) <= MAX_RADIUS_KM:
                line.refuse(
                    "bad_radius",
                    _(
                        "services: the radius of %(service)s, “%(value)s”, is not a whole number "
                        "of km from 1 to %(max)d"
                    )
                    % {"service": slug, "value": radius, "max": MAX_RADIUS_KM},
                )
                continue
            km = int(radius)
        services[category] = km
    return services


def _check_cells(line, vocabularies):
    """Everything that can be checked on the line alone."""
    if line.problems:
        return
    cells, values = line.cells, line.values
    for name in REQUIRED:
        if not cells.get(name):
            line.refuse("missing", _("%(column)s is empty") % {"column": name})
    if cells.get("enterprise_number"):
        try:
            line.numbers["organisation"] = check_enterprise_number(cells["enterprise_number"])
        except ValidationError as error:
            if error.code == "kbo":
                # The register's own words: unknown to the KBO, or stopped.
                line.refuse("kbo", f"enterprise_number: {error.messages[0]}")
            else:
                line.refuse(
                    "invalid_enterprise_number",
                    _("enterprise_number: %(value)s is not a valid enterprise number")
                    % {"value": cells["enterprise_number"]},
                )
    values["name"] = cells.get("name", "")
    if len(values["name"]) > Organisation._meta.get_field("name").max_length:
        line.refuse("name_too_long", _("name: longer than 200 characters"))
    kind = cells.get("kind", "").lower()
    if kind:
        if kind in OrganisationKind.values:
            values["kind"] = kind
        else:
            line.refuse(
                "unknown_kind",
                _("unknown kind “%(value)s” (use %(choices)s)")
                % {"value": cells["kind"], "choices": ", ".join(OrganisationKind.values)},
            )
    code = cells.get("postcode", "")
    if code:
        if code in vocabularies["postcodes"]:
            values["postcode"] = vocabularies["postcodes"][code]
        else:
            line.refuse(
                "unknown_postcode",
                _("postcode: %(value)s is not a Belgian postcode") % {"value": code},
            )
    values["street"] = cells.get("street", "")
    if len(values["street"]) > Organisation._meta.get_field("street").max_length:
        line.refuse("street_too_long", _("street: longer than 200 characters"))
    values["recognitions"] = _slugs(
        line, "recognitions", vocabularies["recognitions"], "unknown_recognition", "maatwerkbedrijf"
    )
    values["target_groups"] = _slugs(
        line, "target_groups", vocabularies["groups"], "unknown_target_group", "arbeidshandicap"
    )
    values["services"] = _services(line, vocabularies["categories"])
    phone = cells.get("phone", "")
    try:
        # Stored as the portal's forms store it (E.164, portal/phones.py).
        values["phone"] = phones.normalise(phone)
    except ValidationError:
        line.refuse(
            "bad_phone",
            _("phone: “%(value)s” is not a phone number (e.g. 089 12 34 56 or +32 89 12 34 56)")
            % {"value": phone},
        )
    for column, form_field in (
        ("email", forms.EmailField(required=False)),
        ("website", WebsiteField(required=False)),
    ):
        try:
            values[column] = form_field.clean(cells.get(column, ""))
        except ValidationError as error:
            line.refuse(
                f"bad_{column}",
                _("%(column)s: “%(value)s”: %(reason)s")
                % {"column": column, "value": cells.get(column, ""), "reason": error.messages[0]},
            )


def _vocabularies():
    return {
        "postcodes": {
            postcode.code: postcode for postcode in Postcode.objects.select_related("municipality")
        },
        "recognitions": {item.slug: item for item in Recognition.objects.all()},
        "groups": {item.slug: item for item in TargetGroup.objects.all()},
        "categories": {item.slug: item for item in ServiceCategory.objects.all()},
    }


def check(lines, *, progress=None):
    """Check every line, adding each problem to its line."""
    vocabularies = _vocabularies()
    total = len(lines)
    first_seen = {}
    for done, line in enumerate(lines, start=1):
        _check_cells(line, vocabularies)
        number = line.numbers.get("organisation")
        if number is not None:
            if number in first_seen:
                line.refuse(
                    "duplicate_enterprise_number",
                    _("enterprise number %(number)s is on line %(line)d too")
                    % {"number": enterprise_number.display(number), "line": first_seen[number]},
                )
            else:
                first_seen[number] = line.number
        report_progress(progress, "checked", done, total)


def _present(numbers):
    """{enterprise number: Organisation} of the numbers on the portal, each with what the file
    owns loaded (`recognition_ids`, `group_ids`, `service_map`) and whether it has members."""
    found = {}
    numbers = sorted(numbers)
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        chunk = (
            Organisation.objects.filter(enterprise_number__in=numbers[start : start + LOOKUP_CHUNK])
            .prefetch_related("recognitions", "target_groups", "services", "memberships")
            .order_by("pk")
        )
        for organisation in chunk:
            found[organisation.enterprise_number] = organisation
    return found


def _owned(organisation):
    """What the file owns of `organisation`, in the shape _wanted() returns."""
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "postcode": organisation.postcode_id,
        "street": organisation.street,
        "phone": organisation.phone,
        "email": organisation.email,
        "website": organisation.website,
        "source": organisation.source,
        "recognitions": {item.pk for item in organisation.recognitions.all()},
        "target_groups": {item.pk for item in organisation.target_groups.all()},
        "services": {item.category_id: item.radius_km for item in organisation.services.all()},
    }


def _wanted(line, source):
    values = line.values
    return {
        "name": names.normalise(values["name"]),
        "kind": values["kind"],
        "postcode": values["postcode"].pk,
        "street": values["street"],
        "phone": values["phone"],
        "email": values["email"],
        "website": values["website"],
        "source": source,
        "recognitions": {item.pk for item in values["recognitions"]},
        "target_groups": {item.pk for item in values["target_groups"]},
        "services": {category.pk: km for category, km in values["services"].items()},
    }


def _plan(good, source):
    """Sort the good lines into (to add, to update, unchanged, claimed) against the portal."""
    present = _present(line.numbers["organisation"] for line in good)
    plan = {"add": [], "update": [], "unchanged": [], "claimed": []}
    for line in good:
        wanted = _wanted(line, source)
        organisation = present.get(line.numbers["organisation"])
        if organisation is None:
            plan["add"].append((line, None, wanted))
        elif organisation.memberships.all():
            plan["claimed"].append((line, organisation, wanted))
        elif _owned(organisation) == wanted:
            plan["unchanged"].append((line, organisation, wanted))
        else:
            plan["update"].append((line, organisation, wanted))
    return plan


def _update(batch, today):
    """Bring the unclaimed listings of `batch` ([(line, organisation, wanted)]) in line with
    the file, in a few statements for the batch: their slugs stay (links keep working)."""
    organisations = []
    keep_services, new_services, changed_services = [], [], []
    for line, organisation, wanted in batch:
        for name in ("name", "kind", "street", "phone", "email", "website", "source"):
            setattr(organisation, name, wanted[name])
        organisation.name_skeleton = names.skeleton(organisation.name)
        organisation.postcode = line.values["postcode"]
        organisation.locate()
        organisation.source_date = today
        organisation.search_text = _indexed_text(line)
        organisation.updated_at = timezone.now()
        organisations.append(organisation)
        present = {service.category_id: service for service in organisation.services.all()}
        for category, km in wanted["services"].items():
            if category not in present:
                new_services.append(
                    OfferedService(organisation=organisation, category_id=category, radius_km=km)
                )
                continue
            keep_services.append(present[category].pk)
            if present[category].radius_km != km:
                present[category].radius_km = km
                changed_services.append(present[category])
    Organisation.objects.bulk_update(
        organisations,
        [
            *("name", "kind", "street", "phone", "email", "website", "source"),
            *("name_skeleton", "postcode", "municipality", "province", "latitude", "longitude"),
            *("source_date", "search_text", "updated_at"),
        ],
    )
    pks = [organisation.pk for organisation in organisations]
    OfferedService.objects.filter(organisation__in=pks).exclude(pk__in=keep_services).delete()
    OfferedService.objects.bulk_update(changed_services, ["radius_km"])
    OfferedService.objects.bulk_create(new_services)
    Organisation.recognitions.through.objects.filter(organisation__in=pks).delete()
    Organisation.target_groups.through.objects.filter(organisation__in=pks).delete()
    _link(batch, organisations)
    _index(organisations)


def _free_slugs(bases):
    """A slug for each of `bases` (slugified names) that no organisation has and no other of
    them takes: the base, else base-2, base-3, ... as Organisation._unique_slug chooses, with
    one query per round for the whole batch instead of one per organisation."""
    chosen, used = {}, set()
    pending = list(enumerate(bases))
    counter = 1
    while pending:
        candidates = {i: base if counter == 1 else f"{base}-{counter}" for i, base in pending}
        taken = set()
        wanted = sorted(set(candidates.values()))
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            taken.update(
                Organisation.objects.filter(
                    slug__in=wanted[start : start + LOOKUP_CHUNK]
                ).values_list("slug", flat=True)
            )
        waiting = []
        for i, base in pending:
            candidate = candidates[i]
            if candidate in taken or candidate in used:
                waiting.append((i, base))
            else:
                chosen[i] = candidate
                used.add(candidate)
        pending, counter = waiting, counter + 1
    return [chosen[i] for i in range(len(bases))]


def _slug_base(name):
    base = slugify(name)[:200] or "organisatie"
    return f"{base}-organisatie" if base in RESERVED_SLUGS else base


def _indexed_text(line):
    """What companies.search.indexed_text says of the listing the line adds."""
    parts = []
    for category in line.values["services"]:
        parts += [category.name_nl, category.name_fr, category.name_en]
    for recognition in line.values["recognitions"]:
        parts += [recognition.name_nl, recognition.name_fr, recognition.name_en]
    return "\n".join(part for part in parts if part)


def _add(batch, today):
    """Add the new listings of `batch` ([(line, None, wanted)]) in a few statements: what
    Organisation.save() and companies.search.index() do for one, done for all of them."""
    organisations = []
    slugs = _free_slugs([_slug_base(wanted["name"]) for _line, _org, wanted in batch])
    for (line, _org, wanted), slug in zip(batch, slugs, strict=True):
        organisation = Organisation(
            enterprise_number=line.numbers["organisation"],
            slug=slug,
            name_skeleton=names.skeleton(wanted["name"]),
            postcode=line.values["postcode"],
            source_date=today,
            search_text=_indexed_text(line),
            **{
                name: wanted[name]
                for name in ("name", "kind", "street", "phone", "email", "website", "source")
            },
        )
        organisation.locate()
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations)
    OfferedService.objects.bulk_create(
        [
            OfferedService(organisation=organisation, category_id=category, radius_km=km)
            for organisation, (_line, _org, wanted) in zip(organisations, batch, strict=True)
            for category, km in wanted["services"].items()
        ]
    )
    _link(batch, organisations)
    _index(organisations)


def _link(batch, organisations):
    """The recognitions and target groups of the batch's listings, as the file names them."""
    recognitions, groups = [], []
    for organisation, (_line, _org, wanted) in zip(organisations, batch, strict=True):
        recognitions += [
            Organisation.recognitions.through(organisation=organisation, recognition_id=pk)
            for pk in wanted["recognitions"]
        ]
        groups += [
            Organisation.target_groups.through(organisation=organisation, targetgroup_id=pk)
            for pk in wanted["target_groups"]
        ]
    Organisation.recognitions.through.objects.bulk_create(recognitions)
    Organisation.target_groups.through.objects.bulk_create(groups)


def _index(organisations):
    """What companies.search.index does, for a batch whose search_text is stored already:
    the weighted search vector (PostgreSQL) in one UPDATE, and the names' words."""
    if textsearch.is_postgres("default"):
        vector = None
        for name, weight in search.WEIGHTS.items():
            part = SearchVector(name, weight=weight, config=textsearch.CONFIG)
            vector = part if vector is None else vector + part
        Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(
            search_vector=vector
        )
    textsearch.add_words([organisation.name for organisation in organisations])


def _lock():
    """Hold the organisation imports' lock until the end of the transaction (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _count(result, plan):
    result.added = len(plan["add"])
    result.updated = len(plan["update"])
    result.unchanged = len(plan["unchanged"])
    result.claimed = len(plan["claimed"])
    for line, organisation, _wanted_values in plan["claimed"]:
        result.notices.append(
            LineError(
                line.number,
                "claimed",
                _("%(name)s is claimed, left as its owners keep it") % {"name": organisation.name},
            )
        )


def import_organisations(
    data: bytes,
    *,
    source: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Callable | None = None,
) -> Result:
    """Check the CSV `data` and import its organisations; see the module's docstring.

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
        plan = _plan(good, source)
        _count(result, plan)
        if not dry_run:
            result.added = result.updated = 0
        return result
    today = timezone.localdate()
    with transaction.atomic():
        _lock()
        # Read under the lock: what an import before this one wrote is committed and seen now.
        plan = _plan(good, source)
        _count(result, plan)
        writes, done = len(plan["add"]) + len(plan["update"]), 0
        for start in range(0, len(plan["add"]), BATCH_SIZE):
            batch = plan["add"][start : start + BATCH_SIZE]
            _add(batch, today)
            done += len(batch)
            report_progress(progress, "imported", done, writes)
        for start in range(0, len(plan["update"]), BATCH_SIZE):
            batch = plan["update"][start : start + BATCH_SIZE]
            _update(batch, today)
            done += len(batch)
            report_progress(progress, "imported", done, writes)
    result.written = True
    return result
