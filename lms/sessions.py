"""Sessions kept in PostgreSQL and read through Redis, whose copy of a session
is trusted for a few minutes only.

Django's ``cached_db`` keeps the cached copy as long as the session lives (two
weeks). A sign-out deletes the database row and then the cached copy; when the
web process that signs the learner out cannot reach Redis, ``lms.cache`` puts the
deletion off until that process reaches Redis again, and meanwhile every other
process would go on reading the cached copy, for as long as it lives, and lose
it for good if that process stops first. With the copy kept for
``CACHED_SESSION_SECONDS``, a session ended during such an outage is read back at
most that long; an active learner's session is read from the database about once
in that time.
"""

from django.contrib.sessions.backends import cached_db

CACHED_SESSION_SECONDS = 300


class _ShortLivedCache:
    """The session cache, with every copy written kept at most
    ``CACHED_SESSION_SECONDS``."""

    def __init__(self, cache):
        self._cache = cache

    def set(self, key, value, timeout=None, version=None):
        return self._cache.set(key, value, _capped(timeout), version=version)

    async def aset(self, key, value, timeout=None, version=None):
        return await self._cache.aset(key, value, _capped(timeout), version=version)

    def __contains__(self, key):
        return key in self._cache

    def __getattr__(self, name):
        return getattr(self._cache, name)


def _capped(timeout) -> int:
    if not isinstance(timeout, int | float):  # None (for ever) or the default
        return CACHED_SESSION_SECONDS
    return max(0, min(int(timeout), CACHED_SESSION_SECONDS))


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLivedCache(self._cache)
