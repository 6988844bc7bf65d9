"""`manage.py import_organisations FILE.csv` (companies/organisation_import.py): the official
lists a regie holds, read as `import_collaborations` reads its files (companies/csv_import.py):
every bad line reported with its number and reason, all or nothing unless --skip-invalid,
UTF-8 or Windows-1252, semicolons or commas, idempotent re-runs that update only unclaimed
listings, progress on long files, imports run at once, and the demo's list."""

import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from companies import search
from companies.demo import DEMO_LIST, DEMO_LIST_SOURCE
from companies.models import Membership, OfferedService, Organisation
from tests.conftest import ROOT, _database_url_for_worker
from tests.factories import OrganisationFactory, OwnerFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "enterprise_number;name;kind;recognitions;postcode;street;services;phone;email;website;"
    "target_groups"
)


def number(index, *, dotted=True):
    """A made-up valid enterprise number of the 0996 range, as a list would write it."""
    first_eight = 9960000 + index
    digits = f"0{first_eight:07d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if dotted else digits


def line(index, **cells):
    values = {
        "enterprise_number": number(index),
        "name": f"Maatwerk Limburg {index}",
        "kind": "social",
        "recognitions": "maatwerkbedrijf",
        "postcode": "3600",
        "street": f"Industrieweg {index}",
        "services": "groenonderhoud:25|schoonmaak",
        "phone": "089 12 34 56",
        "email": f"info@maatwerk{index}.test",
        "website": f"www.maatwerk{index}.test",
        "target_groups": "arbeidshandicap",
        **cells,
    }
    return ";".join(values[column] for column in HEADER.split(";"))


def csv_file(tmp_path, lines, *, encoding="utf-8", bom=True, delimiter=";", name="lijst.csv"):
    text = "\n".join([HEADER, *lines]) + "\n"
    if delimiter != ";":
        text = text.replace(";", delimiter)
    path = tmp_path / name
    prefix = "\ufeff".encode() if bom and encoding == "utf-8" else b""
    path.write_bytes(prefix + text.encode(encoding))
    return path


