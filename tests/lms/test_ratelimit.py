"""Fixed-window counters: one round trip on Redis, the same answers elsewhere."""

from django.core.cache import caches

import pytest

from lms import ratelimit


@pytest.fixture
def local_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    caches["default"].clear()
    yield
    caches["default"].clear()


def _count_three(scope):
    at = 1_800_000_030.0  # 30 s into a minute
    hits = [ratelimit.hit(scope, "someone", 60, at=at) for _ in range(3)]
    assert [hit.count for hit in hits] == [1, 2, 3]
    assert hits[-1].retry_after == 30
    assert not hits[1].over(2) and hits[2].over(2)
    # The next window starts again; another client is counted apart.
    assert ratelimit.hit(scope, "someone", 60, at=at + 60).count == 1
    assert ratelimit.hit(scope, "someone-else", 60, at=at).count == 1


def test_counts_in_redis_with_an_expiry(settings):
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("REDIS_URL is not set")
    backend = caches["default"]
    scope = "test-ratelimit"
    client = backend._cache.get_client(write=True)
    for key in client.scan_iter(match=f"*ratelimit:{scope}:*"):
        client.delete(key)
    _count_three(scope)
    key = backend.make_and_validate_key(f"ratelimit:{scope}:someone:30000000")
    assert 60 < client.ttl(key) <= 65  # set once by the first hit, never extended


def test_counts_in_a_local_cache(local_cache):
    _count_three("test-ratelimit")


def test_the_redis_client_is_made_once(settings):
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("REDIS_URL is not set")
    backend = caches["default"]
    backend.set("test-ratelimit-client", 1)
    assert backend.get("test-ratelimit-client") == 1
    assert backend._cache.get_client(write=True) is backend._cache.get_client(
        write=True
    )
