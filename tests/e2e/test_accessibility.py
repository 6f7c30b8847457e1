"""WCAG 2.2 A and AA checks (axe-core in Chromium) on the pages that learners,
couples and anyone verifying a certificate use, in Kazakh and Russian, signed
out and signed in."""

from django.utils import translation

from wagtail.models import Locale, Page

import pytest
from axe_playwright_python.sync_playwright import Axe

from certificates import services as certificates
from home import demo
from home.models import HelpPage
from lms.factories import VALID_IINS, UserFactory
from progress import services as progress
from progress.models import CourseCompletion, Enrollment
from tests.e2e.test_player import guide, sign_in

pytestmark = pytest.mark.e2e

RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture
def demo_home(transactional_db, page):
    """The whole demo site: home, help page, centres, text pages and courses."""
    Locale.objects.get_or_create(language_code="kk")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    yield demo.load()
    page.goto("about:blank")  # a playing lesson reports on leaving; not mid-flush
    page.wait_for_timeout(500)


def violations(page) -> list[str]:
    found = Axe().run(page, options=RULES).response["violations"]
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at "
        + ", ".join(str(node["target"]) for node in rule["nodes"][:3])
        for rule in found
    ]


def site_pages(home, language: str) -> list[str]:
    course = guide(home)
    with translation.override(language):
        return [
            home.get_url(),
            HelpPage.objects.descendant_of(home).live().get().get_url(),
            course.get_parent().get_url(),
            course.get_url(),
            course.lessons()[0].get_url(),
            course.lessons()[-1].get_url(),  # the quiz
        ]


def check(page, url: str, status: int = 200) -> list[str]:
    response = page.goto(url)
    assert response.status == status, url
    page.wait_for_load_state("networkidle")
    return [f"{url}: {problem}" for problem in violations(page)]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_pages_for_visitors_pass_wcag_checks(page, live_server, demo_home, language):
    paths = [
        *site_pages(demo_home, language),
        "/accounts/login/",
        "/accounts/signup/",
        f"/certificates/verify/?lang={language}",
    ]
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    problems = [p for path in paths for p in check(page, live_server.url + path)]
    unknown = f"/certificates/verify/BKO-0000-0000-0000-0/?lang={language}"
    problems += check(page, live_server.url + unknown, status=404)
    assert problems == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_pages_for_learners_pass_wcag_checks(
    page, live_server, demo_home, learner, language
):
    completion = CourseCompletion.objects.create(
        user=learner, course=guide(demo_home), language=language
    )
    certificate = certificates.issue_certificate(completion)
    sign_in(page, live_server, learner)
    paths = [
        *site_pages(demo_home, language),
        f"/{language}/dashboard/",
        f"/{language}/couple/",  # the invitation form
        "/accounts/close/",
        f"/certificates/verify/{certificate.number}/?lang={language}",
    ]
    problems = [p for path in paths for p in check(page, live_server.url + path)]

    # A linked couple: the summary with both progress bars, on both pages.
    partner = UserFactory(iin=VALID_IINS[1], first_name="Нұрлан")
    progress.invite_partner(learner, VALID_IINS[1])
    progress.accept_invitation(partner, progress.incoming_invitations(partner)[0].pk)
    for path in (f"/{language}/dashboard/", f"/{language}/couple/"):
        problems += check(page, live_server.url + path)

    # The lesson with its transcript open and data saver on.
    with translation.override(language):
        lesson = guide(demo_home).lessons()[0].get_url()
    page.goto(live_server.url + lesson)
    with page.expect_navigation():
        page.locator("form.data-saver--compact button").click()
    page.locator("details.video-transcript summary").click()
    problems += [f"{lesson} (data saver, transcript): {p}" for p in violations(page)]
    assert problems == []


# --- Large text and fingers on a phone ------------------------------------------


