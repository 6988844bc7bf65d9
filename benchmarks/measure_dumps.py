"""The nightly open-data files of the public directory (api/dumps.py, issue 24): how long the
worker takes to write them, and that its memory does not grow with the organisations.

`dumps.write()` is run as the worker runs it, into a temporary folder: once to warm up (the
reference rows come into memory, as in a worker that ran before), then `--repeat` times timed
(at most RUNS), then once under tracemalloc (untimed: tracing slows every allocation) for the
peak of Python memory. The statements of one run are counted. At two sizes the peaks are
compared: the rows stream in chunks and each record is written as it comes, so the larger size
should need no more memory than the smaller.
"""

import tempfile
import tracemalloc
from pathlib import Path

from django.db import connection

from api import dumps

from .measure_pages import Statements
from .registry import BenchmarkError, measurement
from .report import Figure, median, p95, timed

RUNS = 3
# The issue: the nightly dump of 50,000 organisations "in seconds and flat memory".
SECONDS_TARGET = 60
MEMORY_TARGET = 1.5


def _write(root):
    index = dumps.write(root=root)
    if not index["records"]:
        raise BenchmarkError("The directory is empty: seed data first.")
    return index


def comparisons(smaller, larger):
    """The dump at two sizes: its memory stays flat, its statements the same."""
    name = "dumps.directory"
    if f"{name}.peak_memory_mb" not in smaller or f"{name}.peak_memory_mb" not in larger:
        return []
    return [
        Figure(
            f"{name}.peak_memory_ratio",
            round(
                larger[f"{name}.peak_memory_mb"].value / smaller[f"{name}.peak_memory_mb"].value, 2
            ),
            "x",
            target=MEMORY_TARGET,
            comparison="<=",
            description="peak memory at the larger size / at the smaller size (memory flat)",
        ),
        Figure(
            f"{name}.records_ratio",
            round(larger[f"{name}.records"].value / smaller[f"{name}.records"].value, 2),
            "x",
            description="how many more organisations the larger size wrote",
        ),
    ]


@measurement(
    "dumps",
    title="Open data: the nightly CSV and JSON of the directory",
    compare=comparisons,
)
def measure(context):
    with tempfile.TemporaryDirectory(prefix="brugwerk-dumps-") as folder:
        root = Path(folder)
        index = _write(root)
        statements = Statements()
        with connection.execute_wrapper(statements):
            _write(root)
        seconds = timed(lambda: _write(root), min(max(context.repeat, 1), RUNS))
        tracemalloc.start()
        try:
            _write(root)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    records = index["records"]
    sizes = {name: item["size"] for name, item in index["files"].items()}
    middle = median(seconds)
    context.log(
        f"  dumps: {records} organisations in {middle:.2f} s (median of {len(seconds)}), "
        f"{len(statements.executed)} statements, peak {peak / 1e6:.2f} MB, "
        f"CSV {sizes[dumps.CSV_FILE] / 1e6:.1f} MB, JSON {sizes[dumps.JSON_FILE] / 1e6:.1f} MB"
    )
    name = "dumps.directory"
    return [
        Figure(f"{name}.records", records, "organisations", description="records in each file"),
        Figure(
            f"{name}.seconds",
            round(middle, 2),
            "s",
            target=SECONDS_TARGET,
            comparison="<=",
            description=f"dumps.write(): both files and the index, median of {len(seconds)}",
        ),
        Figure(f"{name}.seconds_p95", round(p95(seconds), 2), "s"),
        Figure(
            f"{name}.rate",
            round(records / middle) if middle else 0,
            "records/s",
            description="organisations written per second (to both files)",
        ),
        Figure(
            f"{name}.queries",
            len(statements.executed),
            "queries",
            description=(
                "statements of one run: the recognitions and eligibility once, the rows (on "
                "PostgreSQL one statement with services and recognitions as arrays; elsewhere "
                "two more per chunk)"
            ),
        ),
        Figure(
            f"{name}.peak_memory_mb",
            round(peak / 1e6, 2),
            "MB",
            description="tracemalloc's peak during one run (untimed)",
        ),
        Figure(f"{name}.csv_mb", round(sizes[dumps.CSV_FILE] / 1e6, 2), "MB"),
        Figure(f"{name}.json_mb", round(sizes[dumps.JSON_FILE] / 1e6, 2), "MB"),
    ]
