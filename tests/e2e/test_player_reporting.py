"""The lesson player when reporting is hard: a run of seeks, the heartbeat limit
(429 and its Retry-After), heartbeats that fail (the learner is told, the player
tries again and says when it gets through), a learner signed out in another tab,
and a video that cannot be loaded (told, with "Try again", and no heartbeats)."""

import json
import time
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.utils import translation

import pytest
from playwright.sync_api import expect

from tests.e2e.test_player import (
    HEARTBEAT,
    NO_NATIVE_HLS,
    guide,
    heartbeat_in,
    serve_from_mux,
    sign_in,
)

NOT_SAVED = (
    "Your progress is not being saved right now. Check your connection; the video "
    "keeps playing."
)
SAVED_AGAIN = "Your progress is being saved again."
SIGNED_OUT = "You are no longer signed in, so your watching is not being counted."
VIDEO_ERROR = "The video could not be loaded. Check your connection and try again."


@pytest.fixture
def guide_lesson(demo_home):
    return guide(demo_home).lessons()[0]


def heartbeats(page) -> list[dict]:
    """The heartbeats the page sends, as they are sent: state, position, the
    time sent, and the status answered (None until answered or if none)."""
    sent = []

    def on_request(request):
        if request.url.endswith(HEARTBEAT) and request.method == "POST":
            body = json.loads(request.post_data or "{}")
            sent.append(
                {
                    "state": body.get("state"),
                    "position": body.get("position"),
                    "at": time.monotonic(),
                    "request": request,
                    "status": None,
                }
            )

    def on_response(response):
        for beat in sent:
            if beat["request"] is response.request:
                beat["status"] = response.status

    page.on("request", on_request)
    page.on("response", on_response)
    return sent


def open_lesson(page, live_server, lesson, language="en"):
    with translation.override(language):
        url = live_server.url + lesson.get_url()
    page.goto(url)
    return url


def play(page):
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    page.evaluate(
        "(() => { const v = document.querySelector('video');"
        " v.muted = true; return v.play(); })()"
    )


def cut_off(page, down: bool) -> dict:
    """Heartbeats get no connection while ``state["down"]`` (the state returned)."""
    state = {"down": down}

    def network(route):
        if state["down"] and route.request.method == "POST":
            return route.abort("internetdisconnected")
        return route.continue_()

    page.route(f"**{HEARTBEAT}", network)
    return state


def sign_out(page):
    """The page's session ends, as signing out in another tab ends it."""
    (key,) = [c["value"] for c in page.context.cookies() if c["name"] == "sessionid"]
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=key).delete()


def wait_announced(page, message: str) -> None:
    """Screen readers are told ``message`` (``announce`` puts it in the page's
    status region a moment after it is shown)."""
    page.wait_for_function(
        "(text) => ((document.querySelector('[data-announcer]') || {}).textContent"
        " || '').includes(text)",
        arg=message,
        timeout=3_000,
    )


@pytest.mark.e2e
def test_a_run_of_seeks_sends_one_report_each_and_stays_under_the_limit(
    page, live_server, guide_lesson, learner
):
    """An arrow key pressed again and again while playing: one report per seek
    (it was three: seeked, a playing after it, and the media's own playing), so
    45 seeks in 11 s stay well under the 120 a minute the API takes, and the
    heartbeats after them are counted."""
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    open_lesson(page, live_server, guide_lesson)
    with page.expect_response(lambda r: r.url.endswith(HEARTBEAT)):
        play(page)
    page.evaluate(
        """() => {
            const v = document.querySelector('video');
            window.seeks = 0;
            v.addEventListener('seeked', () => { window.seeks += 1; });
            v.loop = true;
        }"""
    )
    before = len(sent)
    for index in range(45):
        page.evaluate(
            "(at) => { document.querySelector('video').currentTime = at; }",
            1 + (index % 2) * 2,
        )
        page.wait_for_timeout(250)
    burst = sent[before:]
    seeks = page.evaluate("window.seeks")
    assert [beat["state"] for beat in burst] == ["seeked"] * seeks
    assert seeks >= 30

    # Playing on, the credited stretch starts again once the seeking settles.
    page.wait_for_timeout(1_800)
    after = [beat["state"] for beat in sent[before + seeks :]]
    assert after == ["playing"]
    assert page.evaluate("!document.querySelector('video').paused")
    page.wait_for_timeout(500)
    assert all(beat["status"] == 200 for beat in sent), [
        (beat["state"], beat["status"]) for beat in sent if beat["status"] != 200
    ]
    assert page.locator("[data-progress-unsaved]").count() == 0


