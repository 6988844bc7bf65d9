"""Rate limits of the API: anonymous clients by their address, token holders by their token.

`API_RATE_ANONYMOUS` (60/minute) and `API_RATE_TOKEN` (600/minute) in settings. Counted in the
shared cache (Redis in production, so every web process sees one count) in fixed windows: one
`add` and one `incr` per request, both atomic in Redis, where DRF's own throttle reads a list of
timestamps and writes it back (two processes at once lose a count, and the list of 600 entries
travels on every request). The price of a fixed window: a client may spend two allowances
around the turn of a window. Over the limit: 429 with Retry-After, the seconds until the window
turns. While Redis is down the cache counts nothing (portal/cache.py): the API serves,
unthrottled, as the login does.

The writes (api/posting.py) count before their permissions are checked, so a request refused
for its token counts too, and a wrong key counts by its address. (DRF checks permissions first;
the read endpoints need none, so there the order makes no difference.)

Anonymous clients count by the portal's one client-address function
(`AccountAdapter.get_client_ip`, the proxy settings of settings.py), not by DRF's own reading of
X-Forwarded-For, which a client can forge.
"""

import math
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from rest_framework.throttling import BaseThrottle

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate):
    """A rate such as 60/minute as (60, 60). settings.py checks the value (env_rate)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period]


class _WindowThrottle(BaseThrottle):
    setting = None  # the name of the setting that holds the rate
    scope = None

    def ident(self, request):
        raise NotImplementedError

    def allow_request(self, request, view):
        ident = self.ident(request)
        if ident is None:
            return True
        allowed, duration = parse_rate(getattr(settings, self.setting))
        now = time.time()
        window = int(now // duration)
        key = f"api_rate:{self.scope}:{ident}:{window}"
        cache.add(key, 0, timeout=duration + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the window's key expired between add and incr
            count = 1
        self.retry_after = (window + 1) * duration - now
        return count <= allowed

    def wait(self):
        return max(1, math.ceil(self.retry_after))


class AnonymousRateThrottle(_WindowThrottle):
    setting = "API_RATE_ANONYMOUS"
    scope = "anonymous"

    def ident(self, request):
        if request.auth is not None:
            return None
        try:
            return get_adapter(request).get_client_ip(request)
        except PermissionDenied:
            return "unknown"


class TokenRateThrottle(_WindowThrottle):
    setting = "API_RATE_TOKEN"
    scope = "token"

    def ident(self, request):
        return request.auth.pk if request.auth is not None else None
