"""The lesson player in Chromium: a demo guide lesson in Kazakh plays, offers
captions in kk, ru and en, and reports heartbeats to the progress API."""

import json
import uuid
from pathlib import Path

from django.test import Client
from django.utils import translation

import pytest
from playwright.sync_api import expect

from courses import demo
from courses.models import CoursePage
from progress import services
from progress.models import LessonCompletion
from tests.lms.i18n import tr

HEARTBEAT = "/api/v1/progress/heartbeat"


def heartbeat_in(state: str):
    """Matches the player's request that reports ``state``."""
    return lambda request: (
        request.url.endswith(HEARTBEAT)
        and json.loads(request.post_data or "{}").get("state") == state
    )


SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


def guide(home):
    return CoursePage.objects.descendant_of(home).get(kind="guide")


@pytest.fixture
def guide_lesson(demo_home):
    return guide(demo_home).lessons()[0]


@pytest.mark.e2e
def test_guide_lesson_plays_with_captions_and_sends_heartbeats(
    page, live_server, guide_lesson, learner
):
    sign_in(page, live_server, learner)
    heartbeats = []

    def remember(request):
        if (
            request.url.endswith("/api/v1/progress/heartbeat")
            and request.method == "POST"
        ):
            heartbeats.append(
                {
                    "body": json.loads(request.post_data),
                    "csrf": request.headers.get("x-csrftoken", ""),
                }
            )

    page.on("request", remember)
    with translation.override("kk"):
        url = live_server.url + guide_lesson.get_url()
    page.goto(url)

    assert page.locator("html").get_attribute("lang") == "kk"
    video = page.locator("video").first
    video.wait_for()
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    languages = page.evaluate(
        "Array.from(document.querySelector('video').textTracks, t => t.language)"
    )
    assert languages == ["kk", "ru", "en"]
    showing = page.evaluate(
        "Array.from(document.querySelector('video').textTracks)"
        ".filter(t => t.mode === 'showing').map(t => t.language)"
    )
    assert showing == ["kk"]

    with page.expect_request(
        lambda r: (
            r.url.endswith("/api/v1/progress/heartbeat")
            and json.loads(r.post_data or "{}").get("state") == "playing"
        ),
        timeout=10_000,
    ):
        page.evaluate(
            "(() => { const v = document.querySelector('video');"
            " v.muted = true; return v.play(); })()"
        )
    page.wait_for_timeout(6_000)  # one interval heartbeat while playing
    page.evaluate("document.querySelector('video').pause()")
    page.wait_for_timeout(500)

    assert page.evaluate("document.querySelector('video').currentTime") > 4
    states = [beat["body"]["state"] for beat in heartbeats]
    assert states.count("playing") >= 2
    assert "paused" in states
    first = heartbeats[0]["body"]
    assert set(first) == {"lesson", "video", "session", "position", "rate", "state"}
    assert first["lesson"] == guide_lesson.pk
    assert first["video"] == guide_lesson.video_ids()[0]
    assert first["rate"] == 1
    uuid.UUID(first["session"])
    assert {beat["body"]["session"] for beat in heartbeats} == {first["session"]}
    assert all(beat["csrf"] for beat in heartbeats)
    positions = [beat["body"]["position"] for beat in heartbeats]
    assert positions == sorted(positions)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lesson-phone.png"), full_page=True)