def learner_with_certificate(home, learner, language: str):
    """The learner with the guide completed, its certificate and a confirmed
    e-mail address long enough to fill a phone's line."""
    from allauth.account.models import EmailAddress

    Enrollment.objects.create(user=learner, course=guide(home), language=language)
    completion = CourseCompletion.objects.create(
        user=learner, course=guide(home), language=language
    )
    EmailAddress.objects.create(
        user=learner, email=learner.email, primary=True, verified=True
    )
    EmailAddress.objects.create(
        user=learner, email="aigerim.bekova.otbasy.academy2024@example.kz"
    )
    return certificates.issue_certificate(completion)


def phone(browser, **options):
    return browser.new_context(viewport={"width": 360, "height": 740}, **options)


# Elements that reach past the right edge of the screen.
PAST_THE_EDGE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right
    > document.documentElement.clientWidth + 0.5)
  .map(e => `${e.tagName}.${e.className}`).slice(0, 5)"""


@pytest.mark.parametrize("scale", ["150%", "200%"])
def test_with_large_text_a_phone_does_not_scroll_sideways(
    browser, live_server, demo_home, learner, scale
):
    """The phone's text size setting (a larger root font size) on the pages with a
    certificate number or an e-mail address: the long words wrap, at the number's
    dashes if need be, instead of pushing the page wider than the screen."""
    certificate = learner_with_certificate(demo_home, learner, "kk")
    context = phone(browser)
    window = context.new_page()
    sign_in(window, live_server, learner)
    problems = {}
    for path in [
        "/kk/dashboard/",
        "/kk/courses/",
        "/accounts/email/",
        f"/certificates/verify/{certificate.number}/?lang=kk",
        "/certificates/verify/?lang=kk",
    ]:
        window.goto(live_server.url + path)
        # Through the CSSOM: the Content-Security-Policy refuses a <style> written in.
        window.evaluate(
            "(s) => { document.documentElement.style.fontSize = s; }", scale
        )
        window.wait_for_timeout(100)
        width = window.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            problems[path] = (width, window.evaluate(PAST_THE_EDGE))
    context.close()
    assert not problems, problems


# Controls a finger must hit on a touch screen, lower than 44 px: outside running
# text, and for a radio button the label it comes with.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'header a, header button, footer a, footer button, main a, main button,'
    + ' main summary, main input[type=radio]'
  )].filter(element => {
    const target = element.matches('input') ? element.closest('label, div') : element;
    const box = target.getBoundingClientRect();
    const inText = element.closest('.rich-text, .card p, .notice p, .field__help,'
      + ' .cert-page > p, .course-card__note');
    return box.width > 0 && box.height < 44 && !inText
      && !element.classList.contains('skip-link');
  }).map(element => {
    const target = element.matches('input') ? element.closest('label, div') : element;
    const height = Math.round(target.getBoundingClientRect().height);
    const name = element.textContent.trim() || element.value;
    return `${element.tagName} ${height}px ${name.slice(0, 40)}`;
  })"""


def test_a_finger_can_hit_each_link_on_a_touch_screen(
    browser, live_server, demo_home, learner
):
    """site.css gives a finger 2.75rem under ``pointer: coarse``: course titles,
    the lesson's breadcrumb and transcript, the account pages' links and radio
    buttons and the footer's links too."""
    learner_with_certificate(demo_home, learner, "kk")
    with translation.override("kk"):
        course = guide(demo_home)
        paths = [
            course.get_parent().get_url(),
            course.lessons()[0].get_url(),  # the breadcrumb, the transcript
            "/kk/dashboard/",
            "/accounts/email/",
        ]
    context = phone(browser, has_touch=True, is_mobile=True)
    window = context.new_page()
    window.goto(live_server.url + "/accounts/login/")  # signed out
    problems = {}
    if small := window.evaluate(SMALL_TARGETS):
        problems["/accounts/login/"] = small
    sign_in(window, live_server, learner)
    for path in paths:
        window.goto(live_server.url + path)
        if small := window.evaluate(SMALL_TARGETS):
            problems[path] = small
    context.close()
    assert not problems, problems
