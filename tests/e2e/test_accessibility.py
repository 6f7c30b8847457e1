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
from progress.models import CourseCompletion
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
