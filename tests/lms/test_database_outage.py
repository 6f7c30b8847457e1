"""With the database unreachable, pages and the JSON APIs answer 503 with
Retry-After, logged once; other database errors stay 500s (lms.outage)."""

import logging
import sqlite3

from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.http import HttpResponse
from django.urls import path
from django.utils import translation

import psycopg
import pytest

from lms import outage
from lms import urls as project_urls

MESSAGE = "The service is temporarily unavailable. Please try again later."


def api_detail(language: str) -> str:
    with translation.override(language):
        return translation.gettext(MESSAGE)


@pytest.fixture
def logged():
    """The records of Django's request logger and of lms.outage (Django's own
    loggers do not propagate to the root, where caplog listens)."""
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger("django.request"), logging.getLogger("lms.outage")]
    for logger in loggers:
        logger.addHandler(handler)
    yield records
    for logger in loggers:
        logger.removeHandler(handler)


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]


# Pages -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_page_answers_503_in_the_sites_layout_with_the_helplines(
    client, database_down, language
):
    response = client.get(f"/{language}/")

    assert_unavailable(response)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'href="tel:150"' in html and 'href="tel:111"' in html
    assert 'id="quick-exit"' in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    with translation.override(language):
        assert translation.gettext("The site is temporarily unavailable") in html
        assert translation.gettext("Domestic violence, 24/7") in html


def test_the_503_page_in_english(client, database_down):
    html = client.get("/en/").content.decode()
    assert "<h1>The site is temporarily unavailable</h1>" in html
    assert "Please try again in a few minutes." in html
    assert "The helplines above answer as usual." in html


def test_signing_in_answers_503(client, database_down):
    assert_unavailable(client.get("/accounts/login/"))
    response = client.post(
        "/accounts/login/", {"login": "someone@example.kz", "password": "secret-pw"}
    )
    assert_unavailable(response)
    assert response["Content-Type"].startswith("text/html")


def test_the_health_check_still_answers_200_degraded(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["database"] == "unavailable"


# JSON APIs ---------------------------------------------------------------------


def test_the_course_api_answers_503_json(client, database_down):
    response = client.get("/api/v1/courses/")

    assert_unavailable(response)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": api_detail("kk")}


@pytest.mark.parametrize(
    "endpoint, body",
    [
        ("verify", {"certificate_number": "BKO-7K2M-9QXD-4HT8", "iin": "1"}),
        ("guide-status", {"iins": ["791028302728"]}),
    ],
)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_registry_api_answers_503_json_in_the_callers_language(
    client, database_down, endpoint, body, language
):
    response = client.post(
        f"/api/v1/registry/{endpoint}",
        body,
        content_type="application/json",
        headers={"Authorization": "Bearer some-token", "Accept-Language": language},
    )

    assert_unavailable(response)
    assert response.json() == {"detail": api_detail(language)}


# Logging -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/kk/"),
        ("get", "/api/v1/courses/"),
        ("post", "/api/v1/registry/guide-status"),
    ],
)
def test_each_failure_is_logged_once_with_its_reason(
    client, database_down, logged, method, url
):
    response = getattr(client, method)(
        url,
        {"iins": ["791028302728"]} if method == "post" else None,
        content_type="application/json",
        headers={"Authorization": "Bearer some-token"},
    )

    assert response.status_code == 503
    assert len(logged) == 1, [record.getMessage() for record in logged]
    (record,) = logged
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith(
        f"Database unreachable, answered 503: {method.upper()} {url}: "
    )
    assert record.exc_info is None  # an outage, not a bug: no traceback


# Failures in a middleware (handler500) -------------------------------------------


class TouchesTheDatabase:
    """Reads the database after the view, as a session saved on the way out does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.endswith("/after-the-view"):
            connection.ensure_connection()
        return response


def fine(request):
    return HttpResponse("fine")


def query_bug(request):
    raise OperationalError("deadlock detected")


urlpatterns = [
    path("api/v1/after-the-view", fine),
    path("kk/after-the-view", fine),
    path("kk/query-bug", query_bug),
    path("api/v1/query-bug", query_bug),
    *project_urls.urlpatterns,
]
handler500 = "lms.errors.server_error"


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.TouchesTheDatabase"]


def test_a_middleware_that_cannot_reach_the_database_answers_503_too(
    client, database_down, test_urls, logged
):
    client.raise_request_exception = False

    page = client.get("/kk/after-the-view")
    assert_unavailable(page)
    assert 'href="tel:150"' in page.content.decode()
    assert len(logged) == 1  # Django's own record of it

    api = client.get("/api/v1/after-the-view")
    assert_unavailable(api)
    assert api.json() == {"detail": api_detail("kk")}
    assert len(logged) == 2


def test_other_database_errors_stay_500s(client, test_urls, logged):
    client.raise_request_exception = False

    page = client.get("/kk/query-bug")
    assert page.status_code == 500
    assert "Retry-After" not in page

    api = client.get("/api/v1/query-bug")
    assert api.status_code == 500
    assert api.json() == {
        "detail": translation.gettext("Server error. Please try again later.")
    }
    assert "Retry-After" not in api
    # Each logged once, with its traceback.
    assert [record.exc_info is not None for record in logged] == [True, True]


# What counts as an outage --------------------------------------------------------


def _wrapped(cause: BaseException, kind=OperationalError) -> BaseException:
    error = kind(str(cause))
    error.__cause__ = cause
    return error


def test_a_failed_connection_is_an_outage(database_down):
    with pytest.raises(OperationalError) as failed:
        connection.ensure_connection()
    assert outage.is_connection_failure(failed.value)


@pytest.mark.parametrize(
    "error, is_outage",
    [
        (_wrapped(psycopg.OperationalError("the connection is closed")), True),
        (_wrapped(psycopg.OperationalError("consuming input failed")), True),
        (_wrapped(psycopg.errors.AdminShutdown("terminating connection")), True),
        (_wrapped(psycopg.errors.CannotConnectNow("the database is starting")), True),
        (_wrapped(psycopg.errors.ConnectionFailure("connection failure")), True),
        (_wrapped(psycopg.errors.QueryCanceled("statement timeout")), False),
        (_wrapped(psycopg.errors.DeadlockDetected("deadlock detected")), False),
        (_wrapped(psycopg.errors.DiskFull("could not extend file")), False),
        (_wrapped(sqlite3.OperationalError("database is locked")), False),
        (_wrapped(psycopg.InterfaceError("bad use"), kind=InterfaceError), False),
        (ProgrammingError("relation does not exist"), False),
        (OperationalError("deadlock detected"), False),
        (RuntimeError("boom"), False),
        (None, False),
    ],
)
def test_only_connection_failures_are_outages(error, is_outage):
    assert outage.is_connection_failure(error) is is_outage