@pytest.mark.e2e
def test_the_player_waits_as_long_as_a_429_says_and_loses_nothing(
    page, live_server, guide_lesson, learner
):
    """Too many heartbeats: the API answers 429 with Retry-After. Nothing is sent
    before that time; what the learner did meanwhile (a pause, here) is sent
    then, with where it happened."""
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    refused = []

    def limit(route):
        if route.request.method == "POST" and len(refused) == 0 and len(sent) == 2:
            refused.append(time.monotonic())
            return route.fulfill(
                status=429,
                headers={"Retry-After": "4", "Content-Type": "application/json"},
                body=json.dumps({"detail": "Too many requests; slow down."}),
            )
        return route.continue_()

    page.route(f"**{HEARTBEAT}", limit)
    open_lesson(page, live_server, guide_lesson)
    with page.expect_response(lambda r: r.url.endswith(HEARTBEAT)):
        play(page)
    # The timer's next heartbeat (5 s on) is refused.
    for _ in range(80):
        if refused:
            break
        page.wait_for_timeout(100)
    assert refused, "the second heartbeat was not sent"
    page.wait_for_timeout(1_000)
    paused_at = page.evaluate(
        "(() => { const v = document.querySelector('video'); v.pause();"
        " return v.currentTime; })()"
    )
    page.wait_for_timeout(4_000)

    later = [beat for beat in sent if beat["at"] > refused[0]]
    assert later, "nothing was sent after the wait"
    assert later[0]["at"] - refused[0] >= 3.9
    assert later[0]["state"] == "paused"
    assert later[0]["position"] == pytest.approx(paused_at, abs=0.01)
    page.wait_for_timeout(300)
    assert later[0]["status"] == 200


@pytest.mark.e2e
def test_failing_heartbeats_are_told_retried_less_often_and_cleared(
    page, live_server, guide_lesson, learner
):
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    state = cut_off(page, down=True)
    open_lesson(page, live_server, guide_lesson)
    play(page)

    notice = page.locator("[data-progress-unsaved]")
    expect(notice).to_be_visible(timeout=8_000)
    expect(notice).to_have_text(NOT_SAVED)
    wait_announced(page, NOT_SAVED)
    # Near the video, and the video plays on.
    assert page.locator("figure[data-video-player] [data-progress-unsaved]").count()
    assert page.evaluate("!document.querySelector('video').paused")
    page.wait_for_timeout(5_000)
    tries = [beat["at"] for beat in sent]
    gaps = [later - earlier for earlier, later in zip(tries, tries[1:], strict=False)]
    assert len(gaps) >= 2
    assert gaps[0] >= 1.8 and gaps[1] >= 3.8  # 2 s, then 4 s

    state["down"] = False
    page.evaluate("document.querySelector('video').currentTime = 0")
    expect(notice).to_be_hidden(timeout=15_000)
    wait_announced(page, SAVED_AGAIN)
    assert any(beat["status"] == 200 for beat in sent)


@pytest.mark.e2e
def test_a_server_error_is_told_but_a_missing_api_stays_quiet(
    page, live_server, guide_lesson, learner
):
    """5xx is a failure to tell about; 404 means there is no progress API here,
    and the player stops asking without a word."""
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    answer = {"status": 503}
    page.route(
        f"**{HEARTBEAT}", lambda route: route.fulfill(status=answer["status"], body="")
    )
    open_lesson(page, live_server, guide_lesson)
    play(page)
    expect(page.locator("[data-progress-unsaved]")).to_be_visible(timeout=8_000)

    answer["status"] = 404
    page.reload()
    sent.clear()
    play(page)
    page.wait_for_timeout(7_000)
    assert [beat["state"] for beat in sent] == ["playing"]  # then no more
    assert page.locator("[data-progress-unsaved]").count() == 0
    assert page.locator("[data-signed-out]").count() == 0
    assert page.evaluate("document.querySelector('video').currentTime") > 5


