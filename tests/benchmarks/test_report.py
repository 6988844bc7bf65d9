"""Figures and the table of benchmarks/report.py."""

import pytest

from benchmarks.report import Figure, median, p95, table


def test_a_figure_with_a_target_says_whether_it_is_met():
    assert Figure("x", 60, "x", target=50, comparison=">=").met is True
    assert Figure("x", 40, "x", target=50, comparison=">=").met is False
    assert Figure("x", 400, "s", target=300, comparison="<=").met is False
    assert Figure("x", 5, "messages", target=5, comparison="==").met is True
    assert Figure("x", 5, "ms").met is None


def test_a_target_needs_a_comparison():
    with pytest.raises(ValueError, match="comparison"):
        Figure("x", 5, "ms", target=3)
    with pytest.raises(ValueError, match="Unknown"):
        Figure("x", 5, "ms", target=3, comparison=">")


def test_median_and_p95():
    runs = [float(n) for n in range(1, 101)]
    assert median(runs) == 50.5
    assert p95(runs) == 95.0
    assert p95([7.0]) == 7.0


def test_the_table_shows_targets_and_whether_they_are_met():
    text = table(
        [
            Figure("matching.request.speed_up", 71.7, "x", target=50, comparison=">="),
            Figure("seed.seconds", 400.0, "s", target=300, comparison="<="),
            Figure("delivery.rate", 812.3, "messages/s"),
        ]
    )
    lines = text.splitlines()
    assert lines[0].split() == ["figure", "value", "unit", "target", "met"]
    assert lines[2].split()[-1] == "yes"
    assert lines[3].split()[-1] == "NO"
    assert lines[4].split() == ["delivery.rate", "812.3", "messages/s"]
