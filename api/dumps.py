"""The public directory as open data files (issue 24, item 4): CSV and JSON, written nightly.

The worker (api.tasks.write_open_data, beat at 04:00) or `manage.py write_open_data` writes
`organisations.csv` and `organisations.json` to settings.OPEN_DATA_ROOT, and `index.json` with
when they were made and how many records they hold; /open-data/ lists them and
/open-data/files/<name> serves them (api/open_data_views.py).

What is in them: the directory's own base (`Organisation.objects.in_directory()`: not stopped,
confirmed recently enough) with the public fields of a profile, the contact details only where
the organisation shows them (Organisation.public_*), a last-update date per record. Every column
is classified in api/privacy.py (a test checks COLUMNS against it): no person's data, no
bank account, no internal field.

How: one pass over the rows, ordered by primary key, read as plain values in chunks from a
server-side cursor (csvexport.chunks), each chunk's services and recognitions read with it (on
PostgreSQL as arrays in the same statement, elsewhere a query per chunk), each record written to
both files as it comes: memory does not grow with the number of organisations. Each file is
written to a temporary name in the same folder and renamed over the old one when both are
complete (os.replace is atomic on one file system), so a download always reads a whole file,
of one run: an open download keeps reading the file it opened.

The licence is CC BY 4.0 (LICENCE): it asks only for attribution, is what the GeoNames data
under the portal's places carries, and both Flemish and Belgian portals know it (it is
compatible with the Flemish Modellicentie Gratis Hergebruik). The attribution names the portal
and keeps the reference data's credits (data/SOURCES.md), since postcodes and municipalities
come from there.
"""

import json
import os
import tempfile
from collections import defaultdict
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import OuterRef
from django.utils import timezone

from companies.models import OfferedService, Organisation, OrganisationKind, Recognition
from portal import csvexport, phones, reference
from portal.models import Municipality, Postcode, Province, ServiceCategory
from portal.notifications import absolute, reverse_in
from procurement import eligibility

CSV_FILE = "organisations.csv"
JSON_FILE = "organisations.json"
INDEX_FILE = "index.json"
# The files /open-data/files/<name> serves, with their media types.
FILES = {
    CSV_FILE: "text/csv; charset=utf-8",
    JSON_FILE: "application/json",
}
LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    # The same licence in the EU's vocabulary, which DCAT-AP harvesters read.
    "uri": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
}
# The credits of the reference data (data/SOURCES.md and the footer of every page).
REFERENCE_ATTRIBUTION = (
    "Reference data: Statbel, bpost postcodes via rubenv/belgium-zipcodes (MIT), "
    "GeoNames (CC BY 4.0)."
)

# The columns of the CSV and the keys of each JSON record, in this order. api/privacy.py must
# allow each one (tests/api/test_dumps.py).
COLUMNS = (
    "enterprise_number",
    "name",
    "kind",
    "url",
    "street",
    "postcode",
    "municipality",
    "municipality_nis",
    "province_nis",
    "website",
    "email",
    "phone",
    "services",
    "recognitions",
    "procurement_routes",
    "verified",
    "verified_on",
    "details_confirmed_on",
    "updated_at",
)

# What a record reads of an organisation row.
FIELDS = (
    "id",
    "slug",
    "name",
    "kind",
    "enterprise_number",
    "street",
    "show_address",
    "postcode_id",
    "municipality_id",
    "province_id",
    "website",
    "show_website",
    "email",
    "show_email",
    "phone",
    "show_phone",
    "verified_at",
    "details_confirmed_at",
    "created_at",
    "updated_at",
)


def attribution():
    """The line a reuser cites: the portal, its address, the licence, the reference data."""
    return (
        f"{settings.PORTAL_NAME} ({settings.SITE_URL}), {LICENCE['name']}. {REFERENCE_ATTRIBUTION}"
    )


def base():
    """The organisations the files hold: exactly the directory's base."""
    return Organisation.objects.in_directory()


def _rows(organisations):
    """The plain values of each organisation, in primary-key order; on PostgreSQL with its
    services (category and radius, in the same order) and recognitions as arrays."""
    organisations = organisations.order_by("pk").prefetch_related(None)
    if connections[organisations.db].vendor != "postgresql":
        return organisations.values(*FIELDS)
    services = OfferedService.objects.filter(organisation=OuterRef("pk")).order_by("category_id")
    return organisations.values(
        *FIELDS,
        service_ids=ArraySubquery(services.values("category_id")),
        service_radii=ArraySubquery(services.values("radius_km")),
        recognition_ids=ArraySubquery(
            Organisation.recognitions.through.objects.filter(organisation=OuterRef("pk"))
            .order_by("recognition_id")
            .values("recognition_id")
        ),
    )


