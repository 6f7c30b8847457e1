"""The rules of progress: what the server credits as watched, when a video, a
lesson and a course are complete, quizzes, resume positions, certificate requests
and couples. Views, API endpoints, tasks and other apps call these functions.

Crediting (CONTRACTS.md §5):

1. credit is the union of watched intervals of a video;
2. an interval is credited only between two heartbeats of one playback session,
   the first of them ``playing``, when the position moved forward by no more than
   the server-measured time between them × ``MAX_RATE`` + ``STEP_TOLERANCE``
   (the time between them including what the session's earlier steps left
   unused, at most ``STEP_CARRY``: arrival times jitter);
3. per learner and video, credit grows by at most ``MAX_RATE`` seconds of video
   per second of server time across all sessions: a credit budget ("credit
   clock" on the learner's ``VideoProgress`` row, which heartbeats change one at
   a time — see ``record_heartbeat``) accrues with server time, banks at
   most ``BUDGET_WINDOW`` of it, and every newly covered second spends from it;
4. video complete at coverage ≥ ``COMPLETE_AT``, lesson when all its videos are
   and its quiz is passed, course when all its lessons are — then one
   certificate request;
5. honest viewing at 1×–2× with a heartbeat every 2–10 s always completes.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import SimpleNamespace
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from courses.models import CourseKind, CoursePage, LessonPage, Video
from lms import iin as iin_tools
from lms import ratelimit
from lms.db import bound_cursor
from progress.models import (
    CourseCompletion,
    Enrollment,
    InvitationBlock,
    LessonCompletion,
    Partnership,
    PartnershipStatus,
    PlaybackSession,
    PlaybackState,
    QuizAttempt,
    VideoProgress,
)

logger = logging.getLogger(__name__)

MAX_RATE = 2.0  # highest playback rate that earns credit
STEP_TOLERANCE = 1.0  # seconds of video a step may be ahead of MAX_RATE × time
# Arrival times jitter: a heartbeat that came late makes the next step look short
# by as much. What a playback's steps left unused of the server time between its
# heartbeats (at MAX_RATE) is carried to its next step, up to this many seconds,
# so delays varying by up to STEP_CARRY + STEP_TOLERANCE / MAX_RATE seconds (a
# mobile connection stalling for 3.5 s) cost an honest 2× viewer nothing, while a
# faster claimed rate never builds any up. Rule 3 bounds the credit whatever this is.
STEP_CARRY = 3.0
# A new playback starts with this much carried: its first heartbeat may have been
# the slow one (a new connection). Kept small, so that a jump to the end of a
# short clip right after the first heartbeat still credits nothing.
FIRST_STEP_CARRY = 0.5
# Server time the credit budget can bank. A step is credited when its heartbeat
# arrives, so the budget must cover the longest honest step (a heartbeat every
# 10 s, arriving a few seconds late); banking more would let idle time be spent
# later as a burst of parallel sessions (after any idle time, credit grows by at
# most 2 × BUDGET_WINDOW beyond MAX_RATE × the server time since).
BUDGET_WINDOW = timedelta(seconds=15)
COMPLETE_AT = 0.95  # coverage at which a video is complete
POSITION_SLACK = 2.0  # a player may report a little past the stored duration
MAX_CLIENT_RATE = 16.0  # the highest rate a browser can report
STRUCTURE_TTL = 300  # seconds a lesson's structure stays cached
LANGUAGES = ("kk", "ru", "en")


def now() -> datetime:
    """Server time; tests replace it to control the clock."""
    return timezone.now()


class ProgressError(Exception):
    """A request the rules refuse; ``status`` is the HTTP status to answer with."""

    status = 422

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class NotFound(ProgressError):
    status = 404


class Invalid(ProgressError):
    status = 422


class Throttled(ProgressError):
    status = 429

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


# ---------------------------------------------------------------------------
# Throttling


def throttle(user_id: int, scope: str, limit: int, period: int = 60) -> None:
    """Count one request of ``scope`` for the user; raise Throttled over ``limit``
    requests in the current ``period``-second window (shared through the cache)."""
    hit = ratelimit.hit(f"progress:{scope}", user_id, period, at=now().timestamp())
    if hit.over(limit):
        raise Throttled(_("Too many requests; slow down."), hit.retry_after)


def heartbeat_limit() -> int:
    return int(getattr(settings, "PROGRESS_HEARTBEATS_PER_MINUTE", 120))


def quiz_limit() -> int:
    return int(getattr(settings, "PROGRESS_QUIZ_ATTEMPTS_PER_MINUTE", 20))


# ---------------------------------------------------------------------------
# Lesson structure (cached: read on every heartbeat)


@dataclass(frozen=True)
class LessonStructure:
    """What progress needs to know about a lesson, cheap to cache.

    Videos come from the Kazakh body; the courses app makes every language's body
    show the same videos in the same order, so a lesson counts the same whichever
    language it was watched in.
    """

    lesson_id: int
    course_id: int | None
    live: bool
    video_ids: tuple[int, ...] = ()
    durations: dict[int, float | None] = field(default_factory=dict)
    has_quiz: bool = False
    restricted: bool = False  # private: a view restriction on it or its course


def _structure_key(lesson_id: int) -> str:
    return f"progress:lesson-structure:{lesson_id}"


def build_lesson_structure(lesson_id: int) -> LessonStructure | None:
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None:
        return None
    parent = lesson.get_parent()
    course = CoursePage.objects.filter(pk=parent.pk).only("pk", "live").first()
    live = bool(lesson.live and course is not None and course.live)
    video_ids = tuple(lesson.video_ids())
    durations = dict(
        Video.objects.filter(pk__in=video_ids).values_list("pk", "duration")
    )
    return LessonStructure(
        lesson_id=lesson.pk,
        course_id=course.pk if course else None,
        live=live,
        video_ids=tuple(pk for pk in video_ids if pk in durations),
        durations=durations,
        has_quiz=lesson.quiz(settings.MODELTRANSLATION_DEFAULT_LANGUAGE) is not None,
        restricted=bool(lesson.get_view_restrictions()),
    )


_MISSING = "missing"


# Each process also keeps structures for a few seconds, so a heartbeat does not
# even ask the shared cache; other processes notice a publish within that time.
LOCAL_STRUCTURE_TTL = 5.0
_local_structures: dict[int, tuple[float, LessonStructure | None]] = {}


def lesson_structure(lesson_id: int) -> LessonStructure | None:
    """The lesson's structure from the caches, built on a miss; None if no lesson."""
    local = _local_structures.get(lesson_id)
    if local is not None and local[0] > time.monotonic():
        return local[1]
    key = _structure_key(lesson_id)
    cached = cache.get(key)
    if cached == _MISSING:
        structure = None
    elif isinstance(cached, LessonStructure):
        structure = cached
    else:
        structure = build_lesson_structure(lesson_id)
        cache.set(key, structure or _MISSING, STRUCTURE_TTL)
    if len(_local_structures) > 10_000:
        _local_structures.clear()
    _local_structures[lesson_id] = (time.monotonic() + LOCAL_STRUCTURE_TTL, structure)
    return structure