@pytest.mark.e2e
def test_another_device_resumes_where_the_learner_stopped(
    page, browser, live_server, guide_lesson, learner
):
    from progress.models import VideoProgress

    sign_in(page, live_server, learner)
    with translation.override("kk"):
        url = live_server.url + guide_lesson.get_url()
    page.goto(url)
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    page.evaluate(
        "(() => { const v = document.querySelector('video');"
        " v.muted = true; return v.play(); })()"
    )
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 4", timeout=15_000
    )
    with page.expect_response(lambda r: r.url.endswith(HEARTBEAT)):
        page.evaluate("document.querySelector('video').pause()")
    stopped = page.evaluate("document.querySelector('video').currentTime")
    row = VideoProgress.objects.get(user=learner, video_id=guide_lesson.video_ids()[0])
    assert row.resume_position == pytest.approx(stopped, abs=0.01)

    phone = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        other = phone.new_page()
        sign_in(other, live_server, learner)  # a session of its own
        other.goto(url)
        other.wait_for_function(
            "() => document.querySelector('video').currentTime > 0", timeout=10_000
        )
        resumed = other.evaluate("document.querySelector('video').currentTime")
        assert resumed == pytest.approx(stopped, abs=0.5)
        assert other.locator(
            "[data-video-progress] [data-progress-text]"
        ).first.inner_text()
    finally:
        phone.close()


@pytest.mark.e2e
def test_player_degrades_quietly_when_the_progress_api_fails(
    page, live_server, guide_lesson, learner
):
    sign_in(page, live_server, learner)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        "**/api/v1/progress/**",
        lambda route: route.fulfill(status=503, body="down"),
    )
    with translation.override("ru"):
        page.goto(live_server.url + guide_lesson.get_url())
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    page.evaluate(
        "(() => { const v = document.querySelector('video');"
        " v.muted = true; return v.play(); })()"
    )
    page.wait_for_timeout(1_500)

    assert page.evaluate("document.querySelector('video').currentTime") > 0.5
    assert errors == []
    assert page.locator("[data-lesson-progress]").is_hidden()
    showing = page.evaluate(
        "Array.from(document.querySelector('video').textTracks)"
        ".filter(t => t.mode === 'showing').map(t => t.language)"
    )
    assert showing == ["ru"]


@pytest.mark.e2e
def test_visitor_sees_the_lesson_and_a_sign_in_prompt(page, live_server, guide_lesson):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    with translation.override("en"):
        page.goto(live_server.url + guide_lesson.get_url())
    assert page.locator("[data-sign-in-prompt]").is_visible()
    assert page.locator("video").count() == 1
    page.wait_for_timeout(500)
    assert not [url for url in requests if "/api/v1/progress/" in url]


@pytest.mark.e2e
def test_quiz_shows_score_and_result_but_not_which_answers_were_wrong(
    page, live_server, demo_home, learner
):
    last = guide(demo_home).lessons()[-1]
    sign_in(page, live_server, learner)
    with translation.override("en"):
        page.goto(live_server.url + last.get_url())
    quiz = page.locator("[data-quiz-form]")
    questions = quiz.locator("fieldset")
    assert questions.count() == 3

    model = last.quiz("en")
    for question in model.questions:  # a wrong choice to each
        wrong = next(c.id for c in question.choices if c.id != question.correct)
        quiz.locator(f"input[name='{question.id}'][value='{wrong}']").check()
    answered = questions.evaluate_all("sets => sets.map(set => set.outerHTML)")
    with page.expect_response(lambda r: r.url.endswith(f"/lessons/{last.pk}/quiz")):
        quiz.locator("button[type=submit]").click()
    result = quiz.locator("[data-quiz-result]")
    result.filter(has_text="Not passed").wait_for()
    assert "0%" in result.inner_text()
    assert questions.evaluate_all("sets => sets.map(set => set.outerHTML)") == answered

    for question in model.questions:
        quiz.locator(f"input[name='{question.id}'][value='{question.correct}']").check()
    with page.expect_response(lambda r: r.url.endswith(f"/lessons/{last.pk}/quiz")):
        quiz.locator("button[type=submit]").click()
    result.filter(has_text="100%").wait_for()
    assert "Passed." in result.inner_text()
    assert "Not passed" not in result.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "quiz-phone.png"), full_page=True)


