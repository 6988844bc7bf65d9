"""The KBO register: the Crossroads Bank for Enterprises' Open Data extract, loaded in bulk.

`load(directory)` reads the CSV files of the full extract as the FPS Economy publishes them
(comma-separated, every field double-quoted, a header row; see the "Cookbook KBO Open data"):
enterprise.csv, denomination.csv, address.csv, activity.csv and code.csv. Each file is copied
as it is into a temporary staging table (PostgreSQL: COPY through psycopg, the file streamed in
blocks; SQLite: batched inserts from a streaming csv reader), and one INSERT ... SELECT ... ON
CONFLICT builds the `KboEnterprise` rows from the staging tables; enterprises missing from the
new extract are deleted. No row of the files is held in Python, so memory stays flat whatever
the size of the extract; readers see the previous register until the load commits.

What counts as stopped (`stopped_situations`): an enterprise whose Status is not "AC", or whose
JuridicalSituation is one that code.csv describes, in any of its languages, as a closing: a
dissolution, liquidation, bankruptcy, closure, cessation, merger or split (e.g. "012"
"Ontbinding van rechtswege ..."). Code "000" (normal situation) and the other situations of a
living enterprise (creation, extension, a judicial reorganisation) are not stopped.

With the register loaded (at least one row), `refusal_for(number)` refuses an enterprise number
the KBO does not know or knows as stopped; without it, the portal checks check digits only.
"""

import csv
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import emails
from portal.models import Sector

from . import enterprise_number
from .models import KboEnterprise, MembershipRole, Organisation

# The files of the full extract that the register is built from, with their published headers.
FILES = {
    "enterprise": [
        "EnterpriseNumber",
        "Status",
        "JuridicalSituation",
        "TypeOfEnterprise",
        "JuridicalForm",
        "JuridicalFormCAC",
        "StartDate",
    ],
    "denomination": ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"],
    "address": [
        "EntityNumber",
        "TypeOfAddress",
        "CountryNL",
        "CountryFR",
        "Zipcode",
        "MunicipalityNL",
        "MunicipalityFR",
        "StreetNL",
        "StreetFR",
        "HouseNumber",
        "Box",
        "ExtraAddressInfo",
        "DateStrikingOff",
    ],
    "activity": ["EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"],
    "code": ["Category", "Code", "Language", "Description"],
}

# Words by which code.csv describes a juridical situation that ends an enterprise (NL, FR, DE,
# EN descriptions are all read).
CLOSING_WORDS = re.compile(
    r"ontbinding|vereffening|faillissement|sluiting|stopzetting|fusie|splitsing|"
    r"dissolution|liquidation|faillite|cl[oô]ture|cessation|fusion|scission|"
    r"aufl[oö]sung|liquidation|konkurs|schlie[sß]ung|einstellung|"
    r"bankruptcy|closure|closing|stopped|merger|division",
    re.IGNORECASE,
)

# denomination.csv's Language codes (code.csv category "Language").
LANGUAGES = {"0": "", "1": "fr", "2": "nl", "3": "de", "4": "en"}
# Which name is the primary one: Dutch, French, unknown, German, English.
NAME_PRIORITY = {"2": "1", "1": "2", "0": "3", "3": "4", "4": "5"}

# NACE-BEL divisions (the first two digits) to the sections of NACE-BEL 2025 (portal.Sector).
# Division 45 (motor trade) exists in the 2008 version only and lies in section G.
SECTIONS = {
    "A": range(1, 4),
    "B": range(5, 10),
    "C": range(10, 34),
    "D": range(35, 36),
    "E": range(36, 40),
    "F": range(41, 44),
    "G": range(45, 48),
    "H": range(49, 54),
    "I": range(55, 57),
    "J": range(58, 61),
    "K": range(61, 64),
    "L": range(64, 67),
    "M": range(68, 69),
    "N": range(69, 76),
    "O": range(77, 83),
    "P": range(84, 85),
    "Q": range(85, 86),
    "R": range(86, 89),
    "S": range(90, 94),
    "T": range(94, 97),
    "U": range(97, 99),
    "V": range(99, 100),
}
SECTION_OF_DIVISION = {d: letter for letter, divisions in SECTIONS.items() for d in divisions}

# Rows per INSERT on SQLite.
BATCH_SIZE = 5000
# Bytes per write to COPY on PostgreSQL.
COPY_BLOCK = 1 << 20


class ExtractError(Exception):
    """The directory does not hold a KBO extract in the published format."""


@dataclass
class LoadResult:
    enterprises: int
    stopped: int
    deleted: int
    flagged: list
    revived: int


