"""Brugwerk settings: one module, read from the environment.

Defaults serve the embedded run (`make run`): a SQLite file, Celery tasks inline, email to
the console. Production sets DJANGO_DEBUG=false and the variables in README.md; a value that
cannot be read stops the start with a message that names the variable.
"""

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_days(name, default):
    """A period in whole days, at least one."""
    value = env_int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be a number of days, 1 or more, not {value}.")
    return value


def env_count(name, default, *, minimum=0):
    """A whole number, `minimum` or more."""
    value = env_int(name, default)
    if value < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, {minimum} or more, not {value}."
        )
    return value


def env_header(name):
    """The name of an HTTP header (letters, digits and -), or None when unset."""
    value = env_str(name)
    if value and not re.fullmatch(r"[A-Za-z0-9-]+", value):
        raise ImproperlyConfigured(
            f"{name} must be the name of an HTTP header such as X-Real-IP, not {value!r}."
        )
    return value or None


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


RATE_PERIODS = ("second", "minute", "hour", "day")


def env_rate(name, default):
    """A rate limit such as 60/minute: a whole number, then second, minute, hour or day."""
    value = env_str(name, default)
    match = re.fullmatch(r"(\d+)/(second|minute|hour|day)", value)
    if not match:
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per {', '.join(RATE_PERIODS)}, such as "
            f"60/minute, not {value!r}."
        )
    return value


def email_settings(url):
    """Translate EMAIL_URL into Django's email settings.

    console:// (default), locmem://, smtp://user:password@host:port (plain or STARTTLS with
    ?tls=1), smtps://user:password@host:port (implicit TLS).
    """
    parts = urlsplit(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(sorted(backends))}://, not {url!r}."
        )
    result = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"EMAIL_URL {url!r} names no host.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL {url!r} has a bad port.") from None
        result.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parts.scheme == "smtp" and "tls=1" in parts.query,
            EMAIL_TIMEOUT=20,
        )
    return result


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off (50 or more random characters)."
        )
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-run"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_NAME = env_str("PORTAL_NAME", "Brugwerk")
# The admin's address under each language prefix: an unusual one keeps scanners off the login.
ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/")
if not re.fullmatch(r"([A-Za-z0-9_-]+/)+", ADMIN_URL):
    raise ImproperlyConfigured(
        f"DJANGO_ADMIN_URL must be a path such as beheer/ (letters, digits, - and _, ending in /),"
        f" not {ADMIN_URL!r}."
    )
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

INSTALLED_APPS = [
    "portal",
    "companies",
    "vacancies",
    "vouchers",
    "events",
    "procurement",
    "api",
    "benchmarks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.ContentSecurityPolicyMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks; it answers /api/ only (CORS_URLS_REGEX).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.twofactor.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    }
]