def forget_lesson_structures(lesson_ids) -> None:
    """Drop cached structures (after publishing, unpublishing or a video change)."""
    lesson_ids = list(lesson_ids)
    for pk in lesson_ids:
        _local_structures.pop(pk, None)
    cache.delete_many([_structure_key(pk) for pk in lesson_ids])


def live_lesson_structure(lesson_id: int) -> LessonStructure:
    structure = lesson_structure(lesson_id)
    if structure is None or not structure.live:
        raise NotFound(_("No such lesson."))
    return structure


def check_page_access(request, page: Page, missing) -> None:
    """NotFound (``missing``) unless the request may view the page, as the page
    itself would decide: a private course (password, groups or sign-in, set in the
    admin) keeps its lessons, quizzes and progress to those who may open it."""
    for restriction in page.get_view_restrictions():
        if not restriction.accept_request(request):
            raise NotFound(missing)


def check_lesson_access(request, lesson_id: int) -> None:
    """``check_page_access`` for a lesson, free for the many that are public."""
    structure = lesson_structure(lesson_id)
    if structure is None:
        raise NotFound(_("No such lesson."))
    if structure.restricted:
        lesson = LessonPage.objects.get(pk=lesson_id)
        check_page_access(request, lesson, _("No such lesson."))


# ---------------------------------------------------------------------------
# Watched intervals


def merge_intervals(intervals: list[list[float]]) -> list[list[float]]:
    """Sorted, non-overlapping intervals covering the same seconds."""
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def add_interval(
    intervals: list[list[float]], start: float, end: float, budget: float
) -> tuple[list[list[float]], float]:
    """Add what ``[start, end]`` covers that ``intervals`` do not, earliest first,
    at most ``budget`` seconds of it. Returns the merged intervals and the seconds
    added."""
    merged = merge_intervals([list(pair) for pair in intervals])
    gaps: list[list[float]] = []
    cursor = start
    for s, e in merged:
        if e <= cursor:
            continue
        if s >= end:
            break
        if s > cursor:
            gaps.append([cursor, min(s, end)])
        cursor = max(cursor, e)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append([cursor, end])
    taken: list[list[float]] = []
    remaining = budget
    for s, e in gaps:
        if remaining <= 1e-9:
            break
        piece_end = min(e, s + remaining)
        taken.append([s, piece_end])
        remaining -= piece_end - s
    if not taken:
        return merged, 0.0
    added = sum(e - s for s, e in taken)
    return merge_intervals(merged + taken), added


def covered_seconds(intervals: list[list[float]]) -> float:
    return sum(e - s for s, e in intervals)


def _coverage(watched: float, duration: float | None) -> float:
    """Share of the video watched, rounded down to 4 places: a video that shows
    0.95 is complete (rounding half up showed 94.996 s of 100 s as 0.95)."""
    if not duration:
        return 0.0
    return math.floor(min(1.0, watched / duration) * 10_000 + 1e-9) / 10_000


# ---------------------------------------------------------------------------
# Heartbeats


@dataclass(frozen=True)
class HeartbeatResult:
    watched_seconds: float
    coverage: float
    completed: bool
    resume_at: float


def _locked_progress(user, video_id: int):
    """The learner's VideoProgress row for the video, locked FOR UPDATE. On
    PostgreSQL the same query also lets this transaction commit without waiting
    for the disk (see ``_commit_durably``)."""
    rows = VideoProgress.objects.select_for_update().filter(
        user=user, video_id=video_id
    )
    if connection.vendor == "postgresql":
        # A heartbeat is worth seconds of credit and the next one follows within
        # seconds; after a database crash the last moment of heartbeats may be
        # missing (never half-applied). COMMIT then costs no fsync.
        rows = rows.extra(
            select={"async_commit": "set_config('synchronous_commit', 'off', true)"}
        )
    return rows.first()


_PLAYBACK_FIELDS = (
    "id",
    "video_id",
    "lesson_id",
    "last_position",
    "last_rate",
    "last_state",
    "last_server_time",
    "heartbeats",
    "credited_seconds",
    "slack",
)


def _playback(user, session: uuid.UUID) -> SimpleNamespace | None:
    """The playback session's previous heartbeat, or None for a new session.

    Read under the lock on the learner's row for the video and in a statement of
    its own, so it sees what a heartbeat that held the lock before has written.
    """
    data = (
        PlaybackSession.objects.filter(user=user, uuid=session)
        .values(*_PLAYBACK_FIELDS)
        .first()
    )
    return SimpleNamespace(**data) if data else None


def _create_video_progress(user, video_id, course_id, language, at):
    VideoProgress.objects.bulk_create(
        [VideoProgress(user=user, video_id=video_id, credit_clock=at)],
        ignore_conflicts=True,
    )
    Enrollment.objects.bulk_create(
        [Enrollment(user=user, course_id=course_id, language=language)],
        ignore_conflicts=True,
    )
    return _locked_progress(user, video_id)


def record_heartbeat(
    user,
    *,
    lesson_id: int,
    video_id: int,
    session: uuid.UUID,
    position: float,
    rate: float,
    state: str,
    language: str = "kk",
    at: datetime | None = None,
) -> HeartbeatResult:
    """Apply one heartbeat of the player and return the video's progress.

    ``at`` is when the heartbeat arrived (the API reads it before anything else),
    so that the time the server measures between heartbeats does not change with
    how long the throttle, the cache or a lock took to answer this one.

    Raises NotFound or Invalid without changing anything for bad input.
    """
    at = at or now()
    for name, value in (("position", position), ("rate", rate)):
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise Invalid(_("%(name)s must be a finite number ≥ 0.") % {"name": name})
    if rate > MAX_CLIENT_RATE:
        raise Invalid(_("rate must be at most %(max)g.") % {"max": MAX_CLIENT_RATE})
    if state not in PlaybackState.values:
        raise Invalid(
            _("state must be one of: %(states)s.")
            % {"states": ", ".join(PlaybackState.values)}
        )
    structure = live_lesson_structure(lesson_id)
    if video_id not in structure.video_ids:
        raise Invalid(_("This video is not part of this lesson."))
    duration = structure.durations.get(video_id)
    if not duration or duration <= 0:
        raise Invalid(_("This video is not ready yet."))
    if position > duration + POSITION_SLACK:
        raise Invalid(_("position is beyond the end of the video."))
    position = round(min(position, duration), 3)
    step = _Step(user.pk, lesson_id, video_id, session, position, rate, state)

    if connection.vendor == "postgresql":
        result = _heartbeat_unlocked(step, duration, at)
        if result is not None:
            return result
    return _heartbeat_locked(user, step, structure, duration, language, at)


@dataclass(frozen=True)
class _Step:
    """One validated heartbeat."""

    user_id: int
    lesson_id: int
    video_id: int
    session: uuid.UUID
    position: float
    rate: float
    state: str

    def resume_position(self) -> float:
        return 0.0 if self.state == PlaybackState.ENDED else self.position


def _result(progress: VideoProgress, duration: float) -> HeartbeatResult:
    return HeartbeatResult(
        watched_seconds=round(progress.watched_seconds, 3),
        coverage=_coverage(progress.watched_seconds, duration),
        completed=progress.completed_at is not None,
        resume_at=progress.resume_position,
    )


