"""What keyboard and screen reader users meet beyond axe-core's rules: what is
read out while a video plays, where the focus lands after a form comes back with
errors or a quiz is sent half-answered, and what the sticky helpline bar covers."""

from pathlib import Path

from django.utils import translation

import pytest
from playwright.sync_api import expect

from lms.factories import VALID_IINS, UserFactory
from tests.e2e.test_player import guide, sign_in
from tests.lms.i18n import tr

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"

# Every text put into a live region (role=status/alert or aria-live), in order.
RECORD_ANNOUNCEMENTS = """() => {
  window.announcements = [];
  const live = '[aria-live], [role=status], [role=alert]';
  new MutationObserver((changes) => {
    for (const change of changes) {
      const node = change.target.nodeType === 1
        ? change.target : change.target.parentElement;
      const region = node && node.closest(live);
      const text = region && region.textContent.trim();
      if (text && window.announcements.at(-1) !== text) window.announcements.push(text);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_a_playing_video_is_not_talked_over_only_its_milestones_are_read(
    page, live_server, demo_home, learner
):
    lesson = guide(demo_home).lessons()[0]  # one 12-second video, no quiz
    sign_in(page, live_server, learner)
    page.set_extra_http_headers({"Accept-Language": "en"})
    with translation.override("en"):
        page.goto(live_server.url + lesson.get_url())
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate(RECORD_ANNOUNCEMENTS)
    page.evaluate(
        "(() => { const v = document.querySelector('video');"
        " v.muted = true; v.playbackRate = 2; return v.play(); })()"
    )
    page.locator("[data-lesson-progress-text]").filter(
        has_text="Lesson completed"
    ).wait_for(timeout=30_000)
    page.wait_for_timeout(500)

    # The bars still show how far the learner got, quietly.
    assert "Video watched" in page.locator("[data-video-progress-text]").inner_text()
    announcements = page.evaluate("window.announcements")
    assert not [text for text in announcements if "%" in text], announcements
    title = page.locator(".video-block__title").first.inner_text()
    assert f"{title}: Video watched" in announcements, announcements
    assert "Lesson completed" in announcements


def test_a_form_sent_back_with_errors_puts_the_focus_on_the_first_error(
    page, live_server, demo_home
):
    page.context.add_cookies(
        [{"name": "django_language", "value": "ru", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label(tr("IIN", "ru"), exact=True).fill("123")
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Sign up", "ru")).click()
    focused = page.evaluate("document.activeElement.name")
    assert focused == "iin"
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')")

    # A wrong password is the form's own error: its summary takes the focus.
    UserFactory(iin=VALID_IINS[0])
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(tr("IIN or e-mail", "ru"), exact=True).fill(VALID_IINS[0])
    page.get_by_label(tr("Password", "ru"), exact=True).fill("not-the-password")
    with page.expect_navigation():
        page.get_by_role("button", name=tr("Sign in", "ru")).click()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"


def test_an_invitation_by_a_wrong_iin_says_so_where_the_focus_is(
    page, live_server, demo_home, learner
):
    sign_in(page, live_server, learner)
    with translation.override("en"):
        page.goto(f"{live_server.url}/en/couple/")
    field = page.get_by_label("Your partner's IIN")
    field.fill("12345")
    with page.expect_navigation():
        field.press("Enter")
    assert page.get_by_role("alert").is_visible()
    assert page.evaluate("document.activeElement.name") == "iin"
    described = page.evaluate(
        "document.activeElement.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).textContent.trim())"
    )
    assert any("They will see the invitation" in text for text in described)
    assert any("IIN" in text for text in described if "invitation" not in text)


def test_a_quiz_sent_half_answered_names_the_questions_left(
    page, live_server, demo_home, learner
):
    last = guide(demo_home).lessons()[-1]
    sign_in(page, live_server, learner)
    with translation.override("ru"):
        page.goto(live_server.url + last.get_url())
    quiz = page.locator("[data-quiz-form]")
    quiz.locator("fieldset").first.locator("input[type=radio]").first.check()
    quiz.locator("button[type=submit]").click()

    result = quiz.locator("[data-quiz-result]")
    expected = tr("Questions not answered: {numbers}.", "ru").format(numbers="2, 3")
    assert expected in result.inner_text()
    assert page.evaluate("document.activeElement.name") == "2"
    second = quiz.locator("fieldset").nth(1)
    assert second.locator("input").first.get_attribute("aria-invalid") == "true"
    second.locator("input[type=radio]").first.check()
    assert second.locator("input").first.get_attribute("aria-invalid") is None
    assert "quiz__question--unanswered" not in second.get_attribute("class")


# Each unanswered question's own message: its text, whether it is drawn, its
# place against the screen, and the descriptions of its question's radios.
UNANSWERED_MESSAGES = """() => [...document.querySelectorAll(
    '[data-quiz-form] fieldset')].map(fieldset => {
  const message = fieldset.querySelector('[data-quiz-unanswered]');
  const box = message && message.getBoundingClientRect();
  return {
    text: message ? message.textContent.trim() : null,
    shown: Boolean(box && box.width > 0 && box.height > 0),
    onScreen: Boolean(box && box.top >= 0 && box.bottom <= window.innerHeight),
    described: [...fieldset.querySelectorAll('input[type=radio]')].map(radio =>
      (radio.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
        .map(id => document.getElementById(id))
        .filter(Boolean).map(element => element.textContent.trim())),
  };
})"""


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_on_a_phone_each_unanswered_question_says_so_beside_it(
    page, live_server, demo_home, learner, language
):
    """Not by its red border alone: the status line that names the questions left
    is a screen below them on a phone."""
    page.set_viewport_size({"width": 360, "height": 740})
    last = guide(demo_home).lessons()[-1]
    sign_in(page, live_server, learner)
    with translation.override(language):
        page.goto(live_server.url + last.get_url())
    quiz = page.locator("[data-quiz-form]")
    questions = quiz.locator("fieldset")
    assert questions.count() >= 3
    questions.first.locator("input[type=radio]").first.check()
    quiz.locator("button[type=submit]").click()

    numbers = ", ".join(str(n) for n in range(2, questions.count() + 1))
    result = quiz.locator("[data-quiz-result]")
    expect(result).to_contain_text(
        tr("Questions not answered: {numbers}.", language).format(numbers=numbers)
    )
    said = tr("Please answer every question.", language)
    messages = page.evaluate(UNANSWERED_MESSAGES)
    answered, *unanswered = messages
    assert answered["text"] is None, messages
    assert all(texts == [] for texts in answered["described"]), messages
    for message in unanswered:
        assert message["text"] == said and message["shown"], messages
        assert all(said in texts for texts in message["described"]), messages
    # The question the focus went to shows its message on the screen.
    assert page.evaluate("document.activeElement.name") == "2"
    assert unanswered[0]["onScreen"], messages
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"quiz-unanswered-{language}-360.png"))

    # Answered, the question drops its message, and its radios their description.
    questions.nth(1).locator("input[type=radio]").first.check()
    second = page.evaluate(UNANSWERED_MESSAGES)[1]
    assert second["text"] is None
    assert all(texts == [] for texts in second["described"]), second
    assert page.evaluate(UNANSWERED_MESSAGES)[2]["text"] == said
    # Sent again with one question left, only that one says so.
    quiz.locator("button[type=submit]").click()
    left = [m["text"] for m in page.evaluate(UNANSWERED_MESSAGES)]
    assert left == [None, None] + [said] * (len(left) - 2)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_what_is_scrolled_to_stops_below_the_helpline_bar(
    page, live_server, demo_home, language
):
    page.set_viewport_size({"width": 320, "height": 568})
    with translation.override(language):
        page.goto(live_server.url + demo_home.get_url())
    bar = page.locator(".safety-bar").bounding_box()["height"]
    padding = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop)"
    )
    assert padding >= bar

    # Tabbing back up from the bottom: each control in the page's main part
    # comes into view below the bar, not under it.
    page.locator("footer a").last.focus()
    seen = []
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        seen.append(
            page.evaluate(
                "(() => { const e = document.activeElement;"
                " const r = e.getBoundingClientRect();"
                " return [e.textContent.trim().slice(0, 30), !!e.closest('main'),"
                " r.top, window.scrollY]; })()"
            )
        )
    assert all(top >= bar - 1 for _, in_main, top, _ in seen if in_main), seen


def test_on_a_phone_the_header_is_tabbed_through_from_top_to_bottom(
    page, live_server, demo_home
):
    page.set_viewport_size({"width": 375, "height": 700})
    with translation.override("kk"):
        page.goto(live_server.url + demo_home.get_url())
    # The middle of each control, in focus order: a row's buttons may be taller
    # than its links, so rows are told apart by more than a few pixels.
    middles = page.evaluate(
        "Array.from(document.querySelectorAll('.site-header a, .site-header button'))"
        ".filter(e => e.offsetParent).map(e => {"
        " const r = e.getBoundingClientRect(); return r.top + r.height / 2; })"
    )
    assert len(middles) > 3
    assert all(b > a - 8 for a, b in zip(middles, middles[1:], strict=False)), middles
