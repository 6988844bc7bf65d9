"""The buying helper's measurement of `python -m benchmarks` at a tiny size: it runs, analyses
the three plans of 200 lines (one place, three sites, three places per line) in the queries the
tests pin, and reports the 200-places median against
its target. Speed is measured, never asserted."""

import pytest

from benchmarks import runner
from benchmarks.measure_procurement import LINES, QUERIES, TARGET_MS
from benchmarks.registry import Size

pytestmark = pytest.mark.django_db

TINY = Size("tiny", organisations=80, opportunities=20, collaborations=10, vouchers=5)


def test_the_procurement_measurement_analyses_both_plans(reference_data, settings, tmp_path):
    settings.DEBUG = True

    result, _ = runner.run(
        sizes=[TINY], only=["procurement"], repeat=1, output=tmp_path, log=lambda m: None
    )

    assert result["errors"] == {}
    figures = {figure["name"]: figure for figure in result["figures"]}
    for label in ("places_200", "places_3", "places_200_3_per_line"):
        name = f"tiny.procurement.plan.{label}"
        assert figures[f"{name}.queries"]["value"] == QUERIES
        assert figures[f"{name}.median"]["unit"] == "ms"
        assert figures[f"{name}.counted"]["value"] >= 0
        assert figures[f"{name}.joint"]["unit"] == "lines"
    median = figures["tiny.procurement.plan.places_200.median"]
    assert (median["target"], median["comparison"]) == (TARGET_MS, "<=")
    assert LINES == 200
