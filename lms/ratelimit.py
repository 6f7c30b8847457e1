"""Fixed-window request counters in the shared cache.

With Redis (production) a hit is one round trip: ``INCR`` and ``EXPIRE … NX`` sent
together in a pipeline, atomic across processes. Django's ``cache.incr()`` would
first ask ``EXISTS`` and fail on a missing key. Other cache backends (the demo's
local memory) go through the portable cache API.

While Redis cannot be reached, each process counts in its own memory instead: the
limits still hold, per process rather than for the whole site, and nobody is
refused for the outage. Learners' heartbeats and quizzes, registry clients and
certificate checks keep being served (the registry's marriage checks must not stop
with the cache). Sign-in and sign-up limits are django-allauth's, not these: they
fail closed (see ``lms.cache`` and docs/deployment.md).
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

# Counters of this process, used while Redis cannot be reached.
_local = LocMemCache("lms-ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


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
        redis_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(redis_key, write=True)

        def incr_in_redis():
            pipe = client.pipeline(transaction=False)
            pipe.incr(redis_key)
            pipe.expire(redis_key, timeout, nx=True)
            count, _ = pipe.execute()
            return int(count)

        count = backend._cache.attempt(incr_in_redis, None)
        if count is not None:
            return count
        backend = _local
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
