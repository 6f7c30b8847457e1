"""Sessions are kept in the database and read through the cache, whose copy is
trusted for a few minutes only: a sign-out whose cache deletion was lost (the
process could not reach Redis) ends the session everywhere within that time."""

import time

from django.contrib.sessions.models import Session

import pytest

from lms.factories import UserFactory
from lms.sessions import CACHED_SESSION_SECONDS, SessionStore


class Recording:
    def __init__(self, cache):
        self.cache, self.timeouts = cache, []

    def set(self, key, value, timeout=None, version=None):
        self.timeouts.append(timeout)
        return self.cache.set(key, value, timeout, version=version)

    def __contains__(self, key):
        return key in self.cache

    def __getattr__(self, name):
        return getattr(self.cache, name)


@pytest.mark.django_db
def test_the_cached_copy_of_a_session_is_kept_five_minutes_at_most():
    store = SessionStore()
    recording = store._cache._cache = Recording(store._cache._cache)
    store["x"] = 1
    store.save()
    again = SessionStore(store.session_key)
    again._cache._cache = recording
    store._cache.delete(store.cache_key)  # the next load reads the database
    assert again["x"] == 1

    assert len(recording.timeouts) >= 2  # written when saved, and when read back
    assert set(recording.timeouts) == {CACHED_SESSION_SECONDS}
    assert CACHED_SESSION_SECONDS == 300


@pytest.mark.django_db
def test_a_session_ended_without_its_cached_copy_ends_soon(client, monkeypatch):
    """With the cache the settings give (Redis in CI), its copy kept one second."""
    monkeypatch.setattr("lms.sessions.CACHED_SESSION_SECONDS", 1)
    client.force_login(UserFactory())
    assert client.get("/kk/dashboard/").status_code == 200
    # Signed out on a process that could not reach Redis: the row is gone, the
    # cached copy is left.
    Session.objects.all().delete()
    assert client.get("/kk/dashboard/").status_code == 200
    time.sleep(1.2)

    response = client.get("/kk/dashboard/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_answers_to_a_signed_in_user_are_kept_by_no_cache(client):
    client.force_login(UserFactory())

    for url in ("/kk/dashboard/", "/kk/couple/", "/accounts/email/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
    answer = client.get("/api/v1/progress/ping")
    assert answer["Content-Type"].startswith("application/json")
    assert "no-store" in answer["Cache-Control"]
    # Answers that chose their own caching keep it.
    assert "no-store" not in client.get("/.well-known/jwks.json").get(
        "Cache-Control", ""
    )


@pytest.mark.django_db
def test_public_answers_to_visitors_are_left_alone(client):
    assert "Cache-Control" not in client.get("/kk/")
    assert "Cache-Control" not in client.get("/api/v1/progress/ping")