@pytest.mark.e2e
def test_a_failed_retake_of_a_passed_quiz_says_the_pass_still_counts(
    page, live_server, demo_home, learner
):
    """Someone who passed (and may hold the certificate) answers again, wrongly:
    told that this attempt did not pass and the earlier pass stands, not to
    review the lesson, while the lesson stays completed."""
    last = guide(demo_home).lessons()[-1]
    model = last.quiz("ru")
    right = {question.id: question.correct for question in model.questions}
    assert services.submit_quiz(learner, last.pk, right, "ru").passed
    LessonCompletion.objects.get_or_create(
        user=learner, lesson=last, course=last.get_parent().specific
    )
    sign_in(page, live_server, learner)
    with translation.override("ru"):
        page.goto(live_server.url + last.get_url())
    quiz = page.locator("[data-quiz-form]")
    result = quiz.locator("[data-quiz-result]")
    expect(result).to_have_text(tr("You have already passed this quiz.", "ru"))
    quiz.locator("[data-quiz-again]").click()
    for question in model.questions:  # a wrong choice to each
        wrong = next(c.id for c in question.choices if c.id != question.correct)
        quiz.locator(f"input[name='{question.id}'][value='{wrong}']").check()
    with page.expect_response(lambda r: r.url.endswith(f"/lessons/{last.pk}/quiz")):
        quiz.locator("button[type=submit]").click()
    expect(result).to_have_text(
        f"{tr('Your score', 'ru')}: 0%. "
        + tr("Not passed this time, but your earlier pass still counts.", "ru")
    )
    expect(page.locator("[data-lesson-progress]")).to_contain_text(
        tr("Lesson completed", "ru")
    )
    page.screenshot(path=str(SCREENSHOTS / "quiz-retake-failed.png"), full_page=True)


NO_NATIVE_HLS = """
const canPlayType = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return /mpegurl/i.test(type) ? "" : canPlayType.call(this, type);
};
"""


def serve_from_mux(page, lesson, tmp_path) -> list[str]:
    """Makes the lesson's video a Mux video and stands in for Mux's stream server
    with an HLS rendition of a demo clip, served through the browser's request
    routing; returns the list of URLs asked of it, filled as they come."""
    import subprocess

    from courses.models import Video, VideoStatus

    clip = Path(demo.__file__).parent / "demo_media" / "guide-2.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(clip), "-c", "copy", "-f", "hls"]
        + ["-hls_time", "4", "-hls_playlist_type", "vod", str(tmp_path / "s.m3u8")],
        check=True,
    )
    Video.objects.filter(pk=lesson.video_ids()[0]).update(
        mux_asset_id="asset-e2e",
        mux_playback_id="play-e2e",
        mux_playback_policy="public",
        status=VideoStatus.READY,
        file="",
    )
    served = []

    def stream(route):
        served.append(route.request.url)
        name = route.request.url.split("?")[0].rsplit("/", 1)[-1]
        if name == "play-e2e.m3u8":
            name = "s.m3u8"
        path = tmp_path / name
        if not path.exists():
            return route.fulfill(status=404, body="")
        kind = (
            "application/vnd.apple.mpegurl" if name.endswith("m3u8") else "video/mp2t"
        )
        return route.fulfill(
            status=200,
            body=path.read_bytes(),
            headers={"Content-Type": kind, "Access-Control-Allow-Origin": "*"},
        )

    page.route("https://stream.mux.com/**", stream)
    page.route("https://image.mux.com/**", lambda route: route.fulfill(status=404))
    return served


