"""`manage.py import_collaborations FILE.csv` (companies/collaboration_import.py): every bad line
reported with its number and reason, all or nothing unless --skip-invalid, idempotent re-runs,
Excel's spellings, progress and bulk inserts for large files; files the csv module cannot read,
and imports run at once."""

import hashlib
import math
import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from companies import collaboration_import
from companies.management.commands.import_collaborations import Command
from companies.models import Collaboration
from portal.models import ServiceCategory
from tests.conftest import ROOT, _database_url_for_worker
from tests.factories import OrganisationFactory, OwnerFactory, SocialEnterpriseFactory

pytestmark = pytest.mark.django_db

HEADER = "regular_enterprise_number;social_enterprise_number;role;category;started;ended;channel"


@pytest.fixture
def orgs(reference_data):
    return SimpleNamespace(
        firm=OrganisationFactory(name="Brouwerij Het Anker"),
        school=OrganisationFactory(name="Basisschool De Linde", kind="school"),
        enterprise=SocialEnterpriseFactory(name="Groenwerk Mechelen"),
        shop=SocialEnterpriseFactory(name="Kringwinkel Mechelen"),
    )


def dotted(organisation):
    return organisation.enterprise_number_display


def csv_file(tmp_path, lines, *, header=HEADER, bom=True, delimiter=";", name="import.csv"):
    text = "\n".join([header.replace(";", delimiter), *lines]) + "\n"
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run(path, *options):
    """Run the command in English; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_collaborations", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_refused(path, *options):
    """Run a command that must refuse; returns (the error's message, stderr)."""
    err = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("import_collaborations", str(path), *options, stdout=StringIO(), stderr=err)
    return str(refused.value), err.getvalue()


def good_lines(orgs):
    return [
        f"{dotted(orgs.firm)};{dotted(orgs.enterprise)};client;groenonderhoud;2012-01-01;2015-06-30;regie",
        f"{dotted(orgs.school)};{dotted(orgs.shop)};partner;hergebruik-kringwinkel;01/09/2018;;network_event",
        f"{dotted(orgs.firm)};{dotted(orgs.shop)};supplier;;2020-03-15;;other",
    ]


def test_a_good_file_is_imported_confirmed_by_both_sides(tmp_path, orgs):
    out, err = run(csv_file(tmp_path, good_lines(orgs)))

    assert out.strip() == "3 imported, 0 already present."
    assert err == ""
    first, second, third = Collaboration.objects.order_by("started")
    assert (first.regular, first.social, first.role) == (orgs.firm, orgs.enterprise, "client")
    assert first.category == ServiceCategory.objects.get(slug="groenonderhoud")
    assert (first.started, first.ended) == (date(2012, 1, 1), date(2015, 6, 30))
    assert first.channel == "regie"
    assert (second.regular, second.social) == (orgs.school, orgs.shop)
    assert (second.started, second.ended) == (date(2018, 9, 1), None)
    assert (third.role, third.category) == ("supplier", None)
    assert Collaboration.objects.confirmed().count() == 3
    assert set(Collaboration.objects.values_list("source", flat=True)) == {"import"}
    normalised = (
        f"{orgs.firm.enterprise_number}|{orgs.enterprise.enterprise_number}|client|"
        "groenonderhoud|2012-01-01|2015-06-30|regie"
    )
    assert first.import_key == hashlib.sha256(normalised.encode()).hexdigest()


def test_commas_without_a_byte_order_mark_columns_in_any_order_and_extra_columns(tmp_path, orgs):
    header = (
        "name,channel,started,ended,role,category,social_enterprise_number,"
        "regular_enterprise_number"
    )
    line = (
        '"Het Anker, Mechelen",DIRECTORY,2019-05-01,,Client,Groenonderhoud,'
        f"{dotted(orgs.enterprise)},{dotted(orgs.firm)}"
    )

    out, _err = run(csv_file(tmp_path, [line, ""], header=header, bom=False, delimiter=","))

    assert out.strip() == "1 imported, 0 already present."
    collaboration = Collaboration.objects.get()
    assert (collaboration.regular, collaboration.social) == (orgs.firm, orgs.enterprise)
    assert (collaboration.role, collaboration.channel) == ("client", "directory")


def test_enterprise_numbers_in_any_kbo_spelling(tmp_path, orgs):
    digits = orgs.firm.enterprise_number
    spellings = [digits, f"BE{digits}", f"BE {digits[:4]} {digits[4:7]} {digits[7:]}", digits[1:]]
    lines = [
        f"{spelling};{dotted(orgs.enterprise)};client;groenonderhoud;{2012 + n}-01-01;;regie"
        for n, spelling in enumerate(spellings)
    ]

    out, _err = run(csv_file(tmp_path, lines))

    assert out.strip() == "4 imported, 0 already present."
    assert set(Collaboration.objects.values_list("regular", flat=True)) == {orgs.firm.pk}


def test_running_the_same_file_again_adds_nothing(tmp_path, orgs):
    path = csv_file(tmp_path, good_lines(orgs))
    run(path)

    out, _err = run(path)

    assert out.strip() == "0 imported, 3 already present."
    assert Collaboration.objects.count() == 3


def test_the_same_lines_spelt_differently_are_already_present(tmp_path, orgs):
    run(csv_file(tmp_path, good_lines(orgs)))
    respelt = [
        f"BE{orgs.firm.enterprise_number};{orgs.enterprise.enterprise_number};CLIENT;"
        "groenonderhoud;01.01.2012;30-06-2015;Regie",
        *good_lines(orgs)[1:],
        # One new line imports; the rest is there.
        f"{dotted(orgs.school)};{dotted(orgs.enterprise)};client;schoonmaak;2021-01-01;;voucher",
    ]

    out, _err = run(csv_file(tmp_path, respelt, name="again.csv"))

    assert out.strip() == "1 imported, 3 already present."
    assert Collaboration.objects.count() == 4


def test_a_collaboration_declared_or_recorded_before_is_not_imported_twice(tmp_path, orgs):
    from companies import collaborations

    collaborations.record(
        regular=orgs.firm,
        social=orgs.enterprise,
        role="client",
        category=ServiceCategory.objects.get(slug="groenonderhoud"),
        started=date(2012, 1, 1),
        channel="service_request",
        source="service_request",
    )

    out, _err = run(csv_file(tmp_path, good_lines(orgs)))

    assert out.strip() == "2 imported, 1 already present."
    assert Collaboration.objects.count() == 3
    assert Collaboration.objects.filter(source="import").count() == 2


def bad_file(tmp_path, orgs):
    """A file with one bad line of each kind between good ones; returns (path, expected)."""
    firm, enterprise = dotted(orgs.firm), dotted(orgs.enterprise)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    rows = [
        # line 2: good
        (f"{firm};{enterprise};client;groenonderhoud;2013-01-01;;regie", None),
        (
            "0403.170.701;" + enterprise + ";client;groenonderhoud;2013-01-01;;regie",
            "unknown_enterprise_number",
        ),
        (
            f"{firm};0403.170.702;client;groenonderhoud;2013-01-01;;regie",
            "invalid_enterprise_number",
        ),
        (f"{dotted(orgs.shop)};{enterprise};client;groenonderhoud;2013-01-01;;regie", "wrong_kind"),
        (f"{firm};{dotted(orgs.school)};client;groenonderhoud;2013-01-01;;regie", "wrong_kind"),
        (f"{firm};{enterprise};client;groenonderhoud;2013-02-30;;regie", "bad_date"),
        (
            f"{firm};{enterprise};client;groenonderhoud;2016-01-01;2015-12-31;regie",
            "end_before_start",
        ),
        (f"{firm};{enterprise};boss;groenonderhoud;2013-01-01;;regie", "unknown_role"),
        (f"{firm};{enterprise};client;tuinieren;2013-01-01;;regie", "unknown_category"),
        (f"{firm};{enterprise};client;groenonderhoud;2013-01-01;;telepathy", "unknown_channel"),
        (f"{firm};{enterprise};client;groenonderhoud;2011-12-31;;regie", "before_2012"),
        (f"{firm};{enterprise};client;groenonderhoud;{tomorrow};;regie", "start_in_future"),
        (f"{firm};{enterprise};client;groenonderhoud;2013-01-01;;regie", "duplicate_line"),
        (f"{firm};;client;groenonderhoud;2013-01-01;;regie", "missing"),
        (f"{firm};{enterprise};client;groenonderhoud;2013-01-01;regie", "field_count"),
        # the last line: good
        (f"{firm};{enterprise};partner;schoonmaak;2014-01-01;;voucher", None),
    ]
    path = csv_file(tmp_path, [line for line, _code in rows])
    expected = {number: code for number, (_line, code) in enumerate(rows, start=2) if code}
    return path, expected


def test_every_bad_line_is_reported_with_its_number_and_reason(tmp_path, orgs):
    path, expected = bad_file(tmp_path, orgs)

    with translation.override("en"):
        result = collaboration_import.import_collaborations(path.read_bytes())

    assert {error.line: error.code for error in result.errors} == expected
    assert len(result.errors) == len(expected)  # one reason each: nothing reported twice
    assert (result.lines, result.valid, result.imported) == (16, 2, 0)
    duplicate = next(error for error in result.errors if error.code == "duplicate_line")
    assert "the same collaboration as line 2" in duplicate.message
    assert not Collaboration.objects.exists()


def test_the_command_imports_nothing_when_a_line_is_bad(tmp_path, orgs):
    path, expected = bad_file(tmp_path, orgs)

    message, err = run_refused(path)

    assert message == (
        "14 of 16 lines are bad; nothing was imported. Correct them, or import the good lines "
        "with --skip-invalid."
    )
    reported = err.splitlines()
    assert [line.split(":")[0] for line in reported] == [f"line {n}" for n in expected]
    assert "line 3: regular_enterprise_number: no organisation with enterprise number " in err
    assert "0403.170.701 on the portal" in err
    assert "line 5: regular_enterprise_number: Kringwinkel Mechelen is a social-economy" in err
    assert "line 6: social_enterprise_number: Basisschool De Linde is not a social-economy" in err
    assert "line 7: started: “2013-02-30” is not a date" in err
    assert "line 8: ended: The end (Dec. 31, 2015) comes before the start (Jan. 1, 2016)." in err
    assert "line 9: unknown role “boss” (use client, supplier, partner)" in err
    assert "line 10: unknown service category “tuinieren”" in err
    assert "line 11: unknown channel “telepathy”" in err
    assert "line 12: started: The register starts on Jan. 1, 2012" in err
    assert "line 13: started: The start lies in the future" in err
    assert "line 16: expected 7 fields as in the header, found 6" in err
    assert not Collaboration.objects.exists()


def test_skip_invalid_imports_the_good_lines_and_reports_the_bad(tmp_path, orgs):
    path, expected = bad_file(tmp_path, orgs)

    out, err = run(path, "--skip-invalid")

    assert out.strip() == "2 imported, 0 already present, 14 bad lines skipped."
    assert len(err.splitlines()) == len(expected)
    assert Collaboration.objects.count() == 2
    again, _err = run(path, "--skip-invalid")
    assert again.strip() == "0 imported, 2 already present, 14 bad lines skipped."


def test_a_dry_run_writes_nothing(tmp_path, orgs):
    path = csv_file(tmp_path, good_lines(orgs))

    out, _err = run(path, "--dry-run")

    assert out.strip() == "Dry run: 3 would be imported, 0 already present."
    assert not Collaboration.objects.exists()
    run(path)
    out, _err = run(path, "--dry-run")
    assert out.strip() == "Dry run: 0 would be imported, 3 already present."


def test_a_dry_run_reports_bad_lines_without_failing(tmp_path, orgs):
    path, expected = bad_file(tmp_path, orgs)

    out, err = run(path, "--dry-run")

    assert out.strip() == "Dry run: 2 would be imported, 0 already present, 14 bad lines skipped."
    assert len(err.splitlines()) == len(expected)
    assert not Collaboration.objects.exists()


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (b"", "The file is empty"),
        (
            b"regular_enterprise_number;social_enterprise_number;role;started;channel\n",
            "The header lacks the column(s) category, ended.",
        ),
        (
            (HEADER + "\n0999000129;0999000226;client;;2013-01-01;;caf\xe9\n").encode("latin-1"),
            "The file is not UTF-8",
        ),
    ],
    ids=["empty", "missing-columns", "not-utf-8"],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(tmp_path, orgs, content, text):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)

    message, _err = run_refused(path)

    assert text in message
    assert not Collaboration.objects.exists()


