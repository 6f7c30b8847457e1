"""What the server credits as watched (CONTRACTS.md §5, rules 1–5), on a clock the
tests control. The video of ``video_lesson`` is 100 seconds long."""

import random
from datetime import timedelta

import pytest

from progress.models import PlaybackSession, VideoProgress
from tests.progress.conftest import Player

DURATION = 100.0
# Rule 3 and the 0.95 completion threshold: nobody can complete sooner than this.
FASTEST_COMPLETION = 0.95 * DURATION / 2

pytestmark = pytest.mark.usefixtures("heartbeat_path")


def watched(learner, video):
    row = VideoProgress.objects.filter(user=learner, video=video).first()
    return row.watched_seconds if row else 0.0


# -- honest viewing completes (rule 5) ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rate", "interval"), [(1.0, 2), (1.0, 5), (1.0, 10), (2.0, 2), (2.0, 5), (2.0, 10)]
)
def test_honest_viewing_completes(player, clock, rate, interval):
    position = 0.0
    answer = player.beat(position, rate=rate)
    assert answer["watched_seconds"] == 0
    while position < DURATION:
        clock.tick(interval)
        position = min(DURATION, position + interval * rate)
        answer = player.beat(position, rate=rate)
    answer = player.beat(DURATION, state="ended", rate=rate)
    assert answer["completed"] is True
    assert answer["coverage"] == 1.0
    assert answer["watched_seconds"] == DURATION


@pytest.mark.django_db
def test_coverage_shown_as_095_means_complete(player, clock):
    player.beat(0.0)
    clock.tick(10)
    player.beat(10.0)
    position = 10.0
    while position < 94.0:
        clock.tick(7)
        position += 7.0
        player.beat(position)
    clock.tick(0.996)
    answer = player.beat(94.996)

    assert answer["watched_seconds"] == 94.996
    assert (answer["coverage"], answer["completed"]) == (0.9499, False)
    clock.tick(0.004)
    answer = player.beat(95.0)
    assert (answer["coverage"], answer["completed"]) == (0.95, True)


@pytest.mark.django_db
def test_honest_two_times_with_network_jitter_completes(player, clock):
    rng = random.Random(7)
    position = 0.0
    player.beat(position, rate=2.0)
    while position < DURATION:
        clock.tick(rng.uniform(4.6, 5.4))  # arrivals jitter around every 5 s
        position = min(DURATION, position + 10.0)
        answer = player.beat(position, rate=2.0)
    assert answer["completed"] is True


@pytest.mark.django_db
@pytest.mark.parametrize("interval", [2, 5, 10])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("worst_delay", [1.0, 3.5])
def test_honest_two_times_over_a_weak_connection_completes(
    player, clock, interval, seed, worst_delay
):
    """Rule 5 on a mobile connection: the player (static/js/player.js) sends a
    heartbeat every ``interval`` s of playback at 2× unless the previous one is
    still on its way, and each reaches the server up to ``worst_delay`` s late
    (the first, on a fresh connection, within 1 s: at 2× a late first heartbeat
    costs twice its delay, which rule 3 cannot give back)."""
    rng = random.Random(seed)
    now = 0.0  # server time of the last arrival
    in_flight_until = 0.0
    tick = 0.0
    answer = None
    while True:
        position = min(DURATION, 2 * tick)
        if tick >= in_flight_until:
            arrival = tick + rng.uniform(0, worst_delay if tick else 1.0)
            clock.tick(arrival - now)
            now = in_flight_until = arrival
            answer = player.beat(position, rate=2.0)
            if position >= DURATION:
                break
        tick += interval
    answer = player.beat(DURATION, state="ended", rate=2.0)
    assert answer["completed"] is True
    assert answer["coverage"] >= 0.95


@pytest.mark.django_db
def test_a_heartbeat_is_timed_when_it_arrives(player, clock, monkeypatch):
    """A throttle or cache slow to answer (a Redis that hangs until each call's
    timeout) does not move the server's time of the heartbeat: at 2×, a step
    whose first heartbeat was held up inside the server for 3 s still counts."""
    from progress import services

    throttle = services.throttle
    holds = iter([3.0, 0.0] * 20)

    def slow_throttle(*args, **kwargs):
        clock.tick(next(holds))
        return throttle(*args, **kwargs)

    monkeypatch.setattr(services, "throttle", slow_throttle)
    arrived = clock.current
    player.beat(0, rate=2.0)
    for step in range(1, 5):
        clock.current = arrived + timedelta(seconds=5 * step)  # arrives every 5 s
        answer = player.beat(10.0 * step, rate=2.0)
    assert answer["watched_seconds"] == 40.0


