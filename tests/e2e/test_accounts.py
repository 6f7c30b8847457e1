"""Sign-up, sign-out and sign-in in a real Chromium on a phone-sized screen."""

import pytest

from lms.factories import VALID_IINS
from lms.models import User
from tests.lms.i18n import tr

pytestmark = pytest.mark.e2e
PASSWORD = "Ainalayin-2026!"
SUBMIT = "main form.form button[type=submit]"
INVALID_IIN = "Enter a valid IIN: 12 digits with a correct check digit."


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
    page.wait_for_url(f"{live_server.url}/kk/")
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
    page.wait_for_url(f"{live_server.url}/kk/")
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
