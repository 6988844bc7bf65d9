"""The nightly open-data files (api/dumps.py): the directory's base, public fields only, written
whole or not at all, by the worker's task and by hand."""

import csv
import io
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from api import dumps, privacy, tasks
from companies.models import OfferedService, Organisation
from portal.models import ServiceCategory
from tests.conftest import kept_for_the_module
from tests.factories import MembershipFactory, UserFactory, listed_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(reference_data, django_db_blocker):
    """Organisations of every case, written once for the module."""
    with kept_for_the_module(django_db_blocker):
        now = timezone.now()
        enterprise = listed_organisation(
            name="Groenwerk Haspengouw",
            services={"groenonderhoud": "Maaien"},
            recognitions=["maatwerkbedrijf"],
            website="https://groenwerk.example",
            email="info@groenwerk.example",
            phone="+3212345678",
            street="Mergelweg 12",
            verified_at=now,
            iban="BE71096123456769",
        )
        OfferedService.objects.filter(organisation=enterprise).update(radius_km=30)
        OfferedService.objects.create(
            organisation=enterprise,
            category=ServiceCategory.objects.get(slug="digitalisering"),
        )
        member = UserFactory(email="jan.janssens@example.be", name="Jan Janssens")
        MembershipFactory(user=member, organisation=enterprise, role="owner")
        hidden = listed_organisation(
            name="Discreet Atelier",
            kind="regular",
            street="Verborgen 1",
            email="stil@discreet.example",
            phone="+3298765432",
            website="https://discreet.example",
            show_address=False,
            show_email=False,
            show_phone=False,
            show_website=False,
        )
        stopped = listed_organisation(name="Gestopt Bedrijf")
        Organisation.objects.filter(pk=stopped.pk).update(
            kbo_stopped_on=timezone.localdate() - timedelta(days=400)
        )
        stale = listed_organisation(name="Vergeten Vzw")
        Organisation.objects.filter(pk=stale.pk).update(
            created_at=now - timedelta(days=365 * 4), details_confirmed_at=None
        )
        yield SimpleNamespace(enterprise=enterprise, hidden=hidden, stopped=stopped, stale=stale)


@pytest.fixture
def root(tmp_path, settings):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    return settings.OPEN_DATA_ROOT


def read_json(root):
    return json.loads((root / dumps.JSON_FILE).read_text(encoding="utf-8"))


def read_csv(root):
    text = (root / dumps.CSV_FILE).read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_the_files_hold_exactly_the_directory(world, root):
    index = dumps.write()

    expected = set(Organisation.objects.in_directory().values_list("enterprise_number", flat=True))
    from_json = [item["enterprise_number"] for item in read_json(root)["organisations"]]
    from_csv = [row["enterprise_number"] for row in read_csv(root)]
    assert set(from_json) == set(from_csv) == expected
    assert len(from_json) == len(expected) == index["records"] == read_json(root)["count"]
    assert world.stopped.enterprise_number not in expected
    assert world.stale.enterprise_number not in expected
    assert world.enterprise.enterprise_number in expected


def test_a_record_holds_the_public_profile(world, root):
    dumps.write()

    records = {item["enterprise_number"]: item for item in read_json(root)["organisations"]}
    item = records[world.enterprise.enterprise_number]
    assert list(item) == list(dumps.COLUMNS)
    assert item["name"] == "Groenwerk Haspengouw"
    assert item["kind"] == "social"
    assert item["url"] == f"{settings.SITE_URL}/organisations/{world.enterprise.slug}/"
    assert (item["street"], item["postcode"], item["municipality_nis"]) == (
        "Mergelweg 12",
        "3700",
        world.enterprise.municipality.nis_code,
    )
    assert item["province_nis"] == world.enterprise.province.nis_code
    assert (item["phone"], item["email"]) == ("+3212345678", "info@groenwerk.example")
    assert item["services"] == sorted(
        [
            {"category": "groenonderhoud", "radius_km": 30},
            {"category": "digitalisering", "radius_km": None},
        ],
        key=lambda service: ServiceCategory.objects.get(slug=service["category"]).pk,
    )
    assert item["recognitions"] == ["maatwerkbedrijf"]
    assert "reserved_contract" in item["procurement_routes"]
    assert item["verified"] is True
    assert item["verified_on"] == timezone.localdate().isoformat()
    assert item["details_confirmed_on"] == timezone.localdate().isoformat()
    assert item["updated_at"].startswith(timezone.localdate().isoformat())