def _heartbeat_locked(
    user,
    step: _Step,
    structure: LessonStructure,
    duration: float,
    language: str,
    at: datetime,
) -> HeartbeatResult:
    """The general path: locks the learner's row for the video, creates what a
    first heartbeat needs, and completes the video when it is watched."""
    completed_now = False
    with transaction.atomic():
        progress = _locked_progress(user, step.video_id)
        if progress is None:
            progress = _create_video_progress(
                user, step.video_id, structure.course_id, language, at
            )
        playback = _playback(user, step.session)
        if playback is None:
            _start_playback(user, step, at)
            credited = 0.0
        else:
            _check_session(playback, step)
            credited, slack = _credit_step(
                progress, playback, step.position, step.state, at
            )
            PlaybackSession.objects.filter(pk=playback.id).update(
                last_position=step.position,
                last_rate=step.rate,
                last_state=step.state,
                last_server_time=at,
                heartbeats=playback.heartbeats + 1,
                credited_seconds=playback.credited_seconds + credited,
                slack=slack,
            )
        progress.resume_position = step.resume_position()
        progress.revision += 1
        fields = ["resume_position", "revision", "updated_at"]
        if credited > 0:
            fields += ["intervals", "watched_seconds", "credit_clock"]
            if progress.completed_at is None and _watched(progress, duration):
                progress.completed_at = at
                fields.append("completed_at")
                completed_now = True
        progress.save(update_fields=fields)
        if completed_now:
            _commit_durably()
            _after_video_completed(user, structure, step.video_id, language)
    return _result(progress, duration)


def _start_playback(user, step: _Step, at: datetime) -> None:
    """Record the first heartbeat of a playback session."""
    try:
        with transaction.atomic():
            PlaybackSession.objects.create(
                user=user,
                uuid=step.session,
                video_id=step.video_id,
                lesson_id=step.lesson_id,
                last_position=step.position,
                last_rate=step.rate,
                last_state=step.state,
                last_server_time=at,
                # The first heartbeat may have been the slow one (a new
                # connection): the next step may look early by as much.
                slack=FIRST_STEP_CARRY,
            )
    except IntegrityError:
        # The same session was started at the same moment for another video
        # (under another lock); a session plays one video.
        raise Invalid(_("This session belongs to another video.")) from None


def _check_session(playback: SimpleNamespace, step: _Step) -> None:
    if playback.video_id != step.video_id or playback.lesson_id != step.lesson_id:
        raise Invalid(_("This session belongs to another video."))


def _watched(progress: VideoProgress, duration: float) -> bool:
    return progress.watched_seconds >= COMPLETE_AT * duration


# The common case — a further heartbeat of a known playback session that does not
# complete the video — without a lock: read the learner's row for the video and the
# session in one statement, decide, then write both in one statement that applies
# only if the row's revision is still the one read. Each statement commits on its
# own (two round trips instead of six); a concurrent heartbeat that wrote first
# makes the write match nothing, and the step is decided again from fresh state.
UNLOCKED_ATTEMPTS = 3

_READ_SQL = """
SELECT vp.id, vp.revision, vp.intervals, vp.watched_seconds, vp.credit_clock,
       vp.completed_at, vp.resume_position,
       ps.id, ps.video_id, ps.lesson_id, ps.last_position, ps.last_rate,
       ps.last_state, ps.last_server_time, ps.heartbeats, ps.credited_seconds,
       ps.slack
FROM {progress} vp
LEFT JOIN {session} ps ON ps.user_id = vp.user_id AND ps.uuid = %(session)s
WHERE vp.user_id = %(user)s AND vp.video_id = %(video)s
"""

# synchronous_commit is switched off for this statement's own transaction: a
# heartbeat is worth seconds of credit and the next one follows within seconds;
# after a database crash the last moment of heartbeats may be missing, never
# half-applied. COMMIT then waits for no disk.
_WRITE_SQL = """
WITH progress AS (
    UPDATE {progress}
    SET intervals = %(intervals)s::jsonb, watched_seconds = %(watched)s,
        credit_clock = %(clock)s, resume_position = %(resume)s,
        updated_at = %(at)s, revision = revision + 1
    WHERE id = %(progress_id)s AND revision = %(revision)s
    RETURNING id
)
UPDATE {session}
SET last_position = %(position)s, last_rate = %(rate)s, last_state = %(state)s,
    last_server_time = %(at)s, heartbeats = heartbeats + 1,
    credited_seconds = credited_seconds + %(credited)s, slack = %(slack)s
WHERE id = %(session_id)s AND EXISTS (SELECT FROM progress)
  AND set_config('synchronous_commit', %(synchronous_commit)s, true) IS NOT NULL
RETURNING id
"""


@functools.cache
def _sql(template: str) -> str:
    """A statement above with the tables' names (built once per statement)."""
    return template.format(
        progress=VideoProgress._meta.db_table, session=PlaybackSession._meta.db_table
    )


def _heartbeat_unlocked(
    step: _Step, duration: float, at: datetime
) -> HeartbeatResult | None:
    """Apply the step without a lock; None when the locked path must do it (first
    heartbeat of the video or the session, the video completes, or concurrent
    heartbeats kept winning)."""
    # Inside an outer transaction, a local setting would outlive this statement.
    synchronous = "on" if connection.in_atomic_block else "off"
    with bound_cursor() as cursor:
        for _attempt in range(UNLOCKED_ATTEMPTS):
            cursor.execute(
                _sql(_READ_SQL),
                {"session": step.session, "user": step.user_id, "video": step.video_id},
            )
            row = cursor.fetchone()
            if row is None or row[7] is None:
                return None
            progress, playback = _unlocked_state(row)
            _check_session(playback, step)
            credited, slack = _credit_step(
                progress, playback, step.position, step.state, at
            )
            if credited > 0 and progress.completed_at is None:
                if _watched(progress, duration):
                    return None
            progress.resume_position = step.resume_position()
            cursor.execute(
                _sql(_WRITE_SQL),
                {
                    "intervals": json.dumps(progress.intervals),
                    "watched": progress.watched_seconds,
                    "clock": progress.credit_clock,
                    "resume": progress.resume_position,
                    "at": at,
                    "progress_id": progress.pk,
                    "revision": progress.revision,
                    "position": step.position,
                    "rate": step.rate,
                    "state": step.state,
                    "credited": credited,
                    "slack": slack,
                    "session_id": playback.id,
                    "synchronous_commit": synchronous,
                },
            )
            written = cursor.fetchone()
            if written is not None:
                return _result(progress, duration)
    return None


def _unlocked_state(row) -> tuple[VideoProgress, SimpleNamespace]:
    intervals = row[2]
    progress = VideoProgress(
        id=row[0],
        user_id=None,
        revision=row[1],
        intervals=json.loads(intervals) if isinstance(intervals, str) else intervals,
        watched_seconds=row[3],
        credit_clock=row[4],
        completed_at=row[5],
        resume_position=row[6],
    )
    playback = SimpleNamespace(
        id=row[7],
        video_id=row[8],
        lesson_id=row[9],
        last_position=row[10],
        last_rate=row[11],
        last_state=row[12],
        last_server_time=row[13],
        heartbeats=row[14],
        credited_seconds=row[15],
        slack=row[16],
    )
    return progress, playback