def run(path, *options):
    """Run the command in English; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_organisations", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_refused(path, *options):
    """Run a command that must refuse; returns (the error's message, stderr)."""
    err = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("import_organisations", str(path), *options, stdout=StringIO(), stderr=err)
    return str(refused.value), err.getvalue()


@pytest.fixture
def lists(reference_data, tmp_path):
    return tmp_path


# --- Bad lines ----------------------------------------------------------------------------------


def test_each_bad_line_is_reported_with_its_number_and_reason_and_nothing_is_written(lists):
    path = csv_file(
        lists,
        [
            line(1),
            line(2, recognitions="maatwerkbedrijf|erkend-door-niemand"),
            line(3, services="groenonderhoud:25|ruimtevaart"),
            line(4, kind="coöperatief"),
            line(5, enterprise_number="0403.170.702"),
            line(6, postcode="9999"),
            line(7, services="groenonderhoud:veel"),
            line(8, services="schoonmaak:0"),
            line(9, email="info@"),
            line(10, website="http://"),
            line(11, phone="bel ons"),
            line(1, name="Hetzelfde nummer"),
            line(12, name=""),
            line(13, target_groups="astronauten"),
        ],
    )

    message, err = run_refused(path)

    assert message == (
        "13 of 14 lines are bad; nothing was imported. Correct them, or import the good lines "
        "with --skip-invalid."
    )
    reported = err.splitlines()
    expected = {
        3: "erkend-door-niemand",
        4: "ruimtevaart",
        5: "coöperatief",
        6: "0403.170.702 is not a valid enterprise number",
        7: "9999 is not a Belgian postcode",
        8: "“veel”, is not a whole number of km",
        9: "“0”, is not a whole number of km",
        10: "email: “info@”",
        11: "website: “http://”",
        12: "phone: “bel ons” is not a phone number",
        13: f"enterprise number {number(1)} is on line 2 too",
        14: "name is empty",
        15: "astronauten",
    }
    for line_number, reason in expected.items():
        assert any(
            text.startswith(f"line {line_number}: ") and reason in text for text in reported
        ), (line_number, reason, reported)
    assert not any(text.startswith("line 2: ") for text in reported)
    assert Organisation.objects.count() == 0


def test_with_the_kbo_register_loaded_unknown_and_stopped_numbers_are_refused(lists):
    from django.utils import timezone

    from companies.models import KboEnterprise

    loaded = timezone.now()
    KboEnterprise.objects.create(number=number(1, dotted=False), status="AC", loaded_at=loaded)
    KboEnterprise.objects.create(
        number=number(2, dotted=False), status="ST", stopped=True, loaded_at=loaded
    )
    path = csv_file(lists, [line(1), line(2), line(3)])

    message, err = run_refused(path)

    assert "line 3: " in err and "has stopped" in err
    assert "line 4: " in err and "does not know the enterprise number" in err
    assert "line 2: " not in err
    assert Organisation.objects.count() == 0


def test_skip_invalid_imports_the_good_lines_and_reports_the_bad_ones(lists):
    path = csv_file(lists, [line(1), line(2, postcode="0000"), line(3)])

    out, err = run(path, "--skip-invalid")

    assert "line 3: postcode: 0000 is not a Belgian postcode" in err
    assert out.strip() == (
        "2 added, 0 updated, 0 unchanged, 0 claimed (left as their owners keep them), 1 skipped."
    )
    assert set(Organisation.objects.values_list("enterprise_number", flat=True)) == {
        number(1, dotted=False),
        number(3, dotted=False),
    }


def test_dry_run_reports_what_would_be_added_and_writes_nothing(lists):
    out, _err = run(csv_file(lists, [line(1), line(2)]), "--dry-run")

    assert out.strip().startswith("Dry run: 2 would be added, 0 updated")
    assert Organisation.objects.count() == 0


def test_a_file_that_is_not_csv_of_a_list_is_refused_as_a_whole(lists):
    path = lists / "kapot.csv"
    path.write_text("enterprise_number;name\n0403.170.701;Iets\n")

    message, _err = run_refused(path)

    assert message.startswith("The header lacks the column(s) kind, recognitions, postcode")


# --- Encodings and separators ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", True), ("utf-8", False), ("cp1252", False)],
    ids=["utf-8-with-bom", "utf-8", "windows-1252"],
)
@pytest.mark.parametrize("delimiter", [";", ","], ids=["semicolons", "commas"])
def test_each_encoding_and_separator_reads_the_same_organisation(lists, encoding, bom, delimiter):
    path = csv_file(
        lists,
        [line(1, name="Atelier Coöperatie Zoë", street="Rue de l’Église 3")],
        encoding=encoding,
        bom=bom,
        delimiter=delimiter,
    )

    out, _err = run(path)

    assert out.startswith("1 added")
    organisation = Organisation.objects.get()
    assert organisation.name == "Atelier Coöperatie Zoë"
    assert organisation.street == "Rue de l’Église 3"
    assert organisation.enterprise_number == number(1, dotted=False)
    assert {s.category.slug: s.radius_km for s in organisation.services.all()} == {
        "groenonderhoud": 25,
        "schoonmaak": None,
    }


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused_with_their_line(lists):
    path = lists / "lijst.csv"
    path.write_bytes(HEADER.encode() + b"\n" + line(1).encode() + b"\n" + b"\x81\x8d;x\n")

    message, _err = run_refused(path)

    assert "neither UTF-8 nor Windows-1252: line 3" in message


# --- What an import writes, and re-runs --------------------------------------------------------


def test_imported_listings_are_unclaimed_unverified_and_carry_their_source(lists):
    run(csv_file(lists, [line(1)]), "--source", "lijst erkende maatwerkbedrijven")

    organisation = Organisation.objects.get()
    assert organisation.memberships.count() == 0
    assert organisation.verified_at is None
    assert organisation.source == "lijst erkende maatwerkbedrijven"
    assert organisation.source_date is not None
    assert organisation.website == "https://www.maatwerk1.test"
    assert organisation.municipality.postcodes.filter(code="3600").exists()
    assert [r.slug for r in organisation.recognitions.all()] == ["maatwerkbedrijf"]
    assert [g.slug for g in organisation.target_groups.all()] == ["arbeidshandicap"]
    # The listing is found at once by its name and by its services (companies/search.py).
    assert "Groenonderhoud" in organisation.search_text
    everything = Organisation.objects.all()
    assert list(search.search(everything, "groenonderhoud")) == [organisation]
    assert list(search.search(everything, "maatwerk limburg")) == [organisation]
    assert organisation.slug == "maatwerk-limburg-1"


