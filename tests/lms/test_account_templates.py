"""allauth's remaining account pages, the 403 and expired-form pages, and the
e-mails that tell an account holder about a change: in the site's layout, in
Kazakh and Russian, never in allauth's or Django's English."""

import logging
from datetime import UTC, datetime
from html import unescape

from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path
from django.utils import formats, timezone, translation

import pytest
from allauth.account.decorators import verified_email_required
from allauth.account.models import EmailAddress, EmailConfirmationHMAC

from lms import urls as site_urls
from lms.factories import VALID_IINS, UserFactory
from tests.lms.i18n import tr

LANGUAGES = ["kk", "ru"]
PASSWORD = "pass-word-123"  # lms.factories.UserFactory
# What the pages said before they were the project's own.
ENGLISH_DEFAULTS = (
    "Confirm Email Address",
    "Confirm Access",
    "Verify Your Email Address",
    "Forbidden",
    "CSRF verification failed",
)


def _needs_access(request):
    raise PermissionDenied


def _certificates(request):
    return HttpResponse("certificates")


# The site's own addresses, plus a page for confirmed addresses only and one that
# refuses everybody (nothing on the site uses either yet).
urlpatterns = [
    path("test/no-access/", _needs_access),
    path("test/confirmed-only/", verified_email_required(_certificates)),
    *site_urls.urlpatterns,
]


def page(response) -> str:
    return unescape(response.content.decode())


def assert_in_the_layout(html: str) -> None:
    assert 'href="tel:150"' in html and 'href="tel:111"' in html
    assert "data-quick-exit" in html
    assert html.count("<h1") == 1
    for english in ENGLISH_DEFAULTS:
        assert english not in html


@pytest.fixture
def learner(db):
    return UserFactory(iin=VALID_IINS[0], email="aigerim@example.kz")


# Confirmation link


