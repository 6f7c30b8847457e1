"""Browser checks of front-end fixes: the helpline bar on small phones with large
text, Esc in form fields, focus after the quiz, and hls.js waiting for play."""

from django.conf import settings
from django.utils import timezone, translation

import pytest

from home.factories import HelpPageFactory
from home.models import HelplineSettings
from tests.e2e.test_player import (
    NO_NATIVE_HLS,
    guide,
    heartbeat_in,
    serve_from_mux,
    sign_in,
)

pytestmark = pytest.mark.e2e

NEUTRAL = "https://neutral.example/"


@pytest.fixture
def help_site(tree_root, home_page):
    with translation.override("kk"):
        HelpPageFactory(
            parent=home_page,
            title="Көмек",
            title_ru="Помощь",
            title_en="Help",
            slug="komek",
            slug_ru="pomoshch",
            slug_en="help",
        )
    helplines = HelplineSettings.load()
    helplines.quick_exit_url = NEUTRAL
    helplines.save()
    return home_page


def stub_neutral_site(window):
    window.route(
        f"{NEUTRAL}**",
        lambda route: route.fulfill(
            body="<title>Weather</title><p>Sunny</p>", content_type="text/html"
        ),
    )


# --- The helpline bar on narrow phones with large text ------------------------


@pytest.mark.parametrize(
    "language,path", [("kk", "/kk/"), ("ru", "/ru/"), ("en", "/en/")]
)
@pytest.mark.parametrize("width", [320, 360, 414])
@pytest.mark.parametrize("scale", ["100%", "115%", "150%"])
def test_safety_bar_fits_a_narrow_phone_with_large_text(
    browser, live_server, help_site, language, path, width, scale
):
    context = browser.new_context(viewport={"width": width, "height": 740})
    try:
        window = context.new_page()
        window.goto(live_server.url + path)
        # The phone's text size setting, as a larger root font size (through the
        # CSSOM: the Content-Security-Policy refuses a <style> written in).
        window.evaluate(
            "(scale) => { document.documentElement.style.fontSize = scale; }", scale
        )
        window.wait_for_timeout(100)
        overflow = window.evaluate(
            "() => document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        wide = window.evaluate(
            "() => Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right"
            " > document.documentElement.clientWidth + 0.5)"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px: {wide}"
        exit_link = window.locator("#quick-exit")
        assert exit_link.is_visible()
        box = exit_link.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= width
        # Nothing of the bar is cut off: every helpline is inside the screen.
        for helpline in window.locator(".safety-bar .helpline").all():
            line = helpline.bounding_box()
            assert line["x"] >= 0 and line["x"] + line["width"] <= width
        # The quick exit is not hidden under or over a helpline.
        for helpline in window.locator(".safety-bar .helpline").all():
            line = helpline.bounding_box()
            apart = (
                line["x"] + line["width"] <= box["x"]
                or box["x"] + box["width"] <= line["x"]
                or line["y"] + line["height"] <= box["y"]
                or box["y"] + box["height"] <= line["y"]
            )
            assert apart, "the quick exit overlaps a helpline"
        if width == 360 and scale in ("100%", "150%"):
            window.screenshot(
                path=f"test-results/safety-bar-{language}-{width}-{scale[:-1]}.png"
            )
    finally:
        context.close()


def test_safety_bar_keeps_one_row_on_a_desktop(live_server, help_site, desktop):
    window = desktop()
    window.goto(f"{live_server.url}/kk/")
    bar = window.locator(".safety-bar").bounding_box()
    inner = window.locator(".safety-bar__inner").bounding_box()
    exit_link = window.locator("#quick-exit").bounding_box()
    first = window.locator(".safety-bar .helpline").first.bounding_box()
    window.screenshot(path="test-results/safety-bar-kk-desktop.png")
    assert bar["height"] < 70
    # Helplines on the left, the quick exit on the right of the same row.
    assert first["x"] - inner["x"] < 20
    assert inner["x"] + inner["width"] - (exit_link["x"] + exit_link["width"]) < 20
    assert (
        abs(
            (exit_link["y"] + exit_link["height"] / 2)
            - (first["y"] + first["height"] / 2)
        )
        < 12
    )


# --- Esc twice ----------------------------------------------------------------


def test_escape_twice_in_a_field_does_not_leave_but_outside_it_does(
    live_server, help_site, page
):
    stub_neutral_site(page)
    page.goto(f"{live_server.url}/en/help/")
    search = page.locator("#id_q")
    search.fill("Astana")
    search.press("Escape")
    search.press("Escape")
    page.wait_for_timeout(700)
    assert page.url == f"{live_server.url}/en/help/"
    page.locator("#id_region").focus()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(700)
    assert page.url == f"{live_server.url}/en/help/"

    # Esc in the field, then once outside it, is not "twice".
    search.press("Escape")
    search.evaluate("field => field.blur()")
    page.keyboard.press("Escape")
    page.wait_for_timeout(700)
    assert page.url == f"{live_server.url}/en/help/"

    page.keyboard.press("Escape")  # the second outside the field
    page.wait_for_url(NEUTRAL)


# --- Focus after the quiz -----------------------------------------------------


def test_after_the_quiz_focus_is_on_its_result(page, live_server, demo_home, learner):
    last = guide(demo_home).lessons()[-1]
    sign_in(page, live_server, learner)
    with translation.override("en"):
        page.goto(live_server.url + last.get_url())
    quiz = page.locator("[data-quiz-form]")
    submit = quiz.locator("button[type=submit]")
    assert submit.is_visible()
    for question in last.quiz("en").questions:
        wrong = next(c.id for c in question.choices if c.id != question.correct)
        quiz.locator(f"input[name='{question.id}'][value='{wrong}']").check()
    submit.focus()
    with page.expect_response(lambda r: r.url.endswith(f"/lessons/{last.pk}/quiz")):
        page.keyboard.press("Enter")
    result = quiz.locator("[data-quiz-result]")
    result.filter(has_text="Not passed").wait_for()
    page.wait_for_function(
        "() => document.activeElement"
        " && document.activeElement.matches('[data-quiz-result]')",
        timeout=5_000,
    )
    # Tab goes on from the result, not from the top of the page.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"


# --- hls.js fetches no video before play --------------------------------------


@pytest.mark.parametrize("resume", [False, True], ids=["from-start", "resume"])
def test_hls_js_fetches_no_fragment_before_play(
    page, live_server, demo_home, learner, tmp_path, resume
):
    """Without data saver the video's preload is "metadata"; hls.js ignores it
    and would fetch the stream at once unless told to wait for play."""
    from progress.models import VideoProgress

    lesson = guide(demo_home).lessons()[1]
    served = serve_from_mux(page, lesson, tmp_path)
    if resume:
        VideoProgress.objects.create(
            user=learner,
            video_id=lesson.video_ids()[0],
            resume_position=9.0,
            credit_clock=timezone.now(),
        )
    page.add_init_script(NO_NATIVE_HLS)
    sign_in(page, live_server, learner)
    with translation.override("kk"):
        page.goto(live_server.url + lesson.get_url())
    page.wait_for_function("() => window.Hls !== undefined", timeout=10_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1_500)

    assert not [url for url in served if url.endswith(".ts")], served
    assert page.evaluate("document.querySelector('video').readyState") == 0
    if resume:  # said before play, as when the metadata is loaded at once
        status = page.locator("[data-video-progress] [data-progress-text]").first
        assert "0:09" in status.inner_text()

    with page.expect_request(
        heartbeat_in("playing"),
        timeout=15_000,
    ):
        page.evaluate(
            "(() => { const v = document.querySelector('video');"
            " v.muted = true; v.play().catch(() => {}); })()"
        )
    assert any(url.endswith(".ts") for url in served)
    if resume:
        page.wait_for_function(
            "() => document.querySelector('video').currentTime > 9.2",
            timeout=15_000,
        )
        # Loaded from where it resumes: the first fragment (0-4 s) is not needed.
        assert not [url for url in served if url.endswith("s0.ts")], served
    else:
        page.wait_for_function(
            "() => document.querySelector('video').currentTime > 0.5",
            timeout=15_000,
        )


@pytest.mark.parametrize(
    ("origin", "secure"), [("https://lms.test", True), ("http://lms.test", False)]
)
def test_the_language_cookie_the_script_sets_is_secure_over_https(
    browser, origin, secure
):
    """The script's cookie replaces the server's, which is Secure over https
    (LANGUAGE_COOKIE_SECURE); it must not drop the flag."""
    script = (settings.BASE_DIR / "static" / "js" / "site.js").read_text()
    context = browser.new_context()
    try:
        context.route(
            f"{origin}/**",
            lambda route: (
                route.fulfill(content_type="application/javascript", body=script)
                if route.request.url.endswith(".js")
                else route.fulfill(
                    content_type="text/html",
                    body='<html lang="ru"><body><main></main>'
                    '<script src="/static/js/site.js"></script></body></html>',
                )
            ),
        )
        window = context.new_page()
        window.goto(f"{origin}/ru/")
        window.wait_for_function("document.cookie.includes('django_language=ru')")
        (cookie,) = [c for c in context.cookies() if c["name"] == "django_language"]
    finally:
        context.close()
    assert cookie["value"] == "ru"
    assert cookie["secure"] is secure
    assert cookie["sameSite"] == "Lax"
