"""Certificate pages: verification by number, the owner's downloads, the JWKS."""

import re
from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_safe,
)

from certificates import services, signing
from certificates.numbers import normalize_number
from lms import ratelimit
from lms.iin import normalize_iin
from lms.log_filters import holds_iin, without_iins

THROTTLE_WINDOW = 60


def _language_from_query(request):
    """``?lang=xx`` chooses the page language: remember it and drop it from the URL.

    The language then comes from the cookie, as on every unprefixed page, so the
    site's language switcher keeps working on the clean URL.
    """
    if "lang" not in request.GET:
        return None
    query = without_iins(request.GET)
    language = request.GET["lang"]
    query.pop("lang", None)
    return _in_language(request.path, query, language)


def _in_language(path: str, query, language: str):
    """A redirect to ``path`` that remembers ``language`` in the cookie."""
    response = redirect(path + (f"?{query.urlencode()}" if query else ""))
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 60 * 60,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite="Lax",
        )
    return response


@require_safe
def unprefixed(request, path: str):
    """``/kk/certificates/verify/…``: the verification pages have one address
    for every language, without the prefix, which names the language instead."""
    # An IIN typed by mistake is not written back into an address: the page
    # answers here, in the prefix's language.
    number = path.removeprefix("certificates/verify/").rstrip("/")
    if number and _is_iin(number):
        return _not_found(request, number)
    if not number and _is_iin(request.GET.get("number", "")):
        return verify_form(request)
    query = without_iins(request.GET)
    query.pop("lang", None)
    return _in_language(f"/{quote(path)}", query, translation.get_language())


def _throttled(request) -> int | None:
    """Count a check for the client address; over the limit, the seconds until
    the window reopens, else None."""
    hit = ratelimit.hit(
        "certificates:verify", ratelimit.client_address(request), THROTTLE_WINDOW
    )
    return hit.retry_after if hit.over(settings.CERTIFICATE_VERIFY_RATE_LIMIT) else None


def _is_iin(typed: str) -> bool:
    """Twelve digits with anything but letters between them ("7910.2830.2728"),
    or an IIN among other text ("id791028302728"): an IIN typed by mistake."""
    digits = re.sub(r"[\W_]", "", normalize_iin(typed))
    return bool(re.fullmatch(r"[0-9]{12}", digits)) or holds_iin(typed, valid=True)


def _typed(request, typed: str) -> dict:
    """What the number form shows back: never an IIN someone typed by mistake,
    not even in the page's links to itself in other languages."""
    if _is_iin(typed):
        path = reverse("certificates:verify_form")
        return {"typed": "", "iin_typed": True, "return_path": path}
    return {"typed": typed}


def _not_found(request, typed: str = ""):
    response = render(
        request,
        "certificates/not_found.html",
        _typed(request, typed),
        status=404,
    )
    # LocaleMiddleware turns a 404 on an unprefixed path into a redirect to the
    # language-prefixed path whenever that one resolves, and Wagtail's catch-all
    # page route resolves everything. Judged against this app's URLconf, which has
    # no language prefixes, the 404 stays a 404.
    request.urlconf = "certificates.urls"
    return response


def _not_yours(request, number: str):
    """A download that is not the visitor's: the 404 of an unknown number, or for
    someone signed out (following the link in their certificate e-mail, say) the
    same 404 with the way to sign in and come back. An IIN typed in place of the
    number is never shown back, nor carried to the sign-in page."""
    if _is_iin(number):
        return _not_found(request, number)
    if request.user.is_authenticated:
        return _not_found(request)
    login = f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
    response = render(
        request,
        "certificates/sign_in_to_download.html",
        {"login_url": login},
        status=404,
    )
    request.urlconf = "certificates.urls"
    return response


def _revoked(request, certificate, template: str, content_type: str | None = None):
    """A revoked certificate's download, refused for good (410): its holder
    learns when and why it was revoked, and where its status is shown to anyone
    who checks it, instead of a file that would pass for valid."""
    return render(
        request,
        template,
        {
            "certificate": certificate,
            "verify_url": services.verify_url(certificate.number),
        },
        content_type=content_type,
        status=410,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_form(request):
    """A form to type a certificate number; a valid one goes to its page.

    The form is posted, so what was typed stays out of the address bar and the
    browser's history: on a shared computer an IIN typed by mistake would
    otherwise be kept there. ``?number=`` still works for links made by hand.
    """
    if response := _language_from_query(request):
        return response
    data = request.POST if request.method == "POST" else request.GET
    typed = data.get("number", "").strip()
    error = False
    if typed:
        canonical = normalize_number(typed)
        if canonical is not None:
            # 303: the browser follows with a GET, and going back does not post again.
            response = redirect("certificates:verify", canonical)
            response.status_code = 303
            return response
        error = True
    return render(
        request,
        "certificates/verify_form.html",
        {**_typed(request, typed), "error": error},
    )


@never_cache
@require_safe  # GET, and HEAD for link checkers and previews of the QR's link
def verify(request, number: str):
    """Public verification page: status, course, date and the masked name."""
    if response := _language_from_query(request):
        return response
    canonical = normalize_number(number)
    if canonical is not None and canonical != number:
        # Typed in another form: the canonical page counts the check.
        return redirect("certificates:verify", canonical, permanent=True)
    if retry_after := _throttled(request):
        response = render(request, "certificates/throttled.html", status=429)
        response["Retry-After"] = str(retry_after)
        return response
    if canonical is None:
        return _not_found(request, number)
    certificate = services.find_certificate(canonical)
    if certificate is None:
        return _not_found(request, number)
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "course_title": services.course_title(
                certificate.course, translation.get_language()
            ),
        },
    )


@never_cache
@require_safe
def download_pdf(request, number: str):
    """The owner's certificate PDF, rendered now if the background has not yet."""
    certificate = services.owned_certificate(number, request.user)
    if certificate is None:
        return _not_yours(request, number)
    if certificate.is_revoked:
        return _revoked(request, certificate, "certificates/revoked_download.html")
    services.ensure_pdf(certificate)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,  # the links say "Download"
        content_type="application/pdf",
        filename=f"{certificate.number}.pdf",
    )


@never_cache
@require_safe
def download_credential(request, number: str):
    """The owner's signed credential (compact JWS) as ``application/jwt``."""
    certificate = services.owned_certificate(number, request.user)
    if certificate is None:
        return _not_yours(request, number)
    if certificate.is_revoked:
        return _revoked(
            request,
            certificate,
            "certificates/revoked_download.txt",
            "text/plain; charset=utf-8",
        )
    if not certificate.credential:
        return _not_yours(request, number)
    response = HttpResponse(certificate.credential, content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.jwt"'
    return response


@require_safe  # GET, and HEAD for caches that check the keys first
@cache_control(public=True, max_age=3600)
def jwks(request):
    """The public keys that verify certificate credentials."""
    return JsonResponse(signing.jwks())
