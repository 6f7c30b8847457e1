"""Project-level views: the health check, the data saver switch, reports of
Content-Security-Policy violations, claiming an IIN confirmed through eGov; what
error reports may show."""

import json
import logging
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, connection, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from django.views.i18n import set_language as django_set_language

from wagtail import views as wagtail_views
from wagtail.documents.views import serve as document_serve_views

import requests
from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from allauth.account.views import EmailView
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal.flows.signup import redirect_to_signup
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect import (
    views as openid_connect_views,
)

from lms import account_closure, iin_claims, personal_data, ratelimit
from lms import data_saver as saver
from lms import iin as iin_tools
from lms.adapters import CONFIRMED_IIN_TAKEN, iin_from_claims
from lms.forms import CloseAccountForm
from lms.log_filters import holds_iin, without_iins
from lms.middleware import LANGUAGE_CHOSEN_SESSION_KEY, LANGUAGE_PARAMETER
from lms.queue import queue_status

logger = logging.getLogger(__name__)
CSP_REPORT_MAX_BYTES = 16 * 1024


@never_cache
@require_safe  # GET, and HEAD for load balancers' probes
def healthz(request):
    """200 with the state of the database and the task queue (CONTRACTS.md §4)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ok"
        database = "unavailable"
    queue = queue_status()
    # With RQ, queued work waits for a worker: none listening is not healthy.
    healthy = (
        database == "ok"
        and queue["state"] != "unavailable"
        and queue.get("workers", 1) > 0
    )
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "queue": queue,
        },
        status=200,
    )


# No CSRF token: the switch sits in the footer of every page, and a token there
# would give every anonymous page a cookie and make it uncacheable. A forged post
# can do no more than turn data saver on or off.
@csrf_exempt
@require_POST
def data_saver(request):
    """Turns data saver on or off for this device and goes back to the page."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    language = translation.get_language_from_path(next_url)
    if language:
        translation.activate(language)
    response = HttpResponseRedirect(next_url)
    value = request.POST.get("data_saver")
    if value not in (saver.ON, saver.OFF):
        messages.error(request, _("Choose whether data saver is on or off."))
        return response
    saver.remember(request, response, value == saver.ON)
    if value == saver.ON:
        messages.success(
            request,
            _(
                "Data saver is now on for this device: videos play in lower quality "
                "and load only when you press play, and pictures are left out."
            ),
        )
    else:
        messages.success(request, _("Data saver is now off for this device."))
    return response


def _printable(text: str) -> str:
    """Reported text as one log line: control characters (a line break would
    start a forged log line) shown escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _without_query(url: object) -> str:
    """A reported URL without its query and fragment (they may carry personal
    data), cut to a sensible length."""
    text = str(url or "")
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1": not a URL, only something like one
        return _printable(re.split(r"[?#]", text, maxsplit=1)[0][:300])
    if parts.scheme in ("http", "https"):
        return _printable(f"{parts.scheme}://{parts.netloc}{parts.path}"[:300])
    return _printable((parts.scheme or text)[:40])  # "inline", "eval", "data"


# Browsers post these without cookies or a CSRF token (report-uri in SECURE_CSP).
@csrf_exempt
@require_POST
def csp_report(request):
    """Logs a browser's report of a Content-Security-Policy violation, so that a
    page the policy breaks is noticed. 204; 400 for a body that is not a report,
    413 for one too large, 429 beyond ``CSP_REPORTS_PER_MINUTE`` per address."""
    hit = ratelimit.hit("csp-report", ratelimit.client_address(request))
    if hit.over(settings.CSP_REPORTS_PER_MINUTE):
        return HttpResponse(status=429, headers={"Retry-After": str(hit.retry_after)})
    try:
        size = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        size = 0
    if size > CSP_REPORT_MAX_BYTES:
        return JsonResponse({"detail": "The report is too large."}, status=413)
    try:
        report = json.loads(request.body)["csp-report"]
        if not isinstance(report, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        # RecursionError: arrays nested thousands deep, which json cannot read.
        return JsonResponse(
            {"detail": 'Expected a JSON object with a "csp-report" object.'},
            status=400,
        )
    logger.warning(
        "Content-Security-Policy: %s refused %s on %s",
        _printable(
            str(report.get("effective-directive") or report.get("violated-directive"))
        )[:60],
        _without_query(report.get("blocked-uri")),
        _without_query(report.get("document-uri")),
    )
    return HttpResponse(status=204)


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports hide the IIN posted in sign-up and login forms, as Django
    hides passwords, so that it never reaches a log or an error e-mail."""

    personal_fields = ("iin", "login")

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if request is None or not any(f in parameters for f in self.personal_fields):
            return parameters
        parameters = parameters.copy()
        for name in self.personal_fields:
            if name in parameters:
                parameters[name] = self.cleansed_substitute
        return parameters