# --- Reading the register --------------------------------------------------------------------


def is_loaded():
    return KboEnterprise.objects.exists()


def find(number):
    """The register's row for an enterprise number in any spelling, or None."""
    try:
        number = enterprise_number.normalise(number)
    except ValidationError:
        return None
    return KboEnterprise.objects.filter(number=number).first()


def refusal_for(number):
    """Why the enterprise number may not be registered on the portal, or None.

    None when the register is not loaded (the check digits are checked elsewhere). The number
    may be in any spelling; an invalid one is left to enterprise_number.normalise.
    """
    try:
        number = enterprise_number.normalise(number)
    except ValidationError:
        return None
    entry = KboEnterprise.objects.filter(number=number).only("number", "stopped").first()
    if entry is None:
        if not is_loaded():
            return None
        return gettext(
            "The Crossroads Bank for Enterprises (KBO) does not know the enterprise number "
            "%(number)s. Check it, please."
        ) % {"number": enterprise_number.display(number)}
    if entry.stopped:
        return gettext(
            "According to the Crossroads Bank for Enterprises (KBO), the enterprise "
            "%(number)s has stopped. A stopped enterprise cannot be registered."
        ) % {"number": enterprise_number.display(number)}
    return None


def section_of(nace_code):
    """The NACE-BEL 2025 section letter of a NACE code ("88101" -> "R"), or None."""
    digits = re.sub(r"\D", "", nace_code or "")
    return SECTION_OF_DIVISION.get(int(digits[:2])) if len(digits) >= 2 else None


def profile_data(entry):
    """What the organisation form takes from the register: name, street, postcode, sectors."""
    street = " ".join(part for part in (entry.street, entry.house_number) if part)
    letters = {section_of(code) for code in entry.nace_codes} - {None}
    sectors = list(Sector.objects.filter(code__in=letters).values_list("pk", flat=True))
    return {
        "name": entry.name,
        "street": street,
        "postcode": entry.postcode if re.fullmatch(r"\d{4}", entry.postcode or "") else "",
        "sectors": [str(pk) for pk in sectors],
    }


# --- Loading the extract -----------------------------------------------------------------------


def _path(directory, name):
    path = Path(directory) / f"{name}.csv"
    if not path.is_file():
        raise ExtractError(gettext("%(file)s is missing.") % {"file": path.name})
    return path


def _check_header(path, expected):
    with path.open(encoding="utf-8-sig", newline="") as file:
        header = next(csv.reader(file), [])
    if header != expected:
        raise ExtractError(
            gettext("%(file)s does not have the published columns %(columns)s.")
            % {"file": path.name, "columns": ", ".join(expected)}
        )


def stopped_situations(code_path):
    """The JuridicalSituation codes that code.csv describes as a closing (see the module)."""
    stopped = set()
    with code_path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            if row["Category"] == "JuridicalSituation" and CLOSING_WORDS.search(row["Description"]):
                stopped.add(row["Code"])
    return stopped


def _stage(cursor, name, path):
    """Copy one file as it is into the temporary table kbo_stage_<name> (text columns)."""
    columns = FILES[name]
    table = f"kbo_stage_{name}"
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    definition = ", ".join(f'"{column}" text' for column in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition})")
    if connection.vendor == "postgresql":
        import psycopg

        sql = f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)"
        try:
            with (
                path.open(encoding="utf-8-sig", newline="") as file,
                cursor.cursor.copy(sql) as copy,
            ):
                while block := file.read(COPY_BLOCK):
                    copy.write(block)
        except psycopg.DataError as error:
            # COPY names the line: "unterminated CSV quoted field", "extra data after last
            # expected column", ...
            where = f" ({error.diag.context.strip()})" if error.diag.context else ""
            raise ExtractError(f"{path.name}: {error.diag.message_primary}{where}") from None
        return
    # The table and its columns are this module's constants; the values are parameters.
    insert = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with path.open(encoding="utf-8-sig", newline="") as file:
        # As strict as PostgreSQL's COPY: a broken quote or a line of other length stops the load.
        reader = csv.reader(file, strict=True)
        batch = []
        try:
            next(reader)
            for row in reader:
                if len(row) != len(columns):
                    raise ExtractError(
                        gettext(
                            "%(file)s, line %(line)d: %(count)d fields instead of %(expected)d."
                        )
                        % {
                            "file": path.name,
                            "line": reader.line_num,
                            "count": len(row),
                            "expected": len(columns),
                        }
                    )
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    cursor.executemany(insert, batch)
                    batch = []
        except csv.Error as error:
            raise ExtractError(
                gettext("%(file)s, line %(line)d: %(error)s")
                % {"file": path.name, "line": reader.line_num, "error": error}
            ) from None
        if batch:
            cursor.executemany(insert, batch)


