"""The lists' CSV downloads at volume (issue 20, item 3): the directory's file of every
organisation, its time, statements and memory, and what three downloads at once do to a search.

In this process, through Django's test Client with DEBUG off as the pages are measured
(benchmarks/measure_pages.py): the whole body of `/organisations/?format=csv` is read, round-robin
with the reference page, `EXPORT_REQUESTS` times after a warm-up (or `--requests`, when fewer).
The first download of the process is timed apart (`first_ms`): each process keeps the shown form
of the phone numbers it formatted (portal/phones.py), so that download also formats them. Then
one download is read under tracemalloc (untimed) for its peak memory: the rows stream in chunks,
so the peak should not grow with the rows.

Served: gunicorn with the project's gunicorn.conf.py (processes, threads, the export slots in the
shared Redis of settings.EXPORT_CONCURRENCY) on a free port, against the same database and
Redis, DEBUG off (benchmarks/served_settings.py). The directory search of the pages measurement
is requested `SEARCHES` times idle (half before, half after) and `SEARCHES` times while
`DOWNLOADERS` threads download the full CSV in a loop; the figures are both medians and their
ratio (target `UNDER_EXPORTS_TARGET`), and how many downloads were served and refused (503,
"busy") meanwhile. Only the standard library speaks HTTP. A test database cannot be reached
from another process: there the served part is left out (tests/benchmarks/test_exports.py).
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path
from statistics import median as plain_median
from time import monotonic, perf_counter, sleep
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from portal import phones

from .measure_pages import REFERENCE, URLCONF, Statements, pages
from .registry import BenchmarkError, measurement
from .report import Figure, median, p95

PATH = "/organisations/"
PARAMS = {"format": "csv"}
EXPORT_REQUESTS = 10
# The targets: the file within 400 times the reference page, its peak memory at the
# larger size at most 1.5 times the smaller's, a search under three downloads within twice its
# idle time.
OVER_REFERENCE_TARGET = 400
MEMORY_TARGET = 1.5
UNDER_EXPORTS_TARGET = 2
SEARCHES = 20
DOWNLOADERS = 3
ROOT = Path(__file__).resolve().parent.parent
HOST = "localhost"


def _download(client):
    response = client.get(PATH, PARAMS)
    if response.status_code != 200:
        raise BenchmarkError(f"{PATH}?format=csv answered {response.status_code}.")
    # Lines end in CRLF (a line break inside a cell is a lone LF in the generated data).
    # The test Client closes the response after its last block (a second close() would close
    # the database connection, as at the end of a request).
    lines = sum(block.count(b"\r\n") for block in response.streaming_content)
    return lines - 1  # the header


def _reference(client):
    if client.get(REFERENCE.path).status_code != 200:
        raise BenchmarkError(f"{REFERENCE.path} did not answer 200.")


def in_process(context, requests):
    """(figures, seconds of the file, seconds of the reference) in this process."""
    client = Client(SERVER_NAME=HOST)
    figures = []
    with override_settings(ROOT_URLCONF=URLCONF, DEBUG=False):
        cache.delete_many([f"csvexport:slot:{number}" for number in range(8)])
        phones.display.cache_clear()
        started = perf_counter()
        rows = _download(client)
        first_ms = (perf_counter() - started) * 1000
        statements = Statements()
        with connection.execute_wrapper(statements):
            _download(client)
        for _ in range(2):
            _reference(client)
        seconds, reference_seconds = [], []
        for _ in range(requests):
            started = perf_counter()
            _reference(client)
            reference_seconds.append(perf_counter() - started)
            started = perf_counter()
            _download(client)
            seconds.append(perf_counter() - started)
        tracemalloc.start()
        try:
            _download(client)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    median_ms, reference_ms = median(seconds) * 1000, median(reference_seconds) * 1000
    context.log(
        f"  directory CSV: {rows} rows, median {median_ms:.0f} ms "
        f"({median_ms / reference_ms:.0f}x the reference, {reference_ms:.1f} ms), first "
        f"{first_ms:.0f} ms, {len(statements.executed)} statements, peak {peak / 1e6:.1f} MB"
    )
    name = "exports.directory_csv"
    figures += [
        Figure(f"{name}.rows", rows, "rows", description="organisations in the file"),
        Figure(
            f"{name}.median",
            round(median_ms, 1),
            "ms",
            description=f"{requests} downloads, the whole body read (test Client, DEBUG off)",
        ),
        Figure(f"{name}.p95", round(p95(seconds) * 1000, 1), "ms"),
        Figure(
            f"{name}.first_ms",
            round(first_ms, 1),
            "ms",
            description="the first download of the process, which formats every phone number",
        ),
        Figure("exports.reference.median", round(reference_ms, 2), "ms"),
        Figure(
            f"{name}.over_reference",
            round(median_ms / reference_ms, 1),
            "x",
            target=OVER_REFERENCE_TARGET,
            comparison="<=",
            description="median / the reference page's median, same round-robin",
        ),
        Figure(
            f"{name}.queries",
            len(statements.executed),
            "queries",
            description=(
                "statements of one download: whether it is small (a count of at most "
                "EXPORT_SMALL_ROWS + 1 rows), the recognitions' names and, on PostgreSQL, one "
                "statement for every row (services and recognitions as arrays), at any size"
            ),
        ),
        Figure(
            f"{name}.peak_memory_mb",
            round(peak / 1e6, 2),
            "MB",
            description="tracemalloc's peak while one download is read (untimed)",
        ),
    ]
    return figures


# --- Served by gunicorn ---------------------------------------------------------------------


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port, path, *, timeout=120):
    """(status, seconds) of one GET, the body read."""
    started = perf_counter()
    conversation = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conversation.request("GET", path, headers={"Host": HOST})
        response = conversation.getresponse()
        while response.read(65536):
            pass
        return response.status, perf_counter() - started
    finally:
        conversation.close()


def _start(port):
    environment = {
        **os.environ,
        "PORT": str(port),
        "GUNICORN_HEALTH_PORT": "0",
        "DJANGO_DEBUG": "true",  # the embedded run's defaults; served_settings turns DEBUG off
        "DJANGO_SETTINGS_MODULE": "benchmarks.served_settings",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = monotonic() + 60
    while monotonic() < deadline:
        if server.poll() is not None:
            raise BenchmarkError(f"gunicorn stopped at its start (exit {server.returncode}).")
        try:
            if _get(port, "/health/", timeout=5)[0] == 200:
                return server
        except OSError:
            pass
        sleep(0.5)
    server.terminate()
    raise BenchmarkError("gunicorn did not answer /health/ within 60 s.")


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _searches(port, path, count):
    seconds = []
    for _ in range(count):
        status, took = _get(port, path)
        if status != 200:
            raise BenchmarkError(f"{path} answered {status} under gunicorn.")
        seconds.append(took)
    return seconds


def served(context):
    """Figures of a search idle and under DOWNLOADERS full downloads, served by gunicorn."""
    directory = next(page for page in pages() if page.name == "directory")
    search = f"{directory.path}?{urlencode(directory.params)}"
    download = f"{PATH}?{urlencode(PARAMS)}"
    port = _free_port()
    cache.delete_many([f"csvexport:slot:{number}" for number in range(8)])
    server = _start(port)
    stop = threading.Event()
    outcomes = []  # (status, seconds) of each download while the searches ran

    def downloader():
        while not stop.is_set():
            try:
                outcomes.append(_get(port, download))
            except OSError:
                outcomes.append((None, 0))

    threads = [threading.Thread(target=downloader, daemon=True) for _ in range(DOWNLOADERS)]
    try:
        _searches(port, search, 5)  # every process warm
        # Half the idle searches before the downloads and half after, so that other work on
        # the machine coming or going weighs on both figures alike.
        idle = _searches(port, search, SEARCHES // 2)
        for thread in threads:
            thread.start()
        sleep(1)  # the downloads under way
        loaded = _searches(port, search, SEARCHES)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        idle += _searches(port, search, SEARCHES - SEARCHES // 2)
    finally:
        stop.set()
        _stop(server)
    idle_ms, loaded_ms = median(idle) * 1000, median(loaded) * 1000
    served_ok = [seconds for status, seconds in outcomes if status == 200]
    refused = sum(1 for status, _seconds in outcomes if status == 503)
    context.log(
        f"  search served: idle {idle_ms:.0f} ms, under {DOWNLOADERS} downloads "
        f"{loaded_ms:.0f} ms ({loaded_ms / idle_ms:.2f}x); downloads served {len(served_ok)}, "
        f"refused {refused}, others {len(outcomes) - len(served_ok) - refused}"
    )
    name = "exports.concurrency"
    return [
        Figure(
            f"{name}.search_idle.median",
            round(idle_ms, 1),
            "ms",
            description=f"the directory search of the pages measurement, {SEARCHES} requests, "
            "served by gunicorn (gunicorn.conf.py)",
        ),
        Figure(
            f"{name}.search_under_exports.median",
            round(loaded_ms, 1),
            "ms",
            description=f"the same while {DOWNLOADERS} clients download the full CSV in a loop",
        ),
        Figure(
            f"{name}.ratio",
            round(loaded_ms / idle_ms, 2),
            "x",
            target=UNDER_EXPORTS_TARGET,
            comparison="<=",
            description="search_under_exports.median / search_idle.median",
        ),
        Figure(
            f"{name}.downloads_served",
            len(served_ok),
            "downloads",
            description="full downloads completed while the searches ran",
        ),
        Figure(
            f"{name}.downloads_refused",
            refused,
            "downloads",
            description="downloads answered 503 (no export slot free within the wait)",
        ),
        Figure(
            f"{name}.download_served.median",
            round(plain_median(served_ok) * 1000, 1) if served_ok else 0,
            "ms",
            description="a completed download, served, over the network",
        ),
    ]


def _servable():
    """Whether a gunicorn process would read the data this process reads: not a test database
    (SQLite in memory, or PostgreSQL's test_ copy)."""
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "postgresql" and not name.startswith("test_")


def comparisons(smaller, larger):
    """The file at two sizes: its memory stays flat, its statements the same."""
    name = "exports.directory_csv"
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
            f"{name}.queries",
            larger[f"{name}.queries"].value,
            "queries",
            target=smaller[f"{name}.queries"].value,
            comparison="==",
            description="statements of a download at the larger size, to equal the smaller's",
        ),
    ]


@measurement(
    "exports",
    title="Exports: the directory CSV, its memory and its neighbours",
    compare=comparisons,
)
def measure(context):
    requests = min(context.options.get("requests", EXPORT_REQUESTS), EXPORT_REQUESTS)
    figures = in_process(context, requests)
    if _servable():
        figures += served(context)
    else:
        context.log("  served: left out (a test database; gunicorn would read another one)")
        context.notes["exports.concurrency"] = "left out: a test database"
    return figures
