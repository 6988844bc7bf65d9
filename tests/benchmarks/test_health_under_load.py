"""`python -m benchmarks.health_under_load` against a small HTTP server, so that the machinery
cannot rot: the load, the probes and the figures. Speed is measured, never asserted."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from benchmarks.health_under_load import percentile

ROOT = Path(__file__).resolve().parents[2]


class Portal(BaseHTTPRequestHandler):
    """Answers /health/ with JSON and every other path with a page."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = b'{"status": "ok"}' if self.path == "/health/" else b"<p>page</p>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def portal():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_probe_and_the_load_are_counted_and_written(portal, tmp_path):
    output = tmp_path / "health.json"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "benchmarks.health_under_load", "--base", portal,
         "--page", "/organisations/?q=groen", "--clients", "3", "--seconds", "1",
         "--warm-up", "0.2", "--interval", "0.2", "--label", "tiny", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("tiny: /health/ p50 ")
    figures = json.loads(output.read_text())
    assert figures["health"]["count"] == 5  # every 0.2 s for 1 s
    assert figures["health"]["statuses"] == {"200": 5}
    assert figures["health"]["p50_ms"] <= figures["health"]["p95_ms"] <= figures["health"]["max_ms"]
    assert figures["load"]["count"] > 0
    assert figures["load"]["statuses"] == {"200": figures["load"]["count"]}
    assert figures["load"]["connection_errors"] == 0


def test_percentiles_take_the_nearest_rank():
    values = [0.1 * number for number in range(1, 21)]

    assert percentile(values, 0.5) == pytest.approx(1.0)
    assert percentile(values, 0.95) == pytest.approx(1.9)
    assert percentile([], 0.95) is None
