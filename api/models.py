"""API tokens and the idempotency keys of the HR systems' posts (issue 24, items 2 and 5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from companies.models import Organisation


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key for the API, issued to a registered user (api/tokens.py).

    A personal token raises the rate limit. An organisation's token also lets an HR system post
    that organisation's vacancies and service requests, while its issuer is an owner there. The
    key itself is shown once, when it is issued; the database holds its SHA-256 digest only,
    so a copy of the database holds no key that works.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued to"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        help_text=_("Empty for a personal token; set, the token posts for this organisation."),
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("prefix"),
        max_length=12,
        help_text=_("The start of the key, to recognise it; the rest is never shown again."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A person's tokens page and an organisation's tokens page, newest first.
            models.Index(fields=["user", "-created_at"], name="api_token_of_user"),
            models.Index(fields=["organisation", "-created_at"], name="api_token_of_org"),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class IdempotentRequest(models.Model):
    """The first answer to a POST sent with an Idempotency-Key (api/idempotency.py).

    Written in the transaction that posts, so the key exists exactly when the post was
    committed; the unique constraint makes a second request with the same key wait for the
    first and then read its answer. Kept IDEMPOTENCY_KEY_HOURS (24).
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once"),
        ]

    def __str__(self):
        return self.key
