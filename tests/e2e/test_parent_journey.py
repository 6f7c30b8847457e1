"""Journey 5 in Chromium, in Russian: a parent reads the first modules of the
parents' academy on a computer and stops part-way through a video; days later,
on a phone, the dashboard shows how far they got and takes them back to that
moment of the video; they finish the course, pass its check question and get
the certificate PDF from the dashboard."""

from datetime import timedelta

from django.db import connection
from django.db.models import F
from django.utils import translation

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from certificates.models import Certificate
from courses import demo
from courses.models import CoursePage
from lms.factories import VALID_IINS, UserFactory
from progress.models import (
    CourseCompletion,
    Enrollment,
    LessonCompletion,
    PlaybackSession,
    VideoProgress,
)
from tests.e2e.learning import pass_quiz, videos_done
from tests.e2e.test_player import SCREENSHOTS, sign_in
from tests.lms.i18n import tr

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the live server's request threads share one in-memory SQLite "
        "connection, and the player's overlapping heartbeats need real transactions",
    ),
]

PASSWORD = "pass-word-123"  # UserFactory's
IIN = VALID_IINS[2]
VIDEO = "document.querySelector('video')"
PLAY = f"(() => {{ const v = {VIDEO}; v.muted = true; return v.play(); }})()"
PLAY_FAST = (
    f"(() => {{ const v = {VIDEO}; v.muted = true; v.playbackRate = 2;"
    " return v.play(); })()"
)


@pytest.fixture
def parents_academy(demo_home):
    """The demo's parents' academy: modules to read, then one with a captioned
    video to stop in and a question to pass."""
    return CoursePage.objects.get(kind="parents", slug="ata-analar-akademiyasy")


@pytest.fixture
def parent(db):
    return UserFactory(
        email="gulnara@example.kz",
        first_name="Гульнара",
        last_name="Ахметова",
        iin=IIN,
        preferred_language="ru",
    )


def url_in_russian(live_server, lesson) -> str:
    with translation.override("ru"):
        return live_server.url + lesson.get_url()


def sign_in_with_the_form(window, live_server, login: str) -> None:
    """Fill in the sign-in form the window shows and land on "My learning", in
    Russian."""
    window.locator("input[name=login]").fill(login)
    window.locator("input[name=password]").fill(PASSWORD)
    window.locator("main form button[type=submit]").click()
    window.wait_for_url(f"{live_server.url}/ru/dashboard/")


def let_days_pass(parent, days: int) -> None:
    """Move what the server stored of the parent's learning ``days`` back: the
    parent comes back days later, not seconds later."""
    back = timedelta(days=days)
    Enrollment.objects.filter(user=parent).update(started_at=F("started_at") - back)
    LessonCompletion.objects.filter(user=parent).update(
        completed_at=F("completed_at") - back
    )
    VideoProgress.objects.filter(user=parent).update(
        created_at=F("created_at") - back,
        updated_at=F("updated_at") - back,
        credit_clock=F("credit_clock") - back,
    )
    PlaybackSession.objects.filter(user=parent).update(
        started_at=F("started_at") - back,
        last_server_time=F("last_server_time") - back,
    )