def _commit_durably() -> None:
    """A completion is not a heartbeat: this transaction's COMMIT waits for the
    disk after all."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = on")


def _credit_step(
    progress: VideoProgress,
    playback: SimpleNamespace,
    position: float,
    state: str,
    at: datetime,
) -> tuple[float, float]:
    """Credit the step from the session's previous heartbeat to this one (rule 2),
    within the learner's credit budget for the video (rule 3). Mutates
    ``progress``; returns the seconds newly credited and the session's slack to
    carry to its next step."""
    if playback.last_state != PlaybackState.PLAYING or state == PlaybackState.SEEKED:
        return 0.0, 0.0
    if playback.last_rate > MAX_RATE:
        return 0.0, 0.0
    elapsed = (at - playback.last_server_time).total_seconds()
    start = playback.last_position
    advance = position - start
    if elapsed <= 0 or advance < 0:
        return 0.0, 0.0
    available = elapsed + (playback.slack or 0.0)
    if advance > available * MAX_RATE + STEP_TOLERANCE:
        return 0.0, 0.0
    slack = round(min(STEP_CARRY, max(0.0, available - advance / MAX_RATE)), 3)
    if advance == 0:
        return 0.0, slack
    clock = max(progress.credit_clock, at - BUDGET_WINDOW)
    budget = max(0.0, (at - clock).total_seconds() * MAX_RATE)
    intervals, added = add_interval(progress.intervals, start, position, budget)
    if added <= 0:
        return 0.0, slack
    progress.intervals = [[round(s, 3), round(e, 3)] for s, e in intervals]
    progress.watched_seconds = round(covered_seconds(progress.intervals), 3)
    progress.credit_clock = clock + timedelta(seconds=added / MAX_RATE)
    return added, slack


# ---------------------------------------------------------------------------
# Completion


def _after_video_completed(user, structure: LessonStructure, video_id, language):
    """A video just completed: the lessons of the course that show it may be done."""
    lesson_ids = [structure.lesson_id]
    course = CoursePage.objects.filter(pk=structure.course_id).first()
    if course is not None:
        lesson_ids += [
            lesson.pk for lesson in course.lessons() if lesson.pk != structure.lesson_id
        ]
    for lesson_id in lesson_ids:
        other = (
            structure
            if lesson_id == structure.lesson_id
            else lesson_structure(lesson_id)
        )
        if other is not None and other.live and video_id in other.video_ids:
            complete_lesson_if_done(user, other, language)


def completed_video_ids(user, video_ids) -> set[int]:
    return set(
        VideoProgress.objects.filter(
            user=user, video_id__in=list(video_ids), completed_at__isnull=False
        ).values_list("video_id", flat=True)
    )


def quiz_passed(user, lesson_id: int) -> bool:
    return QuizAttempt.objects.filter(
        user=user, lesson_id=lesson_id, passed=True
    ).exists()


def lesson_is_done(user, structure: LessonStructure) -> bool:
    """All the lesson's videos complete and its quiz passed."""
    done = completed_video_ids(user, structure.video_ids)
    if any(video_id not in done for video_id in structure.video_ids):
        return False
    return not structure.has_quiz or quiz_passed(user, structure.lesson_id)


def complete_lesson_if_done(user, structure: LessonStructure, language: str) -> bool:
    """Record the lesson's completion when its rules are met, then check the
    course. Returns whether the lesson is complete."""
    if LessonCompletion.objects.filter(
        user=user, lesson_id=structure.lesson_id
    ).exists():
        return True
    if not lesson_is_done(user, structure):
        return False
    with transaction.atomic():
        LessonCompletion.objects.bulk_create(
            [
                LessonCompletion(
                    user=user,
                    lesson_id=structure.lesson_id,
                    course_id=structure.course_id,
                )
            ],
            ignore_conflicts=True,
        )
        course = CoursePage.objects.filter(pk=structure.course_id).first()
        if course is not None:
            check_course_completion(user, course, language)
    return True


def open_lesson(user, lesson_id: int, language: str) -> bool:
    """The learner opened the lesson (its page, or the player's ``open`` call).

    A lesson with nothing to watch and no quiz — text to read — is complete once
    opened. Any other lesson whose rules are met by now is recorded complete too:
    its videos may have been watched in another course, or an editor may have
    taken out the one video still missing. Returns whether the lesson is complete.
    """
    structure = live_lesson_structure(lesson_id)
    if not LessonCompletion.objects.filter(user=user, lesson_id=lesson_id).exists():
        if not (structure.video_ids or structure.has_quiz):
            # Reading it is doing it: the learner has started the course. (Opening
            # a lesson with a video or quiz starts nothing: someone only looking,
            # an editor say, is not counted as a learner.)
            Enrollment.objects.bulk_create(
                [
                    Enrollment(
                        user=user, course_id=structure.course_id, language=language
                    )
                ],
                ignore_conflicts=True,
            )
        return complete_lesson_if_done(user, structure, language)
    # Done before; the course may be complete by now without it having been
    # recorded (an editor took out the lesson the learner had left).
    completed = CourseCompletion.objects.filter(
        user=user, course_id=structure.course_id
    ).exists()
    course = CoursePage.objects.filter(pk=structure.course_id).first()
    if not completed and course is not None:
        check_course_completion(user, course, language)
    return True


def check_course_completion(
    user, course: CoursePage, language: str
) -> CourseCompletion | None:
    """Record the course's completion once all its live lessons are complete.

    Serialized per learner and course by locking the enrolment, so two lessons
    finishing at the same moment cannot both miss the last one; the unique
    constraint keeps the completion single, and the certificate is requested on
    commit by whichever caller wins the conditional update.
    """
    with transaction.atomic():
        Enrollment.objects.bulk_create(
            [Enrollment(user=user, course=course, language=language)],
            ignore_conflicts=True,
        )
        enrollment = Enrollment.objects.select_for_update().get(
            user=user, course=course
        )
        completion = CourseCompletion.objects.filter(user=user, course=course).first()
        if completion is None:
            lesson_ids = [lesson.pk for lesson in course.lessons()]
            if not lesson_ids:
                return None
            done = set(
                LessonCompletion.objects.filter(
                    user=user, lesson_id__in=lesson_ids
                ).values_list("lesson_id", flat=True)
            )
            if done != set(lesson_ids):
                return None
            try:
                with transaction.atomic():
                    completion, _created = CourseCompletion.objects.get_or_create(
                        user=user, course=course, defaults={"language": language}
                    )
            except IntegrityError:
                completion = CourseCompletion.objects.get(user=user, course=course)
            if enrollment.completed_at is None:
                enrollment.completed_at = completion.completed_at
                enrollment.save(update_fields=["completed_at"])
        if completion.certificate_requested_at is None:
            completion_id = completion.pk
            transaction.on_commit(lambda: request_certificate(completion_id))
    return completion