def sign_in_here(request):
    """The Wagtail admin's, the Django admin's and private pages' own sign-in forms
    lead to the site's one sign-in page (``/accounts/login/``), whose attempts
    allauth limits per address and per account (``ACCOUNT_RATE_LIMITS``); each of
    theirs would take any number of guesses."""
    target = reverse("account_login")
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target += "?" + urlencode({"next": next_url})
    if request.user.is_authenticated:
        # Sent here for lack of a permission (the admin, a group's page): the
        # sign-in page would send a signed-in user straight back, and round.
        return render(
            request, "account/no_access.html", {"sign_in_url": target}, status=403
        )
    return HttpResponseRedirect(target)


@require_safe
def unprefixed(request, path: str):
    """``/ru/accounts/…``: the account pages have one address for every
    language, without a prefix. The prefix typed becomes ``?lang=``, which names
    the page's language (``lms.middleware``)."""
    if holds_iin(path, valid=True):
        raise Http404  # an IIN typed into the address is not written back into one
    query = without_iins(request.GET)
    query[LANGUAGE_PARAMETER] = translation.get_language()
    return HttpResponseRedirect(f"/{quote(path)}?{query.urlencode()}")


@require_POST
def set_language(request):
    """Django's language switch; for a signed-in learner it also becomes the
    account's language, in which signing in later lands ("My learning") and
    e-mails are written, as it does for the account a visitor signs in to next."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and response.has_header("Location"):
        response["Location"] = _next_in_language(response["Location"], language)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.keep_language(language)
        else:  # kept for the account signed in to next (``lms.adapters``)
            request.session[LANGUAGE_CHOSEN_SESSION_KEY] = language
    return response


def _next_in_language(url: str, language: str) -> str:
    """The page switched on, in the language just chosen: without a ``?lang=``
    naming the one before (the sign-in link's), which would win over the choice,
    and with the sign-in page's own ``next`` (the page to go back to) in the new
    language too: Django translates only the page switched on."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(name in ("next", LANGUAGE_PARAMETER) for name, _value in query):
        return url
    query = [
        (name, _path_in_language(value, language) if name == "next" else value)
        for name, value in query
        if name != LANGUAGE_PARAMETER
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _path_in_language(path: str, language: str) -> str:
    """``path`` (of this site, under a language prefix) in ``language``; a page's
    slugs are translated, so the page is found and asked for its own address."""
    from wagtail.models import Page, Site

    old = translation.get_language_from_path(path)
    if not old or old == language:
        return path
    with translation.override(old):
        try:
            match = resolve(unquote(urlsplit(path).path))
        except Resolver404:
            return f"/{language}/"
        if match.url_name != "wagtail_serve":
            return translate_url(path, language)
        site = Site.objects.filter(is_default_site=True).first()
        served = match.args[0] if match.args else match.kwargs.get("path", "")
        components = [part for part in served.split("/") if part]
        page = None
        if site is not None:
            try:
                page = site.root_page.specific.route(None, components).page
            except Http404:
                page = None
    if not isinstance(page, Page):
        return f"/{language}/"
    with translation.override(language):
        return page.get_url() or f"/{language}/"


class EmailAddressesView(EmailView):
    """allauth's e-mail addresses page. An address becomes primary only once
    confirmed through the link sent to it (``AccountAdapter.can_mark_as_primary``).
    Making an address primary that another account holds (added before
    ``lms.forms.AddEmailForm`` refused such addresses, or made primary there a
    moment before) is refused with a message."""

    def _action_primary(self, request, *args, **kwargs):
        adapter = get_adapter(request)
        email_address = self._get_email_address(request)
        if email_address and not adapter.can_mark_as_primary(email_address):
            adapter.add_message(
                request,
                messages.ERROR,
                "account/messages/unverified_primary_email.txt",
                {"email": email_address.email},
            )
            return HttpResponseRedirect(self.get_success_url())
        try:
            with transaction.atomic():
                return super()._action_primary(request, *args, **kwargs)
        except IntegrityError:
            messages.error(request, _("A user is already registered with this e-mail."))
            return HttpResponseRedirect(self.get_success_url())


email_addresses = login_required(EmailAddressesView.as_view())


# Guesses at the password of a password-protected course or lesson, per client
# address and restriction in one minute.
PAGE_PASSWORD_TRIES_PER_MINUTE = 5


def _too_many_guesses(request, kind: str, restriction_id: int):
    """The 429 page for a password guess over the limit, per client address and
    restriction; None for a guess still allowed, or a GET."""
    if request.method != "POST":
        return None
    hit = ratelimit.hit(
        f"{kind}-password", f"{ratelimit.client_address(request)}:{restriction_id}"
    )
    if not hit.over(PAGE_PASSWORD_TRIES_PER_MINUTE):
        return None
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


def page_password(request, page_view_restriction_id: int, page_id: int):
    """Wagtail's form for the password of a protected course or lesson, with
    guesses limited per client address and restriction; Wagtail's own takes any
    number of them."""
    if refused := _too_many_guesses(request, "page", page_view_restriction_id):
        return refused
    return wagtail_views.authenticate_with_password(
        request, page_view_restriction_id, page_id
    )


def document_password(request, restriction_id: int):
    """Wagtail's form for the password of a protected collection's documents,
    with guesses limited as for pages."""
    if refused := _too_many_guesses(request, "document", restriction_id):
        return refused
    return document_serve_views.authenticate_with_password(request, restriction_id)


def reauthenticate(request):
    """allauth's page that asks for the password again and then finishes what
    asked for it. A connection to eGov that waited for it, while another account
    connected the same eGov sign-in, is refused with the reason, not a 500."""
    try:
        with transaction.atomic():  # what it did is undone, not left half-done
            return allauth_views.reauthenticate(request)
    except IntegrityError:
        messages.error(request, get_social_adapter().error_messages["connected_other"])
        return redirect("socialaccount_connections")


def provider_sign_in(request, provider_id: str):
    """allauth's OpenID Connect sign-in and its callback, which both ask the
    provider for its configuration: a provider that cannot be reached, or answers
    what is not its configuration, gives the page that says signing in did not
    work, not a 500."""
    view = (
        openid_connect_views.callback
        if request.path.endswith("/callback/")
        else openid_connect_views.login
    )
    try:
        return view(request, provider_id)
    except (requests.RequestException, ValueError, KeyError) as error:
        logger.warning(
            "Identity provider %s did not answer: %s", provider_id, type(error).__name__
        )
        provider = get_social_adapter().get_provider(request, provider_id)
        response = render_authentication_error(request, provider, exception=error)
        response.status_code = 503
        return response


@never_cache
@require_http_methods(["GET", "POST"])
def iin_claim(request):
    """eGov confirmed the IIN of someone signing up, and an account that only typed
    that IIN holds it: the page says what claiming it does, and a POST goes on to
    the sign-up form, which claims it with the new account (``lms.iin_claims``)."""
    sociallogin = None
    if pending := request.session.get(iin_claims.SESSION_KEY):
        try:
            sociallogin = SocialLogin.deserialize(pending)
        except (ValueError, KeyError, TypeError):
            sociallogin = None
    iin = iin_from_claims(sociallogin) if sociallogin else None
    if not iin:
        request.session.pop(iin_claims.SESSION_KEY, None)
        return redirect("account_login")
    holder = iin_claims.holder_of(iin)
    if holder is not None and holder.iin_confirmed_at:
        request.session.pop(iin_claims.SESSION_KEY, None)
        messages.error(request, CONFIRMED_IIN_TAKEN)
        return redirect("account_login")
    if request.method == "POST":
        # Taken off the other account only when this person's account is created.
        sociallogin.state[iin_claims.CLAIMED] = True
    elif holder is not None:
        sign_in = (
            reverse("account_login")
            + "?"
            + urlencode({"next": reverse("socialaccount_connections")})
        )
        return render(
            request,
            "account/iin_claim.html",
            {"iin_masked": iin_tools.mask_iin(iin), "sign_in_url": sign_in},
        )
    request.session.pop(iin_claims.SESSION_KEY, None)
    return redirect_to_signup(request, sociallogin)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    """The learner closes their account (``lms.account_closure``): what is erased
    and what stays, then the password (or IIN) and an acknowledgement."""
    if request.user.is_staff_member:
        return render(request, "account/close_staff.html", status=403)
    data = request.POST if request.method == "POST" else None
    form = CloseAccountForm(request.user, data)
    if request.method == "POST" and form.is_valid():
        try:
            account_closure.close_account(request.user)
        except account_closure.StaffAccount:
            return render(request, "account/close_staff.html", status=403)
        logout(request)
        messages.success(request, _("Your account is closed."))
        return redirect("/")
    status = 400 if form.errors else 200
    return render(request, "account/close.html", {"form": form}, status=status)


@never_cache
@login_required
@require_GET
def my_data(request):
    """The signed-in learner's data as a JSON file (``lms.personal_data``)."""
    response = JsonResponse(
        personal_data.export(request.user),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="bakytty-otbasy-data.json"'
    return response