def test_a_missing_file_is_refused(tmp_path, reference_data):
    message, _err = run_refused(tmp_path / "nowhere.csv")

    assert "Cannot read" in message
    assert "nowhere.csv" in message


def test_the_help_documents_the_columns():
    help_text = Command().create_parser("manage.py", "import_collaborations").format_help()
    for column in collaboration_import.COLUMNS:
        assert column in help_text
    assert "--skip-invalid" in help_text
    assert "--dry-run" in help_text


# --- A large file ----------------------------------------------------------------------------


@pytest.fixture
def five_thousand_lines(tmp_path, reference_data):
    """5,000 different collaborations between 5 firms and 5 enterprises, one a week from 2012."""
    firms = [OrganisationFactory() for _ in range(5)]
    enterprises = [SocialEnterpriseFactory() for _ in range(5)]
    lines = []
    for n in range(5000):
        firm, enterprise = firms[n % 5], enterprises[(n // 5) % 5]
        started = date(2012, 1, 2) + timedelta(days=7 * (n // 25))
        lines.append(
            f"{dotted(firm)};{dotted(enterprise)};client;schoonmaak;{started.isoformat()};;regie"
        )
    return csv_file(tmp_path, lines, name="large.csv")


def test_a_large_file_shows_progress_and_is_inserted_in_batches(five_thousand_lines):
    with CaptureQueriesContext(connection) as queries:
        out, err = run(five_thousand_lines)

    assert out.strip() == "5000 imported, 0 already present."
    assert Collaboration.objects.count() == 5000
    progress = err.splitlines()
    assert progress[:5] == [
        f"checked {n} of 5000 lines ({n // 50}%)" for n in (1000, 2000, 3000, 4000, 5000)
    ]
    assert progress[5:] == [
        f"imported {n} of 5000 collaborations ({n // 50}%)" for n in (1000, 2000, 3000, 4000, 5000)
    ]
    # Five batches of 1,000 rows: one INSERT each on PostgreSQL; SQLite allows fewer values
    # per statement, so Django splits each batch into as many as it needs.
    fields = [f for f in Collaboration._meta.concrete_fields if not f.primary_key]
    per_statement = min(1000, connection.ops.bulk_batch_size(fields, [None] * 1000))
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 5 * math.ceil(1000 / per_statement)
    # Besides: the categories, the organisations, the keys already imported (500 per query),
    # the collaborations of those firms, the transaction. Not a query per line.
    assert len(queries.captured_queries) - len(inserts) < 30


def test_a_large_file_imported_again_adds_nothing(five_thousand_lines):
    run(five_thousand_lines)

    out, err = run(five_thousand_lines, "-v", "0")

    assert out.strip() == "0 imported, 5000 already present."
    assert err == ""  # no progress at verbosity 0
    assert Collaboration.objects.count() == 5000


# --- What the csv module cannot read, and a header that names a column twice -----------------


def test_a_cell_over_the_csv_field_limit_is_refused_with_its_line_and_nothing_imported(
    tmp_path, orgs
):
    huge = "x" * 200_000
    lines = [
        *good_lines(orgs)[:2],
        f"{dotted(orgs.firm)};{dotted(orgs.enterprise)};client;{huge};2016-01-01;;regie",
        good_lines(orgs)[2],
    ]
    path = csv_file(tmp_path, lines)

    for options in [(), ("--skip-invalid",)]:
        message, _err = run_refused(path, *options)

        assert message == (
            "line 4: a cell is longer than 131072 characters; is a quote opened on this line "
            "never closed?"
        )
        assert not Collaboration.objects.exists()


@pytest.mark.parametrize(
    ("bad_line", "text"),
    [
        (
            '"{firm};{enterprise};client;groenonderhoud;2016-01-01;;regie',
            "line 3: a quote opened on this line is never closed",
        ),
        (
            '{firm};{enterprise};client;"groen"onderhoud;2016-01-01;;regie',
            "line 3: a quoted cell goes on after its closing quote",
        ),
    ],
    ids=["quote-never-closed", "text-after-the-closing-quote"],
)
def test_a_quote_the_csv_module_cannot_read_is_refused_with_its_line_and_nothing_imported(
    tmp_path, orgs, bad_line, text
):
    firm, enterprise = dotted(orgs.firm), dotted(orgs.enterprise)
    lines = [good_lines(orgs)[0], bad_line.format(firm=firm, enterprise=enterprise)]
    lines += good_lines(orgs)[1:]
    path = csv_file(tmp_path, lines)

    for options in [(), ("--skip-invalid",), ("--dry-run",)]:
        message, _err = run_refused(path, *options)

        assert message.startswith(text)
        assert not Collaboration.objects.exists()


def test_a_quote_closed_lines_later_names_the_lines_read_as_one(tmp_path, orgs):
    firm, enterprise = dotted(orgs.firm), dotted(orgs.enterprise)
    lines = [
        good_lines(orgs)[0],
        f'{firm};{enterprise};client;"groenonderhoud;2016-01-01;;regie',
        f'{firm};{enterprise};client;schoonmaak";2017-01-01;;regie',
        good_lines(orgs)[1],
    ]

    message, err = run_refused(csv_file(tmp_path, lines))

    assert "nothing was imported" in message
    assert err.strip() == "line 3: lines 3 to 4 are read as one line: is a quote left open?"
    assert not Collaboration.objects.exists()


def test_a_header_naming_a_column_twice_is_refused(tmp_path, orgs):
    header = HEADER + ";role"
    lines = [line + ";partner" for line in good_lines(orgs)]

    message, _err = run_refused(csv_file(tmp_path, lines, header=header))

    assert message == (
        "The header names the column(s) role more than once; keep one of each, so that it is "
        "clear which to read."
    )
    assert not Collaboration.objects.exists()


def test_a_header_may_repeat_a_column_that_is_not_read(tmp_path, orgs):
    header = HEADER + ";note;note;;"
    lines = [line + ";a;b;;" for line in good_lines(orgs)]

    out, _err = run(csv_file(tmp_path, lines, header=header))

    assert out.strip() == "3 imported, 0 already present."


def test_a_file_that_is_not_utf8_is_reported_by_its_line(tmp_path, orgs):
    lines = good_lines(orgs)
    text = "\n".join([HEADER, lines[0], lines[1], lines[2] + ";caf\xe9"]) + "\r\n"
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("latin-1"))

    message, _err = run_refused(path)

    assert message == (
        "The file is not UTF-8: line 4 holds bytes that cannot be read. Save it as “CSV UTF-8” "
        "and try again."
    )
    assert not Collaboration.objects.exists()


def test_two_lines_of_one_collaboration_are_refused_even_when_end_or_channel_differ(tmp_path, orgs):
    firm, enterprise = dotted(orgs.firm), dotted(orgs.enterprise)
    lines = [
        f"{firm};{enterprise};supplier;;2016-01-01;;regie",
        f"{firm};{enterprise};supplier;;01/01/2016;2018-12-31;directory",
    ]

    message, err = run_refused(csv_file(tmp_path, lines))

    assert "nothing was imported" in message
    assert err.strip() == "line 3: the same collaboration as line 2"
    assert not Collaboration.objects.exists()


def test_a_line_without_category_matches_a_declaration_without_one(tmp_path, orgs):
    from companies import collaborations

    owner = OwnerFactory(organisation=orgs.firm).user
    collaborations.declare(
        organisation=orgs.firm,
        other=orgs.shop,
        role="supplier",
        category=None,
        started=date(2020, 3, 15),
        channel="directory",
        by=owner,
    )

    out, _err = run(csv_file(tmp_path, good_lines(orgs)))

    assert out.strip() == "2 imported, 1 already present."
    assert Collaboration.objects.filter(category=None).count() == 1


# --- Imports run at once (PostgreSQL, real processes) -----------------------------------------


def waiting_backends():
    """How many connections to the test database wait for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        return cursor.fetchone()[0]


@contextmanager
def writes_held_back():
    """Hold every write to the register back (a lock on the table, reads still allowed) from
    another connection, until the block ends: imports started inside it all read the register
    before any of them can write, which is the race at its worst."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE companies_collaboration IN EXCLUSIVE MODE")
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
        text = gettext("%(imported)d imported, %(present)d already present")
    return re.compile(
        re.escape(text)
        .replace(re.escape("%(imported)d"), r"(?P<imported>\d+)")
        .replace(re.escape("%(present)d"), r"(?P<present>\d+)")
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "channels",
    [("regie", "regie", "regie"), ("regie", "directory", "other")],
    ids=["the-same-file", "each-file-another-channel"],
)
def test_three_imports_at_once_write_each_collaboration_once_and_their_counts_add_up(
    tmp_path, channels
):
    call_command("load_reference_data", verbosity=0)  # a transactional test starts empty
    firms = [OrganisationFactory() for _ in range(10)]
    enterprises = [SocialEnterpriseFactory() for _ in range(10)]
    # 2,000 collaborations: 10 x 10 pairs, 20 starts; half without a category (NULL).
    collaborations = [
        (firm, enterprise, ["schoonmaak", ""][n % 2], date(2012, 1, 2) + timedelta(weeks=n))
        for firm in firms
        for enterprise in enterprises
        for n in range(20)
    ]
    files = [
        csv_file(
            tmp_path,
            [
                f"{dotted(firm)};{dotted(enterprise)};client;{category};{started};;{channel}"
                for firm, enterprise, category, started in collaborations
            ],
            name=f"import-{index}.csv",
        )
        for index, channel in enumerate(channels)
    ]
    env = {**os.environ, "DATABASE_URL": _database_url_for_worker(), "DJANGO_DEBUG": "true"}

    with writes_held_back():
        processes = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "import_collaborations", str(path), "-v", "0"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for path in files
        ]
        deadline = time.monotonic() + 180
        while waiting_backends() < len(processes):
            finished = [process for process in processes if process.poll() is not None]
            assert not finished, finished[0].communicate()
            assert time.monotonic() < deadline, "the imports did not all reach the register"
            time.sleep(0.1)
    outputs = [process.communicate(timeout=180) for process in processes]

    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    pattern = summary_pattern()
    counts = [pattern.search(out).groupdict() for out, _err in outputs]
    imported = sorted(int(count["imported"]) for count in counts)
    present = sorted(int(count["present"]) for count in counts)
    print(f"\nthree imports of 2,000 lines at once: {counts}")
    assert imported == [0, 0, 2000]
    assert present == [0, 2000, 2000]
    assert Collaboration.objects.count() == 2000
    assert Collaboration.objects.filter(category=None).count() == 1000
