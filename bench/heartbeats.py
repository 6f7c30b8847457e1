"""Throughput and latency of the heartbeat endpoint against a trivial JSON view, and
a check that no heartbeat was lost or counted twice.

Runs the project with production settings under gunicorn on 127.0.0.1:8141, with
PostgreSQL (database ``lms_bench_progress``, created and migrated on first use) and
Redis (db 4), creates N learners with signed-in sessions and one 1-hour video
lesson, and measures in interleaved rounds with the same connections:

- ``GET /api/v1/progress/ping`` — the trivial view (same middleware, no database);
- ``POST /api/v1/progress/heartbeat`` — N simulated viewers watching at 1× in real
  time, each sending its next heartbeat as soon as a connection is free (session
  auth, CSRF, throttle, row lock, interval merge: the whole production path);
- ``POST /api/v1/bench/session-floor`` — the floor (``bench/urls.py``): the same
  body validated by the same schema behind the same session authentication and
  CSRF check, answering a constant. No heartbeat endpoint under the contract's
  session authentication can be faster than this.

Afterwards every viewer's server-side state is compared with what it sent: the
heartbeats the server counted equal the 200 answers it gave, and the credited
seconds equal the viewer's last acknowledged position (honest 1× viewing is
credited in full, once). Target: heartbeat throughput ≥ 0.6× the trivial view.

    .venv/bin/python bench/heartbeats.py                 # about a minute
    .venv/bin/python bench/heartbeats.py --viewers 2000 --rounds 3 --round-seconds 8

Not part of ``make test``. Uses only 127.0.0.1.
"""

import argparse
import asyncio
import json
import os
import secrets
import statistics
import string
import sys
import time
import uuid
from dataclasses import dataclass, field

import common

HOST, PORT = common.HOST, 8141
DATABASE = "lms_bench_progress"
REDIS_DB = 4
KINDS = ("ping", "floor", "heartbeat")
CACHE_PREFIX = "bench-progress"
VIDEO_SECONDS = 3600.0


def production_env() -> dict:
    return common.production_env(
        database=DATABASE,
        redis_db=REDIS_DB,
        cache_prefix=CACHE_PREFIX,
        port=PORT,
        iin_key="bench-progress-iin-key-" + "x" * 24,
    )


# Test data -----------------------------------------------------------------------


def setup_database() -> None:
    common.prepare_database(DATABASE, fresh=False)


def make_lesson() -> tuple[int, int]:
    """A live course with one lesson showing a one-hour video (kept between runs)."""
    from wagtail.models import Page

    from courses.models import CoursePage, LessonPage, Video, VideoStatus

    video, _ = Video.objects.get_or_create(
        title="Benchmark video",
        defaults={"duration": VIDEO_SECONDS, "status": VideoStatus.READY},
    )
    course = CoursePage.objects.filter(slug="bench-progress-course").first()
    if course is None:
        course = CoursePage(
            title="Benchmark course", slug="bench-progress-course", kind="parents"
        )
        Page.get_first_root_node().add_child(instance=course)
    lesson = LessonPage.objects.child_of(course).first()
    if lesson is None:
        lesson = LessonPage(title="Benchmark lesson", slug="bench-progress-lesson")
        lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
        course.add_child(instance=lesson)
    return lesson.pk, video.pk


@dataclass
class Viewer:
    cookie: str
    csrf: str
    session: str
    user_id: int
    started: float = 0.0
    sent: int = 0
    ok: int = 0
    failed: int = 0
    last_ok_position: float = 0.0
    statuses: dict = field(default_factory=dict)


def make_viewers(count: int) -> list[Viewer]:
    """``count`` learners, each signed in (a session row) with a CSRF token.

    Earlier runs' learners and their progress are removed first.
    """
    from datetime import timedelta

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    User = get_user_model()
    User.objects.filter(email__startswith="bench-viewer-").delete()
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-viewer-{i}@example.kz",
                password="!",  # noqa: S106 - unusable: sessions are made below
                first_name="Айгерім",
                last_name="Бекова",
            )
            for i in range(count)
        ]
    )
    store = SessionStore()
    alphabet = string.ascii_lowercase + string.digits
    sessions, viewers = [], []
    expires = timezone.now() + timedelta(days=1)
    for user in users:
        key = "".join(secrets.choice(alphabet) for _ in range(32))
        data = store.encode(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "lms.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        sessions.append(
            Session(session_key=key, session_data=data, expire_date=expires)
        )
        csrf = "".join(
            secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
        )
        viewers.append(
            Viewer(
                cookie=f"sessionid={key}; csrftoken={csrf}",
                csrf=csrf,
                session=str(uuid.uuid4()),
                user_id=user.pk,
            )
        )
    Session.objects.bulk_create(sessions)
    return viewers