def _build_sql(stopped_codes):
    """One INSERT ... SELECT that turns the staging tables into register rows."""
    postgres = connection.vendor == "postgresql"
    number = "replace({}, '.', '')"
    # StartDate is dd-mm-yyyy.
    day = 'e."StartDate"'
    iso_date = f"substr({day}, 7, 4) || '-' || substr({day}, 4, 2) || '-' || substr({day}, 1, 2)"
    if postgres:
        start = f"CASE WHEN {day} ~ '^\\d\\d-\\d\\d-\\d{{4}}$' THEN CAST({iso_date} AS date) END"
        names_object = "jsonb_object_agg(language, name) FILTER (WHERE language <> '')"
        nace_array = 'jsonb_agg(DISTINCT a."NaceCode" ORDER BY a."NaceCode")'
        empty_object, empty_array = "'{}'::jsonb", "'[]'::jsonb"
    else:
        shape = "'[0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]'"
        start = f"CASE WHEN {day} GLOB {shape} THEN {iso_date} END"
        names_object = "json_group_object(language, name) FILTER (WHERE language <> '')"
        nace_array = 'json_group_array(DISTINCT a."NaceCode")'
        empty_object, empty_array = "'{}'", "'[]'"
    language_case = " ".join(f"WHEN '{code}' THEN '{lang}'" for code, lang in LANGUAGES.items())
    priority_case = " ".join(f"WHEN '{code}' THEN '{p}'" for code, p in NAME_PRIORITY.items())
    stopped_list = ", ".join(["%s"] * len(stopped_codes)) or "NULL"
    # Built from this module's constants only; the stopped codes and the time are parameters.
    sql = f"""
    WITH official AS (
        SELECT {number.format('d."EntityNumber"')} AS number,
               CASE d."Language" {language_case} ELSE '' END AS language,
               CASE d."Language" {priority_case} ELSE '9' END AS priority,
               min(d."Denomination") AS name
        FROM kbo_stage_denomination d
        WHERE d."TypeOfDenomination" = '001'
        GROUP BY 1, 2, 3
    ),
    names AS (
        SELECT number, substr(min(priority || name), 2) AS name,
               {names_object} AS names
        FROM official
        GROUP BY number
    ),
    seat AS (
        SELECT {number.format('s."EntityNumber"')} AS number,
               min(s."Zipcode") AS postcode,
               min(coalesce(nullif(s."MunicipalityNL", ''), s."MunicipalityFR")) AS municipality,
               min(coalesce(nullif(s."StreetNL", ''), s."StreetFR")) AS street,
               min(trim(s."HouseNumber" || CASE WHEN coalesce(s."Box", '') <> ''
                   THEN ' bus ' || s."Box" ELSE '' END)) AS house_number
        FROM kbo_stage_address s
        WHERE s."TypeOfAddress" = 'REGO' AND coalesce(s."DateStrikingOff", '') = ''
        GROUP BY 1
    ),
    main AS (
        SELECT {number.format('a."EntityNumber"')} AS number, a."NaceVersion" AS version,
               a."NaceCode"
        FROM kbo_stage_activity a WHERE a."Classification" = 'MAIN'
    ),
    newest AS (SELECT number, max(version) AS version FROM main GROUP BY number),
    nace AS (
        SELECT a.number, a.version, {nace_array} AS codes
        FROM main a JOIN newest n ON n.number = a.number AND n.version = a.version
        GROUP BY a.number, a.version
    )
    INSERT INTO companies_kboenterprise (
        number, status, juridical_situation, juridical_form, start_date, stopped, name, names,
        postcode, municipality, street, house_number, nace_codes, nace_version, loaded_at)
    SELECT {number.format('e."EnterpriseNumber"')}, coalesce(e."Status", ''),
           coalesce(e."JuridicalSituation", ''), coalesce(e."JuridicalForm", ''), {start},
           (coalesce(e."Status", '') <> 'AC' OR e."JuridicalSituation" IN ({stopped_list})),
           coalesce(substr(n.name, 1, 320), ''), coalesce(n.names, {empty_object}),
           coalesce(substr(s.postcode, 1, 15), ''), coalesce(substr(s.municipality, 1, 200), ''),
           coalesce(substr(s.street, 1, 200), ''), coalesce(substr(s.house_number, 1, 40), ''),
           coalesce(c.codes, {empty_array}), coalesce(c.version, ''), %s
    FROM kbo_stage_enterprise e
    LEFT JOIN names n ON n.number = {number.format('e."EnterpriseNumber"')}
    LEFT JOIN seat s ON s.number = {number.format('e."EnterpriseNumber"')}
    LEFT JOIN nace c ON c.number = {number.format('e."EnterpriseNumber"')}
    WHERE length({number.format('e."EnterpriseNumber"')}) = 10
    ON CONFLICT (number) DO UPDATE SET
        status = excluded.status, juridical_situation = excluded.juridical_situation,
        juridical_form = excluded.juridical_form, start_date = excluded.start_date,
        stopped = excluded.stopped, name = excluded.name, names = excluded.names,
        postcode = excluded.postcode, municipality = excluded.municipality,
        street = excluded.street, house_number = excluded.house_number,
        nace_codes = excluded.nace_codes, nace_version = excluded.nace_version,
        loaded_at = excluded.loaded_at
    """  # noqa: S608
    return sql


