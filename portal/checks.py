"""System checks for configuration that would otherwise fail at 3 a.m."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_site_url(app_configs, **kwargs):
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return [
            Error(
                f"SITE_URL must be an absolute http(s) address, not {settings.SITE_URL!r}.",
                hint="For example SITE_URL=https://brugwerk.example.be",
                id="portal.E001",
            )
        ]
    if not settings.DEBUG and parts.scheme != "https":
        return [
            Warning(
                "SITE_URL is not https while DJANGO_DEBUG is off: links in emails will be "
                "sent over plain http.",
                id="portal.W001",
            )
        ]
    return []


@register(deploy=True)
def check_outgoing_email(app_configs, **kwargs):
    if settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "locmem.EmailBackend")):
        return [
            Warning(
                "EMAIL_URL sends no real email (console or locmem) while deploying.",
                hint="Set EMAIL_URL=smtp://user:password@host:587?tls=1",
                id="portal.W002",
            )
        ]
    return []


# Caches that each process keeps to itself: what one gunicorn worker counts, the next one
# does not see.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Rate limits (allauth's, the contact form's) and the TOTP codes already used are kept in
    the cache; in a per-process cache each web process counts alone, so with four workers a
    limit lets four times as much through and a one-time code is accepted once per process."""
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        return [
            Warning(
                "The cache is kept in each process (REDIS_URL is not set): with several web "
                "processes, rate limits count per process and a one-time code can be used once "
                "in each.",
                hint="Set REDIS_URL=redis://host:6379/0, shared by every web process.",
                id="portal.W003",
            )
        ]
    return []