@pytest.mark.e2e
def test_a_learner_signed_out_elsewhere_is_asked_to_sign_in_again(
    page, live_server, guide_lesson, learner
):
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    url = open_lesson(page, live_server, guide_lesson)
    with page.expect_response(lambda r: r.url.endswith(HEARTBEAT)):
        play(page)
    sign_out(page)  # in another tab

    notice = page.locator("[data-signed-out]")
    expect(notice).to_be_visible(timeout=8_000)
    expect(notice).to_contain_text(SIGNED_OUT)
    wait_announced(page, SIGNED_OUT)
    link = notice.get_by_role("link", name="Sign in again")
    path = url.removeprefix(live_server.url)
    assert link.get_attribute("href").endswith(f"?next={quote(path, safe='')}")
    count = len(sent)
    assert sent[-1]["status"] == 401
    page.wait_for_timeout(6_000)
    assert len(sent) == count  # nothing more is reported
    assert page.evaluate("!document.querySelector('video').paused")

    with page.expect_navigation():
        link.click()
    assert "/accounts/login/" in page.url
    assert page.locator("input[name=login]").count() == 1


@pytest.mark.e2e
def test_a_video_file_that_cannot_be_loaded_says_so_and_loads_on_try_again(
    page, live_server, guide_lesson, learner
):
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    state = {"down": True}

    def files(route):
        if state["down"]:
            return route.fulfill(status=503, body="busy")
        return route.continue_()

    page.route("**/videos/*/file*", files)
    open_lesson(page, live_server, guide_lesson)

    error = page.locator("[data-video-error]")
    expect(error).to_be_visible(timeout=10_000)
    expect(error).to_contain_text(VIDEO_ERROR)
    retry = error.get_by_role("button", name="Try again")
    expect(retry).to_be_visible()
    wait_announced(page, VIDEO_ERROR)
    page.wait_for_timeout(1_000)
    assert sent == []

    state["down"] = False
    retry.click()
    expect(error).to_be_hidden()
    with page.expect_request(lambda r: r.url.endswith(HEARTBEAT), timeout=10_000):
        play(page)
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 1", timeout=10_000
    )


@pytest.mark.e2e
def test_a_video_that_breaks_while_playing_stops_reporting(
    page, live_server, guide_lesson, learner
):
    """The rest of the file cannot be fetched: the video stops, the stretch
    watched is reported once (paused), and no heartbeat says "playing" from a
    video that does not play; "Try again" goes on from there."""
    from courses.models import Video

    video = Video.objects.get(pk=guide_lesson.video_ids()[0])
    data = video.file.open("rb").read()
    part = len(data) // 2
    state = {"broken": True}

    def files(route):
        wanted = route.request.headers.get("range", "bytes=0-")
        start = int(wanted.removeprefix("bytes=").split("-")[0] or 0)
        if start == 0 and state["broken"]:
            return route.fulfill(
                status=206,
                body=data[:part],
                headers={
                    "Content-Type": "video/mp4",
                    "Accept-Ranges": "bytes",
                    "Content-Range": f"bytes 0-{part - 1}/{len(data)}",
                },
            )
        if state["broken"]:
            return route.fulfill(status=503, body="busy")
        return route.continue_()

    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    page.route("**/videos/*/file*", files)
    open_lesson(page, live_server, guide_lesson)
    play(page)
    error = page.locator("[data-video-error]")
    expect(error).to_be_visible(timeout=20_000)
    states = [beat["state"] for beat in sent]
    assert states[0] == "playing" and states[-1] == "paused"
    count = len(sent)
    page.wait_for_timeout(6_000)  # more than a heartbeat's time
    assert len(sent) == count

    stopped_at = page.evaluate("document.querySelector('video').currentTime")
    state["broken"] = False
    error.get_by_role("button", name="Try again").click()
    page.wait_for_function(
        "(at) => document.querySelector('video').currentTime > at + 0.5",
        arg=stopped_at,
        timeout=10_000,
    )
    assert sent[-1]["state"] in ("playing", "seeked")


