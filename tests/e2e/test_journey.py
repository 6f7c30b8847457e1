"""A new learner signs up, watches the three demo guide lessons in Kazakh in a real
Chromium, passes the quiz and sees the course complete on the dashboard, with a
certificate."""

from pathlib import Path

from django.db import connection
from django.utils import translation

from wagtail.models import Locale, Page, Site

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from courses import demo
from courses.models import CoursePage
from home.factories import HomePageFactory
from lms.factories import VALID_IINS
from lms.models import User
from progress.models import CourseCompletion, LessonCompletion
from tests.e2e.learning import pass_quiz, watch_lesson
from tests.lms.i18n import tr

PASSWORD = "Ainalayin-2026!"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


@pytest.fixture
def demo_guide(transactional_db):
    """The demo courses under a home page (a transactional flush may have removed
    the locale and root page that Wagtail's migrations create)."""
    locale, _ = Locale.objects.get_or_create(language_code="kk")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    demo.load(home, None)
    return CoursePage.objects.get(kind="guide")


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the live server's request threads share one in-memory SQLite "
    "connection, and the player's overlapping heartbeats need real transactions",
)
def test_new_learner_completes_the_guide_in_kazakh(
    page, live_server, demo_guide, run_tasks
):
    page.set_extra_http_headers({"Accept-Language": "kk"})
    page.goto(f"{live_server.url}/accounts/signup/")
    page.locator("input[name=iin]").fill(VALID_IINS[2])
    page.locator("input[name=first_name]").fill("Динара")
    page.locator("input[name=last_name]").fill("Оспанова")
    page.locator("input[name=email]").fill("dinara@example.kz")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("input[name=consent]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/kk/**")
    learner = User.objects.get(email="dinara@example.kz")

    lessons = demo_guide.lessons()
    assert len(lessons) == 3
    for lesson in lessons:
        watch_lesson(page, live_server, lesson, learner)
        completed = LessonCompletion.objects.filter(user=learner, lesson=lesson)
        quiz = lesson.quiz("kk")
        if quiz is None:
            assert completed.exists()
            if lesson == lessons[0]:
                # The course page now leads on to the next lesson.
                with translation.override("kk"):
                    page.goto(live_server.url + demo_guide.get_url())
                    next_url = lessons[1].get_url()
                button = page.locator("[data-course-next]")
                expect(button).to_have_text(tr("Continue the course", "kk"))
                assert button.get_attribute("href").endswith(next_url)
            continue
        assert not completed.exists()  # the quiz is still to pass
        pass_quiz(page, quiz)
        assert "100" in page.locator("[data-quiz-result]").inner_text()
        assert completed.exists()

    assert CourseCompletion.objects.filter(user=learner, course=demo_guide).count() == 1
    run_tasks()

    # The course page marks every lesson done.
    with translation.override("kk"):
        page.goto(live_server.url + demo_guide.get_url())
    for lesson in lessons:
        mark = page.locator(f"[data-lesson-id='{lesson.pk}'] [data-done]")
        mark.wait_for(state="visible")
    expect(page.locator("[data-course-next]")).to_have_text(
        tr("Go through the course again", "kk")
    )

    # The passed quiz folds its questions away until asked for again.
    with translation.override("kk"):
        page.goto(live_server.url + lessons[-1].get_url())
    again = page.locator("[data-quiz-again]")
    expect(again).to_have_text(tr("Answer again", "kk"))
    expect(page.locator("[data-quiz-result]")).to_have_text(
        tr("You have already passed this quiz.", "kk")
    )
    assert not page.locator(".quiz__question").first.is_visible()
    again.click()
    expect(page.locator(".quiz__question").first).to_be_visible()
    expect(page.locator("[data-quiz-form] button[type=submit]")).to_be_visible()

    page.goto(f"{live_server.url}/kk/dashboard/")
    card = page.locator(f"[data-course-id='{demo_guide.pk}']")
    assert card.locator("[data-completed]").is_visible()
    assert card.locator("progress").get_attribute("value") == "100"
    number = Certificate.objects.get(user=learner, course=demo_guide).number
    assert card.locator(f"[data-certificate='{number}']").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-complete.png"), full_page=True)
