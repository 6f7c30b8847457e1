"""The home page in a real browser: helplines, quick exit, language switcher."""

from django.utils import translation

import pytest
from playwright.sync_api import expect

from home.factories import FamilySupportCentreFactory, HelpPageFactory
from home.models import HelplineSettings, Region

pytestmark = pytest.mark.e2e

NEUTRAL = "https://neutral.example/"


@pytest.fixture
def site(tree_root, home_page):
    with translation.override("kk"):
        home_page.hero_heading = "Некеге дейінгі онлайн нұсқаулық"
        home_page.hero_heading_ru = "Онлайн-руководство перед вступлением в брак"
        home_page.save_revision().publish()
        HelpPageFactory(
            parent=home_page,
            title="Көмек",
            title_ru="Помощь",
            slug="komek",
            slug_ru="pomoshch",
        )
        FamilySupportCentreFactory(
            name="Астана қаласының Отбасын қолдау орталығы",
            name_ru="Центр поддержки семьи города Астаны",
            region=Region.ASTANA,
        )
    helplines = HelplineSettings.load()
    helplines.quick_exit_url = NEUTRAL
    helplines.save()
    return home_page


@pytest.fixture
def neutral_site(page):
    page.route(
        f"{NEUTRAL}**",
        lambda route: route.fulfill(
            body="<title>Weather</title><p>Sunny</p>", content_type="text/html"
        ),
    )
    return page


def assert_safety_controls(page):
    assert page.locator('a[href="tel:150"]').first.is_visible()
    assert page.locator('a[href="tel:111"]').first.is_visible()
    exit_link = page.locator("#quick-exit")
    assert exit_link.is_visible()
    assert exit_link.get_attribute("href") == NEUTRAL


def test_kazakh_home_then_russian_through_the_switcher(live_server, site, page):
    page.goto(f"{live_server.url}/kk/")
    assert page.locator("html").get_attribute("lang") == "kk"
    assert "Некеге дейінгі онлайн нұсқаулық" in page.locator("h1").inner_text()
    assert_safety_controls(page)
    page.screenshot(path="test-results/home-kk-phone.png", full_page=True)

    page.locator(".language-switcher a[hreflang=ru]").click()
    page.wait_for_url(f"{live_server.url}/ru/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Онлайн-руководство" in page.locator("h1").inner_text()
    assert_safety_controls(page)

    page.locator(".site-nav").get_by_role("link", name="Помощь").click()
    page.wait_for_url(f"{live_server.url}/ru/pomoshch/")
    page.select_option("#id_region", Region.ASTANA)
    page.locator(".centre-search button[type=submit]").click()
    page.wait_for_url("**/ru/pomoshch/?region=astana*")
    assert "Центр поддержки семьи города Астаны" in page.content()
    assert_safety_controls(page)


def test_quick_exit_replaces_the_page(live_server, site, neutral_site):
    page = neutral_site
    page.goto(f"{live_server.url}/kk/")
    page.locator("#quick-exit").click()
    page.wait_for_url(NEUTRAL)
    assert page.title() == "Weather"
    # location.replace: Back does not lead back to the site.
    page.go_back()
    assert not page.url.startswith(live_server.url)


def test_escape_twice_leaves_the_site(live_server, site, neutral_site):
    page = neutral_site
    page.goto(f"{live_server.url}/kk/komek/")
    # The footer says Esc works, as it does with JavaScript.
    expect(page.locator("[data-exit-with-escape]")).to_be_visible()
    expect(page.locator("[data-exit-button-only]")).to_be_hidden()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(NEUTRAL)


def test_quick_exit_works_without_javascript(live_server, site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route(
        f"{NEUTRAL}**",
        lambda route: route.fulfill(
            body="<title>Weather</title>", content_type="text/html"
        ),
    )
    page.goto(f"{live_server.url}/kk/")
    # Without JavaScript Esc does nothing, and the footer does not promise it.
    expect(page.locator("[data-exit-button-only]")).to_be_visible()
    expect(page.locator("[data-exit-with-escape]")).to_be_hidden()
    page.locator("#quick-exit").click()
    page.wait_for_url(NEUTRAL)
    context.close()


def test_skip_link_is_the_first_stop_for_the_keyboard(live_server, site, page):
    page.goto(f"{live_server.url}/kk/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()


def test_what_is_scrolled_to_on_a_phone_stays_clear_of_the_helpline_bar(
    live_server, site, browser
):
    context = browser.new_context(viewport={"width": 390, "height": 500})
    page = context.new_page()
    page.goto(f"{live_server.url}/kk/#footer-help-heading")
    page.evaluate(
        "() => document.getElementById('footer-help-heading').scrollIntoView()"
    )
    bar = page.locator(".safety-bar").bounding_box()
    heading = page.locator("#footer-help-heading").bounding_box()
    assert bar["y"] == 0
    assert heading["y"] >= bar["y"] + bar["height"]
    context.close()