def clock(seconds: float) -> str:
    """A position in a video as the site writes it, m:ss."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def lessons_completed(done: int, total: int) -> str:
    return tr("Lessons completed: %(done)s of %(total)s", "ru") % {
        "done": done,
        "total": total,
    }


@pytest.mark.slow
def test_a_parent_resumes_on_a_phone_days_later_and_gets_the_certificate(
    page, desktop, live_server, parents_academy, parent, run_tasks
):
    course = parents_academy
    lessons = course.lessons()
    assert len(lessons) == 3
    module = lessons[-1]
    module_url = url_in_russian(live_server, module)
    course_state = f"/api/v1/progress/courses/{course.pk}"

    # On the family computer, whose browser asks for Kazakh, the parent switches
    # the site to Russian and signs in by e-mail.
    computer = desktop()
    computer.set_extra_http_headers({"Accept-Language": "kk"})
    computer.goto(live_server.url + "/")
    expect(computer.locator("html")).to_have_attribute("lang", "kk")
    computer.locator(".language-switcher [data-language=ru]").click()
    expect(computer.locator("html")).to_have_attribute("lang", "ru")
    computer.get_by_role("link", name=tr("Sign in", "ru"), exact=True).click()
    expect(computer.locator("h1")).to_have_text(tr("Sign in", "ru"))
    sign_in_with_the_form(computer, live_server, parent.email)

    # From the course list to the parents' academy and its first module.
    computer.get_by_role("link", name=tr("Courses", "ru"), exact=True).click()
    card = computer.locator(".course-card--parents")
    expect(card.locator(".course-card__kind")).to_have_text(
        tr("Parents' academy", "ru")
    )
    card.get_by_role("link", name=demo.PARENTS["title"]["ru"]).click()
    expect(computer.locator("h1")).to_have_text(demo.PARENTS["title"]["ru"])
    start = computer.locator("[data-course-next]")
    expect(start).to_have_text(tr("Start the course", "ru"))
    start.click()

    # The two modules to read count as done once opened; the third has the video.
    for number, lesson in enumerate(lessons, start=1):
        expect(computer.locator("h1")).to_have_text(lesson.title_ru)
        expect(computer.locator(".lesson__breadcrumb")).to_contain_text(
            tr("Lesson %(number)s of %(total)s", "ru") % {"number": number, "total": 3}
        )
        if lesson != module:
            computer.locator(".lesson__pager a[rel=next]").click()
    assert computer.url == module_url
    expect(computer.locator("[data-course-progress-text]")).to_have_text(
        lessons_completed(2, 3)
    )

    # The parent watches part of the video in real time, pauses and leaves.
    computer.wait_for_function(f"() => {VIDEO}.readyState >= 1", timeout=15_000)
    computer.evaluate(PLAY)
    computer.wait_for_function(f"() => {VIDEO}.currentTime > 4", timeout=15_000)
    with computer.expect_response(lambda r: r.url.endswith("/progress/heartbeat")):
        computer.evaluate(f"{VIDEO}.pause()")
    stopped = computer.evaluate(f"{VIDEO}.currentTime")
    watched = VideoProgress.objects.get(user=parent, video_id=module.video_ids()[0])
    assert watched.resume_position == pytest.approx(stopped, abs=0.01)
    assert watched.completed_at is None
    expect(computer.locator("[data-video-progress-text]")).to_contain_text(
        f"{tr('Watched', 'ru')}: "
    )
    computer.close()

    let_days_pass(parent, days=3)

    # Days later, on a phone whose browser asks for Russian, the parent signs in
    # with the IIN and opens "My learning".
    page.set_extra_http_headers({"Accept-Language": "ru"})
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=tr("Sign in", "ru"), exact=True).click()
    sign_in_with_the_form(page, live_server, IIN)
    page.get_by_role("link", name=tr("My learning", "ru"), exact=True).click()
    expect(page.locator("h1")).to_have_text(tr("My learning", "ru"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    card = page.locator(f"[data-course-id='{course.pk}']")
    expect(card.locator(".card__title")).to_have_text(demo.PARENTS["title"]["ru"])
    expect(card.locator(".badge--parents")).to_have_text(tr("Parents' academy", "ru"))
    expect(card.locator("progress")).to_have_attribute("value", "67")
    expect(card.locator(".course-card__count")).to_have_text(lessons_completed(2, 3))
    expect(card.locator("[data-completed]")).to_have_count(0)
    resume = card.locator("[data-resume]")
    expect(resume).to_have_text(f"{tr('Continue', 'ru')}: {module.title_ru}")
    expect(card.locator(".course-card__resume")).to_have_text(
        tr("from %(at)s", "ru") % {"at": clock(stopped)}
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / "parent-dashboard-resume-phone.png"), full_page=True
    )

    # The lesson opens where the video stopped.
    resume.click()
    page.wait_for_url(module_url)
    page.wait_for_function(f"() => {VIDEO}.currentTime > 0", timeout=15_000)
    assert page.evaluate(f"{VIDEO}.currentTime") == pytest.approx(stopped, abs=0.5)
    expect(page.locator("[data-video-progress-text]")).to_have_text(
        tr("Continuing from {time}", "ru").format(time=clock(stopped))
    )
    expect(page.locator("[data-course-progress-text]")).to_have_text(
        lessons_completed(2, 3)
    )

    # The parent plays on at 2× to the end; the page takes in that the video is
    # watched, then the parent answers the question.
    with page.expect_response(lambda r: r.url.endswith(course_state)):
        page.evaluate(PLAY_FAST)
        page.wait_for_function(f"() => {VIDEO}.ended", timeout=30_000)
        expect(page.locator("[data-video-progress-text]")).to_have_text(
            tr("Video watched", "ru")
        )
    assert videos_done(parent, module)
    expect(page.locator("[data-lesson-progress-text]")).to_have_text(
        f"{tr('Done', 'ru')}: 50%"
    )
    pass_quiz(page, module.quiz("ru"))
    expect(page.locator("[data-quiz-result]")).to_have_text(
        f"{tr('Your score', 'ru')}: 100%. {tr('Passed.', 'ru')}"
    )
    expect(page.locator("[data-lesson-progress-text]")).to_have_text(
        tr("Lesson completed", "ru")
    )
    expect(page.locator("[data-course-progress-text]")).to_have_text(
        tr("You have completed this course.", "ru")
    )
    assert CourseCompletion.objects.filter(user=parent, course=course).count() == 1
    page.screenshot(path=str(SCREENSHOTS / "parent-lesson-phone.png"), full_page=True)
    run_tasks()

    # The dashboard shows the course complete, with its certificate.
    page.get_by_role("link", name=tr("My learning", "ru"), exact=True).click()
    card = page.locator(f"[data-course-id='{course.pk}']")
    expect(card.locator("[data-completed]")).to_have_text(tr("Completed", "ru"))
    expect(card.locator("progress")).to_have_attribute("value", "100")
    expect(card.locator(".course-card__count")).to_have_text(lessons_completed(3, 3))
    expect(card.locator("[data-resume]")).to_have_count(0)
    certificate = Certificate.objects.get(user=parent)
    assert (certificate.course, certificate.course_kind) == (course, "parents")
    expect(card.locator(f"[data-certificate='{certificate.number}']")).to_contain_text(
        f"{tr('Certificate', 'ru')} {certificate.number}"
    )
    page.screenshot(
        path=str(SCREENSHOTS / "parent-dashboard-phone.png"), full_page=True
    )

    # "Download PDF" saves one page with the number and the name.
    link = card.get_by_role("link", name=tr("Download PDF", "ru"))
    expect(link).to_have_attribute("href", f"/certificates/{certificate.number}/pdf")
    with page.expect_download(timeout=10_000) as download:
        link.click()
    assert download.value.suggested_filename == f"{certificate.number}.pdf"
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert certificate.number in text
    assert "Гульнара Ахметова" in text
    assert demo.PARENTS["title"]["ru"] in text
    assert Certificate.objects.filter(user=parent).count() == 1


def test_passing_the_quiz_while_the_video_is_being_counted_shows_the_course_complete(
    page, live_server, parents_academy, parent
):
    """On a slow connection the parent, who chose the answer while watching,
    passes the question before the course's progress, asked for when the video
    was counted, has arrived."""
    *reading, module = parents_academy.lessons()
    sign_in(page, live_server, parent)
    for lesson in reading:
        page.goto(url_in_russian(live_server, lesson))
    page.goto(url_in_russian(live_server, module))
    expect(page.locator("[data-course-progress-text]")).to_have_text(
        lessons_completed(2, 3)
    )
    course_state = f"**/api/v1/progress/courses/{parents_academy.pk}"
    slow, holding = [], [True]

    def hold_while_slow(route):
        if holding:
            slow.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(course_state, hold_while_slow)

    page.wait_for_function(f"() => {VIDEO}.readyState >= 1", timeout=15_000)
    page.evaluate(PLAY_FAST)
    page.wait_for_function(f"() => {VIDEO}.ended", timeout=30_000)
    for _ in range(100):
        if slow:
            break
        page.wait_for_timeout(100)
    assert slow, "the course's progress was not asked for when the video was counted"
    pass_quiz(page, module.quiz("ru"))
    expect(page.locator("[data-quiz-result]")).to_contain_text(tr("Passed.", "ru"))
    holding.clear()
    for route, response in slow:
        route.fulfill(response=response)

    expect(page.locator("[data-course-progress-text]")).to_have_text(
        tr("You have completed this course.", "ru")
    )


def test_a_module_opened_from_another_site_is_counted_by_the_page_itself(
    page, live_server, parents_academy, parent
):
    """A link on another site sends the session cookie along (``SameSite=Lax``),
    so the page alone counts nothing: its script does, through the CSRF-checked
    ``open`` call, once the learner really has the page in front of them."""
    first = parents_academy.lessons()[0]
    sign_in(page, live_server, parent)
    elsewhere = "http://elsewhere.example/"
    target = url_in_russian(live_server, first)
    page.route(
        elsewhere,
        lambda route: route.fulfill(
            body=f'<a id="go" href="{target}">next</a>', content_type="text/html"
        ),
    )

    page.goto(elsewhere)
    page.click("#go")
    page.wait_for_url(target)
    # The server saw where the browser came from (Sec-Fetch-Site: cross-site).
    expect(page.locator("[data-lesson-page]")).to_have_attribute("data-open-lesson", "")
    done = page.locator(f'.lesson-list__item[data-lesson-id="{first.pk}"] [data-done]')
    expect(done).not_to_have_attribute("hidden", "")  # the list is folded on phones
    assert LessonCompletion.objects.filter(user=parent, lesson=first).exists()


def test_the_language_switched_with_the_pages_links_is_the_accounts(
    page, live_server, parents_academy, parent
):
    """Sign-in lands, and e-mails are written, in the language last chosen."""
    from django.test import Client

    sign_in(page, live_server, parent)
    page.goto(f"{live_server.url}/ru/dashboard/")
    page.locator(".language-switcher [data-language=kk]").click()
    page.wait_for_url(f"{live_server.url}/kk/dashboard/")

    parent.refresh_from_db()
    assert parent.preferred_language == "kk"
    answer = Client().post(
        "/accounts/login/", {"login": parent.email, "password": PASSWORD}
    )
    assert answer["Location"] == "/kk/dashboard/"
