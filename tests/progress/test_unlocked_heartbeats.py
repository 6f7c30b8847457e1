"""The unlocked heartbeat path: a write whose revision went stale applies nothing,
and the step is decided again from fresh state."""

from django.db import connection

import pytest

from progress import services
from progress.models import PlaybackSession, VideoProgress

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the unlocked path is PostgreSQL's"
)


def _interfere(monkeypatch, times):
    """Another heartbeat lands between the read and the write, ``times`` times:
    it credits [40, 41] and spends one second of budget."""
    real_credit_step = services._credit_step
    calls = {"n": 0}

    def credit_step(progress, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            row = VideoProgress.objects.get(pk=progress.pk)
            row.intervals = services.merge_intervals(row.intervals + [[40.0, 41.0]])
            row.watched_seconds = services.covered_seconds(row.intervals)
            row.revision += 1
            row.save()
        return real_credit_step(progress, *args, **kwargs)

    monkeypatch.setattr(services, "_credit_step", credit_step)
    return calls


@pytest.mark.django_db
@pytest.mark.parametrize("interference", [1, services.UNLOCKED_ATTEMPTS])
def test_a_stale_write_is_decided_again(
    player, clock, learner, long_video, monkeypatch, interference
):
    player.beat(0)
    clock.tick(5)
    player.beat(5)
    calls = _interfere(monkeypatch, interference)
    clock.tick(5)
    answer = player.beat(10)

    # Decided once per unlocked attempt that lost, then once more to win (after
    # as many losses as there are attempts, by the locking path).
    assert calls["n"] == interference + 1
    row = VideoProgress.objects.get(user=learner, video=long_video)
    assert row.intervals == [[0, 10], [40, 41]]
    assert answer["watched_seconds"] == row.watched_seconds == 11
    session = PlaybackSession.objects.get(uuid=player.session)
    assert session.heartbeats == 3  # the interrupted heartbeat counted once
    assert session.last_position == 10
    assert session.credited_seconds == 10


@pytest.mark.django_db
def test_the_completing_heartbeat_takes_the_locking_path(
    player, clock, learner, long_video, monkeypatch
):
    locked = []
    real_locked = services._heartbeat_locked

    def spy(*args, **kwargs):
        locked.append(args[1].position)
        return real_locked(*args, **kwargs)

    monkeypatch.setattr(services, "_heartbeat_locked", spy)
    position = 0
    player.beat(position)
    while position < 100:
        clock.tick(5)
        position += 5
        player.beat(position)
    # The first heartbeat creates the rows; the one reaching 95 % completes.
    assert locked == [0, 95]
    row = VideoProgress.objects.get(user=learner, video=long_video)
    assert row.completed_at is not None
    assert row.revision == 21  # one per heartbeat, whichever path stored it
