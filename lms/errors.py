"""Error pages that Django renders from a view rather than a template alone."""

import logging
import math
import sys
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

from lms import outage

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token (``CSRF_FAILURE_VIEW``): most often a
    page left open for long, or a sign-in or sign-out in another tab, which
    changes the token. The page says so in the site's layout and leads back to
    the form when it came from this site. Django's reason is for the log only:
    it means nothing to a learner."""
    # The path as Django's own log lines write it: a line break or a control
    # character sent in it cannot forge another line of the log.
    path = request.path.encode("unicode_escape").decode("ascii")
    logger.warning("CSRF check failed on %s: %s", path, reason)
    referer = request.META.get("HTTP_REFERER", "")
    same_origin = url_has_allowed_host_and_scheme(
        referer,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    )
    return render(
        request,
        "403_csrf.html",
        {"back_url": referer if same_origin else ""},
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django's 500 page, except that a database that cannot be
    reached answers 503 with ``Retry-After`` (``lms.outage``). Failures in views
    are answered by ``lms.outage.DatabaseOutageMiddleware`` first; this is for
    those in a middleware, which Django logs itself, once."""
    if outage.is_connection_failure(sys.exc_info()[1]):
        return outage.unavailable(request)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: a request Django cannot read (a form in another encoding than
    UTF-8, too many fields, a host this site is not) gets the site's page for it,
    drawn without the request, as the 500 page is. Django's own view checks the
    CSRF token first, which reads the unreadable form again, and the error raised
    then became a 500 without a page."""
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


# Account actions that allauth limits per signed-in user (ACCOUNT_RATE_LIMITS),
# by the name of their address.
PER_USER_LIMITS = {
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_reauthenticate": "reauthenticate",
}


def too_many_requests(request: HttpRequest, exception=None) -> HttpResponse:
    """allauth's answer to an account action over its limit (``handler429``). A
    password typed too often on a signed-in account waits out a limit of that
    account, not of the connection, for as many minutes as allauth's record of
    the attempts says; the page says how long."""
    wait = _account_wait(request)
    context = {"retry_minutes": max(1, math.ceil(wait / 60))} if wait else {}
    response = render(request, "429.html", context, status=429)
    if wait:
        response["Retry-After"] = str(math.ceil(wait))
    return response


def _account_wait(request: HttpRequest) -> float | None:
    """Seconds until the signed-in user may try a per-user limited action again;
    None for any other limit, or when the record cannot be read."""
    match = getattr(request, "resolver_match", None)
    action = PER_USER_LIMITS.get(match.url_name if match else None)
    user = getattr(request, "user", None)
    if action is None or user is None or not user.is_authenticated:
        return None
    from allauth.core.internal import ratelimit as limits

    app, now, waits = "allauth.account", time.time(), []
    try:
        for rate in limits.get_rates(app=app, action=action):
            if rate.per != "user":
                continue
            key = limits.get_cache_key(request, app=app, action=action, rate=rate)
            # Newest first, as allauth records them.
            recent = [t for t in cache.get(key) or [] if t > now - rate.duration]
            if len(recent) >= rate.amount:
                waits.append(recent[rate.amount - 1] + rate.duration - now)
    except Exception:  # noqa: BLE001 - the page then says what it says of any limit
        logger.warning("Could not read the rate limit of %s", action, exc_info=True)
        return None
    return max(waits) if waits else None