def load(directory, *, now=None, progress=None):
    """Replace the register with the full extract in `directory`; flag stopped organisations.

    One transaction: a bad file leaves the register as it was.
    """
    now = now or timezone.now()
    say = progress or (lambda text: None)
    paths = {name: _path(directory, name) for name in FILES}
    for name, path in paths.items():
        _check_header(path, FILES[name])
    stopped_codes = sorted(stopped_situations(paths["code"]))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two loads at once take turns (SQLite allows one writer anyway).
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('brugwerk.load_kbo'))")
        for name in ("enterprise", "denomination", "address", "activity"):
            say(f"staging {paths[name].name}")
            _stage(cursor, name, paths[name])
        say("building the register")
        cursor.execute(_build_sql(stopped_codes), [*stopped_codes, now])
        deleted = KboEnterprise.objects.filter(loaded_at__lt=now).delete()[0]
        for name in ("enterprise", "denomination", "address", "activity"):
            cursor.execute(f"DROP TABLE kbo_stage_{name}")
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE companies_kboenterprise")
        flagged, revived = flag_stopped(today=timezone.localdate(now))
    return LoadResult(
        enterprises=KboEnterprise.objects.count(),
        stopped=KboEnterprise.objects.filter(stopped=True).count(),
        deleted=deleted,
        flagged=flagged,
        revived=revived,
    )


# --- Stopped enterprises on the portal --------------------------------------------------------


def flag_stopped(*, today):
    """Mark the organisations whose enterprise the register reports stopped and tell their
    owners (once per stop); clear the mark of those that are active again."""
    stopped_numbers = KboEnterprise.objects.filter(stopped=True).values("number")
    active_numbers = KboEnterprise.objects.filter(stopped=False).values("number")
    revived = Organisation.objects.filter(
        kbo_stopped_on__isnull=False, enterprise_number__in=active_numbers
    ).update(kbo_stopped_on=None)
    newly = list(
        Organisation.objects.filter(
            kbo_stopped_on__isnull=True, enterprise_number__in=stopped_numbers
        ).select_for_update()
    )
    for organisation in newly:
        organisation.kbo_stopped_on = today
        organisation.save(update_fields=["kbo_stopped_on"])
        _tell_owners(organisation)
    return newly, revived


def _tell_owners(organisation):
    grace_ends = organisation.kbo_stopped_on + timedelta(days=settings.KBO_STOPPED_GRACE_DAYS)
    owners = organisation.memberships.filter(role=MembershipRole.OWNER).select_related("user")
    for membership in owners:
        emails.send_to_user(
            membership.user,
            template="kbo_stopped",
            kind="organisation_status",
            key=f"kbo_stopped:{organisation.pk}:{organisation.kbo_stopped_on:%Y-%m-%d}:"
            f"{membership.user_id}",
            context={
                "organisation": organisation,
                "number": organisation.enterprise_number_display,
                "grace_ends": grace_ends,
                "profile_path": reverse("companies:profile", kwargs={"slug": organisation.slug}),
            },
            summary=organisation.name,
        )


def register_note():
    """What the admin says about the register: loaded when, or not loaded."""
    latest = KboEnterprise.objects.order_by("-loaded_at").values_list("loaded_at", flat=True)
    loaded_at = latest.first()
    if loaded_at is None:
        return _(
            "The KBO register is not loaded: enterprise numbers are checked on their check "
            "digits only. Load it with manage.py load_kbo."
        )
    return None