@pytest.mark.django_db
def test_one_late_heartbeat_loses_nothing(player, clock):
    """At 2× every 5 s, one heartbeat 1.4 s late makes the next step look 1.4 s
    short; the step is still credited whole."""
    player.beat(0, rate=2.0)
    position = 0.0
    for step in range(10):
        clock.tick({6: 6.4, 7: 3.6}.get(step, 5.0))
        position += 10
        answer = player.beat(position, rate=2.0)
    assert answer["watched_seconds"] == DURATION
    assert answer["completed"] is True


@pytest.mark.django_db
def test_idle_time_cannot_be_spent_as_a_burst(
    signed_in, clock, video_lesson, long_video
):
    """A learner who opens a playback and waits two minutes has banked at most
    BUDGET_WINDOW of server time; five parallel sessions after that still gain at
    most 2 s of video per second beyond it."""
    from progress.services import BUDGET_WINDOW, MAX_RATE

    bank = MAX_RATE * BUDGET_WINDOW.total_seconds()
    Player(signed_in, video_lesson, long_video).beat(0)
    clock.tick(120)
    players = [Player(signed_in, video_lesson, long_video) for _ in range(5)]
    starts = [0.0, 20.0, 40.0, 60.0, 80.0]
    positions = list(starts)
    for p, position in zip(players, positions, strict=True):
        p.beat(position, rate=2.0)
    since_idle, completed_after = 0.0, None
    while since_idle < 120 and completed_after is None:
        clock.tick(1)
        since_idle += 1
        for index, p in enumerate(players):
            positions[index] = min(starts[index] + 20, positions[index] + 2)
            answer = p.beat(positions[index], rate=2.0)
            assert answer["watched_seconds"] <= MAX_RATE * since_idle + bank + 1e-6
            if answer["completed"] and completed_after is None:
                completed_after = since_idle
    assert (
        completed_after is None
        or completed_after >= (0.95 * DURATION - bank) / MAX_RATE
    )


@pytest.mark.django_db
def test_pausing_credits_what_played_before_and_nothing_while_paused(player, clock):
    player.beat(0)
    clock.tick(5)
    assert player.beat(5, state="paused")["watched_seconds"] == 5
    clock.tick(600)
    assert player.beat(5, state="playing")["watched_seconds"] == 5
    clock.tick(5)
    assert player.beat(10)["watched_seconds"] == 10


# -- cheating gets nothing ---------------------------------------------------------


@pytest.mark.django_db
def test_jumping_to_the_end_credits_nothing(player, clock, learner, long_video):
    player.beat(0)
    clock.tick(1)
    answer = player.beat(DURATION)
    clock.tick(1)
    answer = player.beat(DURATION, state="ended")
    assert answer["watched_seconds"] == 0
    assert answer["completed"] is False
    assert watched(learner, long_video) == 0


@pytest.mark.django_db
def test_posting_ended_first_credits_nothing(player, clock):
    answer = player.beat(DURATION, state="ended")
    assert answer == {
        "watched_seconds": 0,
        "coverage": 0,
        "completed": False,
        "resume_at": 0,
    }
    for _ in range(5):
        clock.tick(60)
        assert player.beat(DURATION, state="ended")["watched_seconds"] == 0


@pytest.mark.django_db
def test_a_seek_credits_nothing(player, clock):
    player.beat(0)
    clock.tick(5)
    assert player.beat(50, state="seeked")["watched_seconds"] == 0
    clock.tick(5)
    # The step after a seek starts from a heartbeat that was not "playing".
    assert player.beat(55)["watched_seconds"] == 0
    clock.tick(5)
    assert player.beat(60)["watched_seconds"] == 5


