"""Issuing, finding and revoking API tokens (issue 24, item 2).

A key is `bw_` followed by 32 random bytes (URL-safe base64). The database keeps its SHA-256
digest and its first characters (the prefix, to recognise it in a list), never the key: it is
shown once, on the page that issued it. A fast digest is enough here, unlike for passwords: the
key is random and long, so there is nothing to guess from the digest.

An organisation's token posts for that organisation (api/posting.py) while its issuer is an
owner of it (companies/membership.py's rule for who manages an organisation): when the issuer
stops being an owner, or leaves, the token stops working, without anyone having to remember it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from companies.membership import is_owner
from companies.models import Membership, MembershipRole
from portal import audit

from .models import ApiToken

KEY_START = "bw_"
PREFIX_LENGTH = 10  # "bw_" and 7 characters of the secret
# last_used_at is written at most this often: not a write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue(*, by, name, organisation=None):
    """A new token of `by` (for `organisation`, of which `by` must be an owner). Returns the
    token and its key, which nobody can read again afterwards."""
    if organisation is not None and not is_owner(organisation, by):
        raise PermissionDenied("Only owners issue an organisation's tokens.")
    key = KEY_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=by,
        organisation=organisation,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        key_hash=digest(key),
    )
    audit.record(by, "api_token.issued", token, organisation=organisation)
    return token, key


@transaction.atomic
def revoke(token, *, by):
    """The token stops working at once; it stays listed, marked revoked. By whoever may manage
    it, or an administrator (the admin's action)."""
    if not (can_manage(token, by) or (by.is_active and by.is_superuser)):
        raise PermissionDenied("Only the token's owner (or an owner of its organisation).")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(by, "api_token.revoked", token)
    return token


def can_manage(token, user):
    """A personal token is its user's; an organisation's token is every owner's of it (an owner
    who leaves does not take away the others' right to revoke what they issued)."""
    if token.organisation_id is None:
        return token.user_id == user.pk
    return is_owner(token.organisation_id, user)


def personal_tokens(user):
    return ApiToken.objects.filter(user=user, organisation__isnull=True)


def organisation_tokens(organisation):
    return ApiToken.objects.filter(organisation=organisation).select_related("user")


def _issuer_is_owner():
    return Exists(
        Membership.objects.filter(
            user=OuterRef("user_id"),
            organisation=OuterRef("organisation_id"),
            role=MembershipRole.OWNER,
        )
    )


def find(key):
    """The working token for `key`, or None (unknown, revoked, its user inactive, or an
    organisation's token whose issuer is no longer an owner). One query; plus an UPDATE at
    most once a minute for last_used_at."""
    if not key.startswith(KEY_START) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.active()
        .filter(key_hash=digest(key), user__is_active=True)
        .select_related("user", "organisation")
        .annotate(issuer_is_owner=_issuer_is_owner())
        .first()
    )
    if token is None or (token.organisation_id is not None and not token.issuer_is_owner):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        # Conditional: of requests at once, one writes.
        ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
            last_used_at=now
        )
        token.last_used_at = now
    return token
