"""The open-data dump's measurement of `python -m benchmarks` at a tiny size: it writes the
files, counts the records and reports seconds and peak memory against their targets. Speed is
measured, never asserted."""

import pytest

from benchmarks import runner
from benchmarks.measure_dumps import SECONDS_TARGET
from benchmarks.registry import Size
from companies.models import Organisation

pytestmark = pytest.mark.django_db

TINY = Size("tiny", organisations=60, opportunities=20, collaborations=10, vouchers=5)


def test_the_dumps_measurement_writes_and_reports_the_files(reference_data, settings, tmp_path):
    settings.DEBUG = True
    settings.OPEN_DATA_ROOT = tmp_path / "published"

    result, _ = runner.run(
        sizes=[TINY], only=["dumps"], repeat=1, output=tmp_path, log=lambda m: None
    )

    assert result["errors"] == {}
    figures = {figure["name"]: figure for figure in result["figures"]}
    name = "tiny.dumps.directory"
    assert figures[f"{name}.records"]["value"] == Organisation.objects.in_directory().count() > 0
    seconds = figures[f"{name}.seconds"]
    assert (seconds["unit"], seconds["target"], seconds["comparison"]) == (
        "s",
        SECONDS_TARGET,
        "<=",
    )
    assert figures[f"{name}.peak_memory_mb"]["value"] > 0
    assert figures[f"{name}.csv_mb"]["value"] > 0 and figures[f"{name}.json_mb"]["value"] > 0
    # It wrote to a folder of its own, not to the published files.
    assert not (tmp_path / "published").exists()
