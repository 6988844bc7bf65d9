"""How the portal is served in production: gunicorn.conf.py, the Dockerfile and docker-compose.yml.

The latency of /health/ under load is measured, not asserted: benchmarks/health_under_load.py
(benchmarks/README.md has the figures).
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.portal.test_settings import PRODUCTION, run_django

# The served processes use databases of their own, whatever the suite runs on.
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SERVING_VARIABLES = ("PORT", "GUNICORN_HEALTH_PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS")


def environment(**env):
    clean = {k: v for k, v in os.environ.items() if k not in SERVING_VARIABLES}
    return {**clean, **env}


def gunicorn_config(**env):
    """The settings gunicorn reads from gunicorn.conf.py in this environment."""
    result = subprocess.run(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py", "--print-config", "portal.wsgi"],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


def test_gunicorn_serves_health_probes_on_a_listener_of_their_own():
    config = gunicorn_config(WEB_CONCURRENCY="3", GUNICORN_THREADS="2")

    assert config["bind"] == "['0.0.0.0:8000', '0.0.0.0:8001']"
    assert config["worker_class"] == "gthread"
    assert config["workers"] == "3"
    # A process accepts only what its threads serve now, with a thread for the probe.
    assert config["worker_connections"] == "2"
    assert config["threads"] == "3"
    assert config["control_socket_disable"] == "True"


def test_without_a_health_port_every_thread_serves_pages():
    config = gunicorn_config(PORT="9000", GUNICORN_HEALTH_PORT="0", GUNICORN_THREADS="4")

    assert config["bind"] == "['0.0.0.0:9000']"
    assert config["threads"] == config["worker_connections"] == "4"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GUNICORN_THREADS": "many"}, "GUNICORN_THREADS must be a whole number, not 'many'"),
        ({"GUNICORN_THREADS": "0"}, "GUNICORN_THREADS must be 1 or more"),
        ({"GUNICORN_HEALTH_PORT": "8000"}, "GUNICORN_HEALTH_PORT must differ from PORT"),
    ],
)
def test_a_bad_serving_setting_stops_the_start_naming_the_variable(env, message):
    result = subprocess.run(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py", "--check-config", "portal.wsgi"],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_the_image_and_the_compose_stack_start_gunicorn_with_its_config():
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()

    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"]' in dockerfile
    assert "gunicorn -c gunicorn.conf.py portal.wsgi" in compose
    # The container's healthcheck probes the health port.
    assert "http://localhost:8001/health/" in compose


def test_gunicorn_with_its_config_answers_health_on_both_ports(tmp_path):
    page_port, health_port = free_port(), free_port()
    env = environment(
        PORT=str(page_port),
        GUNICORN_HEALTH_PORT=str(health_port),
        WEB_CONCURRENCY="1",
        # A database of its own, never the tests': /health/ only needs it to answer.
        DATABASE_URL=f"sqlite:///{tmp_path / 'serving.sqlite3'}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
    )
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(  # noqa: S603
        [GUNICORN, "-c", "gunicorn.conf.py", "portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answers = {port: health(port) for port in (health_port, page_port)}
    finally:
        server.terminate()
        server.wait(timeout=30)

    for status, body in answers.values():
        # The database answers but holds no tables here, so the report says "down" (503);
        # what matters is that the portal itself answers on both listeners.
        assert status in (200, 503)
        assert body["database"] in ("ok", "down")
        assert body["broker"] == "inline"


def test_in_production_a_plain_http_probe_of_health_is_answered_not_redirected(tmp_path):
    # The load balancer probes the process over http; every other page still goes to https.
    result = run_django(
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='brugwerk.example.be')\n"
        "print(c.get('/health/').status_code, c.get('/organisations/').status_code)\n",
        **PRODUCTION,
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    probe, page = result.stdout.split()
    assert probe in ("200", "503")  # this database holds no tables: "down", but answered
    assert page == "301"


def health(port, *, within=60):
    """GET /health/ on a port once gunicorn listens there."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=10) as answer:  # noqa: S310
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