def test_the_csv_says_the_same_as_the_json(world, root):
    dumps.write()

    rows = {row["enterprise_number"]: row for row in read_csv(root)}
    row = rows[world.enterprise.enterprise_number]
    assert list(row) == list(dumps.COLUMNS)
    assert set(row["services"].split("|")) == {"groenonderhoud:30", "digitalisering"}
    assert row["verified"] == "true"
    assert row["phone"] == "012 34 56 78"
    assert rows[world.hidden.enterprise_number]["verified"] == "false"


def test_hidden_contact_details_and_personal_data_stay_out(world, root):
    dumps.write()

    files = (root / dumps.CSV_FILE).read_text() + (root / dumps.JSON_FILE).read_text()
    for secret in (
        "Verborgen",
        "stil@discreet.example",
        "+3298765432",
        "98 76 54 32",
        "discreet.example",
        # A member, and the account the regie pays to.
        "jan.janssens@example.be",
        "Janssens",
        "BE71096123456769",
    ):
        assert secret not in files
    records = {item["enterprise_number"]: item for item in read_json(root)["organisations"]}
    hidden = records[world.hidden.enterprise_number]
    assert hidden["street"] == hidden["email"] == hidden["phone"] == hidden["website"] == ""
    assert hidden["postcode"]  # where it is stays public: the directory places it by it


def test_every_column_is_classified_as_public():
    """A new column fails until api/privacy.py says why it may be published."""
    unclassified = set(dumps.COLUMNS) - set(privacy.DUMP_COLUMNS_ALLOWED)
    assert not unclassified, f"dump columns not in api/privacy.py: {sorted(unclassified)}"


def test_the_json_states_the_licence_and_the_attribution(world, root):
    dumps.write()

    document = read_json(root)
    assert document["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert settings.PORTAL_NAME in document["attribution"]
    # The reference data's own credits travel with it (data/SOURCES.md).
    for credit in ("Statbel", "rubenv/belgium-zipcodes (MIT)", "GeoNames (CC BY 4.0)"):
        assert credit in document["attribution"]


def test_a_failed_run_leaves_the_previous_files_and_no_temporary_ones(world, root, monkeypatch):
    dumps.write()
    before = {name: (root / name).read_bytes() for name in (*dumps.FILES, dumps.INDEX_FILE)}
    calls = []

    def failing(values, words):
        calls.append(values)
        if len(calls) > 1:
            raise RuntimeError("the database went away")
        return original(values, words)

    original = dumps.record
    monkeypatch.setattr(dumps, "record", failing)
    with pytest.raises(RuntimeError):
        dumps.write()

    after = {name: (root / name).read_bytes() for name in before}
    assert after == before
    assert sorted(path.name for path in root.iterdir()) == sorted(before)


def test_a_download_that_is_open_reads_the_whole_file_it_opened(world, root):
    dumps.write()
    with (root / dumps.JSON_FILE).open("rb") as reading:
        first = reading.read(10)
        Organisation.objects.filter(pk=world.enterprise.pk).update(name="Nieuwe naam")
        dumps.write()
        rest = reading.read()

    old = json.loads(first + rest)
    assert "Groenwerk Haspengouw" in {item["name"] for item in old["organisations"]}
    assert "Nieuwe naam" in {item["name"] for item in read_json(root)["organisations"]}


def test_the_index_says_when_how_many_and_how_large(world, root):
    index = dumps.write()

    assert json.loads((root / dumps.INDEX_FILE).read_text()) == index
    for name in dumps.FILES:
        assert index["files"][name]["size"] == (root / name).stat().st_size
    # The files are readable by a web process running as another user.
    assert ((root / dumps.CSV_FILE).stat().st_mode & 0o777) == 0o644


def test_the_nightly_task_writes_the_files(world, root):
    """Through Celery, as beat sends it (inline here; a worker runs the same function)."""
    result = tasks.write_open_data.delay().get()

    assert result["records"] == Organisation.objects.in_directory().count()
    assert (root / dumps.CSV_FILE).exists() and (root / dumps.JSON_FILE).exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["write-open-data"]
    assert schedule["task"] == tasks.write_open_data.name


def test_the_command_writes_the_files_by_hand(world, root, tmp_path):
    out = io.StringIO()
    call_command("write_open_data", stdout=out)
    assert (root / dumps.JSON_FILE).exists()
    assert str(Organisation.objects.in_directory().count()) in out.getvalue()

    elsewhere = tmp_path / "elsewhere"
    call_command("write_open_data", root=str(elsewhere), stdout=io.StringIO())
    assert (elsewhere / dumps.CSV_FILE).exists()


def test_the_files_read_their_rows_in_a_fixed_number_of_queries(
    world, root, django_assert_max_num_queries
):
    """Rows come in chunks: a statement per chunk at most, whatever the number of rows (the
    recognitions' slugs and the eligibility table once)."""
    with django_assert_max_num_queries(12):
        dumps.write()