# Database: PostgreSQL through DATABASE_URL; without it a SQLite file for the embedded run.
# SQLite starts write transactions IMMEDIATE so that concurrent writers queue on the lock
# instead of failing with "database is locked" half-way through a transaction.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "brugwerk.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the Celery broker and the shared cache (allauth's rate limits count there,
# so that every web process sees the same counts). Without it: tasks run inline, in-process
# cache. While Redis is down the cache fails open (portal/cache.py) and pages keep serving.
REDIS_URL = env_str("REDIS_URL")
# The cache may live in a Redis database of its own (the broker's by default).
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "brugwerk",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Several portals (or a test run) can share one Redis with a queue of their own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Brussels"
# Daily jobs, in CELERY_TIMEZONE; tasks by name, so that settings import no app. Each is safe to
# run again or late (see the tasks' modules).
CELERY_BEAT_SCHEDULE = {
    # Join requests unanswered for 14 days go to the regisseurs (companies/claims.py); each row
    # is taken once by its escalated_at, so the hourly run is safe to repeat.
    "escalate-join-requests": {
        "task": "companies.tasks.escalate_join_requests",
        "schedule": crontab(minute=20),
    },
    # The outbox's safety net: rows of dead workers, and email written while the broker was down.
    "sweep-notifications": {
        "task": "portal.tasks.sweep_notifications",
        "schedule": 60.0,
    },
    "daily-digests": {
        "task": "portal.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "weekly-digests": {
        "task": "portal.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="monday"),
    },
    "expire-opportunities": {
        "task": "vacancies.tasks.expire_opportunities",
        "schedule": crontab(hour=2, minute=0),
    },
    "match-unmatched-opportunities": {
        "task": "vacancies.tasks.match_unmatched_opportunities",
        "schedule": 300.0,
    },
    "remind-expiring-opportunities": {
        "task": "vacancies.tasks.remind_expiring_opportunities",
        "schedule": crontab(hour=8, minute=0),
    },
    # Saved searches: before the 07:00 digests, which bundle them for whoever chose a digest.
    "daily-saved-searches": {
        "task": "vacancies.tasks.send_daily_saved_searches",
        "schedule": crontab(hour=6, minute=30),
    },
    "weekly-saved-searches": {
        "task": "vacancies.tasks.send_weekly_saved_searches",
        "schedule": crontab(hour=6, minute=30, day_of_week="monday"),
    },
    # Vouchers: approved vouchers past their validity expire (freeing their budget) before the
    # reminders run, so nobody is reminded of a voucher that has just expired.
    "expire-vouchers": {
        "task": "vouchers.tasks.expire_vouchers",
        "schedule": crontab(hour=2, minute=15),
    },
    "remind-expiring-vouchers": {
        "task": "vouchers.tasks.remind_expiring_vouchers",
        "schedule": crontab(hour=8, minute=15),
    },
    "send-voucher-follow-ups": {
        "task": "vouchers.tasks.send_voucher_follow_ups",
        "schedule": crontab(hour=9, minute=0),
    },
    # Events (issue 22): the reminder the day before, and the thank-you after; each email is
    # written once per registration and person, so a second run adds nothing.
    "send-event-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    "send-event-thanks": {
        "task": "events.tasks.send_event_thanks",
        "schedule": crontab(hour=9, minute=30),
    },
    # Events: both sides of a deal made at an event are asked, 3, 6 and 12 months on, whether it
    # was carried out (events/deals.py).
    "ask-deal-follow-ups": {
        "task": "events.tasks.ask_deal_follow_ups",
        "schedule": crontab(hour=9, minute=30),
    },
    # Privacy: what is kept no longer than the PRIVACY_* periods below is removed at night.
    "remove-expired-personal-data": {
        "task": "portal.tasks.remove_expired_personal_data",
        "schedule": crontab(hour=3, minute=0),
    },
    "remove-stale-drafts": {
        "task": "vacancies.tasks.remove_stale_drafts",
        "schedule": crontab(hour=3, minute=15),
    },
    # The API's idempotency keys older than API_IDEMPOTENCY_HOURS (api/idempotency.py).
    "remove-expired-idempotency-keys": {
        "task": "api.tasks.remove_expired_idempotency_keys",
        "schedule": crontab(hour=3, minute=40),
    },
    # Events: the guests of events older than EVENTS_ATTENDEE_RETENTION_DAYS are erased
    # (events/retention.py); a run takes only what is not erased yet.
    "erase-past-event-guests": {
        "task": "events.tasks.erase_past_event_guests",
        "schedule": crontab(hour=3, minute=30),
    },
    # The change log behind the reports' and the lists' caches keeps its newest row
    # (portal/datachanges.py). Every list page without text reads the version (a sum over the
    # log), so the log is kept short all day, not only at night.
    "prune-data-changes": {
        "task": "portal.tasks.prune_data_changes",
        "schedule": crontab(minute="*/15"),
    },
    # Freshness: the yearly "is this still correct?" to owners (companies/freshness.py).
    "remind-details-confirmation": {
        "task": "companies.tasks.remind_details_confirmation",
        "schedule": crontab(hour=8, minute=30),
    },
    # Evaluation: each side rates a running collaboration on the anniversary of its start
    # (companies/ratings.py); a late or repeated run asks nothing twice.
    "ask-collaboration-ratings": {
        "task": "companies.tasks.ask_collaboration_ratings",
        "schedule": crontab(hour=8, minute=45),
    },
    # Reports: the default choice of every report and of the four questions, in every language,
    # computed again after a change (or confirmed as current), so that the figures most read are
    # never older than REPORTS_STALE_SECONDS and never computed in a visitor's request.
    "refresh-reports": {
        "task": "companies.tasks.refresh_reports",
        "schedule": 120.0,
    },
    # Open data (issue 24): the public directory as CSV and JSON for /open-data/ (api/dumps.py),
    # after the night's clean-up; each run replaces the files whole.
    "write-open-data": {
        "task": "api.tasks.write_open_data",
        "schedule": crontab(hour=4, minute=0),
    },
}