@pytest.fixture
def unconfirmed(learner):
    return EmailAddress.objects.create(
        user=learner, email="aigerim.new@example.kz", verified=False
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_confirmation_link_shows_the_address_not_the_name(
    client, unconfirmed, language
):
    key = EmailConfirmationHMAC(unconfirmed).key
    response = client.get(
        f"/accounts/confirm-email/{key}/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = page(response)
    assert_in_the_layout(html)
    assert tr("Confirm your e-mail address", language) in html
    assert tr("Confirm that this e-mail address is yours:", language) in html
    assert "aigerim.new@example.kz" in html
    # The link may reach the owner of a mistyped address.
    assert "Айгерім" not in html and "Бекова" not in html
    assert f'action="/accounts/confirm-email/{key}/"' in html
    assert tr("Confirm", language) in html


def test_confirming_the_address_marks_it_confirmed(client, unconfirmed):
    key = EmailConfirmationHMAC(unconfirmed).key
    response = client.post(f"/accounts/confirm-email/{key}/")
    assert response.status_code == 302
    unconfirmed.refresh_from_db()
    assert unconfirmed.verified
    again = page(
        client.get(f"/accounts/confirm-email/{key}/", HTTP_ACCEPT_LANGUAGE="kk")
    )
    assert tr("The link does not work", "kk") in again


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_broken_confirmation_link_leads_to_a_new_one(client, db, language):
    response = client.get(
        "/accounts/confirm-email/not-a-key/", HTTP_ACCEPT_LANGUAGE=language
    )
    html = page(response)
    assert_in_the_layout(html)
    assert tr("The link does not work", language) in html
    assert (
        tr(
            "This confirmation link has expired, has already been used or is not "
            "valid. If you have already confirmed the address, there is nothing "
            "more to do; if not, sign in and send the confirmation again from the "
            "e-mail addresses page.",
            language,
        )
        in html
    )
    assert 'href="/accounts/email/"' in html
    assert "<form" not in html.split('<main id="main"')[1].split("</main>")[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_address_confirmed_on_another_account_cannot_be_confirmed(
    client, unconfirmed, language
):
    other = UserFactory(iin=VALID_IINS[1], email=unconfirmed.email)
    EmailAddress.objects.create(
        user=other, email=unconfirmed.email, verified=True, primary=True
    )
    key = EmailConfirmationHMAC(unconfirmed).key
    response = client.get(
        f"/accounts/confirm-email/{key}/", HTTP_ACCEPT_LANGUAGE=language
    )
    html = page(response)
    assert_in_the_layout(html)
    assert tr("This address cannot be confirmed", language) in html
    assert (
        tr(
            "The address %(email)s cannot be confirmed because it is already "
            "confirmed on another account.",
            language,
        )
        % {"email": unconfirmed.email}
        in html
    )
    assert "Айгерім" not in html
    assert f'action="/accounts/confirm-email/{key}/"' not in html


# After sign-up and on pages for confirmed addresses


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_sign_up_the_learner_is_told_to_check_their_e_mail(client, db, language):
    response = client.get("/accounts/confirm-email/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = page(response)
    assert_in_the_layout(html)
    assert tr("Check your e-mail", language) in html
    assert (
        tr(
            "The e-mail goes to the address you gave. If it does not arrive in a "
            "few minutes, check your spam folder.",
            language,
        )
        in html
    )


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_for_confirmed_addresses_sends_a_new_link(client, learner, language):
    EmailAddress.objects.create(
        user=learner, email=learner.email, primary=True, verified=False
    )
    client.force_login(learner)
    response = client.get("/test/confirmed-only/", HTTP_ACCEPT_LANGUAGE=language)
    html = page(response)
    assert_in_the_layout(html)
    assert (
        tr(
            "This page is open only to accounts with a confirmed e-mail address.",
            language,
        )
        in html
    )
    assert 'href="/accounts/email/"' in html
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert "/accounts/confirm-email/" in message.body


# Confirm it is you


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_is_asked_again_in_the_learners_language(
    client, learner, language
):
    client.force_login(learner)
    response = client.get(
        "/accounts/reauthenticate/?next=/accounts/email/",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    html = page(response)
    assert_in_the_layout(html)
    assert tr("Confirm it is you", language) in html
    assert (
        tr(
            "Enter your password to continue: changes to how you sign in (e-mail "
            "addresses, password, sign-in services) need it.",
            language,
        )
        in html
    )
    assert tr("Password", language) in html
    assert 'type="password" name="password"' in html
    assert 'name="next" value="/accounts/email/"' in html
    assert tr("Continue", language) in html
    assert 'href="/accounts/password/reset/"' in html


def test_the_right_password_leads_on(client, learner):
    client.force_login(learner)
    response = client.post(
        "/accounts/reauthenticate/",
        {"password": PASSWORD, "next": "/accounts/email/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/email/"


# Error pages


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_access_page_in_the_sites_layout(client, db, language):
    response = client.get("/test/no-access/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    html = page(response)
    assert_in_the_layout(html)
    assert f"<title>{tr('No access', language)} —" in html
    assert tr("You do not have access to this page.", language) in html
    assert f'href="/{language}/"' in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.fixture
def csrf_client(settings):
    settings.CSRF_FAILURE_VIEW = "lms.errors.csrf_failure"
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_sent_without_its_token_is_explained(csrf_client, db, caplog, language):
    with caplog.at_level(logging.WARNING, logger="lms.errors"):
        response = csrf_client.post(
            "/accounts/login/",
            {"login": "aigerim@example.kz", "password": PASSWORD},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 403
    html = page(response)
    assert_in_the_layout(html)
    assert tr("This form has expired", language) in html
    assert (
        tr(
            "The page was open for a long time or you signed in or out in another "
            "tab. Go back, reload the page and send the form again.",
            language,
        )
        in html
    )
    assert "CSRF" not in html and "cookie" not in html
    [record] = [r for r in caplog.records if r.name == "lms.errors"]
    assert record.levelno == logging.WARNING
    assert "/accounts/login/" in record.getMessage()
    assert "CSRF cookie not set" in record.getMessage()


def test_the_log_line_of_a_refused_form_cannot_be_forged(csrf_client, db, caplog):
    """A line break sent in the path stays in its line, written out."""
    forged = "/certificates/verify/x%0aINFO Admin signed in%0d%00/"
    with caplog.at_level(logging.WARNING, logger="lms.errors"):
        response = csrf_client.post(forged, {})
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "lms.errors"]
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message and "\x00" not in message
    assert "/certificates/verify/x\\nINFO Admin signed in\\r\\x00/" in message


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("http://testserver/accounts/email/", "http://testserver/accounts/email/"),
        ("https://evil.example/accounts/login/", "/kk/"),
        ("//evil.example/accounts/login/", "/kk/"),
        ("", "/kk/"),
    ],
)
def test_the_way_back_stays_on_this_site(csrf_client, db, referer, back):
    response = csrf_client.post(
        "/accounts/login/",
        {"login": "aigerim@example.kz"},
        HTTP_ACCEPT_LANGUAGE="kk",
        HTTP_REFERER=referer,
    )
    assert response.status_code == 403
    html = page(response)
    assert f'class="button button--primary" href="{back}"' in html
    assert "evil.example" not in html


# Notification e-mails

NOTIFICATIONS = {
    "email_changed": (
        "Your primary e-mail address has been changed",
        "The primary e-mail address of your account has been changed from "
        "%(from_email)s to %(to_email)s.",
    ),
    "email_deleted": (
        "An e-mail address has been removed from your account",
        "The address %(deleted_email)s has been removed from your account.",
    ),
    "email_confirm": (
        "Your e-mail address has been confirmed",
        "An e-mail address of your account has been confirmed.",
    ),
    "password_changed": (
        "Your password has been changed",
        "The password of your account has been changed.",
    ),
    "password_set": (
        "A password has been set for your account",
        "A password has been set for your account: you can now also sign in with "
        "your IIN or e-mail and this password.",
    ),
    "socialaccount/email/account_connected": (
        "A sign-in service has been connected to your account",
        "%(provider)s has been connected to your account: it can now be used to sign "
        "in to it.",
    ),
    "socialaccount/email/account_disconnected": (
        "A sign-in service has been disconnected from your account",
        "%(provider)s has been disconnected from your account.",
    ),
    "password_reset": (
        "Your password has been reset",
        "The password of your account has been reset with a link sent by e-mail, "
        "and a new one has been chosen.",
    ),
}
IF_NOT_YOU = (
    "If it was not you, reset your password at once by following the link below: "
    "someone else may be using your account."
)
IP = "203.0.113.7"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36"


def notification_context(request) -> dict:
    """What allauth passes: ``send_notification_mail``'s own keys and the change's,
    with ``send_mail``'s ``request``, ``email`` and ``current_site``."""
    return {
        "timestamp": datetime(2026, 3, 14, 4, 5, tzinfo=UTC),
        "ip": IP,
        "user_agent": USER_AGENT,
        "from_email": "aigerim@example.kz",
        "to_email": "aigerim.new@example.kz",
        "deleted_email": "aigerim.old@example.kz",
        "request": request,
        "email": "aigerim@example.kz",
        # lms.adapters.site_context, for SITE_URL = "https://oqu.example.kz".
        "site_url": "https://oqu.example.kz",
        "current_site": {"domain": "oqu.example.kz", "name": "oqu.example.kz"},
        "provider": "eGov ID",  # a sign-in service connected or disconnected
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", NOTIFICATIONS)
def test_each_notification_says_what_changed_and_how_to_take_the_account_back(
    rf, name, language
):
    request = rf.get("/accounts/email/", secure=True, HTTP_HOST="oqu.example.kz")
    context = notification_context(request)
    subject_id, message_id = NOTIFICATIONS[name]
    with translation.override(language):
        template = name if "/" in name else f"account/email/{name}"
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}_message.txt", context, request)
        when = formats.date_format(
            timezone.localtime(context["timestamp"]), "DATETIME_FORMAT"
        )
    assert subject.strip() == tr(subject_id, language) and "\n" not in subject.strip()
    assert tr("Hello!", language) in body
    assert tr(message_id, language) % context in body
    assert tr("Time of the change: %(when)s", language) % {"when": when} in body
    assert tr(IF_NOT_YOU, language) in body
    assert (
        f"https://oqu.example.kz/accounts/password/reset/?lang={language}"
        in body.splitlines()
    )
    assert IP not in body and "Chrome" not in body
    assert "receiving this mail" not in body and "IP address" not in body


@pytest.mark.parametrize("language", [*LANGUAGES, "en"])
def test_the_time_of_a_change_ends_with_no_doubled_full_stop(rf, language):
    request = rf.get("/accounts/email/", secure=True, HTTP_HOST="oqu.example.kz")
    context = notification_context(request)
    context["timestamp"] = datetime(2026, 12, 1, 22, 56, tzinfo=UTC)  # morning here
    with translation.override(language):
        body = render_to_string(
            "account/email/password_changed_message.txt", context, request
        )
        when = formats.date_format(
            timezone.localtime(context["timestamp"]), "DATETIME_FORMAT"
        )
    if language == "en":
        assert when == "Dec. 2, 2026, 3:56 a.m."
    line = tr("Time of the change: %(when)s", language) % {"when": when}
    assert line in body.splitlines()
    assert ".." not in body


def test_the_reset_link_is_https_when_the_request_is_unknown(rf):
    context = notification_context(rf.get("/", HTTP_HOST="oqu.example.kz"))
    context["request"] = None
    with translation.override("kk"):
        body = render_to_string("account/email/password_changed_message.txt", context)
    assert (
        "https://oqu.example.kz/accounts/password/reset/?lang=kk" in body.splitlines()
    )


def test_changing_the_password_is_told_to_the_primary_address(
    client, learner, settings
):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    EmailAddress.objects.create(
        user=learner, email=learner.email, primary=True, verified=True
    )
    client.force_login(learner)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "Zhana-kupiya-soz-7",
            "password2": "Zhana-kupiya-soz-7",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert message.subject.endswith(tr("Your password has been changed", "ru"))
    assert tr("The password of your account has been changed.", "ru") in message.body
    assert "http://testserver/accounts/password/reset/" in message.body
    assert "127.0.0.1" not in message.body
