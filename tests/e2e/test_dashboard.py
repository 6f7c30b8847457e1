"""The learner's dashboard ("My learning") on a phone."""

from pathlib import Path

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from progress.models import Enrollment, VideoProgress
from tests.e2e.test_player import guide, sign_in
from tests.lms.i18n import tr

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("width", [320, 390])
def test_the_resume_time_sits_beside_the_continue_button_on_a_phone(
    page, live_server, demo_home, learner, language, width
):
    """Not on a line of its own under a button as wide as the card, where it
    reads as a stray note rather than where the lesson picks up."""
    course = guide(demo_home)
    lesson = course.lessons()[1]
    Enrollment.objects.create(user=learner, course=course, language=language)
    VideoProgress.objects.create(
        user=learner,
        video_id=lesson.video_ids()[0],
        intervals=[[0.0, 7.0]],
        watched_seconds=7.0,
        resume_position=7.0,
        credit_clock=timezone.now(),
    )
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/{language}/dashboard/")
    card = page.locator(f"[data-course-id='{course.pk}']")
    button = card.locator("[data-resume]")
    time = card.locator(".course-card__resume")
    expect(time).to_have_text(tr("from %(at)s", language) % {"at": "0:07"})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=str(SCREENSHOTS / f"dashboard-resume-{language}-{width}.png"))
    button_box, time_box = button.bounding_box(), time.bounding_box()
    card_box = card.bounding_box()
    # On the button's row, right of it, inside the card, on one line.
    middle = time_box["y"] + time_box["height"] / 2
    assert button_box["y"] < middle < button_box["y"] + button_box["height"]
    assert time_box["x"] >= button_box["x"] + button_box["width"]
    assert time_box["x"] + time_box["width"] <= card_box["x"] + card_box["width"]
    assert time.evaluate("span => span.getClientRects().length") == 1


# Controls, outside running text, that a finger must hit on a touch screen.
SMALL_CONTROLS = """() => [...document.querySelectorAll(
    'header a, header button, footer a, footer button, main a, main button,'
    + ' main summary'
  )].filter(element => {
    const box = element.getBoundingClientRect();
    const inText = element.closest('.rich-text, .card p, .notice p, .field__help');
    return box.width > 0 && box.height < 44 && !inText
      && !element.classList.contains('skip-link');
  }).map(element => {
    const height = Math.round(element.getBoundingClientRect().height);
    return `${element.tagName} ${height}px ${element.textContent.trim().slice(0, 40)}`;
  })"""


@pytest.mark.e2e
def test_a_finger_can_hit_each_control_of_the_dashboard(
    browser, live_server, demo_home, learner, partner
):
    """On a touch screen every control of the header, the dashboard and the footer
    is at least 44 px high, and the invitation's accept and decline buttons stand
    apart: a finger meant for "Accept" does not decline, or hide the inviter."""
    from certificates import services as certificates
    from progress import services as progress
    from progress.models import CourseCompletion

    course = guide(demo_home)
    Enrollment.objects.create(user=learner, course=course, language="ru")
    completion = CourseCompletion.objects.create(
        user=learner, course=course, language="ru"
    )
    certificate = certificates.issue_certificate(completion)
    progress.invite_partner(partner, learner.iin)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, live_server, learner)
    page.goto(f"{live_server.url}/ru/dashboard/")
    links = page.locator(f"[data-certificate='{certificate.number}'] a")
    expect(links).to_have_count(3)

    assert page.evaluate(SMALL_CONTROLS) == []
    buttons = page.locator("[data-invitation] button")
    expect(buttons).to_have_count(3)
    boxes = [buttons.nth(i).bounding_box() for i in range(3)]
    for one, other in zip(boxes, boxes[1:], strict=False):
        apart_below = other["y"] - (one["y"] + one["height"])
        apart_beside = other["x"] - (one["x"] + one["width"])
        assert max(apart_below, apart_beside) >= 8, boxes
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-touch-ru.png"), full_page=True)
    context.close()
