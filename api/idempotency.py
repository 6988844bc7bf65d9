"""Idempotency keys for the HR systems' POSTs (issue 24, item 5).

An HR system that sends `Idempotency-Key: <its own unique text>` with a POST may send the same
request again (a timeout, a crash before it read the answer): it gets the first answer, status
and body, and nothing is posted twice. The same key with another body (or another address) is
refused with 422: a key names one request. Keys are kept API_IDEMPOTENCY_HOURS (24), per token.

Why rows, not the cache: the key must be taken in the same transaction as the post it stands
for. A row inserted in that transaction exists exactly when the post was committed; its unique
constraint (token, key) makes a second request with the same key wait on the first one's insert
and, once that commits, read its answer (PostgreSQL; SQLite's writers queue on the database
lock). A cache entry can be set before a post that then fails, or be missing after one that
succeeded, and a per-process cache would not see the other processes' keys at all.

Only answers that posted something are kept: a refused request (400, 403, 404, 409) changed
nothing and rolls its key back with it, so sending it again, or mended, is judged afresh.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY = 255


class KeyReused(exceptions.APIException):
    status_code = 422
    default_detail = _(
        "This Idempotency-Key was sent before with another request. Use a new key for a new "
        "request."
    )
    default_code = "idempotency_key_reused"


def _fingerprint(request):
    # ASCII escapes: a lone surrogate in the JSON has no UTF-8 encoding.
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _key(request):
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (0 < len(key) <= MAX_KEY and key.isprintable() and key.isascii()):
        raise exceptions.ValidationError(
            {HEADER: [_("Give a key of 1 to 255 printable characters, such as a UUID.")]}
        )
    return key


def kept_since():
    return timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def once(request, work):
    """`work()`'s response, or, for a key sent before with the same request, the first answer
    again (with the header Idempotent-Replayed: true)."""
    key = _key(request)
    if key is None:
        return work()
    token = request.auth
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        IdempotentRequest.objects.filter(token=token, key=key, created_at__lt=kept_since()).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    token=token,
                    key=key,
                    fingerprint=fingerprint,
                    status=0,
                    created_at=timezone.now(),
                )
        except IntegrityError:
            # Another request took the key; it has committed (we waited for it), so its answer
            # is there to read.
            first = IdempotentRequest.objects.get(token=token, key=key)
            if first.fingerprint != fingerprint:
                raise KeyReused() from None
            replayed = {"Idempotent-Replayed": "true"}
            return Response(first.body, status=first.status, headers=replayed)
        response = work()
        record.status = response.status_code
        record.body = response.data
        record.save(update_fields=["status", "body"])
        return response


def remove_expired():
    """Keys past their time (the daily task): a retry after them is a new request."""
    return IdempotentRequest.objects.filter(created_at__lt=kept_since()).delete()[0]
