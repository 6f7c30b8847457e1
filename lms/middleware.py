"""Project middleware."""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

from lms import outage


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 outside the pages is never
    redirected.

    Django redirects an unprefixed 404 to the language-prefixed path when that
    path resolves, and Wagtail's catch-all resolves every path. That is right for
    a page's address typed without its language (``/courses/…`` to
    ``/kk/courses/…``), but not under the areas of the URLconf that have no
    language prefix (``/admin/``, ``/api/``, ``/accounts/``, ``/django-rq/``…):
    an API's ``404 {"detail": …}`` would become a redirect to an HTML page, and
    the admin's "page not found" would drop the staff member onto the public site
    (``/en/admin/…``). There the 404 stays a 404: the admin's own 404 page under
    ``/admin/``.

    The registry API's clients are machines: a call whose ``Accept-Language``
    names none of the site's languages (or that sends none) is answered in the
    English of docs/registry-integration.md, not in the site's default Kazakh.
    """

    machine_apis = ("/api/v1/registry/",)

    def process_request(self, request):
        if request.path_info.startswith(self.machine_apis) and not _asks_for_ours(
            request.headers.get("Accept-Language", "")
        ):
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
            return
        super().process_request(request)
        if (linked := _linked_language(request)) and linked != request.LANGUAGE_CODE:
            translation.activate(linked)
            request.LANGUAGE_CODE = linked

    def process_response(self, request, response):
        if request.path_info.startswith("/api/"):
            # The language comes from ``?lang=``, the language cookie or the
            # header.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", get_language())
            return response
        _keep_the_accounts_language(request, response)
        linked = _linked_language(request)
        if linked and _is_a_private_page(response):
            # The pages after it (a form sent, a redirect) keep the language. Not
            # on an answer a shared cache may keep (robots.txt, the JWKS).
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                linked,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        if response.status_code == 404 and _in_an_unprefixed_area(request):
            # What Django does to a 404 it does not redirect.
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)


def _in_an_unprefixed_area(request) -> bool:
    """Is the path under one of the URLconf's areas without a language prefix
    (an ``include`` under its own path, such as ``admin/``)?"""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return request.path_info.startswith(_unprefixed_areas(urlconf))


@cache
def _unprefixed_areas(urlconf) -> tuple[str, ...]:
    """The paths of the ``include``s at the top of ``urlconf`` outside
    ``i18n_patterns``, with a fixed prefix: ``("/api/v1/", "/accounts/", …)``.
    Those included at the root (pages' helpers such as the certificates' views)
    and the language-prefixed pages are not areas."""
    areas = []
    for entry in get_resolver(urlconf).url_patterns:
        if not isinstance(entry, URLResolver):
            continue
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the language prefix of i18n_patterns, or a regex
        route = str(entry.pattern)
        if route and "<" not in route:
            areas.append("/" + route)
    return tuple(areas)


# A link from an e-mail (``lms.adapters.with_language``) names the language of the
# e-mail, in which its page opens; pages under a language prefix have theirs.
LANGUAGE_PARAMETER = "lang"


def _is_a_private_page(response) -> bool:
    content_type = response.get("Content-Type", "")
    cache_control = response.get("Cache-Control", "")
    page = content_type.startswith("text/html") or response.status_code in (301, 302)
    return page and "public" not in cache_control


def _linked_language(request) -> str | None:
    """The site's language named by ``?lang=``, as a tag apps send too (``EN``,
    ``ru-RU``), or else by the prefix of the page to go back to (``?next=/ru/…``:
    the sign-in page a Russian page sent its visitor to); None for another or
    none."""
    if translation.get_language_from_path(request.path_info):
        return None
    language = request.GET.get(LANGUAGE_PARAMETER, "").split("-")[0].lower()
    if language in dict(settings.LANGUAGES):
        return language
    going_back_to = request.GET.get(REDIRECT_FIELD_NAME, "")
    if going_back_to.startswith("/") and not going_back_to.startswith("//"):
        return translation.get_language_from_path(going_back_to.split("?")[0])
    return None


def _keep_the_accounts_language(request, response) -> None:
    """A signed-in user who switches the page's language (the switcher is a plain
    link from the same page under another language prefix) makes it the
    account's language, in which signing in later lands and e-mails are written,
    as ``lms.views.set_language`` does. A page opened from a shared link, a
    bookmark or after signing in changes nothing: it was not chosen on this site
    (the ``Referer`` of a page of this site in another language says it was).
    A visitor not signed in who switches has it kept in the session, for the
    account they sign in to."""
    if request.method != "GET" or response.status_code != 200:
        return
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    language = translation.get_language_from_path(request.path_info)
    if not language or not _switched_from_another_language(request, language):
        return
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        # Chosen before signing in: signing in on this device keeps it
        # (``lms.adapters``), over the account's language from earlier.
        request.session[LANGUAGE_CHOSEN_SESSION_KEY] = language
        return
    user.keep_language(language)


# The language a visitor switched to before signing in.
LANGUAGE_CHOSEN_SESSION_KEY = "language_chosen"


def _switched_from_another_language(request, language: str) -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    try:
        came_from = urlsplit(request.headers.get("Referer", ""))
    except ValueError:
        return False
    if came_from.netloc != request.get_host():
        return False
    previous = translation.get_language_from_path(came_from.path)
    return bool(previous) and previous != language


def _asks_for_ours(header: str) -> bool:
    """Does an ``Accept-Language`` header name one of the site's languages?"""
    ours = {code for code, _name in settings.LANGUAGES}
    for language, _quality in parse_accept_lang_header(header):
        if language.split("-")[0].lower() in ours:
            return True
    return False


