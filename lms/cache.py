"""Django's Redis cache backend, keeping one Redis client per connection pool and
carrying on without Redis while it cannot be reached.

Django's client builds a new ``redis.Redis`` for every cache operation, and with
redis-py 5 and later each one sets up its table of some 170 response callbacks:
about as much CPU as the command itself. A ``redis.Redis`` is safe to share
between threads (each command takes a connection from the pool), so one per pool
is enough.

Nothing the site keeps in the cache is the only copy of anything (sessions are in
the database, page trees and lesson structures are built again), so while Redis
is unreachable the cache acts as an empty one that keeps nothing: reads miss,
writes are dropped and ``add()`` reports that nothing was added. That is what
keeps pages and sign-ins working during an outage instead of answering 500. After
a failure a process leaves Redis alone for ``RETRY_SECONDS``, so a Redis that
hangs costs one timeout now and then, not one per cache operation. Keys whose
write or delete was dropped are deleted as soon as Redis answers again: a session
ended meanwhile, or a structure forgotten after a publish, must not be read back
from it. ``incr()`` and ``clear()`` still raise.
"""

import logging
import threading
import time

from django.core.cache.backends import redis as django_redis

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Errors that mean "Redis cannot be reached", as opposed to a wrong command.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 10.0
# Keys changed during an outage that a process remembers to delete afterwards.
MAX_STALE_KEYS = 100_000


class Outage:
    """Whether a Redis server is being left alone, and the keys to delete once it
    answers. Shared by a process's threads (each has its own cache object)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0  # time.monotonic() before which Redis is not asked
        self.stale: set[str] = set()

    def waiting(self) -> bool:
        return self.down and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        with self._lock:
            if not self.down:
                logger.warning(
                    "Redis cannot be reached (%s); the cache is bypassed and "
                    "retried every %s s",
                    error,
                    RETRY_SECONDS,
                )
            self.down = True
            self.retry_at = time.monotonic() + RETRY_SECONDS

    def remember(self, keys) -> None:
        if not keys:
            return
        with self._lock:
            if len(self.stale) >= MAX_STALE_KEYS:
                return
            self.stale.update(keys)
            if len(self.stale) >= MAX_STALE_KEYS:
                logger.error(
                    "More than %s cache keys changed while Redis was unreachable; "
                    "later ones may be read back stale until they expire",
                    MAX_STALE_KEYS,
                )

    def recovered(self, client) -> None:
        """Delete the keys left stale; raises while Redis is still unreachable."""
        if not self.down:
            return
        with self._lock:
            keys = list(self.stale)
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
            self.stale.clear()
            if self.down:
                logger.warning("Redis answers again; the cache is in use")
            self.down = False


_outages: dict[tuple[str, ...], Outage] = {}
_base = django_redis.RedisCacheClient


class RedisCacheClient(_base):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self.outage = _outages.setdefault(tuple(self._servers), Outage())

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client

    def attempt(self, operation, fallback, changed_keys=()):
        """``operation()``, or ``fallback`` when Redis cannot be reached (then the
        ``changed_keys`` it would have written are deleted once it can)."""
        if not self.outage.waiting():
            try:
                if self.outage.down:
                    self.outage.recovered(self.get_client(write=True))
                return operation()
            except UNREACHABLE as error:
                self.outage.failed(error)
        self.outage.remember(changed_keys)
        return fallback

    def add(self, key, value, timeout):
        return self.attempt(lambda: _base.add(self, key, value, timeout), False)

    def get(self, key, default):
        return self.attempt(lambda: _base.get(self, key, default), default)

    def set(self, key, value, timeout):
        self.attempt(lambda: _base.set(self, key, value, timeout), None, [key])

    def touch(self, key, timeout):
        return self.attempt(lambda: _base.touch(self, key, timeout), False)

    def delete(self, key):
        return self.attempt(lambda: _base.delete(self, key), False, [key])

    def get_many(self, keys):
        return self.attempt(lambda: _base.get_many(self, keys), {})

    def has_key(self, key):
        return self.attempt(lambda: _base.has_key(self, key), False)

    def set_many(self, data, timeout):
        self.attempt(lambda: _base.set_many(self, data, timeout), None, list(data))

    def delete_many(self, keys):
        keys = list(keys)
        self.attempt(lambda: _base.delete_many(self, keys), None, keys)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    @property
    def unreachable(self) -> bool:
        """Whether Redis failed lately and is being left alone for now."""
        return self._cache.outage.waiting()