@pytest.mark.e2e
@pytest.mark.parametrize("native_hls", [True, False], ids=["native-hls", "hls.js"])
def test_mux_video_plays_over_hls(
    page, live_server, demo_home, learner, tmp_path, native_hls
):
    """Where the browser plays HLS itself the player uses that; elsewhere (as in
    Firefox, imitated here) it loads hls.js from our static files."""
    lesson = guide(demo_home).lessons()[1]
    served = serve_from_mux(page, lesson, tmp_path)
    if not native_hls:
        page.add_init_script(NO_NATIVE_HLS)
    sign_in(page, live_server, learner)
    with translation.override("kk"):
        page.goto(live_server.url + lesson.get_url())

    if native_hls:
        page.wait_for_function(
            "() => document.querySelector('video').readyState >= 1", timeout=15_000
        )
    else:  # hls.js reads only the playlist until play
        page.wait_for_function("() => window.Hls !== undefined", timeout=15_000)
    with page.expect_request(lambda r: r.url.endswith(HEARTBEAT), timeout=10_000):
        page.evaluate(
            "(() => { const v = document.querySelector('video');"
            " v.muted = true; return v.play(); })()"
        )
    page.wait_for_timeout(1_500)

    assert page.evaluate("document.querySelector('video').currentTime") > 0.5
    assert any("/play-e2e.m3u8" in url for url in served)
    assert any(url.endswith(".ts") for url in served)
    assert page.evaluate("window.Hls !== undefined") is not native_hls
    languages = page.evaluate(
        "Array.from(document.querySelector('video').textTracks, t => t.language)"
    )
    assert languages == ["kk", "ru", "en"]


def video_requests(page) -> list:
    seen = []

    def remember(request):  # the video itself, not its captions
        if "/videos/" in request.url and "/captions/" not in request.url:
            seen.append(request.url)

    page.on("request", remember)
    return seen


@pytest.mark.e2e
def test_with_data_saver_the_video_loads_only_when_played(
    page, live_server, guide_lesson, learner
):
    sign_in(page, live_server, learner)
    seen = video_requests(page)
    with translation.override("kk"):
        url = live_server.url + guide_lesson.get_url()
    page.goto(url)
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    assert seen, "without data saver the player fetches the video's metadata"

    switch = page.locator("form.data-saver--compact button")
    assert switch.inner_text() == tr("Turn data saver on", "kk")
    with page.expect_navigation():
        switch.click()
    seen.clear()
    page.wait_for_load_state("networkidle")
    # Back at the switch that was pressed, not at the top of the page.
    assert page.url == url + "#data-saver-lesson"
    assert page.evaluate("window.scrollY") > 0
    assert page.locator("form.data-saver--compact").is_visible()
    assert (
        tr(
            "Data saver is now on for this device: videos play in lower quality and "
            "load only when you press play, and pictures are left out.",
            "kk",
        )
        in page.locator(".messages").inner_text()
    )
    assert (
        page.locator("[data-lesson-page]").get_attribute("data-heartbeat-seconds")
        == "10"
    )
    assert page.evaluate("document.querySelector('video').readyState") == 0
    transcript = page.locator("details.video-transcript")
    transcript.locator("summary").click()  # reading needs no video at all
    assert "интерактивті құралы әзірленді" in transcript.inner_text()
    assert seen == []

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lesson-data-saver.png"), full_page=True)

    with page.expect_request(
        heartbeat_in("playing"),
        timeout=10_000,
    ):
        page.evaluate(
            "(() => { const v = document.querySelector('video');"
            " v.muted = true; return v.play(); })()"
        )
    assert seen, "pressing play loads the video"
    assert page.evaluate("document.querySelector('video').readyState") >= 1


@pytest.mark.e2e
def test_the_browsers_save_data_turns_it_on_until_the_visitor_chooses(
    browser, live_server, guide_lesson
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, extra_http_headers={"Save-Data": "on"}
    )
    try:
        page = context.new_page()
        seen = video_requests(page)
        with translation.override("ru"):
            url = live_server.url + guide_lesson.get_url()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        footer = page.locator(".footer-data-saver")
        assert tr("Your browser asked for it.", "ru") in footer.inner_text()
        assert page.locator("video").first.get_attribute("preload") == "none"
        assert seen == []

        with page.expect_navigation():
            footer.get_by_role("button", name=tr("Turn data saver off", "ru")).click()
        page.wait_for_function(
            "() => document.querySelector('video').readyState >= 1", timeout=10_000
        )
        assert tr("Data saver is now off for this device.", "ru") in (
            page.locator(".messages").inner_text()
        )
        assert page.locator("video").first.get_attribute("preload") == "metadata"
        assert tr("Turn data saver on", "ru") in footer.inner_text()
    finally:
        context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("native_hls", [True, False], ids=["native-hls", "hls.js"])
