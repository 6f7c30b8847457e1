"""Browser tests: Debian's Chromium driven by Playwright against a live server."""

import os
import shutil

from wagtail.models import Locale, Page, Site

import pytest

from courses import demo
from home.factories import HomePageFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures and assertions there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


# One Playwright per process: test modules elsewhere import these fixtures, which
# makes separate session fixtures, and a second sync Playwright in the same thread
# fails ("Sync API inside the asyncio loop").
_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is required for browser tests: {CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    if not _shared["users"]:
        _shared["playwright"] = sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
    _shared["users"] += 1
    yield _shared["browser"]
    _shared["users"] -= 1
    if not _shared["users"]:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


def watch_csp(window, refused: list) -> None:
    """Collect the breaches of the Content-Security-Policy that Chromium reports."""
    window.on(
        "console",
        lambda message: (
            refused.append(f"{window.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )


@pytest.fixture
def page(browser):
    """A phone-sized page. Whatever the test does with it, Chromium must report no
    breach of the site's Content-Security-Policy (``SECURE_CSP``)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    refused = []
    watch_csp(page, refused)
    yield page
    context.close()
    assert refused == [], "Content-Security-Policy violations"


@pytest.fixture
def desktop(browser):
    """Opens a new desktop-sized browser window (its own cookies, downloads
    allowed) per call. As with ``page``, Chromium must report no breach of the
    Content-Security-Policy."""
    contexts, refused = [], []

    def open_window():
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        contexts.append(context)
        window = context.new_page()
        window.set_default_timeout(15_000)
        watch_csp(window, refused)
        return window

    yield open_window
    for context in contexts:
        context.close()
    assert refused == [], "Content-Security-Policy violations"


@pytest.fixture
def demo_home(transactional_db, page):
    """The demo courses under a home page. Transactional tests before this one may
    have flushed what Wagtail's migrations created (the default locale, the root
    page), so those are made again when missing."""
    Locale.objects.get_or_create(language_code="kk")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    demo.load(home, None)
    yield home
    # Leave the lesson before the database is flushed: a player still playing
    # reports its last stretch on pagehide, and that must not race the flush.
    page.goto("about:blank")
    page.wait_for_timeout(500)