@pytest.mark.e2e
@pytest.mark.parametrize("native_hls", [True, False], ids=["native-hls", "hls.js"])
def test_an_unreachable_stream_says_so(
    page, live_server, demo_home, learner, tmp_path, native_hls
):
    lesson = guide(demo_home).lessons()[1]
    serve_from_mux(page, lesson, tmp_path)
    page.unroute("https://stream.mux.com/**")
    page.route("https://stream.mux.com/**", lambda route: route.fulfill(status=503))
    if not native_hls:
        page.add_init_script(NO_NATIVE_HLS)
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    open_lesson(page, live_server, lesson)

    error = page.locator("[data-video-error]")
    expect(error).to_be_visible(timeout=20_000)
    expect(error).to_contain_text(VIDEO_ERROR)
    assert sent == []


@pytest.mark.e2e
def test_following_a_link_while_playing_reports_where_the_video_is_first(
    page, live_server, guide_lesson, learner
):
    """The dashboard opened from a playing lesson shows where the video was left:
    the report goes when the link is followed, not once the next page is in."""
    from progress.models import VideoProgress

    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    open_lesson(page, live_server, guide_lesson)
    with page.expect_response(lambda r: r.url.endswith(HEARTBEAT)):
        play(page)
    page.wait_for_function(
        "() => document.querySelector('video').currentTime >= 3.2", timeout=10_000
    )
    at = page.evaluate("document.querySelector('video').currentTime")
    assert at < 5  # before the next timed heartbeat

    page.locator("header a[href$='/dashboard/']").first.click()
    page.wait_for_url("**/dashboard/")

    assert [beat["state"] for beat in sent][:2] == ["playing", "playing"]
    assert sent[1]["position"] >= at
    resume = VideoProgress.objects.get(user=learner).resume_position
    assert at <= resume < at + 1
    expect(page.locator("main")).to_contain_text("0:03")


@pytest.mark.e2e
@pytest.mark.parametrize("new_duration", [3.0, 40.0], ids=["shorter", "longer"])
def test_a_video_replaced_after_the_page_opened_asks_for_a_reload(
    page, live_server, guide_lesson, learner, new_duration
):
    """The server counts against the new video while the old one plays here:
    a refused report (the new one is shorter), or an end reached without the
    video completing (it is longer), makes the player look, tell the learner to
    reload, and stop reporting."""
    from courses.models import Video

    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    lesson_state = f"/api/v1/progress/lessons/{guide_lesson.pk}"
    with page.expect_response(lambda r: lesson_state in r.url):
        open_lesson(page, live_server, guide_lesson)
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    video = Video.objects.get(pk=guide_lesson.videos()[0].pk)
    video.duration = new_duration  # a new upload took over, of another length
    video.save()

    play(page)
    notice = page.locator("[data-video-replaced]")
    expect(notice).to_be_visible(timeout=20_000)
    expect(notice).to_contain_text(
        "This video has been updated since the page was opened."
    )
    wait_announced(page, "This video has been updated")
    reported = len(sent)
    page.wait_for_timeout(6_000)
    assert len(sent) == reported  # nothing more from the old video

    with page.expect_navigation():
        notice.locator("[data-reload]").click()
    page.wait_for_function(
        "() => document.querySelector('video').readyState >= 1", timeout=10_000
    )
    expect(page.locator("[data-video-replaced]")).to_have_count(0)


HELD = (
    "No connection: the video has stopped so that all you watch is counted. It "
    "plays on by itself once the connection is back."
)