def recheck_course_completions(course_id: int) -> int:
    """Record what learners have earned by now after an editor changed the course:
    a lesson unpublished or deleted (the learner may have done all the others), or
    a lesson published again without a video the learner had not watched.

    Lessons with only text still need opening. Returns how many learners' course
    completions were recorded.
    """
    course = CoursePage.objects.live().filter(pk=course_id).first()
    lessons = course.lessons() if course is not None else []
    if not lessons:
        return 0
    lesson_ids = [lesson.pk for lesson in lessons]
    forget_lesson_structures(lesson_ids)
    learners = Enrollment.objects.filter(course=course, completed_at__isnull=True)
    for lesson_id in lesson_ids:
        structure = lesson_structure(lesson_id)
        if structure is None or not (structure.video_ids or structure.has_quiz):
            continue
        earned = learners.exclude(
            user_id__in=LessonCompletion.objects.filter(lesson_id=lesson_id).values(
                "user_id"
            )
        )
        for video_id in structure.video_ids:
            earned = earned.filter(
                user_id__in=VideoProgress.objects.filter(
                    video_id=video_id, completed_at__isnull=False
                ).values("user_id")
            )
        if structure.has_quiz:
            earned = earned.filter(
                user_id__in=QuizAttempt.objects.filter(
                    lesson_id=lesson_id, passed=True
                ).values("user_id")
            )
        LessonCompletion.objects.bulk_create(
            [
                LessonCompletion(user_id=user_id, lesson_id=lesson_id, course=course)
                for user_id in earned.values_list("user_id", flat=True).iterator()
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
    finished = (
        LessonCompletion.objects.filter(
            lesson_id__in=lesson_ids, user_id__in=learners.values("user_id")
        )
        .values("user_id")
        .annotate(lessons=Count("lesson_id", distinct=True))
        .filter(lessons=len(lesson_ids))
        .values("user_id")
    )
    User = get_user_model()
    recorded = 0
    for user_id, language in learners.filter(user_id__in=finished).values_list(
        "user_id", "language"
    ):
        if check_course_completion(User(pk=user_id), course, language) is not None:
            recorded += 1
    return recorded


def _enqueue_recheck(course_id: int) -> None:
    from progress.tasks import recheck_course

    try:
        recheck_course.enqueue(course_id)
    except Exception:
        # Nothing is lost: the completions are recorded when each learner next
        # opens a lesson of the course.
        logger.exception("Could not queue the completion check of course %s", course_id)


def recheck_course_on_commit(course_id: int) -> None:
    """Queue ``recheck_course_completions`` once the editor's change is committed."""
    transaction.on_commit(lambda: _enqueue_recheck(course_id))


def _enqueue_issue_certificate(completion_id: int) -> None:
    from certificates.tasks import issue_certificate

    issue_certificate.enqueue(completion_id)


def request_certificate(completion_id: int) -> bool:
    """Ask for the completion's certificate unless someone already did.

    The conditional update decides who enqueues; when enqueueing fails (queue down,
    issuing not available) the mark is taken back so a catch-up can retry.
    Returns whether this call enqueued the request.
    """
    return bool(_request_certificate(completion_id))


def _request_certificate(completion_id: int) -> bool | None:
    """True: enqueued; False: someone else had asked; None: could not enqueue."""
    marked_at = now()
    claimed = CourseCompletion.objects.filter(
        pk=completion_id, certificate_requested_at__isnull=True
    ).update(certificate_requested_at=marked_at)
    if not claimed:
        return False
    try:
        _enqueue_issue_certificate(completion_id)
    except Exception:
        logger.exception(
            "Could not request the certificate of completion %s", completion_id
        )
        CourseCompletion.objects.filter(
            pk=completion_id, certificate_requested_at=marked_at
        ).update(certificate_requested_at=None)
        return None
    return True


class PendingRequests(NamedTuple):
    """What a catch-up did: requests enqueued, and those that could not be (the
    queue was down), which stay pending for the next catch-up."""

    enqueued: int
    failed: int


def request_pending_certificates(
    stale_after: timedelta | None = None,
) -> PendingRequests:
    """Request certificates for completions whose request never went out and,
    with ``stale_after``, re-request those requested that long ago that still
    have no certificate (issuing is idempotent)."""
    if stale_after is not None:
        cutoff = now() - stale_after
        stale = CourseCompletion.objects.filter(
            certificate_requested_at__lt=cutoff, certificate__isnull=True
        )
        for completion_id, requested_at in stale.values_list(
            "pk", "certificate_requested_at"
        ):
            CourseCompletion.objects.filter(
                pk=completion_id, certificate_requested_at=requested_at
            ).update(certificate_requested_at=None)
    pending = CourseCompletion.objects.filter(
        certificate_requested_at__isnull=True, user__closed_at__isnull=True
    ).values_list("pk", flat=True)
    enqueued = failed = 0
    for completion_id in list(pending):
        outcome = _request_certificate(completion_id)
        enqueued += outcome is True
        failed += outcome is None
    return PendingRequests(enqueued, failed)


# ---------------------------------------------------------------------------
# Quizzes


@dataclass(frozen=True)
class QuizResult:
    score: float
    passed: bool


def submit_quiz(user, lesson_id: int, answers: dict, language: str) -> QuizResult:
    """Score answers on the server, record the attempt, complete the lesson when
    it passes. Unknown question or choice ids are refused (Invalid)."""
    structure = live_lesson_structure(lesson_id)
    lesson = LessonPage.objects.get(pk=lesson_id)
    quiz = lesson.quiz(settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    if quiz is None:
        raise NotFound(_("This lesson has no quiz."))
    if not isinstance(answers, dict):
        raise Invalid(_("answers must be an object of question id → choice id."))
    questions = {question.id: question for question in quiz.questions}
    for question_id, choice_id in answers.items():
        question = questions.get(str(question_id))
        if question is None:
            raise Invalid(_("Unknown question: %(id)s.") % {"id": question_id})
        if str(choice_id) not in {choice.id for choice in question.choices}:
            raise Invalid(
                _("Unknown choice for question %(id)s.") % {"id": question_id}
            )
    answers = {str(q): str(c) for q, c in answers.items()}
    correct = sum(1 for q in quiz.questions if answers.get(q.id) == q.correct)
    score = quiz.score(correct)
    passed = quiz.passes(score)
    with transaction.atomic():
        Enrollment.objects.bulk_create(
            [Enrollment(user=user, course_id=structure.course_id, language=language)],
            ignore_conflicts=True,
        )
        QuizAttempt.objects.create(
            user=user,
            lesson_id=lesson_id,
            answers=answers,
            score=score,
            passed=passed,
            language=language,
        )
        if passed:
            complete_lesson_if_done(user, structure, language)
    return QuizResult(score=score, passed=passed)


# ---------------------------------------------------------------------------
# Reading progress


NO_SUCH_COURSE = _("No such course.")


def live_course(course_id: int) -> CoursePage:
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise NotFound(NO_SUCH_COURSE)
    return course


def certificate_for(user, course) -> dict | None:
    """The learner's certificate of the course as links, or None."""
    from certificates.models import Certificate

    certificate = Certificate.objects.filter(user=user, course=course).first()
    if certificate is None:
        return None
    number = certificate.number
    return {
        "number": number,
        "pdf_url": f"/certificates/{number}/pdf",
        "credential_url": f"/certificates/{number}/credential.jwt",
        "verify_url": f"/certificates/verify/{number}/",
        "status": certificate.status,
        "revoked_at": certificate.revoked_at,
    }


def course_progress(user, course: CoursePage) -> dict:
    """GET /api/v1/progress/courses/<id> (CONTRACTS.md §5)."""
    lessons = course.lessons()
    done = set(
        LessonCompletion.objects.filter(
            user=user, lesson_id__in=[lesson.pk for lesson in lessons]
        ).values_list("lesson_id", flat=True)
    )
    completed = CourseCompletion.objects.filter(user=user, course=course).exists()
    certificate = certificate_for(user, course)
    if certificate is not None:
        certificate.pop("status")
        certificate.pop("revoked_at")
    return {
        "course": course.pk,
        "lessons_total": len(lessons),
        "lessons_completed": len(done),
        "completed": completed,
        "lessons": [
            {"id": lesson.pk, "completed": lesson.pk in done} for lesson in lessons
        ],
        "certificate": certificate,
    }


def lesson_progress(user, lesson_id: int, language: str) -> dict:
    """GET /api/v1/progress/lessons/<id> (CONTRACTS.md §5): quiz without answers."""
    structure = live_lesson_structure(lesson_id)
    lesson = LessonPage.objects.get(pk=lesson_id)
    rows = {
        row.video_id: row
        for row in VideoProgress.objects.filter(
            user=user, video_id__in=structure.video_ids
        )
    }
    videos = []
    for video_id in structure.video_ids:
        row = rows.get(video_id)
        duration = structure.durations.get(video_id)
        watched = row.watched_seconds if row else 0.0
        videos.append(
            {
                "video": video_id,
                "duration": duration,
                "watched_seconds": round(watched, 3),
                "coverage": _coverage(watched, duration),
                "resume_at": row.resume_position if row else 0.0,
                "completed": bool(row and row.completed_at),
            }
        )
    quiz_data = None
    quiz = lesson.quiz(language)
    if quiz is not None:
        quiz_data = {
            "passed": quiz_passed(user, lesson_id),
            "heading": quiz.heading,
            "pass_mark": quiz.pass_mark,
            "questions": [
                {
                    "id": question.id,
                    "text": question.text,
                    "choices": [
                        {"id": choice.id, "text": choice.text}
                        for choice in question.choices
                    ],
                }
                for question in quiz.questions
            ],
        }
    completed = LessonCompletion.objects.filter(user=user, lesson_id=lesson_id).exists()
    return {
        "lesson": lesson_id,
        "completed": completed,
        "videos": videos,
        "quiz": quiz_data,
    }


@dataclass
class CourseSummary:
    """One course on a learner's dashboard."""

    course: CoursePage
    lessons_total: int
    lessons_completed: int
    completed: bool
    resume_lesson: LessonPage | None = None
    resume_at: float = 0.0
    certificate: dict | None = None
    # No longer published: kept on the dashboard for what the learner earned in it.
    withdrawn: bool = False
    done: frozenset = frozenset()  # ids of the lessons completed

    @property
    def resume_label(self) -> str:
        """The resume position as m:ss."""
        seconds = int(self.resume_at)
        return f"{seconds // 60}:{seconds % 60:02d}"

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_completed / self.lessons_total)


def course_summary(user, course: CoursePage, lessons=None) -> CourseSummary:
    """``lessons``: the course's live lessons, when the caller has them already."""
    lessons = course.lessons() if lessons is None else lessons
    done = set(
        LessonCompletion.objects.filter(
            user=user, lesson_id__in=[lesson.pk for lesson in lessons]
        ).values_list("lesson_id", flat=True)
    )
    completed = CourseCompletion.objects.filter(user=user, course=course).exists()
    summary = CourseSummary(
        course=course,
        lessons_total=len(lessons),
        lessons_completed=len(done),
        completed=completed,
        certificate=certificate_for(user, course),
        done=frozenset(done),
    )
    summary.resume_lesson, summary.resume_at = _resume_point(
        user, [lesson for lesson in lessons if lesson.pk not in done]
    )
    return summary


# A position under a second into a video is its start: nothing to resume.
RESUME_FROM = 1.0


def _resume_point(user, lessons: list[LessonPage]) -> tuple[LessonPage | None, float]:
    """Where to pick up among the lessons not yet completed: where the learner
    stopped in the unfinished video they watched last, else the start of the first
    of those lessons."""
    videos = {
        lesson.pk: structure.video_ids
        for lesson in lessons
        if (structure := lesson_structure(lesson.pk)) is not None
    }
    rows = {
        row.video_id: row
        for row in VideoProgress.objects.filter(
            user=user,
            video_id__in={pk for ids in videos.values() for pk in ids},
            completed_at__isnull=True,
        )
    }
    watched = [
        (rows[video_id].updated_at, lesson, rows[video_id].resume_position)
        for lesson in lessons
        for video_id in videos.get(lesson.pk, ())
        if video_id in rows and rows[video_id].resume_position >= RESUME_FROM
    ]
    if watched:
        _at, lesson, position = max(watched, key=lambda item: item[0])
        return lesson, position
    return (lessons[0] if lessons else None), 0.0


def dashboard(user) -> list[CourseSummary]:
    """The learner's enrolled live courses, most recently started first, and the
    courses they completed that are no longer published: an edition of the guide
    replaced by a new one, say, whose certificates stay valid and are needed."""
    enrollments = (
        Enrollment.objects.filter(user=user)
        .filter(
            Q(course__live=True)
            | Q(course__in=CourseCompletion.objects.filter(user=user).values("course"))
        )
        .select_related("course")
        .order_by("-started_at")
    )
    return [
        course_summary(user, enrollment.course)
        if enrollment.course.live
        else withdrawn_summary(user, enrollment.course)
        for enrollment in enrollments
    ]


def withdrawn_summary(user, course: CoursePage) -> CourseSummary:
    """A completed course that is no longer published: completed, and its
    certificate; nothing to resume, and no lessons to count."""
    return CourseSummary(
        course=course,
        lessons_total=0,
        lessons_completed=0,
        completed=True,
        certificate=certificate_for(user, course),
        withdrawn=True,
    )


# ---------------------------------------------------------------------------
# Couples


def guide_course() -> CoursePage | None:
    """The mandatory guide (the first live course of that kind)."""
    return (
        CoursePage.objects.live().filter(kind=CourseKind.GUIDE).order_by("path").first()
    )


class GuideStanding(StrEnum):
    """Where a person stands with the mandatory guide, as the registration
    service will see it."""

    NOT_YET = "not_yet"
    PREPARING = "preparing"  # completed; the certificate is being issued
    READY = "ready"  # holds a valid certificate: the registry answers `completed`
    REVOKED = "revoked"  # completed, but the certificate was revoked


def guide_standing(user) -> GuideStanding:
    """Ready only with a valid certificate of the guide, the rule of the registry's
    ``guide-status``; a revoked certificate is not replaced by completing again."""
    from certificates.models import Certificate, CertificateStatus

    statuses = set(
        Certificate.objects.filter(user=user, course_kind=CourseKind.GUIDE).values_list(
            "status", flat=True
        )
    )
    if CertificateStatus.VALID in statuses:
        return GuideStanding.READY
    if statuses:
        return GuideStanding.REVOKED
    if CourseCompletion.objects.filter(
        user=user, course__kind=CourseKind.GUIDE
    ).exists():
        return GuideStanding.PREPARING
    return GuideStanding.NOT_YET


def active_partnership(user) -> Partnership | None:
    return (
        Partnership.objects.filter(status=PartnershipStatus.ACTIVE)
        .filter(Q(inviter=user) | Q(invitee=user))
        .select_related("inviter", "invitee")
        .first()
    )


def partner_of(partnership: Partnership, user):
    return (
        partnership.invitee
        if partnership.inviter_id == user.pk
        else partnership.inviter
    )


# A declined invitation looks pending to the one who sent it: telling them of the
# decline would tell them that the IIN has an account.
SENT = (PartnershipStatus.PENDING, PartnershipStatus.DECLINED)


def outgoing_invitation(user) -> Partnership | None:
    return (
        Partnership.objects.filter(inviter=user, status__in=SENT)
        .order_by("-created_at")
        .first()
    )


# How long the couple page says that a link has ended.
ENDED_LINK_SHOWN_FOR = timedelta(days=30)


@dataclass(frozen=True)
class EndedLink:
    partner_name: str
    partner_closed: bool
    ended_at: datetime


def ended_link(user) -> EndedLink | None:
    """The learner's link that ended lately, if nothing has happened since: the
    partner may have unlinked, or closed their account, without a word."""
    if Partnership.objects.filter(
        Q(inviter=user) | Q(invitee=user), status=PartnershipStatus.ACTIVE
    ).exists():
        return None
    link = (
        Partnership.objects.filter(
            Q(inviter=user) | Q(invitee=user),
            status=PartnershipStatus.ENDED,
            ended_at__gte=now() - ENDED_LINK_SHOWN_FOR,
        )
        .select_related("inviter", "invitee")
        .order_by("-ended_at")
        .first()
    )
    if link is None:
        return None
    partner = link.invitee if link.inviter_id == user.pk else link.inviter
    # A new invitation since, sent by the learner, or by the same partner to the
    # learner: the page is about that one, and "you can send a new invitation"
    # beside an invitation from the same person would only confuse.
    since = Q(inviter=user)
    if partner is not None and user.iin_hash:
        since |= Q(
            inviter=partner,
            invitee_iin_hash=user.iin_hash,
            status=PartnershipStatus.PENDING,
        )
    if Partnership.objects.filter(since, created_at__gt=link.ended_at).exists():
        return None
    return EndedLink(
        partner_name=partner.get_full_name() if partner else "",
        partner_closed=bool(partner and partner.closed_at),
        ended_at=link.ended_at,
    )


def incoming_invitations(user) -> list[Partnership]:
    if not user.iin_hash:
        return []
    blocked = InvitationBlock.objects.filter(user=user).values("inviter")
    return list(
        Partnership.objects.filter(
            invitee_iin_hash=user.iin_hash, status=PartnershipStatus.PENDING
        )
        .exclude(inviter=user)
        .exclude(inviter__in=blocked)
        .select_related("inviter")
        .order_by("-created_at")
    )


def blocked_inviters(user) -> list[InvitationBlock]:
    """The people whose invitations ``user`` chose not to see, latest first."""
    return list(
        InvitationBlock.objects.filter(user=user)
        .select_related("inviter")
        .order_by("-created_at")
    )


def unblock_inviter(user, block_id: int) -> None:
    """Show ``user`` invitations from that person again, those waiting included."""
    deleted, _by_model = InvitationBlock.objects.filter(pk=block_id, user=user).delete()
    if not deleted:
        raise NotFound(_("No such blocked person."))


def invite_partner(user, iin: str) -> Partnership:
    """Invite the holder of ``iin`` to link accounts.

    Whether anyone holds that IIN is never revealed: the invitation is recorded
    either way and shows up for the holder if and when they sign in.
    """
    iin = iin_tools.normalize_iin(iin)
    if not iin_tools.is_valid_iin(iin):
        raise Invalid(_("Enter a valid IIN: 12 digits with a correct check digit."))
    iin_hash = iin_tools.iin_hash(iin)
    if user.iin_hash and user.iin_hash == iin_hash:
        raise Invalid(_("You cannot invite yourself."))
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if active_partnership(user) is not None:
            raise Invalid(_("You are already linked with a partner; unlink first."))
        Partnership.objects.filter(inviter=user, status__in=SENT).update(
            status=PartnershipStatus.CANCELLED, ended_at=now()
        )
        return Partnership.objects.create(
            inviter=user,
            invitee_iin_hash=iin_hash,
            invitee_iin_masked=iin_tools.mask_iin(iin),
        )


def _own_invitation(user, partnership_id: int) -> Partnership:
    invitation = (
        Partnership.objects.select_for_update()
        .filter(pk=partnership_id, status=PartnershipStatus.PENDING)
        .first()
    )
    if (
        invitation is None
        or not user.iin_hash
        or invitation.invitee_iin_hash != user.iin_hash
        or invitation.inviter_id == user.pk
    ):
        raise NotFound(_("No such invitation."))
    return invitation


def accept_invitation(user, partnership_id: int) -> Partnership:
    """Link the invitee with the inviter; each person has one partner at a time.

    Both people are locked first, in a fixed order, then the invitations: two
    people accepting each other's invitations at once wait for one another
    instead of deadlocking. The one who comes second finds the two already
    linked, and is told so as a success.
    """
    inviter_id = (
        Partnership.objects.filter(pk=partnership_id)
        .values_list("inviter_id", flat=True)
        .first()
    )
    with transaction.atomic():
        list(
            get_user_model()
            .objects.select_for_update()
            .filter(pk__in=sorted({user.pk, inviter_id or user.pk}))
            .order_by("pk")
        )
        try:
            invitation = _own_invitation(user, partnership_id)
        except NotFound:
            linked = active_partnership(user)
            if linked is not None and partner_of(linked, user).pk == inviter_id:
                return linked
            raise
        if active_partnership(user) is not None:
            raise Invalid(_("You are already linked with a partner; unlink first."))
        if active_partnership(invitation.inviter) is not None:
            raise Invalid(_("This invitation can no longer be accepted."))
        Partnership.objects.filter(inviter=user, status__in=SENT).update(
            status=PartnershipStatus.CANCELLED, ended_at=now()
        )
        invitation.invitee = user
        invitation.status = PartnershipStatus.ACTIVE
        invitation.responded_at = now()
        invitation.save(update_fields=["invitee", "status", "responded_at"])
    return invitation


def decline_invitation(user, partnership_id: int, block: bool = False) -> None:
    """Decline the invitation; with ``block``, also every later one from the same
    person stays out of sight (as declined ones do, it looks unanswered to them)."""
    with transaction.atomic():
        invitation = _own_invitation(user, partnership_id)
        invitation.status = PartnershipStatus.DECLINED
        invitation.responded_at = now()
        invitation.save(update_fields=["status", "responded_at"])
        if block:
            InvitationBlock.objects.get_or_create(
                user=user, inviter_id=invitation.inviter_id
            )


def cancel_invitation(user, partnership_id: int) -> None:
    updated = Partnership.objects.filter(
        pk=partnership_id, inviter=user, status__in=SENT
    ).update(status=PartnershipStatus.CANCELLED, ended_at=now())
    if not updated:
        raise NotFound(_("No such invitation."))


def end_partnerships(user) -> None:
    """End every link ``user`` has with a partner and withdraw every invitation
    sent to or answered by them: their account no longer speaks for them."""
    ended = now()
    mine = Partnership.objects.filter(Q(inviter=user) | Q(invitee=user))
    mine.filter(status=PartnershipStatus.ACTIVE).update(
        status=PartnershipStatus.ENDED, ended_at=ended
    )
    Partnership.objects.filter(inviter=user, status__in=SENT).update(
        status=PartnershipStatus.CANCELLED, ended_at=ended
    )


def forget_answers(user) -> None:
    """Links with ``user`` and invitations they answered no longer carry the
    hash of their IIN, which tied them to their inviters. Invitations not yet
    answered stay addressed to the IIN."""
    answered = Q(invitee=user)
    if user.iin_hash:
        answered |= Q(invitee_iin_hash=user.iin_hash, responded_at__isnull=False)
    Partnership.objects.filter(answered).update(invitee_iin_hash="")


def unlink_partner(user) -> None:
    updated = (
        Partnership.objects.filter(status=PartnershipStatus.ACTIVE)
        .filter(Q(inviter=user) | Q(invitee=user))
        .update(status=PartnershipStatus.ENDED, ended_at=now())
    )
    if not updated:
        raise NotFound(_("You are not linked with a partner."))


@dataclass
class CoupleStatus:
    """What a linked couple sees: each one's guide progress, and readiness."""

    partnership: Partnership
    partner: object
    guide: CoursePage | None
    mine: CourseSummary | None
    theirs: CourseSummary | None
    my_standing: GuideStanding
    partner_standing: GuideStanding

    @property
    def i_completed(self) -> bool:
        return self.my_standing in (GuideStanding.READY, GuideStanding.PREPARING)

    @property
    def partner_completed(self) -> bool:
        return self.partner_standing in (GuideStanding.READY, GuideStanding.PREPARING)

    @property
    def both_ready(self) -> bool:
        return self.my_standing == self.partner_standing == GuideStanding.READY


def couple_status(user) -> CoupleStatus | None:
    partnership = active_partnership(user)
    if partnership is None:
        return None
    partner = partner_of(partnership, user)
    guide = guide_course()
    return CoupleStatus(
        partnership=partnership,
        partner=partner,
        guide=guide,
        mine=course_summary(user, guide) if guide else None,
        theirs=course_summary(partner, guide) if guide else None,
        my_standing=guide_standing(user),
        partner_standing=guide_standing(partner),
    )


# ---------------------------------------------------------------------------
# What the platform keeps about a learner's learning (``lms.personal_data``)


def learning_record(user) -> dict:
    """Everything recorded of ``user``'s learning and couple links, for the
    learner's own copy of their data."""

    def when(moment):
        return moment.isoformat() if moment else None

    courses = []
    for enrollment in Enrollment.objects.filter(user=user).select_related("course"):
        course = enrollment.course
        courses.append(
            {
                "course": course.title,
                "kind": course.kind,
                "language": enrollment.language,
                "started_at": when(enrollment.started_at),
                "completed_at": when(enrollment.completed_at),
            }
        )
    lessons = [
        {"lesson": row.lesson.title, "completed_at": when(row.completed_at)}
        for row in LessonCompletion.objects.filter(user=user).select_related("lesson")
    ]
    videos = [
        {
            "video": row.video.title,
            "watched_seconds": round(row.watched_seconds, 1),
            "watched_intervals": row.intervals,
            "resume_at": round(row.resume_position, 1),
            "completed_at": when(row.completed_at),
        }
        for row in VideoProgress.objects.filter(user=user).select_related("video")
    ]
    quizzes = [
        {
            "lesson": row.lesson.title,
            "language": row.language,
            "answers": _answers_in_words(row),
            "score": row.score,
            "passed": row.passed,
            "submitted_at": when(row.created_at),
        }
        for row in QuizAttempt.objects.filter(user=user)
        .select_related("lesson")
        .order_by("created_at")
    ]
    playbacks = [
        {
            "video": row.video.title,
            "lesson": row.lesson.title,
            "started_at": when(row.started_at),
            "last_heartbeat_at": when(row.last_server_time),
            "last_position": round(row.last_position, 1),
            "heartbeats": row.heartbeats,
            "credited_seconds": round(row.credited_seconds, 1),
        }
        for row in PlaybackSession.objects.filter(user=user)
        .select_related("video", "lesson")
        .order_by("started_at")
    ]
    partners = []
    # Invitations to the learner's IIN that they answered (declined: the
    # inviter is not told) or may still answer, as the couple page shows them.
    addressed_to_me = (
        Q(invitee_iin_hash=user.iin_hash, invitee=None)
        & (Q(responded_at__isnull=False) | Q(status=PartnershipStatus.PENDING))
        if user.iin_hash
        else Q(pk__in=[])
    )
    for partnership in (
        Partnership.objects.filter(Q(inviter=user) | Q(invitee=user) | addressed_to_me)
        .select_related("inviter", "invitee")
        .order_by("created_at")
    ):
        mine = partnership.inviter_id == user.pk
        other = partnership.invitee if mine else partnership.inviter
        # A decline is the decliner's to know, not the sender's: to the sender a
        # declined invitation is still waiting (or withdrawn, if they withdrew it).
        declined = mine and partnership.invitee is None
        status = partnership.status
        if declined and status == PartnershipStatus.DECLINED:
            status = PartnershipStatus.PENDING
        elif (
            not mine
            and partnership.invitee is None
            and partnership.responded_at is not None
            and status == PartnershipStatus.CANCELLED
        ):
            # The learner declined it; the sender, not told, withdrew it later.
            status = PartnershipStatus.DECLINED
        partners.append(
            {
                "invited_by_me": mine,
                "partner": other.get_full_name() if other else None,
                "status": status,
                "invited_at": when(partnership.created_at),
                "answered_at": None if declined else when(partnership.responded_at),
                "ended_at": when(partnership.ended_at),
            }
        )
    return {
        "courses": courses,
        "lessons_completed": lessons,
        "videos": videos,
        "quiz_attempts": quizzes,
        "playback_sessions": playbacks,
        "couple_links": partners,
        "invitations_not_shown_from": [
            {
                "person": block.inviter.get_full_name() or None,
                "since": when(block.created_at),
            }
            for block in blocked_inviters(user)
        ],
    }


def _answers_in_words(attempt: QuizAttempt) -> list[dict]:
    """The choices of a quiz attempt as the learner read them: in the language of
    the attempt, from the quiz as it is now (an id the quiz no longer has stays
    an id)."""
    quiz = attempt.lesson.quiz(attempt.language)
    questions = {question.id: question for question in quiz.questions} if quiz else {}
    answers = []
    for question_id, choice_id in attempt.answers.items():
        question = questions.get(question_id)
        choices = (
            {choice.id: choice.text for choice in question.choices} if question else {}
        )
        answers.append(
            {
                "question": question.text if question else question_id,
                "answer": choices.get(choice_id, choice_id),
            }
        )
    return answers