def test_with_data_saver_a_mux_stream_starts_only_on_play_and_at_low_resolution(
    page, live_server, demo_home, learner, tmp_path, native_hls
):
    lesson = guide(demo_home).lessons()[1]
    served = serve_from_mux(page, lesson, tmp_path)
    if not native_hls:
        page.add_init_script(NO_NATIVE_HLS)
    sign_in(page, live_server, learner)
    page.context.add_cookies(
        [{"name": "data_saver", "value": "on", "url": live_server.url}]
    )
    with translation.override("kk"):
        page.goto(live_server.url + lesson.get_url())
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1_000)

    assert served == []
    assert page.evaluate("window.Hls === undefined")  # not even hls.js yet

    with page.expect_request(lambda r: r.url.endswith(HEARTBEAT), timeout=15_000):
        page.evaluate(
            "(() => { const v = document.querySelector('video');"
            " v.muted = true; v.play().catch(() => {}); })()"
        )
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 0.5", timeout=15_000
    )
    manifests = [url for url in served if "/play-e2e.m3u8" in url]
    assert manifests
    assert all(url.endswith("?max_resolution=360p") for url in manifests)
    assert any(url.endswith(".ts") for url in served)
    assert page.evaluate("window.Hls !== undefined") is not native_hls


@pytest.mark.e2e
def test_on_a_stalled_connection_one_heartbeat_is_on_its_way_at_a_time(
    page, live_server, guide_lesson, learner
):
    """Sent together, two heartbeats would reach the server together and the later
    one would look like a jump; the player skips its timer's ticks while one is
    unanswered, and sends again once it is answered."""
    sign_in(page, live_server, learner)
    held = []

    def hold(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(f"**{HEARTBEAT}", hold)
    with translation.override("kk"):
        page.goto(live_server.url + guide_lesson.get_url())
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    page.evaluate(
        "(() => { const v = document.querySelector('video');"
        " v.muted = true; v.playbackRate = 0.5; return v.play(); })()"
    )
    page.wait_for_timeout(11_500)  # two ticks of the 5 s heartbeat timer
    assert [json.loads(r.request.post_data)["state"] for r in held] == ["playing"]

    held[0].continue_()
    page.wait_for_timeout(6_000)
    assert len(held) >= 2
    for route in held[1:]:
        route.continue_()


@pytest.mark.e2e
def test_skipping_to_the_end_is_explained(page, live_server, guide_lesson, learner):
    sign_in(page, live_server, learner)
    page.set_extra_http_headers({"Accept-Language": "ru"})
    with translation.override("ru"):
        page.goto(live_server.url + guide_lesson.get_url())
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    with page.expect_response(lambda r: r.url.endswith(HEARTBEAT)):
        page.evaluate(
            "(() => { const v = document.querySelector('video');"
            " v.muted = true; return v.play(); })()"
        )
    with page.expect_request(
        heartbeat_in("ended"),
        timeout=10_000,
    ):
        page.evaluate(
            "(() => { const v = document.querySelector('video');"
            " v.currentTime = v.duration - 0.2; })()"
        )
    skipped = tr(
        "Only the parts you play count: play the parts you skipped to complete "
        "the video.",
        "ru",
    )
    status = page.locator("[data-video-progress] [data-progress-text]").first
    status.wait_for()
    page.wait_for_function(
        "(text) => document.querySelector('[data-video-progress] [data-progress-text]')"
        ".textContent.includes(text)",
        arg=skipped,
        timeout=10_000,
    )
    assert tr("Video watched", "ru") not in status.inner_text()