def test_names_are_normalised_as_every_way_in_normalises_them(lists):
    run(csv_file(lists, [line(1, name="  Maatwerk   Limburg\u200b ")]))

    assert Organisation.objects.get().name == "Maatwerk Limburg"


def test_a_second_run_of_the_same_file_adds_and_changes_nothing(lists):
    path = csv_file(lists, [line(1), line(2), line(3)])
    run(path)
    before = list(Organisation.objects.order_by("pk").values("pk", "updated_at", "source_date"))

    out, _err = run(path)

    assert out.startswith("0 added, 0 updated, 3 unchanged")
    assert Organisation.objects.count() == 3
    assert OfferedService.objects.count() == 6
    after = list(Organisation.objects.order_by("pk").values("pk", "updated_at", "source_date"))
    assert after == before


def test_a_newer_list_updates_the_unclaimed_listing_it_owns(lists):
    run(csv_file(lists, [line(1), line(2)]), "--source", "lijst erkende maatwerkbedrijven")
    newer = csv_file(
        lists,
        [
            line(1, name="Maatwerk Limburg Oost", postcode="3500", services="catering:10"),
            line(2),
            line(3),
        ],
        name="nieuwer.csv",
    )

    out, _err = run(newer, "--source", "lijst erkende maatwerkbedrijven")

    assert out.startswith("1 added, 1 updated, 1 unchanged")
    organisation = Organisation.objects.get(enterprise_number=number(1, dotted=False))
    assert organisation.name == "Maatwerk Limburg Oost"
    assert organisation.postcode.code == "3500"
    assert [s.category.slug for s in organisation.services.all()] == ["catering"]
    assert organisation.slug == "maatwerk-limburg-1", "links to the listing keep working"
    assert list(search.search(Organisation.objects.all(), "oost")) == [organisation]
    assert list(search.search(Organisation.objects.all(), "catering")) == [organisation]

    out, _err = run(newer)

    assert out.startswith("0 added, 3 updated"), "the source is the file's too"
    assert Organisation.objects.get(pk=organisation.pk).source == "nieuwer"


def test_a_claimed_listing_is_left_as_its_owners_keep_it(lists):
    run(csv_file(lists, [line(1)]))
    organisation = Organisation.objects.get()
    OwnerFactory(organisation=organisation)
    organisation.name = "Maatwerk Limburg, zoals de eigenaar het schrijft"
    organisation.save()

    out, err = run(csv_file(lists, [line(1, phone="011 99 99 99")], name="weer.csv"))

    assert out.startswith("0 added, 0 updated, 0 unchanged, 1 claimed")
    assert "line 2: Maatwerk Limburg, zoals de eigenaar het schrijft is claimed, left as" in err
    organisation.refresh_from_db()
    assert organisation.name == "Maatwerk Limburg, zoals de eigenaar het schrijft"
    assert organisation.phone == "+3289123456"


def test_an_organisation_members_created_is_never_taken_over_by_a_list(lists):
    member = OwnerFactory(organisation=OrganisationFactory(enterprise_number=number(4)))

    run(csv_file(lists, [line(4)]))

    organisation = Organisation.objects.get()
    assert organisation.name == member.organisation.name
    assert organisation.source == ""
    assert Membership.objects.filter(organisation=organisation).count() == 1


def test_progress_is_reported_every_thousand_lines_on_stderr(lists):
    path = csv_file(lists, [line(index) for index in range(1, 2101)])

    out, err = run(path)

    assert "checked 1000 of 2100 lines (47%)" in err
    assert "checked 2100 of 2100 lines (100%)" in err
    assert "imported 2000 of 2100 organisations (95%)" in err
    assert out.startswith("2100 added")


# --- The profile and the demo ------------------------------------------------------------------


