"""Concurrent requests on PostgreSQL: row locks keep completion single and credit
within rule 3. (SQLite serializes whole transactions, so these run on PostgreSQL.)"""

import threading
import uuid
from datetime import timedelta

from django.db import connection, connections

import pytest

from certificates.models import Certificate
from courses.factories import CoursePageFactory, VideoFactory, make_lesson
from progress import services
from progress.models import (
    CourseCompletion,
    LessonCompletion,
    PlaybackSession,
    VideoProgress,
)
from tests.lms.i18n import tr

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


@pytest.fixture
def wagtail_root(transactional_db):
    """The locale and root page that migrations create and a flush removes."""
    from django.conf import settings

    from wagtail.models import Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.get_first_root_node():
        Page.add_root(title="Root", slug="root", locale=locale)


def run_at_once(count, target):
    """Run ``target(index)`` in ``count`` threads released together."""
    barrier = threading.Barrier(count)
    errors = []

    def worker(index):
        try:
            barrier.wait()
            target(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_completions_make_one_completion_and_one_request(
    wagtail_root, guide_course, learner, monkeypatch, run_tasks
):
    for lesson in guide_course.lessons():
        LessonCompletion.objects.create(
            user=learner, lesson=lesson, course=guide_course
        )

    requests = []
    real_enqueue = services._enqueue_issue_certificate

    def counting_enqueue(completion_id):
        requests.append(completion_id)
        real_enqueue(completion_id)

    monkeypatch.setattr(services, "_enqueue_issue_certificate", counting_enqueue)
    run_at_once(
        20,
        lambda i: services.check_course_completion(learner, guide_course, "kk"),
    )
    run_tasks()

    completion = CourseCompletion.objects.get(user=learner, course=guide_course)
    assert requests == [completion.pk]
    assert completion.certificate_requested_at is not None
    assert Certificate.objects.filter(user=learner, course=guide_course).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_heartbeats_respect_two_times_real_time(
    wagtail_root, video_lesson, long_video, learner, monkeypatch, heartbeat_path
):
    start = services.now()
    current = {"time": start}
    monkeypatch.setattr(services, "now", lambda: current["time"])
    sessions = [uuid.uuid4() for _ in range(8)]
    starts = [i * 12.0 for i in range(8)]

    def beat(index, position):
        services.record_heartbeat(
            learner,
            lesson_id=video_lesson.pk,
            video_id=long_video.pk,
            session=sessions[index],
            position=position,
            rate=2.0,
            state="playing",
        )

    run_at_once(8, lambda i: beat(i, starts[i]))
    for second in range(1, 6):
        current["time"] = start + timedelta(seconds=second)
        # Every session claims 2 s of new video for this second: 16 s in all.
        run_at_once(8, lambda i, s=second: beat(i, starts[i] + 2 * s))
        row = VideoProgress.objects.get(user=learner, video=long_video)
        assert row.watched_seconds <= 2 * second + 1e-6
    assert row.watched_seconds == pytest.approx(10.0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_heartbeats_make_one_progress_row(
    wagtail_root, video_lesson, long_video, learner
):
    run_at_once(
        10,
        lambda i: services.record_heartbeat(
            learner,
            lesson_id=video_lesson.pk,
            video_id=long_video.pk,
            session=uuid.uuid4(),
            position=0.0,
            rate=1.0,
            state="playing",
        ),
    )
    assert VideoProgress.objects.filter(user=learner, video=long_video).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_waits_for_the_one_being_applied(
    wagtail_root, video_lesson, long_video, learner, monkeypatch
):
    """On the locking path a second heartbeat for the same learner and video waits
    for the first to commit and decides from what it wrote: two sessions watching
    different parts at 1× both keep their credit (no lost update)."""
    monkeypatch.setattr(services, "_heartbeat_unlocked", lambda *args: None)
    start = services.now()
    current = {"time": start}
    monkeypatch.setattr(services, "now", lambda: current["time"])
    sessions = {"A": uuid.uuid4(), "B": uuid.uuid4()}

    def beat(name, position):
        try:
            services.record_heartbeat(
                learner,
                lesson_id=video_lesson.pk,
                video_id=long_video.pk,
                session=sessions[name],
                position=position,
                rate=1.0,
                state="playing",
            )
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    beat("A", 0.0)
    beat("B", 50.0)
    current["time"] = start + timedelta(seconds=5)

    inside, release = threading.Event(), threading.Event()
    real_credit_step = services._credit_step

    def credit_step(*args, **kwargs):
        result = real_credit_step(*args, **kwargs)
        if threading.current_thread().name == "A":
            inside.set()  # A holds the row lock and has decided its step
            release.wait(10)
        return result

    monkeypatch.setattr(services, "_credit_step", credit_step)
    first = threading.Thread(target=beat, args=("A", 5.0), name="A")
    second = threading.Thread(target=beat, args=("B", 55.0), name="B")
    first.start()
    assert inside.wait(10)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for A's lock
    release.set()
    first.join(10)
    second.join(10)

    row = VideoProgress.objects.get(user=learner, video=long_video)
    assert row.intervals == [[0.0, 5.0], [50.0, 55.0]]
    assert row.watched_seconds == 10.0


@pytest.mark.django_db(transaction=True)
def test_a_first_heartbeat_sent_several_times_at_once_starts_one_session(
    wagtail_root, video_lesson, long_video, learner, monkeypatch
):
    """A retried first heartbeat of a new session, for a video the learner has
    already watched some of: the copies wait for each other's lock, and each sees
    the session the one before it started."""
    services.record_heartbeat(
        learner,
        lesson_id=video_lesson.pk,
        video_id=long_video.pk,
        session=uuid.uuid4(),
        position=0.0,
        rate=1.0,
        state="playing",
    )
    session = uuid.uuid4()
    results = []
    run_at_once(
        6,
        lambda i: results.append(
            services.record_heartbeat(
                learner,
                lesson_id=video_lesson.pk,
                video_id=long_video.pk,
                session=session,
                position=30.0,
                rate=1.0,
                state="playing",
            )
        ),
    )
    assert len(results) == 6
    playback = PlaybackSession.objects.get(user=learner, uuid=session)
    assert playback.heartbeats == 6  # each copy counted once
    row = VideoProgress.objects.get(user=learner, video=long_video)
    assert row.watched_seconds == 0.0


@pytest.mark.django_db(transaction=True)
def test_one_session_for_two_videos_at_once_is_refused_for_one(
    wagtail_root, course_index, learner
):
    first, second = VideoFactory(duration=60.0), VideoFactory(duration=60.0)
    course = CoursePageFactory(parent=course_index, kind="parents")
    lesson = make_lesson(course, videos=[first, second])
    session = uuid.uuid4()
    outcomes = []

    def beat(index):
        try:
            services.record_heartbeat(
                learner,
                lesson_id=lesson.pk,
                video_id=(first, second)[index].pk,
                session=session,
                position=0.0,
                rate=1.0,
                state="playing",
            )
            outcomes.append("ok")
        except services.Invalid as error:
            outcomes.append(str(error.detail))

    run_at_once(2, beat)
    refused = tr("This session belongs to another video.", "kk")
    assert sorted(outcomes) == sorted(["ok", refused])
    assert PlaybackSession.objects.filter(user=learner, uuid=session).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rounds", range(5))
def test_two_people_accepting_each_others_invitations_at_once_are_linked_once(
    learner, partner, rounds
):
    """Each acceptance locks both people before any invitation, so the two wait
    for each other instead of deadlocking, and the second is told they are
    linked."""
    from lms.factories import VALID_IINS
    from progress.models import Partnership, PartnershipStatus

    mine = services.invite_partner(learner, VALID_IINS[1])
    theirs = services.invite_partner(partner, VALID_IINS[0])
    answers = [None, None]

    def accept(index):
        who, invitation = ((learner, theirs), (partner, mine))[index]
        answers[index] = services.accept_invitation(who, invitation.pk)

    run_at_once(2, accept)

    (active,) = Partnership.objects.filter(status=PartnershipStatus.ACTIVE)
    assert {answer.pk for answer in answers} == {active.pk}
    assert {active.inviter_id, active.invitee_id} == {learner.pk, partner.pk}
