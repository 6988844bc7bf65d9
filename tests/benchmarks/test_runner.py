"""`python -m benchmarks` at a tiny size, so that the machinery cannot rot: seeding, set-based
matching against the naive reference (which must find the same enterprises), delivery over a
real SMTP server, the pages, and the JSON report. Speed is measured, never asserted."""

import json
import subprocess
import sys

import pytest

from benchmarks import measure_matching, naive_matching, registry, runner
from benchmarks.registry import Size
from portal.models import Notification
from vacancies.models import Match

pytestmark = pytest.mark.django_db

TINY = Size("tiny", organisations=60, opportunities=120, collaborations=40, vouchers=20,
            notifications=30)  # fmt: skip


@pytest.fixture
def tiny_run(reference_data, settings, tmp_path):
    settings.DEBUG = True
    # The pages have tests of their own (test_pages.py).
    result, path = runner.run(
        sizes=[TINY],
        only=["matching", "delivery"],
        repeat=1,
        output=tmp_path,
        log=lambda message: None,
    )
    assert result["errors"] == {}
    return result, path, tmp_path


def figures(result, size="tiny"):
    """The figures of one size by their name without the size."""
    prefix = f"{size}."
    return {
        figure["name"].removeprefix(prefix): figure
        for figure in result["figures"]
        if figure["name"].startswith(prefix)
    }


def test_writes_a_report_with_one_entry_per_figure(tiny_run):
    result, path, directory = tiny_run

    assert json.loads(path.read_text()) == result
    assert json.loads((directory / "latest.json").read_text()) == result
    assert result["sizes"] == ["tiny"]
    assert result["generated"]["tiny"]["organisations"] == TINY.organisations
    assert len(result["generated"]["tiny"]["load_average"]) == 3
    for figure in result["figures"]:
        assert set(figure) >= {"name", "value", "unit", "target", "met"}
        assert (figure["target"] is None) == (figure["met"] is None)
        assert figure["name"].startswith("tiny.")
    names = set(figures(result))
    assert {"seed.seconds", "matching.request.speed_up", "matching.vacancy.speed_up"} <= names
    assert {"delivery.seconds", "delivery.rate", "delivery.arrived_once"} <= names


def test_set_based_and_naive_matching_find_the_same_enterprises(tiny_run):
    """The run asserted the equality; the figures show it compared something real."""
    result, _, _ = tiny_run
    found = figures(result)
    assert (
        found["matching.request.matches"]["value"] + found["matching.vacancy.matches"]["value"] > 0
    )
    assert found["matching.request.set_based.queries"]["value"] == 1
    assert found["matching.vacancy.set_based.queries"]["value"] == 1
    assert found["matching.request.naive.queries"]["value"] > TINY.organisations / 10
    assert found["matching.request.speed_up"]["target"] == measure_matching.SPEED_UP_TARGET
    assert "tiny.matching.request.plan" in result["notes"]
    # Measuring writes nothing: no matches stored, no emails left behind.
    assert not Match.objects.exists()
    assert not Notification.objects.exists()


def test_every_notification_arrived_exactly_once(tiny_run):
    result, _, _ = tiny_run
    arrived = figures(result)["delivery.arrived_once"]
    assert arrived["value"] == arrived["target"] == TINY.notifications
    assert arrived["met"] is True


def test_naive_reference_agrees_with_set_based_matching_for_every_published_opportunity(
    tiny_run,
):
    from vacancies.models import ServiceRequest, Vacancy

    for model, related in [(ServiceRequest, "category"), (Vacancy, "sector")]:
        for opportunity in model.objects.published().select_related("organisation", related):
            measure_matching.assert_same(
                measure_matching.set_based(opportunity),
                naive_matching.matches(opportunity),
                opportunity.code,
            )


def test_a_difference_between_the_two_ways_fails_the_measurement():
    with pytest.raises(AssertionError, match="only naive"):
        measure_matching.assert_same({1: (3.0, 297.0)}, {2: (3.0, 297.0)}, "x")
    with pytest.raises(AssertionError, match="scoring"):
        measure_matching.assert_same({1: (3.0, 297.0)}, {1: (3.5, 296.5)}, "x")


def test_a_second_run_reuses_the_data_it_seeded(tiny_run, tmp_path):
    result, _, _ = tiny_run

    again, _ = runner.run(
        sizes=[TINY], only=["matching"], repeat=1, output=tmp_path, log=lambda message: None
    )

    assert again["errors"] == {}
    assert "seed.seconds" not in figures(again)
    assert again["generated"]["tiny"]["organisations"] == TINY.organisations


def test_the_registry_knows_every_measurement():
    assert {"matching", "delivery", "pages", "workqueue"} <= set(registry.load())


def test_python_m_benchmarks_starts_django_and_explains_its_options():
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"],
        cwd=runner.settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "--size" in completed.stdout and "--only" in completed.stdout


def test_a_failing_measurement_is_reported_and_the_others_still_run(
    reference_data, settings, tmp_path, monkeypatch
):
    settings.DEBUG = True

    def broken(context):
        raise registry.BenchmarkError("no such page")

    registry.load()
    monkeypatch.setitem(
        registry.MEASUREMENTS, "broken", registry.Measurement("broken", "Broken", broken)
    )

    result, _ = runner.run(
        sizes=[TINY], only=["broken", "matching"], repeat=1, output=tmp_path, log=lambda m: None
    )

    assert result["errors"] == {"tiny.broken": "BenchmarkError: no such page"}
    assert "matching.request.speed_up" in figures(result)
