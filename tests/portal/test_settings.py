"""The settings contract: read from the environment, fail loudly, safe in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-settings-test-0123",
    "DJANGO_ALLOWED_HOSTS": "brugwerk.example.be",
    "SITE_URL": "https://brugwerk.example.be",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.be:587?tls=1",
    # Production runs several web processes, which share their rate limits in Redis.
    "REDIS_URL": "redis://redis.example.be:6379/0",
}


def run_django(code, **env):
    """Start a fresh interpreter with the given environment and run code after django.setup()."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    clean.update(env)
    script = f"import django; django.setup()\n{code}"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_URL"))}
    clean.pop("REDIS_URL", None)
    clean.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_embedded_default_is_sqlite_with_immediate_transactions_and_inline_tasks():
    result = run_django(
        "from django.conf import settings as s\n"
        "db = s.DATABASES['default']\n"
        "print(db['ENGINE'], db['OPTIONS']['transaction_mode'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.EMAIL_BACKEND.rsplit('.', 2)[-2])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "True", "console"]


def test_database_url_and_redis_url_switch_to_postgres_and_a_broker():
    result = run_django(
        "from django.conf import settings as s\n"
        "db = s.DATABASES['default']\n"
        "print(db['ENGINE'], db['NAME'], db['HOST'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])",
        DATABASE_URL="postgres://someone@db.example:5432/brugwerk",
        REDIS_URL="redis://broker.example:6379/2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "brugwerk",
        "db.example",
        "False",
        "redis://broker.example:6379/2",
        "FailOpenRedisCache",
    ]


def test_production_requires_a_secret_key():
    result = run_django("", DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="brugwerk.example.be")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be true or false"),
        ("EMAIL_URL", "pigeon://loft", "EMAIL_URL must start with one of"),
        ("EMAIL_URL", "smtp://mail.example.be:notaport", "has a bad port"),
        ("DJANGO_HSTS_SECONDS", "a year", "DJANGO_HSTS_SECONDS must be a whole number"),
        # 0 would refuse every invitation: a limit is 1 or more.
        ("INVITATIONS_PER_HOUR", "0", "INVITATIONS_PER_HOUR must be a whole number, 1 or more"),
        ("JOIN_REQUESTS_PER_DAY", "-3", "JOIN_REQUESTS_PER_DAY must be a whole number, 1 or more"),
    ],
)
def test_a_bad_value_stops_the_start_with_a_clear_message(variable, value, message):
    env = {**PRODUCTION, variable: value}
    result = run_django("", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_are_secure():
    result = run_django(
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True", "False"]


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_each_process_keeps_its_own_cache():
    # Without Redis every gunicorn worker counts rate limits and used one-time codes alone.
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **without_redis)

    assert result.returncode != 0
    assert "(portal.W003) The cache is kept in each process" in result.stderr
    assert "Set REDIS_URL=" in result.stderr


def test_make_check_deploy_imitates_a_production_with_redis():
    commands = make_dry_run("check-deploy").replace("\\\n", " ")

    check = next(line for line in commands.splitlines() if "check --deploy" in line)
    assert "REDIS_URL=redis://" in check


def test_check_reports_a_site_url_that_is_not_an_address():
    result = manage("check", **{**PRODUCTION, "SITE_URL": "brugwerk"})
    assert result.returncode != 0
    assert "SITE_URL must be an absolute http(s) address" in result.stderr


def make_dry_run(*args, **env):
    """What `make -n` would run: the commands, with the Makefile's variables filled in."""
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    clean.update(env)
    result = subprocess.run(  # noqa: S603
        ["make", "-n", "--no-print-directory", *args],  # noqa: S607
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_links_emails_to_the_port_it_serves():
    commands = make_dry_run("run", "PORT=8123")

    # The web server, the worker and beat (with REDIS_URL) render links to the server that runs.
    starts = [line for line in commands.splitlines() if "runserver" in line or "celery" in line]
    assert len(starts) == 4  # worker, beat and web server; or the web server alone
    assert all("SITE_URL='http://127.0.0.1:8123' " in line for line in starts)
    assert "runserver 127.0.0.1:8123" in commands
    assert "Open http://127.0.0.1:8123/" in commands


def test_make_run_on_all_interfaces_links_to_the_local_address():
    commands = make_dry_run("run", "HOST=0.0.0.0", "PORT=8124")

    assert "runserver 0.0.0.0:8124" in commands
    assert "SITE_URL='http://127.0.0.1:8124'" in commands


def test_make_run_keeps_a_site_url_that_is_set():
    commands = make_dry_run("run", "PORT=8123", SITE_URL="https://brugwerk.example.be")

    assert "SITE_URL='http://127.0.0.1:8123'" not in commands
    # The web server, the worker and beat, and the open-data files (their links).
    assert commands.count("SITE_URL='https://brugwerk.example.be'") == 5