@pytest.mark.e2e
def test_without_a_connection_the_video_waits_so_that_nothing_watched_is_lost(
    page, live_server, guide_lesson, learner, tmp_path
):
    """The server credits about 30 s of video at most between two heartbeats it
    hears. Reports failing, the video stops once it has played 20 s past the
    last one heard, and plays on when they get through: every second watched
    counts, with no hole."""
    import subprocess
    from pathlib import Path

    from django.core.files import File

    from courses import demo
    from courses.models import Video
    from progress.models import VideoProgress

    clip = Path(demo.__file__).parent / "demo_media" / "guide-1.mp4"
    longer = tmp_path / "long.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-stream_loop", "5", "-i", str(clip)]
        + ["-c", "copy", str(longer)],
        check=True,
    )
    video = Video.objects.get(pk=guide_lesson.video_ids()[0])
    with longer.open("rb") as handle:
        video.file.save("long.mp4", File(handle))
    video.duration = 72.0
    video.save()

    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    state = cut_off(page, down=False)
    open_lesson(page, live_server, guide_lesson)
    play(page)
    page.evaluate("document.querySelector('video').playbackRate = 2")
    page.wait_for_timeout(3_000)
    heard = [beat["position"] for beat in sent if beat["status"] == 200]
    assert heard
    state["down"] = True

    held = page.locator("[data-progress-held]")
    expect(held).to_be_visible(timeout=20_000)
    expect(held).to_have_text(HELD)
    assert page.evaluate("document.querySelector('video').paused")
    stopped_at = page.evaluate("document.querySelector('video').currentTime")
    last_heard = max(beat["position"] for beat in sent if beat["status"] == 200)
    assert 20 < stopped_at - last_heard < 23

    state["down"] = False
    expect(held).to_be_hidden(timeout=15_000)
    page.wait_for_function(
        "() => !document.querySelector('video').paused", timeout=5_000
    )
    progress = VideoProgress.objects.get(user=learner, video=video)
    assert len(progress.intervals) == 1, progress.intervals
    start, end = progress.intervals[0]
    assert start < 1 and end >= stopped_at - 0.5, progress.intervals

    # Held again, the learner plays on: their choice. The notice says the
    # watching is not counted, and the video is not stopped again; paused by
    # the learner, it does not start by itself when reports get through.
    page.wait_for_timeout(2_000)
    state["down"] = True
    expect(held).to_be_visible(timeout=20_000)
    page.evaluate("document.querySelector('video').play()")
    unsaved = page.locator("[data-progress-unsaved]")
    expect(unsaved).to_have_text(NOT_SAVED)
    assert not held.count()
    page.wait_for_timeout(2_500)
    assert not page.evaluate("document.querySelector('video').paused")
    page.evaluate("document.querySelector('video').pause()")
    state["down"] = False
    expect(unsaved).to_be_hidden(timeout=15_000)
    page.wait_for_timeout(1_000)
    assert page.evaluate("document.querySelector('video').paused")


@pytest.mark.e2e
def test_a_seek_back_keeps_what_was_watched_before_it(
    page, live_server, guide_lesson, learner
):
    """By "seeked" the video is already where it was sought to; the player
    reports where playing had got to when the seek began, so a learner who goes
    back a little and watches on to the end has watched it all."""
    sign_in(page, live_server, learner)
    sent = heartbeats(page)
    open_lesson(page, live_server, guide_lesson, "kk")
    play(page)
    page.wait_for_timeout(4_500)
    with page.expect_request(heartbeat_in("seeked")):
        page.evaluate("document.querySelector('video').currentTime -= 2")

    with page.expect_response(
        lambda r: (
            r.url.endswith(HEARTBEAT)
            and json.loads(r.request.post_data or "{}").get("state") == "ended"
        ),
        timeout=20_000,
    ) as ended:
        pass

    states = [beat["state"] for beat in sent]
    before_seek = sent[states.index("seeked") - 1]
    assert before_seek["state"] == "paused"
    assert before_seek["position"] > 4
    assert sent[states.index("seeked")]["position"] < before_seek["position"]
    answer = ended.value.json()
    assert answer["completed"] is True, answer
