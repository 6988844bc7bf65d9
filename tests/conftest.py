"""Fixtures shared by the whole suite.

Tests that need PostgreSQL, Redis (with a real Celery worker) or chromium are marked and skip
with the reason when that service is absent. With BRUGWERK_NO_SKIP=1 (set by .ci/run for the
run on real services) a missing service fails such a test instead of skipping it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.result import allow_join_result
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config):
    """Give each pytest-xdist worker a Redis database of its own for the cache.

    Tests clear the cache (allauth's and our rate-limit counts live there); on a shared Redis
    database one worker's clear would wipe the counts of a test running in the other.
    """
    workerinput = getattr(config, "workerinput", None)
    if not (workerinput and django_settings.REDIS_URL):
        return
    parts = urlsplit(django_settings.REDIS_URL)
    base = int(parts.path.strip("/") or 0)
    worker = int(workerinput["workerid"].removeprefix("gw"))
    database = (base + 1 + worker) % 16
    django_settings.CACHES["default"]["LOCATION"] = urlunsplit(parts._replace(path=f"/{database}"))


def _skip_or_fail(reason):
    if os.environ.get("BRUGWERK_NO_SKIP") == "1":
        pytest.fail(f"{reason} (BRUGWERK_NO_SKIP=1: this run must not skip)")
    pytest.skip(reason)


def _redis_reachable():
    if not django_settings.REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(django_settings.REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("sqlite") and connection.vendor != "sqlite":
        pytest.skip("tests the SQLite fallback; deselect with -m 'not sqlite' on PostgreSQL")
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not _redis_reachable():
        _skip_or_fail("needs Redis and a Celery worker: set REDIS_URL=redis://...")
    if item.get_closest_marker("e2e") and not Path(CHROMIUM).exists():
        _skip_or_fail(f"needs chromium at {CHROMIUM} (apt-get install chromium)")


def pytest_collection_modifyitems(config, items):
    """Run tests on a transactional database (the browser tests, real workers) last.

    They empty every table when they finish, so the reference data the other tests load once
    per session would be gone (tests/e2e/conftest.py puts back what the browser tests need).
    """

    def transactional(item):
        marker = item.get_closest_marker("django_db")
        return bool(marker and marker.kwargs.get("transaction"))

    items.sort(key=transactional)


def pytest_terminal_summary(terminalreporter):
    """How many hypothesis examples the bad-input tests ran (tests/security/bad_input/).

    Each such test records its count in its teardown report, which reaches this process from
    the pytest-xdist workers too.
    """
    total = sum(
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "teardown"
        for name, value in getattr(report, "user_properties", ())
        if name == "hypothesis_examples"
    )
    if total:
        terminalreporter.write_line(f"hypothesis examples run: {total}")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run inline unless a test starts a real worker (the celery_worker fixture).
    celery_app.conf.task_always_eager = True
    # allauth counts rate limits in the cache; every test starts with a clean count.
    cache.clear()
    # The API's rate limits stay out of the way of tests that read many rows; the tests of the
    # limits themselves (tests/api/test_throttling.py) set low ones.
    settings.API_RATE_ANONYMOUS = settings.API_RATE_TOKEN = "100000/minute"
    # A request to /fr/ or /en/ leaves its language active in this thread; start in Dutch.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    celery_app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server in this process (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=email_policy.default))
        return "250 Message accepted for delivery"

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def wait_for(self, count=1, timeout=30):
        """Wait until `count` messages arrived; a worker delivers them asynchronously."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} email(s), got {len(self.messages)}")
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp_sink(settings):
    """Route the portal's email to a real SMTP server in the test process."""
    sink = SmtpSink()
    sink.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.controller.stop()


def _database_url_for_worker():
    """The test database, as a URL a worker process can open (PostgreSQL only)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def broker_down(app=celery_app):
    """Point the Celery app at a port where nothing listens, as if Redis were down.

    The app caches its connection pool and its producers; both are set aside and restored.
    """
    saved = app.conf.broker_url, app._pool, app.amqp._producer_pool
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


def finished(result, timeout=30):
    """Wait for a task sent to the real worker and return its result. Celery refuses to wait
    while it believes this thread is inside a task: its flag is global to the process, so an
    eager task still running in another thread (a live server's) would make the wait fail."""
    with allow_join_result():
        return result.get(timeout=timeout)


def _route_tasks(app, routes):
    # Celery caches both the parsed routes and the router built from them.
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()


@pytest.fixture
def celery_worker(smtp_sink, tmp_path):
    """A real `celery -A portal worker` process on Redis, on a queue of its own.

    The test process enqueues to that queue only, so no other worker on the same Redis can take
    the test's tasks; the worker sends email to the test's SMTP sink.
    """
    if not _redis_reachable():
        _skip_or_fail("needs Redis: set REDIS_URL=redis://...")
    queue = f"brugwerk-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "EMAIL_URL": smtp_sink.url,
        "DATABASE_URL": _database_url_for_worker(),
        "DJANGO_DEBUG": "true",
        "SITE_URL": django_settings.SITE_URL,  # links in the emails the worker renders
        # What the worker itself enqueues (delivery after matching, ...) stays on its queue.
        "CELERY_QUEUE": queue,
        # The cache this test process uses (each xdist worker has a Redis database of its own).
        "CACHE_URL": django_settings.CACHES["default"].get("LOCATION") or "",
    }
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [
            celery,
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--queues",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    previous_routes = celery_app.conf.task_routes
    _route_tasks(celery_app, {"*": {"queue": queue}})
    try:
        ping = celery_app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=1)
        deadline = time.monotonic() + 30
        while not ping:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"the worker did not start:\n{(tmp_path / 'worker.log').read_text()}"
                )
            ping = celery_app.control.ping(
                destination=[f"{queue}@{socket.gethostname()}"], timeout=1
            )
        yield process
    finally:
        _route_tasks(celery_app, previous_routes)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        # Shown by pytest with the report of a failing test.
        print((tmp_path / "worker.log").read_text())


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture(scope="session")
def reference_data(django_db_setup, django_db_blocker):
    """The shipped reference data, loaded once for the whole session.

    It is committed outside the per-test transactions, so every test sees it and none can undo it.
    """
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@contextmanager
def kept_for_the_module(django_db_blocker):
    """Within, what is written is kept for a module's tests and undone when the module ends.

    For data that is slow to write and only read by the tests (the demo): it is written once in
    a transaction left open; each test's own transaction (pytest-django's) is a savepoint inside
    it and rolls back to it. Only for modules whose tests are not transactional.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_data(reference_data, django_db_blocker):
    """The demo (`seed_demo`, which runs only with DEBUG on), seeded once per module."""
    with kept_for_the_module(django_db_blocker), override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)
        yield


# Vocabularies that ship as data migrations; a transactional test's flush removes them.
VOCABULARY_MIGRATIONS = [
    "companies.migrations.0003_recognitions_and_target_groups",
    "vacancies.migrations.0003_supports",
]


@pytest.fixture
def transactional_reference_data(transactional_db):
    """For a transactional test: the reference data and the shipped vocabularies again.

    A transactional test empties every table when it ends, so what the migrations and the
    session's reference-data load wrote may be gone when the next one starts; put it back.
    """
    from importlib import import_module

    from django.apps import apps

    # The vocabularies first: procurement's reference data names recognitions.
    for module in VOCABULARY_MIGRATIONS:
        import_module(module).create(apps, None)
    call_command("load_reference_data", verbosity=0)
