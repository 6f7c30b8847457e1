"""The database cannot be reached: 503 with ``Retry-After``, not a 500.

A connection to the database that cannot be made, or that the server dropped, is
an outage, not a fault of the request: pages answer the translated 503 page
(``templates/503.html``, helplines shown) and the JSON APIs ``{"detail": …}``,
both 503 with ``Retry-After``, so that the marriage registration service and the
load balancer can tell an outage from a bug (docs/registry-integration.md §4).
Each such answer is logged once, as one line with the reason.

Any other database error (a query bug, a deadlock, a statement timeout) stays a
500 with its traceback: only connection failures are outages
(``is_connection_failure``).

``DatabaseOutageMiddleware`` answers for failures in views (the API's included:
django-ninja re-raises what it has no handler for), ``lms.errors.server_error``
(``handler500``) for those in a middleware (a session saved after the view).
``lms.management.base.DatabaseCommand`` says the same to management commands.
"""

import inspect
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_DETAIL = _("The service is temporarily unavailable. Please try again later.")

_CONNECT = inspect.unwrap(BaseDatabaseWrapper.connect).__code__
# SQLSTATEs PostgreSQL sends when it drops a connection: class 08 (connection
# exception), and an administrator's or a crash's shutdown, or a server that is
# starting up. Not 57014, a statement timeout: that is the query's own fault.
_DROPPED_SQLSTATES = ("57P01", "57P02", "57P03")


def is_connection_failure(exc: BaseException | None) -> bool:
    """Is ``exc`` the database failing to connect, or dropping the connection,
    rather than an error of the query?"""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code is _CONNECT:
            return True  # raised while connecting (Django's ensure_connection)
        traceback = traceback.tb_next
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if not type(cause).__module__.startswith("psycopg"):
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is None:
        # Raised by the client, not the server: "the connection is closed",
        # "server closed the connection unexpectedly", "consuming input failed".
        return True
    return sqlstate.startswith("08") or sqlstate in _DROPPED_SQLSTATES


def reason(exc: BaseException) -> str:
    """The exception's text on one line (psycopg's runs over two)."""
    return " ".join(str(exc).split())


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: JSON under ``/api/``, the 503 page elsewhere. The
    page is drawn without the request, like Django's 500 page, so that nothing on
    it reads the database (the helplines are the 500 page's fixed ones)."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": str(API_DETAIL)}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # no cache or CDN keeps the outage
    return response


class DatabaseOutageMiddleware:
    """A view that fails to reach the database answers 503 (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG or not is_connection_failure(exception):
            return None
        logger.error(
            "Database unreachable, answered 503: %s %s: %s",
            request.method,
            request.path,
            reason(exception),
        )
        response = unavailable(request)
        # Logged above, with the reason: Django need not log it again.
        response._has_been_logged = True
        return response