@pytest.mark.django_db
@pytest.mark.parametrize("claimed_rate", [16.0, 1.0])
def test_sixteen_times_speed_gets_nothing(player, clock, claimed_rate):
    position = 0.0
    player.beat(position, rate=claimed_rate)
    while position < DURATION:
        clock.tick(1)
        position = min(DURATION, position + 16)
        answer = player.beat(position, rate=claimed_rate)
    assert answer["watched_seconds"] == 0
    assert answer["completed"] is False


@pytest.mark.django_db
def test_reported_rate_above_two_earns_nothing_even_when_position_is_slow(
    player, clock
):
    player.beat(0, rate=4.0)
    clock.tick(5)
    assert player.beat(5, rate=4.0)["watched_seconds"] == 0


@pytest.mark.django_db
def test_replayed_heartbeats_add_nothing(player, clock, signed_in, video_lesson):
    positions = [0, 5, 10, 15, 20]
    player.beat(0)
    for position in positions[1:]:
        clock.tick(5)
        player.beat(position)
    assert player.beat(20, state="paused")["watched_seconds"] == 20
    # The same heartbeats again, in a burst and spread out.
    for position in positions:
        player.beat(position)
    for position in positions:
        clock.tick(5)
        player.beat(position)
    assert player.beat(20)["watched_seconds"] == 20


@pytest.mark.django_db
def test_out_of_order_heartbeats_cannot_outrun_the_clock(player, clock):
    player.beat(0)
    for position in [30, 10, 60, 20, 90, 40, 100]:
        clock.tick(1)
        player.beat(position)
    # 7 seconds of server time: at most 14 seconds of credit.
    assert player.beat(100, state="ended")["watched_seconds"] <= 14


@pytest.mark.django_db
def test_five_parallel_sessions_cannot_split_the_video(
    signed_in, clock, video_lesson, long_video, learner
):
    players = [Player(signed_in, video_lesson, long_video) for _ in range(5)]
    starts = [0, 20, 40, 60, 80]
    positions = list(map(float, starts))
    for p, position in zip(players, positions, strict=True):
        p.beat(position, rate=2.0)
    elapsed = 0.0
    completed_at = None
    while elapsed < 200 and completed_at is None:
        clock.tick(1)
        elapsed += 1
        for index, p in enumerate(players):
            positions[index] = min(starts[index] + 20, positions[index] + 2)
            answer = p.beat(positions[index], rate=2.0)
            assert answer["watched_seconds"] <= 2 * elapsed + 1e-6
            if answer["completed"] and completed_at is None:
                completed_at = elapsed
        if all(positions[i] >= starts[i] + 20 for i in range(5)):
            # Every session "watched" its fifth; start them over to try again.
            positions = list(map(float, starts))
            for p, position in zip(players, positions, strict=True):
                p.beat(position, state="seeked", rate=2.0)
                p.beat(position, rate=2.0)
    assert completed_at is None or completed_at >= FASTEST_COMPLETION
    assert watched(learner, long_video) <= 2 * elapsed


@pytest.mark.django_db
def test_rapid_heartbeats_cannot_farm_the_tolerance(player, clock, learner, long_video):
    position = 0.0
    player.beat(position)
    elapsed = 0.0
    for _ in range(200):
        clock.tick(0.1)
        elapsed += 0.1
        position = min(DURATION, position + 0.2 + 0.9)  # 2× plus almost all slack
        answer = player.beat(position)
        assert answer["watched_seconds"] <= 2 * elapsed + 1e-6
    assert answer["completed"] is False


@pytest.mark.django_db
def test_random_cheating_never_beats_two_times_real_time(
    signed_in, clock, video_lesson, long_video
):
    rng = random.Random(2026)
    players = [Player(signed_in, video_lesson, long_video) for _ in range(3)]
    positions = [0.0] * 3
    for p in players:
        p.beat(0)
    elapsed = 0.0
    for _ in range(300):
        step = rng.choice([0.0, 0.05, 0.5, 1, 3])
        clock.tick(step)
        elapsed += step
        index = rng.randrange(3)
        positions[index] = min(
            DURATION, max(0.0, positions[index] + rng.uniform(-5, 12))
        )
        state = rng.choice(["playing", "playing", "playing", "paused", "seeked"])
        answer = players[index].beat(round(positions[index], 2), state=state)
        assert answer["watched_seconds"] <= 2 * elapsed + 1e-6
        if answer["completed"]:
            assert elapsed >= FASTEST_COMPLETION


