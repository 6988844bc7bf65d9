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