class JsonApiErrorsMiddleware:
    """Every answer under ``/api/`` is JSON, errors included, with a ``detail``
    (CONTRACTS.md §5, §6): Django's own error pages for an unknown path, a wrong
    method, a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or a crash become
    ``{"detail": …}`` with the same status. With ``DEBUG`` on, a crash keeps
    Django's technical page."""

    details = {
        400: _("Bad request."),
        403: _("Forbidden."),
        404: _("Not found."),
        405: _("Method not allowed."),
        413: _("The request body is too large."),
        500: _("Server error. Please try again later."),
        503: outage.API_DETAIL,
    }
    # What the answer replaced said that still holds: the language middleware's
    # Content-Language and Vary among them.
    kept_headers = ("Allow", "Retry-After", "Content-Language", "Vary")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith("/api/")
            or response.get("Content-Type", "").startswith("application/json")
            or (settings.DEBUG and response.status_code >= 500)
        ):
            return response
        detail = self.details.get(response.status_code, response.reason_phrase)
        answer = JsonResponse({"detail": str(detail)}, status=response.status_code)
        for header in self.kept_headers:
            if header in response:
                answer[header] = response[header]
        # Django logs a crash as it answers; the JSON answer must not be logged
        # again (without its traceback) as another error.
        answer._has_been_logged = getattr(response, "_has_been_logged", False)
        return answer

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig) and request.path_info.startswith(
            "/api/"
        ):
            return JsonResponse({"detail": str(self.details[413])}, status=413)
        return None


class MethodNotAllowedPageMiddleware:
    """A page address opened with the wrong method (a form's address reloaded or
    typed, which only takes a POST) answers Django's 405 with an empty body: a
    blank page. Outside the API and the admin it becomes the site's page that
    says so, in the site's layout and language, with the same status and
    ``Allow``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or response.streaming
            or response.content
            or request.path_info.startswith(("/api/", "/admin/"))
        ):
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response.get("Allow", "")
        return page


class PrivateAnswersMiddleware:
    """A page or JSON answer asked for by a signed-in user holds what is theirs
    (progress, a partner's name, their address): no cache, neither a shared one
    nor the browser's, keeps it, unless the view chose its own caching. Only
    GET and HEAD (other answers are not kept anyway), and not files: a video
    must stay cacheable for its byte ranges. Requests without a session cookie
    are left alone, so that reading the session adds no ``Vary: Cookie`` to
    public answers."""

    kept_private = ("text/html", "application/json")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or "Cache-Control" in response
            or settings.SESSION_COOKIE_NAME not in request.COOKIES
            or not response.get("Content-Type", "").startswith(self.kept_private)
        ):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class DataSaverMiddleware:
    """Pages differ with the browser's ``Save-Data`` header (see ``lms.data_saver``),
    so HTML answers say so to caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Save-Data",))
        return response


class CompressPagesMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation: random padding in every answer)
    for pages and JSON only. Streamed files are left alone: static files come
    compressed from WhiteNoise, and a video must keep its byte ranges."""

    compressible = ("text/html", "application/json")

    def process_response(self, request, response):
        if response.streaming or not response.get("Content-Type", "").startswith(
            self.compressible
        ):
            return response
        return super().process_response(request, response)


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.SECURE_CSP`` as the Content-Security-Policy of every page
    (HTML answer) whose path does not start with one of ``SECURE_CSP_EXCLUDE``,
    and ``settings.SECURE_PERMISSIONS_POLICY`` as the Permissions-Policy of every
    page.

    ``SECURE_CSP`` has the shape of Django 6's setting, whose own middleware takes
    over that header there."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            " ".join([directive, *sources])
            for directive, sources in settings.SECURE_CSP.items()
        )
        self.exclude = tuple(settings.SECURE_CSP_EXCLUDE)
        self.permissions = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.SECURE_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        # Django's debug pages for 404 and 500 (DEBUG only) carry inline styles
        # and scripts.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if (
            self.policy
            and not debug_page
            and not request.path_info.startswith(self.exclude)
        ):
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