def _related(chunk):
    """The services and recognitions of a chunk's rows, a query each (without PostgreSQL's
    arrays)."""
    if not chunk or "service_ids" in chunk[0]:
        return
    ids = [values["id"] for values in chunk]
    services, recognitions = defaultdict(list), defaultdict(list)
    offered = OfferedService.objects.filter(organisation_id__in=ids).order_by("category_id")
    for organisation_id, category_id, radius in offered.values_list(
        "organisation_id", "category_id", "radius_km"
    ):
        services[organisation_id].append((category_id, radius))
    held = Organisation.recognitions.through.objects.filter(organisation_id__in=ids).order_by(
        "recognition_id"
    )
    for organisation_id, recognition_id in held.values_list("organisation_id", "recognition_id"):
        recognitions[organisation_id].append(recognition_id)
    for values in chunk:
        pairs = services.get(values["id"], [])
        values["service_ids"] = [category for category, _radius in pairs]
        values["service_radii"] = [radius for _category, radius in pairs]
        values["recognition_ids"] = recognitions.get(values["id"], [])


class Vocabulary:
    """What the records repeat, read once per run: places from the reference rows in memory,
    the slugs of the categories and recognitions, the procurement routes per recognition."""

    def __init__(self):
        self.postcodes = {row.pk: row.code for row in reference.instances(Postcode)}
        self.municipalities = {
            row.pk: (row.name_nl, row.nis_code) for row in reference.instances(Municipality)
        }
        self.provinces = {row.pk: row.nis_code for row in reference.instances(Province)}
        self.categories = {row.pk: row.slug for row in reference.instances(ServiceCategory)}
        self.recognitions = dict(Recognition.objects.values_list("pk", "slug"))
        self.routes = eligibility.routes_by_recognition()
        # The portal's time zone, looked up once (timezone.localtime() per date of every row
        # was a tenth of the run).
        self.zone = timezone.get_current_timezone()
        # Every profile's address, made once: reverse() per row would cost more than the row.
        marker = "slug-of-the-organisation"
        self.profile = absolute(reverse_in("companies:profile", None, slug=marker))
        self.marker = marker

    def category(self, pk):
        if pk not in self.categories:  # a category added while the files are written
            self.categories[pk] = ServiceCategory.objects.get(pk=pk).slug
        return self.categories[pk]

    def recognition(self, pk):
        if pk not in self.recognitions:
            self.recognitions[pk] = Recognition.objects.get(pk=pk).slug
        return self.recognitions[pk]


def _day(moment, zone):
    return moment.astimezone(zone).date().isoformat() if moment else None


def record(values, words):
    """One organisation as a record of the files (a dict with COLUMNS as keys): plain JSON
    values, the contact details only where the organisation shows them."""
    municipality, municipality_nis = words.municipalities.get(values["municipality_id"], ("", ""))
    is_social = values["kind"] == OrganisationKind.SOCIAL
    routes = (
        sorted(eligibility.routes_of(values["recognition_ids"], words.routes)) if is_social else []
    )
    confirmed = values["details_confirmed_at"] or values["created_at"]
    return {
        "enterprise_number": values["enterprise_number"],
        "name": values["name"],
        "kind": values["kind"],
        "url": words.profile.replace(words.marker, values["slug"]),
        "street": values["street"] if values["show_address"] else "",
        "postcode": words.postcodes.get(values["postcode_id"], ""),
        "municipality": municipality,
        "municipality_nis": municipality_nis,
        "province_nis": words.provinces.get(values["province_id"], ""),
        "website": values["website"] if values["show_website"] else "",
        "email": values["email"] if values["show_email"] else "",
        "phone": values["phone"] if values["show_phone"] else "",
        "services": [
            {"category": words.category(category), "radius_km": radius}
            for category, radius in zip(values["service_ids"], values["service_radii"], strict=True)
        ],
        "recognitions": [words.recognition(pk) for pk in values["recognition_ids"]],
        "procurement_routes": routes,
        "verified": values["verified_at"] is not None,
        "verified_on": _day(values["verified_at"], words.zone),
        "details_confirmed_on": _day(confirmed, words.zone),
        "updated_at": values["updated_at"]
        .astimezone(words.zone)
        .replace(microsecond=0)
        .isoformat(),
    }


def records(organisations=None):
    """Every record of the files, one chunk of rows in memory at a time."""
    words = Vocabulary()
    for chunk in csvexport.chunks(_rows(base() if organisations is None else organisations)):
        _related(chunk)
        for values in chunk:
            yield record(values, words)


