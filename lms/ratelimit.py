"""Fixed-window request counters in the shared cache.

With Redis (production) a hit is one round trip: ``INCR`` and ``EXPIRE … NX`` sent
together in a pipeline, atomic across processes. Django's ``cache.incr()`` would
first ask ``EXISTS`` and fail on a missing key. Other cache backends (the demo's
local memory) go through the portable cache API.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


@dataclass(frozen=True)
class Hit:
    count: int  # requests counted in the current window, this one included
    retry_after: int  # whole seconds until the window reopens

    def over(self, limit: int) -> bool:
        return self.count > limit


def hit(scope: str, who: object, period: int = 60, at: float | None = None) -> Hit:
    """Count one request of ``who`` in ``scope`` for the current ``period``-second
    window."""
    current = time.time() if at is None else at
    window = int(current // period)
    count = _incr(f"ratelimit:{scope}:{who}:{window}", period + 5)
    retry_after = max(1, math.ceil((window + 1) * period - current))
    return Hit(count=count, retry_after=retry_after)


def _incr(key: str, timeout: int) -> int:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, timeout, nx=True)
        count, _ = pipe.execute()
        return int(count)
    if backend.add(key, 1, timeout):
        return 1
    try:
        return backend.incr(key)
    except ValueError:  # expired between add() and incr()
        backend.add(key, 1, timeout)
        return 1


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXIES`` proxies the
    address the outermost of them saw (that many entries from the right of
    X-Forwarded-For); entries further left are the client's to invent."""
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