# The KBO register (issue 17, item 4; companies/kbo.py): how long a profile stays in the directory
# after load_kbo found its enterprise stopped. Its owners and the regisseur are told at once.
KBO_STOPPED_GRACE_DAYS = env_days("KBO_STOPPED_GRACE_DAYS", 90)

# Privacy: how long the portal keeps what it no longer needs, in days. The privacy page
# (/privacy/) quotes these values; the nightly tasks above apply them (portal/personal_data.py,
# vacancies/retention.py).
# Accounts whose address was never verified and that never logged in.
PRIVACY_UNVERIFIED_ACCOUNT_DAYS = env_days("PRIVACY_UNVERIFIED_ACCOUNT_DAYS", 30)
# Vacancy and service request drafts nobody touched.
PRIVACY_STALE_DRAFT_DAYS = env_days("PRIVACY_STALE_DRAFT_DAYS", 180)
# Emails in the outbox once sent (or failed): their rendered text holds names and messages.
PRIVACY_NOTIFICATION_DAYS = env_days("PRIVACY_NOTIFICATION_DAYS", 365)
# The audit log of vouchers, verifications and memberships (seven years, as accounting records).
PRIVACY_AUDIT_LOG_DAYS = env_days("PRIVACY_AUDIT_LOG_DAYS", 7 * 365)
# Guests named on an event's registrations, after the event ended (events/retention.py): their
# names and addresses are erased; the counts of the reports stay.
EVENTS_ATTENDEE_RETENTION_DAYS = env_days("EVENTS_ATTENDEE_RETENTION_DAYS", 730)
# Where people send questions and requests about their data (shown on /privacy/).
PRIVACY_CONTACT_EMAIL = env_str("PRIVACY_CONTACT_EMAIL", "privacy@brugwerk.localhost")