# How a phone number reads in a spreadsheet ("011 23 45 67"), without the per-process cache of
# the pages' form: 50,000 numbers would fill it and make memory grow with the rows.
_display_phone = phones.display.__wrapped__


def csv_row(item):
    """A record as the CSV's cells: lists joined by "|", a service as "slug:km" (a service
    without a radius covers all of Flanders: "slug"), yes/no as true/false. The phone in the
    form people write it (JSON has E.164)."""
    services = "|".join(
        f"{service['category']}:{service['radius_km']}"
        if service["radius_km"]
        else service["category"]
        for service in item["services"]
    )
    cells = {
        **item,
        "phone": _display_phone(item["phone"]) if item["phone"] else "",
        "services": services,
        "recognitions": "|".join(item["recognitions"]),
        "procurement_routes": "|".join(item["procurement_routes"]),
        "verified": "true" if item["verified"] else "false",
    }
    return ["" if cells[column] is None else cells[column] for column in COLUMNS]


def _header(generated_at):
    return {
        "title": f"{settings.PORTAL_NAME}: organisations of the directory",
        "publisher": settings.PORTAL_NAME,
        "source": settings.SITE_URL,
        "licence": LICENCE,
        "attribution": attribution(),
        "generated_at": generated_at,
    }


@contextmanager
def _replacing(path, stack):
    """A text file to write that takes the place of `path` only when `stack` commits it:
    written under a temporary name in the same folder, removed if anything fails."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by the stack)
        "w",
        encoding="utf-8",
        newline="",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".part",
        delete=False,
    )
    temporary = Path(handle.name)
    stack.callback(lambda: temporary.unlink(missing_ok=True))
    with handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
    # The web processes may run as another user than the worker: the files are public.
    temporary.chmod(0o644)


def _commit(written):
    """Rename every temporary file over its target (atomic on one file system)."""
    for temporary, path in written:
        os.replace(temporary, path)


def write(*, root=None, organisations=None):
    """Write the files of the public directory to `root` (settings.OPEN_DATA_ROOT) and return
    the index: when, how many records, each file's size."""
    root = Path(root or settings.OPEN_DATA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    generated_at = timezone.localtime().replace(microsecond=0).isoformat()
    count = 0
    with ExitStack() as cleanup:
        with (
            _replacing(root / CSV_FILE, cleanup) as csv_file,
            _replacing(root / JSON_FILE, cleanup) as json_file,
        ):
            written = [(csv_file.name, root / CSV_FILE), (json_file.name, root / JSON_FILE)]
            header = json.dumps(_header(generated_at), ensure_ascii=False)
            json_file.write(header[:-1] + ',"organisations":[')

            def both(items):
                # Each record goes to the JSON file as it passes on its way to the CSV's lines.
                nonlocal count
                for item in items:
                    separator = "\n" if count == 0 else ",\n"
                    json_file.write(separator + json.dumps(item, ensure_ascii=False))
                    count += 1
                    yield item

            csv_file.writelines(
                csvexport.lines(
                    both(records(organisations)), header=lambda: list(COLUMNS), row=csv_row
                )
            )
            json_file.write(f'\n],"count":{count}}}\n')
        _commit(written)
    index = {
        "generated_at": generated_at,
        "records": count,
        "licence": LICENCE,
        "attribution": attribution(),
        "files": {name: {"size": (root / name).stat().st_size} for name in FILES},
    }
    with ExitStack() as cleanup:
        with _replacing(root / INDEX_FILE, cleanup) as index_file:
            json.dump(index, index_file, ensure_ascii=False, indent=2)
        _commit([(index_file.name, root / INDEX_FILE)])
    return index


def path_of(name):
    """The path of a published file by its name, or None when the name is not one of FILES
    or the file is not written yet."""
    if name not in FILES:
        return None
    path = Path(settings.OPEN_DATA_ROOT) / name
    return path if path.is_file() else None


def published():
    """What /open-data/ and the catalogue show: (index, [file, ...]) of the last dump, each
    file a dict of name, media type, size in bytes and modification time; (None, []) when no
    dump is written yet. The sizes and times are the files' own, so they match what is
    served."""
    root = Path(settings.OPEN_DATA_ROOT)
    index = None
    with suppress(OSError, ValueError):
        index = json.loads((root / INDEX_FILE).read_text(encoding="utf-8"))
    if not isinstance(index, dict):  # absent, or not what write() leaves
        index = None
    files = []
    for name, media_type in FILES.items():
        try:
            status = (root / name).stat()
        except OSError:
            continue
        files.append(
            {
                "name": name,
                "media_type": media_type,
                "size": status.st_size,
                "modified": datetime.fromtimestamp(status.st_mtime, tz=UTC),
            }
        )
    return (index if files else None), files
