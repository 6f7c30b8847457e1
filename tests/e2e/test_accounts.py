"""Sign-up, sign-out and sign-in in a real Chromium on a phone-sized screen."""

import pytest

from lms.factories import VALID_IINS
from lms.models import User
from tests.lms.i18n import tr

pytestmark = pytest.mark.e2e
PASSWORD = "Ainalayin-2026!"
SUBMIT = "main form.form button[type=submit]"
INVALID_IIN = "Enter a valid IIN: 12 digits with a correct check digit."
UNDERSTOOD = (
    "I understand that my certificates will be revoked and that a closed account "
    "cannot be restored."
)


def test_sign_up_out_and_in_with_iin(live_server, tree_root, home_page, page, tmp_path):
    page.set_extra_http_headers({"Accept-Language": "kk"})
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_label(tr("IIN", "kk"), exact=True).fill("010101600586")
    page.get_by_label(tr("First name", "kk"), exact=True).fill("Айгерім")
    page.get_by_label(tr("Last name", "kk"), exact=True).fill("Бекова")
    page.get_by_label(tr("E-mail", "kk"), exact=True).fill("aigerim@example.kz")
    page.get_by_label(tr("Password", "kk"), exact=True).fill(PASSWORD)
    page.get_by_label(tr("Password (again)", "kk"), exact=True).fill(PASSWORD)
    page.locator(SUBMIT).click()

    # Wrong IIN and no consent: both explained next to their fields.
    iin = page.get_by_label(tr("IIN", "kk"), exact=True)
    assert iin.get_attribute("aria-invalid") == "true"
    error_id = iin.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text().strip() == tr(INVALID_IIN, "kk")
    consent = page.locator("#id_consent")
    assert consent.get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(tmp_path / "signup-errors.png"), full_page=True)
    assert User.objects.count() == 0

    iin.fill(VALID_IINS[0])
    page.get_by_label(tr("Password", "kk"), exact=True).fill(PASSWORD)
    page.get_by_label(tr("Password (again)", "kk"), exact=True).fill(PASSWORD)
    consent.check()
    page.locator(SUBMIT).click()
    page.wait_for_url(f"{live_server.url}/kk/dashboard/")
    user = User.objects.get()
    assert user.iin == VALID_IINS[0] and user.consent_at is not None

    page.goto(f"{live_server.url}/accounts/logout/")
    page.locator(SUBMIT).click()
    page.wait_for_url(f"{live_server.url}/kk/")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(tr("IIN or e-mail", "kk"), exact=True).fill("791 028 302 728")
    page.get_by_label(tr("Password", "kk"), exact=True).fill(PASSWORD)
    page.screenshot(path=str(tmp_path / "login.png"), full_page=True)
    page.locator(SUBMIT).click()
    page.wait_for_url(f"{live_server.url}/kk/dashboard/")
    assert "sessionid" in {cookie["name"] for cookie in page.context.cookies()}


def test_language_switcher_on_the_signup_page(live_server, tree_root, home_page, page):
    page.set_extra_http_headers({"Accept-Language": "kk"})
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.get_by_label(tr("IIN", "kk"), exact=True).is_visible()
    page.locator(".language-switcher [data-language=ru]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.url == f"{live_server.url}/accounts/signup/"
    page.get_by_label(tr("IIN", "ru"), exact=True).fill("010101600586")
    page.locator(SUBMIT).click()
    iin = page.get_by_label(tr("IIN", "ru"), exact=True)
    error_id = iin.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text().strip() == tr(INVALID_IIN, "ru")


def test_the_holder_claims_an_iin_typed_by_another_account(
    live_server, tree_root, home_page, page, settings, monkeypatch, tmp_path
):
    """eGov confirmed the IIN of someone signing up; an account that only typed it
    holds it. The page explains both ways out and passes the WCAG checks; its
    button leads on to the sign-up form, which claims the IIN with the account."""
    from django.test import Client

    from allauth.core import context

    from lms.factories import UserFactory
    from lms.iin_claims import SESSION_KEY
    from tests.e2e.test_accessibility import violations
    from tests.lms.oidc import make_request, sociallogin_from_claims, switch_on_egov

    switch_on_egov(settings, monkeypatch, tmp_path)
    typed = UserFactory(iin=VALID_IINS[2], email="typed@example.kz")
    request = make_request()
    with context.request_context(request):
        pending = sociallogin_from_claims(request, iin=VALID_IINS[2]).serialize()
    client = Client()
    session = client.session
    session[SESSION_KEY] = pending
    session.save()
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": session.session_key, "url": live_server.url},
            {"name": "django_language", "value": "ru", "url": live_server.url},
        ]
    )

    page.goto(f"{live_server.url}/accounts/iin/claim/")
    assert page.locator("h1").inner_text() == tr(
        "Your IIN is used by another account", "ru"
    )
    assert "90********11" in page.locator("main").inner_text()
    page.screenshot(path=str(tmp_path / "iin-claim.png"), full_page=True)
    assert violations(page) == []

    page.get_by_role("button", name=tr("Claim my IIN and sign up", "ru")).click()
    page.wait_for_url("**/accounts/3rdparty/signup/")
    typed.refresh_from_db()
    assert typed.iin == VALID_IINS[2]  # taken only with the new account
    page.locator("#id_consent").check()
    page.locator(SUBMIT).click()
    page.wait_for_url(lambda url: "/accounts/3rdparty/signup/" not in url)
    typed.refresh_from_db()
    assert typed.iin is None
    assert User.objects.get(email="dana@example.kz").iin == VALID_IINS[2]


def test_a_learner_closes_their_account_from_the_dashboard(
    live_server, tree_root, home_page, page, tmp_path
):
    from allauth.account.models import EmailAddress

    from lms.factories import UserFactory

    user = UserFactory(iin=VALID_IINS[0], email="aigerim@example.kz")
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True)
    page.set_extra_http_headers({"Accept-Language": "ru"})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(tr("IIN or e-mail", "ru"), exact=True).fill(VALID_IINS[0])
    page.get_by_label(tr("Password", "ru"), exact=True).fill(PASSWORD)
    page.locator(SUBMIT).click()
    page.wait_for_url(f"{live_server.url}/ru/dashboard/")

    page.goto(f"{live_server.url}/ru/dashboard/")
    page.get_by_role("link", name=tr("Close my account", "ru")).click()
    page.wait_for_url(f"{live_server.url}/accounts/close/")
    password = page.get_by_label(tr("Current password", "ru"), exact=True)
    password.fill("not-my-password")
    page.get_by_label(tr(UNDERSTOOD, "ru")).check()
    page.locator(SUBMIT).click()
    password = page.get_by_label(tr("Current password", "ru"), exact=True)
    assert password.get_attribute("aria-invalid") == "true"
    user.refresh_from_db()
    assert user.is_active

    password.fill(PASSWORD)
    page.get_by_label(tr(UNDERSTOOD, "ru")).check()
    page.screenshot(path=str(tmp_path / "close-account.png"), full_page=True)
    page.locator(SUBMIT).click()
    page.wait_for_url(f"{live_server.url}/ru/")
    assert tr("Your account is closed.", "ru") in page.locator("main").inner_text()
    user.refresh_from_db()
    assert user.closed_at is not None and user.iin is None

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(tr("IIN or e-mail", "ru"), exact=True).fill(VALID_IINS[0])
    page.get_by_label(tr("Password", "ru"), exact=True).fill(PASSWORD)
    page.locator(SUBMIT).click()
    assert page.url == f"{live_server.url}/accounts/login/"
