"""The measurements `python -m benchmarks` knows, and the data sizes they run at.

A measurement is a function that takes a Context and returns a list of report.Figure; it is
registered with @measurement in a module listed in MODULES. To add one, write a module with such
a function and add the module to MODULES. A measurement may also name a `compare` function:
given its figures at a smaller and at a larger size ({name: Figure} each), it returns the
figures that compare them (ratios with their targets); the runner calls it when a run measured
more than one size.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

MODULES = [
    "benchmarks.measure_matching",
    "benchmarks.measure_delivery",
    "benchmarks.measure_pages",
    "benchmarks.measure_workqueue",
    "benchmarks.measure_admin",
    "benchmarks.measure_exports",
    "benchmarks.measure_procurement",
    "benchmarks.measure_dumps",
    "benchmarks.measure_api",
]


@dataclass(frozen=True)
class Size:
    """How much generated data a run measures against (benchmarks/generator.py)."""

    name: str
    organisations: int
    opportunities: int
    collaborations: int
    vouchers: int
    # Notifications the delivery measurement sends, whatever the data size.
    notifications: int = 5_000
    # Seconds within which `seed_bulk` should write this size ("a few minutes" for the large).
    seed_target_seconds: float | None = None


SIZES = {
    "small": Size("small", 5_000, 20_000, 10_000, 1_000, seed_target_seconds=60),
    "large": Size("large", 50_000, 200_000, 100_000, 10_000, seed_target_seconds=300),
}


@dataclass
class Context:
    size: Size
    repeat: int = 5
    log: Callable[[str], None] = print
    # Longer texts for the JSON report (query plans, ...), by name.
    notes: dict = field(default_factory=dict)
    # Options of a measurement given on the command line (`requests` for the pages).
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    name: str
    title: str
    function: Callable
    compare: Callable | None = None


MEASUREMENTS: dict[str, Measurement] = {}


class BenchmarkError(Exception):
    """A measurement cannot run here (no data, a busy outbox, ...); the message says why."""


def measurement(name, *, title, compare=None):
    """Register the decorated function as the measurement `name` (see the module's docstring
    for `compare`)."""

    def register(function):
        MEASUREMENTS[name] = Measurement(name, title, function, compare)
        return function

    return register


def load():
    """Import the modules that register measurements; returns the registry."""
    for module in MODULES:
        import_module(module)
    return MEASUREMENTS
