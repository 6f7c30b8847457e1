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