def forget_cache() -> None:
    import redis

    client = redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}")
    keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*"))
    if keys:
        client.delete(*keys)


# Load generator ------------------------------------------------------------------


def ping_request(viewer: Viewer) -> bytes:
    return (
        f"GET /api/v1/progress/ping HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
        f"Cookie: {viewer.cookie}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()


HEARTBEAT_PATH = "/api/v1/progress/heartbeat"
FLOOR_PATH = "/api/v1/bench/session-floor"


def heartbeat_request(
    viewer: Viewer, lesson: int, video: int, position: float, path=HEARTBEAT_PATH
) -> bytes:
    body = json.dumps(
        {
            "lesson": lesson,
            "video": video,
            "session": viewer.session,
            "position": position,
            "rate": 1,
            "state": "playing",
        }
    ).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
        f"Cookie: {viewer.cookie}\r\nX-CSRFToken: {viewer.csrf}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    return head + body


async def run_round(kind, viewers, seconds, conns, lesson, video, first=False):
    """Every connection of ``conns`` busy for ``seconds``; heartbeats go to
    whichever viewer has waited longest, one request in flight per viewer."""
    idle: asyncio.Queue = asyncio.Queue()
    for viewer in viewers:
        idle.put_nowait(viewer)
    latencies: list[float] = []
    failures: list[int] = []
    deadline = time.perf_counter() + seconds

    async def connection(index):
        conn = conns[index]
        while time.perf_counter() < deadline:
            try:
                viewer = idle.get_nowait()
            except asyncio.QueueEmpty:
                break
            if kind == "ping":
                request = ping_request(viewer)
            elif kind == "floor":
                request = heartbeat_request(viewer, lesson, video, 0.0, FLOOR_PATH)
            else:
                if not viewer.started:
                    viewer.started = time.monotonic()
                position = round(time.monotonic() - viewer.started, 3)
                request = heartbeat_request(viewer, lesson, video, position)
                viewer.sent += 1
            started = time.perf_counter()
            status = None
            for _attempt in range(2):
                try:
                    status, _body, conn = await common.exchange(conn, request, PORT)
                except (ConnectionError, asyncio.IncompleteReadError):
                    conn = None
                    status = None
                if status is not None:
                    break
            latencies.append(time.perf_counter() - started)
            if kind == "heartbeat":
                viewer.statuses[status] = viewer.statuses.get(status, 0) + 1
                if status == 200:
                    viewer.ok += 1
                    viewer.last_ok_position = position
                else:
                    viewer.failed += 1
            if status != 200:
                failures.append(status)
            idle.put_nowait(viewer)
        conns[index] = conn  # reopened after a failure: kept for the next round

    if first:
        # Each viewer's first heartbeat (creates its progress row and session).
        async def opener(index, chunk):
            for viewer in chunk:
                viewer.started = time.monotonic()
                viewer.sent += 1
                status, _body, conns[index] = await common.exchange(
                    conns[index], heartbeat_request(viewer, lesson, video, 0.0), PORT
                )
                viewer.statuses[status] = viewer.statuses.get(status, 0) + 1
                if status == 200:
                    viewer.ok += 1
                else:
                    viewer.failed += 1

        chunks = [viewers[i :: len(conns)] for i in range(len(conns))]
        await asyncio.gather(*(opener(i, chunk) for i, chunk in enumerate(chunks)))
        return [], []
    await asyncio.gather(*(connection(i) for i in range(len(conns))))
    return latencies, failures


async def run_all(viewers, lesson, video, args) -> dict:
    """Each viewer's first heartbeat, a warm-up, then interleaved rounds of every
    kind, all over the same connections, spread evenly over gunicorn's workers."""
    conns = await common.balanced_connections(
        PORT, args.concurrency, args.workers, ping_request(viewers[0])
    )
    await run_round("heartbeat", viewers, 0, conns, lesson, video, first=True)
    await run_round("ping", viewers, 1.0, conns, lesson, video)
    results = {kind: [] for kind in KINDS}
    for _ in range(args.rounds):
        for kind in KINDS:
            results[kind].append(
                await run_round(kind, viewers, args.round_seconds, conns, lesson, video)
            )
    for conn in conns:
        if conn is not None:
            conn[1].close()
    return results


def summarize(latencies: list[float], seconds: float) -> dict:
    ordered = sorted(latencies)
    if not ordered:
        return {"requests": 0, "rps": 0.0, "p50_ms": 0.0, "p99_ms": 0.0}
    return {
        "requests": len(ordered),
        "rps": len(ordered) / seconds,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


# Server ---------------------------------------------------------------------------


# Verification ---------------------------------------------------------------------


def verify(viewers: list[Viewer], video: int) -> dict:
    """Compare each viewer's server-side state with what it sent and was told."""
    from progress.models import PlaybackSession, VideoProgress

    sessions = {
        (row.user_id, str(row.uuid)): row
        for row in PlaybackSession.objects.filter(
            user_id__in=[v.user_id for v in viewers]
        )
    }
    progress = {
        row.user_id: row
        for row in VideoProgress.objects.filter(
            user_id__in=[v.user_id for v in viewers], video_id=video
        )
    }
    lost = double = credit_mismatch = unclear = 0
    total_ok = sum(v.ok for v in viewers)
    counted = 0
    for viewer in viewers:
        session = sessions.get((viewer.user_id, viewer.session))
        server_count = session.heartbeats if session else 0
        counted += server_count
        if viewer.failed:
            unclear += 1  # the server may or may not have applied a failed request
            continue
        lost += max(0, viewer.ok - server_count)
        double += max(0, server_count - viewer.ok)
        row = progress.get(viewer.user_id)
        credited = row.watched_seconds if row else 0.0
        if abs(credited - viewer.last_ok_position) > 0.002:
            credit_mismatch += 1
    return {
        "acknowledged": total_ok,
        "counted_by_server": counted,
        "lost": lost,
        "double_counted": double,
        "credit_mismatches": credit_mismatch,
        "viewers_with_failed_requests": unclear,
        "credited_seconds": round(sum(r.watched_seconds for r in progress.values()), 3),
        "expected_seconds": round(sum(v.last_ok_position for v in viewers), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round-seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    env = production_env()
    os.environ.update(env)
    import django

    django.setup()
    setup_database()
    lesson, video = make_lesson()
    viewers = make_viewers(args.viewers)
    forget_cache()
    server = common.start_server(env, PORT, args.workers, args.threads)
    try:
        results = asyncio.run(run_all(viewers, lesson, video, args))
    finally:
        common.stop_server(server)

    seconds = args.round_seconds * args.rounds
    summary = {}
    for kind, rounds in results.items():
        latencies = [x for lat, _f in rounds for x in lat]
        summary[kind] = summarize(latencies, seconds)
        summary[kind]["failures"] = sum(len(f) for _l, f in rounds)
    ratio = summary["heartbeat"]["rps"] / summary["ping"]["rps"]
    floor_ratio = summary["floor"]["rps"] / summary["ping"]["rps"]
    checks = verify(viewers, video)

    print(
        f"\n{args.viewers} viewers, {args.concurrency} connections, gunicorn "
        f"{args.workers}×{args.threads} gthread, "
        f"{args.rounds} × {args.round_seconds:g} s per endpoint, interleaved\n"
    )
    print("| endpoint | requests | req/s | p50 ms | p99 ms | failures | × ping |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, path in (
        ("ping", "GET " + common.PING_PATH),
        ("floor", "POST " + FLOOR_PATH),
        ("heartbeat", "POST " + HEARTBEAT_PATH),
    ):
        row = summary[kind]
        print(
            f"| `{path}` | {row['requests']} | {row['rps']:.0f} | {row['p50_ms']:.1f} "
            f"| {row['p99_ms']:.1f} | {row['failures']} "
            f"| {row['rps'] / summary['ping']['rps']:.2f} |"
        )
    print(f"\nheartbeat / trivial view throughput: {ratio:.2f} (target ≥ 0.6)")
    print(
        f"session-authenticated floor / trivial view: {floor_ratio:.2f}; "
        f"heartbeat / floor: {ratio / floor_ratio:.2f}"
    )
    print("verification:", json.dumps(checks, ensure_ascii=False))
    ok = (
        ratio >= 0.6
        and checks["lost"] == 0
        and checks["double_counted"] == 0
        and checks["credit_mismatches"] == 0
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
