"""benchmarks/measure_import.py at a tiny size: the three runs report what they did, and the
generated organisations are gone afterwards."""

import pytest

from benchmarks import measure_import
from companies.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_import_benchmark_adds_then_finds_unchanged_then_updates_and_cleans_up(
    reference_data,
):
    figures = measure_import.measure(30)

    assert figures["add"]["summary"].startswith("30 ")
    assert " 30 " in figures["again"]["summary"]
    assert figures["update"]["summary"].split(",")[1].strip().startswith("30 ")
    for run in ("add", "again", "update"):
        assert figures[run]["seconds"] > 0
        assert figures[run]["python_peak_mib"] > 0
    assert figures["process_peak_rss_mib"] > 0
    assert not measure_import.generated().exists()
    assert Organisation.objects.count() == 0


def test_the_generated_list_is_valid_for_the_importer(reference_data):
    from companies import organisation_import

    lines = organisation_import.read(measure_import.generated_list(50).encode())
    organisation_import.check(lines)

    assert [problem for line in lines for problem in line.problems] == []
