import pytest

from tests.lms.fake_egov import FakeEgov
from tests.lms.oidc import switch_on_egov


@pytest.fixture
def egov(settings, monkeypatch, tmp_path):
    """The e-Government identity provider switched on, as in production."""
    return switch_on_egov(settings, monkeypatch, tmp_path)


@pytest.fixture
def fake_egov(settings, monkeypatch, tmp_path):
    """The site switched on to sign in through eGov, played by a local stand-in."""
    with FakeEgov() as idp:
        switch_on_egov(settings, monkeypatch, tmp_path, server_url=idp.url)
        yield idp


# Nothing listens there (the brief of the project's outage tests): connecting fails.
UNREACHABLE_POSTGRES_PORT = 5999


@pytest.fixture
def database_down(django_db_blocker, monkeypatch):
    """The database cannot be reached: every connection attempt fails, as when
    PostgreSQL is down (a port nobody listens on) or, on SQLite, when its file
    cannot be opened. The test's own connection is put back afterwards.

    For tests without the ``db`` fixture: nothing of theirs may need the
    database."""
    from django.db import connection

    kept = connection.connection
    connection.connection = None
    if connection.vendor == "postgresql":
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(
            connection.settings_dict, "PORT", str(UNREACHABLE_POSTGRES_PORT)
        )
    else:
        monkeypatch.setitem(
            connection.settings_dict, "NAME", "/nonexistent/lms/db.sqlite3"
        )
    try:
        with django_db_blocker.unblock():
            yield
    finally:
        if connection.connection is not None:  # pragma: no cover - never made
            connection.connection.close()
        connection.connection = kept
        connection.errors_occurred = False