# What one user may make the portal email to others (companies/outreach.py), counted over the
# last hour and the last 24 hours. An address gets at most one invitation a day whatever these say.
# Invitations sent by one owner (to colleagues: a team is invited in an afternoon).
INVITATIONS_PER_HOUR = env_count("INVITATIONS_PER_HOUR", 10, minimum=1)
INVITATIONS_PER_DAY = env_count("INVITATIONS_PER_DAY", 25, minimum=1)
# Requests to join an organisation by one user (people belong to one or two).
JOIN_REQUESTS_PER_HOUR = env_count("JOIN_REQUESTS_PER_HOUR", 3, minimum=1)
JOIN_REQUESTS_PER_DAY = env_count("JOIN_REQUESTS_PER_DAY", 10, minimum=1)
# Freshness (companies/freshness.py): an organisation whose details nobody confirmed for this
# many months leaves the default directory and its search until an owner confirms them. More
# than 13: at 13 months a profile already says since when its details are unconfirmed.
DIRECTORY_STALE_MONTHS = env_count("DIRECTORY_STALE_MONTHS", 24, minimum=14)
# Lists searched near a place without a distance search within this many km of it (the page says
# so: "within 25 km (default)"), nearest first. At most portal.facets.MAX_KM (250).
PLACE_DEFAULT_KM = env_count("PLACE_DEFAULT_KM", 25, minimum=1)
# CSV downloads of the lists (portal/csvexport.py): how many build at once across all
# processes (the rest wait up to EXPORT_WAIT_SECONDS, then get a page "busy, try again"), and
# for how long a slot outlives a process that stopped streaming without giving it back.
EXPORT_CONCURRENCY = env_count("EXPORT_CONCURRENCY", 1, minimum=1)
# A download waiting for a slot holds one of gunicorn's few threads: a short wait.
EXPORT_WAIT_SECONDS = env_count("EXPORT_WAIT_SECONDS", 3)
EXPORT_SLOT_SECONDS = env_count("EXPORT_SLOT_SECONDS", 60, minimum=5)
# A download of at most this many rows (a filtered list) costs what a page costs: no slot
# (0: every download takes one).
EXPORT_SMALL_ROWS = env_count("EXPORT_SMALL_ROWS", 1000)
# Reports (companies/reports.py "Figures after a change"): with a worker, a report whose data
# changed is served from its last computation, no older than this many seconds (the page says
# when it was computed), while the worker computes it again; older figures, or none, are
# computed in the request. 0: every change is computed in the request that first needs it.
REPORTS_STALE_SECONDS = env_count("REPORTS_STALE_SECONDS", 600)

