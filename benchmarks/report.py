"""Figures, the statistics behind them, and the report: a JSON file and a table.

Every figure is one entry in the JSON report: its name, value, unit, target and whether the
target is met (null when a figure has no target). Targets are what the issues ask for; they are
reported, never asserted: a benchmark tells where the portal stands.
"""

import json
import statistics
from dataclasses import dataclass
from time import perf_counter

COMPARISONS = {
    ">=": lambda value, target: value >= target,
    "<=": lambda value, target: value <= target,
    "==": lambda value, target: value == target,
}


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    target: float | None = None
    comparison: str | None = None  # how value and target compare when the target is met
    description: str = ""

    def __post_init__(self):
        if (self.target is None) != (self.comparison is None):
            raise ValueError("A target needs a comparison, and a comparison a target.")
        if self.comparison is not None and self.comparison not in COMPARISONS:
            raise ValueError(f"Unknown comparison {self.comparison!r}.")

    @property
    def met(self):
        if self.target is None:
            return None
        return COMPARISONS[self.comparison](self.value, self.target)

    def as_dict(self):
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "comparison": self.comparison,
            "met": self.met,
            "description": self.description,
        }


def timed(function, repeat):
    """Run `function` `repeat` times; returns the seconds of each run."""
    seconds = []
    for _ in range(repeat):
        started = perf_counter()
        function()
        seconds.append(perf_counter() - started)
    return seconds


def median(values):
    return statistics.median(values)


def p95(values):
    """The 95th percentile (nearest rank): the value 95 % of the runs stay at or under."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def write(report, directory, *, stamp):
    """Write the report as <stamp>.json and as latest.json in `directory`; returns the first."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    path = directory / f"{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (directory / "latest.json").write_text(text, encoding="utf-8")
    return path


def _number(value):
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,}"


def table(figures):
    """The figures as a plain-text table."""
    rows = [("figure", "value", "unit", "target", "met")]
    for figure in figures:
        target = "" if figure.target is None else f"{figure.comparison} {_number(figure.target)}"
        met = {None: "", True: "yes", False: "NO"}[figure.met]
        rows.append((figure.name, _number(figure.value), figure.unit, target, met))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            row[0].ljust(widths[0]),
            row[1].rjust(widths[1]),
            row[2].ljust(widths[2]),
            row[3].ljust(widths[3]),
            row[4],
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
