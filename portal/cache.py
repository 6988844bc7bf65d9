"""The shared cache on Redis, failing open, so that the portal keeps serving while Redis is down.

The cache holds counts and copies: allauth's rate limits, the TOTP codes already used, the
contact form's hourly allowance (companies/contact.py), and the reports' computed tables
(companies/reports.py, keyed by the data version: a miss only means computing again). Without
Redis, Django's cache raises on every call and each login would end in a 500. Here reads miss,
writes are dropped, `add` reports success (allauth's rate-limit lock waits until `add`
succeeds) and `incr` counts from zero: people log in, unthrottled, until Redis is back. Each
failure is logged.

`Generation` marks data copied out of the database (the reference rows each process holds,
portal/reference.py; the near words of a query, portal/textsearch.py) with a token here.
"""

import functools
import hashlib
import logging
import secrets
import sys
from pathlib import Path

import redis
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    def _down(self, operation):
        logger.warning("Redis cache unreachable: %s skipped", operation, exc_info=True)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except redis.RedisError:
            self._down("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except redis.RedisError:
            self._down("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except redis.RedisError:
            self._down("has_key")
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except redis.RedisError:
            self._down("add")
            return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except redis.RedisError:
            self._down("set")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except redis.RedisError:
            self._down("set_many")
            return []

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except redis.RedisError:
            self._down("touch")
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except redis.RedisError:
            self._down("incr")
            return delta

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except redis.RedisError:
            self._down("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except redis.RedisError:
            self._down("delete_many")

    def clear(self):
        try:
            super().clear()
        except redis.RedisError:
            self._down("clear")


@functools.cache
def code_fingerprint(*modules):
    """A digest of the source of `modules` (their names), for the key of what the cache holds
    as they compute and hold it: a deployment that changes them never reads entries cached by
    the old code."""
    digest = hashlib.sha256()
    for module in sorted(set(modules)):
        digest.update(Path(sys.modules[module].__file__).read_bytes())
    return digest.hexdigest()[:12]


@functools.cache
def template_fingerprint(*names):
    """As `code_fingerprint`, for templates (their names): the key of a rendered fragment kept
    in the cache changes with the templates that render it."""
    from django.template import loader

    digest = hashlib.sha256()
    for name in sorted(set(names)):
        digest.update(Path(loader.get_template(name).origin.name).read_bytes())
    return digest.hexdigest()[:12]


class Generation:
    """A token in the shared cache that stands for the current version of data copied elsewhere
    (a process's memory, cache entries): a copy taken under another token is stale.

    `move()` when the data change: at once (this connection sees its own writes) and again on
    commit (another process may have copied the data as they were in between). While Redis is
    down there is no token: every use copies afresh.
    """

    def __init__(self, key):
        self.key = key

    def current(self, read=None):
        """The token, a new one when the cache holds none (it was emptied). `read`: its value
        as got already with other keys, which saves a round trip."""
        token = cache.get(self.key) if read is None else read
        if token is None:
            cache.add(self.key, secrets.token_hex(8), timeout=None)
            token = cache.get(self.key)
        return token

    def move(self, using="default"):
        self._new()
        transaction.on_commit(self._new, using=using)

    def _new(self):
        cache.set(self.key, secrets.token_hex(8), timeout=None)
