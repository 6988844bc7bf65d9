"""Load the reference data shipped in data/*.csv into the database.

The CSV files are built by data/build.py (see data/SOURCES.md). Loading is idempotent: each row is
matched on its natural key (NIS code, postcode, NACE code or slug), created when missing and
updated only when a value differs, so a second run changes nothing. Rows that left the CSV files
stay in the database, because organisations and vouchers may still point at them. Regisseurs of
regions are never touched; they are managed in the admin.

Apps above portal ship reference data of their own (procurement: which recognition qualifies for
which procurement route): each that has a module `reference_data` with `load(directory)` is
loaded after portal's rows, in the order of INSTALLED_APPS, in the same transaction; `load`
returns its Outcomes. Portal thus loads them without importing them.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from portal import reference, textsearch
from portal.models import Municipality, Postcode, Province, Region, Sector, ServiceCategory


@dataclass
class Outcome:
    label: str
    rows: int = 0
    created: set = field(default_factory=set)
    updated: set = field(default_factory=set)

    def __str__(self):
        return (
            f"{self.label}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{self.rows - len(self.created) - len(self.updated)} unchanged"
        )


def read_rows(directory, filename, columns):
    path = directory / filename
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = set(columns) - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path}: missing columns {', '.join(sorted(missing))}")
            return list(reader)
    except FileNotFoundError as error:
        raise CommandError(f"{path} not found; run `python data/build.py` first") from error


def upsert(model, key, wanted, outcome):
    """Bring `model` rows in line with `wanted` ({key value: {field: value}}) in bulk.

    The bulk equivalent of update_or_create per row: one query to read, one to create, one to
    update, which keeps the 1,146 postcodes well under a second.
    """
    existing = model.objects.in_bulk(list(wanted), field_name=key)
    to_create, to_update, fields = [], [], set()
    for value, values in wanted.items():
        instance = existing.get(value)
        if instance is None:
            to_create.append(model(**{key: value}, **values))
            outcome.created.add(value)
            continue
        changed = [name for name, new in values.items() if getattr(instance, name) != new]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            to_update.append(instance)
            fields.update(changed)
            outcome.updated.add(value)
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields))


def primary_keys(model, key, values):
    """{natural key: primary key}, for the foreign keys of the next table."""
    return dict(model.objects.filter(**{f"{key}__in": list(values)}).values_list(key, "pk"))


def load_provinces(directory):
    outcome = Outcome("Provinces")
    rows = read_rows(
        directory, "provinces.csv", ["nis_code", "slug", "name_nl", "name_fr", "name_en", "region"]
    )
    outcome.rows = len(rows)
    wanted = {
        row["nis_code"]: {
            "slug": row["slug"],
            "name_nl": row["name_nl"],
            "name_fr": row["name_fr"],
            "name_en": row["name_en"],
            "region": row["region"],
        }
        for row in rows
    }
    upsert(Province, "nis_code", wanted, outcome)
    return primary_keys(Province, "nis_code", wanted), outcome


def load_municipalities(directory, province_ids):
    """Municipalities in two passes: all of them first, then who merged into whom."""
    outcome = Outcome("Municipalities")
    columns = [
        "nis_code",
        "name_nl",
        "name_fr",
        "province_nis",
        "region",
        "merged_into_nis",
        "merged_on",
    ]
    rows = read_rows(directory, "municipalities.csv", columns)
    outcome.rows = len(rows)
    wanted = {}
    for row in rows:
        province = row["province_nis"]
        if province and province not in province_ids:
            raise CommandError(f"municipality {row['nis_code']}: unknown province {province}")
        wanted[row["nis_code"]] = {
            "name_nl": row["name_nl"],
            "name_fr": row["name_fr"],
            "province_id": province_ids[province] if province else None,
            "region": row["region"],
            "merged_on": date.fromisoformat(row["merged_on"]) if row["merged_on"] else None,
        }
    upsert(Municipality, "nis_code", wanted, outcome)
    ids = primary_keys(Municipality, "nis_code", wanted)

    mergers = {}
    for row in rows:
        target = row["merged_into_nis"]
        if target and target not in ids:
            raise CommandError(f"municipality {row['nis_code']}: merged into unknown {target}")
        mergers[row["nis_code"]] = {"merged_into_id": ids[target] if target else None}
    merged = Outcome("mergers")
    upsert(Municipality, "nis_code", mergers, merged)
    outcome.updated |= merged.updated - outcome.created
    return ids, outcome


def load_postcodes(directory, municipality_ids):
    outcome = Outcome("Postcodes")
    rows = read_rows(
        directory, "postcodes.csv", ["code", "name", "municipality_nis", "latitude", "longitude"]
    )
    outcome.rows = len(rows)
    wanted = {}
    for row in rows:
        if row["municipality_nis"] not in municipality_ids:
            raise CommandError(
                f"postcode {row['code']}: unknown municipality {row['municipality_nis']}"
            )
        wanted[row["code"]] = {
            "name": row["name"],
            "municipality_id": municipality_ids[row["municipality_nis"]],
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
        }
    upsert(Postcode, "code", wanted, outcome)
    return outcome


def load_labels(directory, model, filename, key, label, extra=()):
    outcome = Outcome(label)
    rows = read_rows(directory, filename, [key, "name_nl", "name_fr", "name_en", *extra])
    outcome.rows = len(rows)
    wanted = {
        row[key]: {
            "name_nl": row["name_nl"],
            "name_fr": row["name_fr"],
            "name_en": row["name_en"],
            **{name: int(row[name]) for name in extra},
        }
        for row in rows
    }
    upsert(model, key, wanted, outcome)
    return outcome


def load_regions(directory, municipality_ids):
    """Regions and their municipalities; a changed list counts as an update of the region."""
    outcome = Outcome("Regions")
    columns = ["slug", "name", "kind", "province_nis", "municipality_nis"]
    rows = read_rows(directory, "regions.csv", columns)
    outcome.rows = len(rows)
    wanted = {row["slug"]: {"name": row["name"], "kind": row["kind"]} for row in rows}
    upsert(Region, "slug", wanted, outcome)
    ids = primary_keys(Region, "slug", wanted)

    current = set(
        Municipality.objects.current()
        .filter(nis_code__in=municipality_ids)
        .values_list("nis_code", flat=True)
    )
    through = Region.municipalities.through
    linked = {slug: set() for slug in ids}
    id_to_slug = {pk: slug for slug, pk in ids.items()}
    for region_id, municipality_id in through.objects.filter(
        region_id__in=ids.values()
    ).values_list("region_id", "municipality_id"):
        linked[id_to_slug[region_id]].add(municipality_id)
    for row in rows:
        codes = row["municipality_nis"].split()
        unknown = [code for code in codes if code not in current]
        if unknown:
            raise CommandError(f"region {row['slug']}: not current municipalities {unknown}")
        members = {municipality_ids[code] for code in codes}
        if members != linked[row["slug"]]:
            Region.objects.get(pk=ids[row["slug"]]).municipalities.set(members)
            if row["slug"] not in outcome.created:
                outcome.updated.add(row["slug"])
    return outcome


class Command(BaseCommand):
    help = (
        "Load provinces, municipalities, postcodes, NACE sectors, service categories and regions "
        "from data/*.csv. Safe to run again: it only creates and updates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="folder with the CSV files (default: the project's data/ folder)",
        )

    def handle(self, *args, data_dir=None, verbosity=1, **options):
        directory = data_dir or Path(settings.BASE_DIR) / "data"
        with transaction.atomic():
            province_ids, provinces = load_provinces(directory)
            municipality_ids, municipalities = load_municipalities(directory, province_ids)
            outcomes = [
                provinces,
                municipalities,
                load_postcodes(directory, municipality_ids),
                load_labels(directory, Sector, "sectors.csv", "code", "Sectors"),
                load_labels(
                    directory,
                    ServiceCategory,
                    "service_categories.csv",
                    "slug",
                    "Service categories",
                    extra=("position",),
                ),
                load_regions(directory, municipality_ids),
            ]
            for app_config in apps.get_app_configs():
                if app_config.name != "portal" and module_has_submodule(
                    app_config.module, "reference_data"
                ):
                    module = import_module(f"{app_config.name}.reference_data")
                    outcomes.extend(module.load(directory))
            # The service categories' names in every language are known words of the text
            # search: a typo in one still finds, and "Did you mean" offers them.
            textsearch.add_words(
                name
                for names in ServiceCategory.objects.values_list("name_nl", "name_fr", "name_en")
                for name in names
            )
            # Bulk writes send no signals: the processes' copies of the rows must go.
            reference.GENERATION.move()
        if verbosity:
            for outcome in outcomes:
                self.stdout.write(str(outcome))