# -- union of intervals, resume -----------------------------------------------------


@pytest.mark.django_db
def test_rewatching_adds_nothing(signed_in, clock, video_lesson, long_video):
    first = Player(signed_in, video_lesson, long_video)
    position = 0.0
    first.beat(position)
    while position < 50:
        clock.tick(5)
        position += 5
        first.beat(position)
    again = Player(signed_in, video_lesson, long_video)
    position = 0.0
    again.beat(position)
    while position < 60:
        clock.tick(5)
        position += 5
        answer = again.beat(position)
    assert answer["watched_seconds"] == 60
    row = VideoProgress.objects.get(video=long_video)
    assert row.intervals == [[0, 60]]


@pytest.mark.django_db
def test_resume_position_survives_a_new_session_and_device(
    player, clock, client, learner, video_lesson, long_video, django_user_model
):
    player.beat(0)
    for position in range(5, 35, 5):
        clock.tick(5)
        player.beat(position)
    player.beat(30, state="paused")

    from django.test import Client

    phone = Client()
    phone.force_login(learner)
    progress = phone.get(f"/api/v1/progress/lessons/{video_lesson.pk}").json()
    assert progress["videos"][0]["resume_at"] == 30
    assert progress["videos"][0]["watched_seconds"] == 30

    on_phone = Player(phone, video_lesson, long_video)
    answer = on_phone.beat(30)
    assert answer["resume_at"] == 30
    clock.tick(5)
    assert on_phone.beat(35)["watched_seconds"] == 35
    assert PlaybackSession.objects.filter(user=learner).count() == 2


# -- real time ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("rate", [1.0, 2.0])
def test_a_short_clip_completes_in_real_time_and_not_sooner(
    signed_in, course_index, rate
):
    """No controlled clock: a 4-second clip, a heartbeat every second."""
    import time

    from courses.factories import CoursePageFactory, VideoFactory, make_lesson

    clip = VideoFactory(duration=4.0)
    lesson = make_lesson(CoursePageFactory(parent=course_index), videos=[clip])
    player = Player(signed_in, lesson, clip)

    # Claiming the whole clip at once, or at 16×, earns nothing.
    cheat = Player(signed_in, lesson, clip)
    cheat.beat(0)
    time.sleep(0.2)
    assert cheat.beat(4.0, state="ended")["watched_seconds"] == 0

    started = time.monotonic()
    position = 0.0
    player.beat(position, rate=rate)
    while position < clip.duration:
        time.sleep(1.0)
        position = min(clip.duration, position + rate)
        answer = player.beat(position, rate=rate)
        assert answer["watched_seconds"] <= 2 * (time.monotonic() - started) + 1e-6
    assert answer["completed"] is True
    assert time.monotonic() - started >= 0.95 * clip.duration / 2


@pytest.mark.slow
@pytest.mark.django_db
def test_parallel_sessions_in_real_time_do_not_beat_two_times(signed_in, course_index):
    """No controlled clock: four sessions on a 4-second clip, each claiming one
    second of its own quarter every 0.25 s (16× in all), complete no sooner than
    an honest 2× viewer could."""
    import time

    from courses.factories import CoursePageFactory, VideoFactory, make_lesson

    clip = VideoFactory(duration=4.0)
    lesson = make_lesson(CoursePageFactory(parent=course_index), videos=[clip])
    players = [Player(signed_in, lesson, clip) for _ in range(4)]
    started = time.monotonic()
    for index, p in enumerate(players):
        p.beat(float(index))
    completed_after = None
    for _ in range(40):
        time.sleep(0.25)
        for index, p in enumerate(players):
            answer = p.beat(float(index + 1))
            elapsed = time.monotonic() - started
            assert answer["watched_seconds"] <= 2 * elapsed + 1e-6
            if answer["completed"] and completed_after is None:
                completed_after = elapsed
        for index, p in enumerate(players):  # each starts its quarter again
            p.beat(float(index), state="seeked")
            p.beat(float(index))
        if completed_after is not None:
            break
    assert completed_after is not None
    assert completed_after >= 0.95 * clip.duration / 2