# Accounts: email is the login; allauth does sign-up, verification, reset and email change.
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2 first: new and changed passwords are stored with it; older hashes still verify and are
# upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every form's fields state their length limits (portal.forms.BoundField).
FORM_RENDERER = "portal.forms.FormRenderer"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# allauth's forms with a limit on every text field (portal/account_forms.py).
ACCOUNT_FORMS = {
    name: f"portal.account_forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "user_token": "UserTokenForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Following the link in the browser that signed up also logs in (allauth does so only there: a
# link opened elsewhere confirms the address and asks to log in, portal/accounts.py).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
# Before a sensitive change (email, password, two-factor) a signed-in person proves it is them:
# with the password, a code sent to a verified address, or the authenticator app. Written out
# because allauth's default set grew with its releases (the code came with 65.x).
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "code", "mfa")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PORTAL_NAME}] "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so that they are visible and tunable in one place.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
# The visitor's address, by which the "/ip" rate limits count (allauth's, and any of ours through
# AccountAdapter.get_client_ip). Behind a proxy every request comes from the proxy's address, so
# one visitor's failed logins would lock everyone out: there the address is the entry of
# X-Forwarded-For that the outermost of DJANGO_TRUSTED_PROXY_COUNT proxies added (the entries to
# its left are the visitor's own to forge), or the header that one trusted proxy sets
# (DJANGO_TRUSTED_CLIENT_IP_HEADER, e.g. X-Real-IP). Without a proxy, X-Forwarded-For is ignored.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
ALLAUTH_TRUSTED_PROXY_COUNT = env_count("DJANGO_TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_header("DJANGO_TRUSTED_CLIENT_IP_HEADER")
# Two-factor authentication (allauth.mfa): an authenticator app and recovery codes. Optional for
# everybody; staff (regisseurs, administrators) need it, and a session that passed it, before the
# admin and every page that shows more than the public view (portal/twofactor.py).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "portal.account_forms.MFAAuthenticateForm",
    "reauthenticate": "portal.account_forms.MFAReauthenticateForm",
    "activate_totp": "portal.account_forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = PORTAL_NAME
# Also the code of the 30 seconds before and after: phones whose clock drifts a little still work.
MFA_TOTP_TOLERANCE = 1
# Authenticator secrets are encrypted at rest (portal/mfa.py) with a key derived from
# MFA_ENCRYPTION_KEY (32 or more random characters), or from SECRET_KEY when it is not set.
# Keys used before stay in MFA_ENCRYPTION_KEY_FALLBACKS (comma-separated), so rotating one never
# locks staff out.
MFA_ADAPTER = "portal.mfa.MFAAdapter"
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY")
MFA_ENCRYPTION_KEY_FALLBACKS = env_list("MFA_ENCRYPTION_KEY_FALLBACKS", [])
if MFA_ENCRYPTION_KEY and len(MFA_ENCRYPTION_KEY) < 32:
    raise ImproperlyConfigured(
        "MFA_ENCRYPTION_KEY must be 32 or more random characters (or unset: derived from "
        "DJANGO_SECRET_KEY)."
    )

# Languages: Dutch at the root, French and English under /fr/ and /en/.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
# locale/ is the portal's own catalogue (`make messages` rewrites it from the sources);
# locale_overrides/ holds only our wording of msgids that allauth and Django translate
# themselves (one register, one word for each thing), which makemessages never touches.
# Both come before any app's catalogue; tests/portal/test_wording.py keeps them apart.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
USE_I18N = True
# One way to write a day in text and one in tables, per language: portal/formats/.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True
TIME_ZONE = "Europe/Brussels"
LANGUAGE_COOKIE_NAME = "brugwerk_language"

# Static files and uploads. WhiteNoise serves the static files with far-future headers.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# While debugging, WhiteNoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email
EMAIL_URL = env_str("EMAIL_URL", "console://")
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{PORTAL_NAME} <noreply@brugwerk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Content-Security-Policy: our own files only, no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A load balancer probes the process itself, over plain http (gunicorn.conf.py's health
    # port): a redirect would read as "unhealthy". The report carries no cookie or secret.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own loggers print through the root's handler only: Django's default config gives
    # "django" a console handler of its own (while debugging), so every line came out twice
    # ("Watching for file changes with StatReloader"). django.server keeps its own format.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

# The public API (api/, issue 24): Django REST framework with drf-spectacular's OpenAPI 3 schema.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # `Authorization: Bearer <key>` (api/authentication.py); no sessions, so no CSRF.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousRateThrottle",
        "api.throttling.TokenRateThrottle",
    ],
    "UNAUTHENTICATED_USER": None,
    # Every error as RFC 9457 problem details (api/problems.py).
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    # The API reads JSON only; the tests' client sends it by default.
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests per client (api/throttling.py): anonymous clients by address, token holders by token.
API_RATE_ANONYMOUS = env_rate("API_RATE_ANONYMOUS", "60/minute")
API_RATE_TOKEN = env_rate("API_RATE_TOKEN", "600/minute")
# How long an Idempotency-Key answers a retry with the first answer (api/idempotency.py).
API_IDEMPOTENCY_HOURS = env_count("API_IDEMPOTENCY_HOURS", 24, minimum=1)
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PORTAL_NAME} API",
    "DESCRIPTION": "The directory of the regular and the social economy in Flanders, its "
    "opportunities, events and public figures, for anyone to reuse.",
    "VERSION": "1.0.0",
    # OpenAPI 3.1: its schemas are JSON Schema, so a nullable object (an event's sector theme)
    # is `oneOf` the object or null, which validators read as meant (3.0's `nullable` beside
    # `allOf` they do not).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# CORS: any origin may read the API (GET); nothing else crosses origins.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Link"]
# Open data (api/dumps.py): where the worker writes the nightly files of the public directory,
# which /open-data/files/<name> serves. Every web process and the worker must see the same
# folder (like MEDIA_ROOT for the logos).
OPEN_DATA_ROOT = Path(env_str("OPEN_DATA_ROOT", str(MEDIA_ROOT / "open-data")))
# The contact point the DCAT catalogue gives harvesters (data.vlaanderen.be, data.gov.be).
OPEN_DATA_CONTACT_EMAIL = env_str("OPEN_DATA_CONTACT_EMAIL", "opendata@brugwerk.localhost")

# Tests use a fast hasher; set by tests/conftest.py, never here.