def test_the_profile_says_which_list_a_listing_comes_from(lists, client):
    run(csv_file(lists, [line(1)]), "--source", "lijst erkende maatwerkbedrijven")
    organisation = Organisation.objects.get()
    organisation.source_date = date(2026, 3, 12)
    organisation.save(update_fields=["source_date"])

    with translation.override("en"):
        response = client.get(reverse("companies:profile", args=[organisation.slug]))

    assert response.status_code == 200
    assert "from the lijst erkende maatwerkbedrijven, March 2026" in response.content.decode()


def test_a_profile_created_by_hand_shows_no_source(reference_data, client):
    organisation = OrganisationFactory()

    response = client.get(reverse("companies:profile", args=[organisation.slug]))

    assert response.status_code == 200
    with translation.override("nl"):
        assert gettext("Source") not in response.content.decode()


def test_the_demo_has_imported_unclaimed_listings_beside_claimed_ones(reference_data, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    imported = Organisation.objects.filter(source=DEMO_LIST_SOURCE)
    assert imported.count() == 32
    assert not imported.filter(memberships__isnull=False).exists()
    assert imported.filter(municipality__province__name_nl="Limburg").count() == 32
    assert Organisation.objects.filter(memberships__isnull=False).exists()
    out, _err = run(DEMO_LIST, "--dry-run", "--source", DEMO_LIST_SOURCE)
    assert out.startswith("Dry run: 0 would be added, 0 updated; 32 unchanged")


def test_users_are_not_made_members_by_an_import(lists):
    UserFactory(email="info@maatwerk1.test")

    run(csv_file(lists, [line(1)]))

    assert Membership.objects.count() == 0


# --- Imports run at once (PostgreSQL, real processes) ------------------------------------------


def waiting_backends():
    """How many connections to the test database wait for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return cursor.fetchone()[0]


@contextmanager
def organisation_writes_held_back():
    """Hold every write to the organisations back from another connection (reads still
    allowed) until the block ends: imports started inside it all read what is present before
    any of them can write, which is the race at its worst."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE companies_organisation IN EXCLUSIVE MODE")
                locked.set()
                release.wait(timeout=300)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=60)
    try:
        yield
    finally:
        release.set()
        holder.join()


def summary_pattern():
    """The command's summary as the subprocesses write it (in Dutch, the portal's language)."""
    with translation.override("nl"):
        text = gettext(
            "%(added)d added, %(updated)d updated, %(unchanged)d unchanged, %(claimed)d "
            "claimed (left as their owners keep them), %(skipped)d skipped."
        )
    pattern = re.escape(text)
    for name in ("added", "updated", "unchanged", "claimed", "skipped"):
        pattern = pattern.replace(re.escape(f"%({name})d"), rf"(?P<{name}>\d+)")
    return re.compile(pattern)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_add_each_organisation_once(tmp_path, transactional_reference_data):
    path = csv_file(tmp_path, [line(index) for index in range(1, 301)])
    env = {**os.environ, "DATABASE_URL": _database_url_for_worker(), "DJANGO_DEBUG": "true"}

    with organisation_writes_held_back():
        processes = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "import_organisations", str(path), "-v", "0"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 180
        while waiting_backends() < len(processes):
            finished = [process for process in processes if process.poll() is not None]
            assert not finished, finished[0].communicate()
            assert time.monotonic() < deadline, "the imports did not both reach the table"
            time.sleep(0.1)
    outputs = [process.communicate(timeout=180) for process in processes]

    assert [process.returncode for process in processes] == [0, 0], outputs
    counts = [summary_pattern().search(out).groupdict() for out, _err in outputs]
    assert sorted(int(count["added"]) for count in counts) == [0, 300]
    assert sorted(int(count["unchanged"]) for count in counts) == [0, 300]
    assert Organisation.objects.count() == 300
    assert OfferedService.objects.count() == 600


def test_listings_with_names_already_taken_get_slugs_of_their_own(lists):
    OrganisationFactory(name="Maatwerk Limburg")

    run(csv_file(lists, [line(1, name="Maatwerk Limburg"), line(2, name="Maatwerk Limburg")]))

    assert set(Organisation.objects.values_list("slug", flat=True)) == {
        "maatwerk-limburg",
        "maatwerk-limburg-2",
        "maatwerk-limburg-3",
    }
