"""The exports' measurement of `python -m benchmarks` at a tiny size: it runs and reports the
directory CSV's figures against their targets. The served part (gunicorn, three downloads
against a search) is left out here: gunicorn would read another database than the test's.
Speed is measured, never asserted."""

import pytest

from benchmarks import runner
from benchmarks.registry import Size

pytestmark = pytest.mark.django_db

TINY = Size("tiny", organisations=60, opportunities=40, collaborations=30, vouchers=20)


def test_the_exports_measurement_reports_the_directory_csv(reference_data, settings, tmp_path):
    settings.DEBUG = True

    result, _ = runner.run(
        sizes=[TINY], only=["exports"], requests=2, repeat=1, output=tmp_path, log=lambda m: None
    )

    assert result["errors"] == {}
    figures = {figure["name"]: figure for figure in result["figures"]}
    name = "tiny.exports.directory_csv"
    assert figures[f"{name}.rows"]["value"] > 0
    assert figures[f"{name}.median"]["unit"] == "ms"
    assert figures[f"{name}.peak_memory_mb"]["value"] > 0
    assert 1 <= figures[f"{name}.queries"]["value"] <= 8
    ratio = figures[f"{name}.over_reference"]
    assert (ratio["target"], ratio["comparison"]) == (400, "<=")
    assert not any(".concurrency." in figure for figure in figures)
