"""Bad heartbeats get a clear 4xx with JSON ``detail`` and change nothing."""

import json
import uuid

from django.test import Client

import pytest

from courses.factories import CoursePageFactory, VideoFactory, make_lesson
from progress.models import Enrollment, PlaybackSession, VideoProgress
from tests.lms.i18n import tr
from tests.progress.conftest import Player

URL = "/api/v1/progress/heartbeat"


def nothing_recorded():
    return (
        not VideoProgress.objects.exists()
        and not PlaybackSession.objects.exists()
        and not Enrollment.objects.exists()
    )


def post_raw(client, raw: str):
    return client.post(
        URL, data=raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def body(lesson_page, video_obj, **overrides):
    data = {
        "lesson": lesson_page.pk,
        "video": video_obj.pk,
        "session": str(uuid.uuid4()),
        "position": 1.0,
        "rate": 1.0,
        "state": "playing",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"position": -1},
        {"position": 1e12},
        {"position": 100.0 + 30},  # past the end of the 100-second video
        {"position": "far"},
        {"rate": -1},
        {"rate": 17},
        {"rate": 1e308},
        {"state": "fast-forward"},
        {"state": ""},
        {"session": "not-a-uuid"},
        {"session": 42},
        {"lesson": "abc"},
        {"lesson": -5},
        {"video": 2**40},
        {"lesson": None},
    ],
)
def test_bad_fields_are_refused(signed_in, video_lesson, long_video, overrides):
    response = signed_in.post(
        URL,
        data=json.dumps(body(video_lesson, long_video, **overrides)),
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    assert "detail" in response.json()
    assert nothing_recorded()


@pytest.mark.django_db
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("name", ["position", "rate"])
def test_non_finite_numbers_are_refused(
    signed_in, video_lesson, long_video, literal, name
):
    data = body(video_lesson, long_video)
    data[name] = "__VALUE__"
    raw = json.dumps(data).replace('"__VALUE__"', literal)
    response = post_raw(signed_in, raw)
    assert response.status_code == 422
    assert "detail" in response.json()
    assert nothing_recorded()


@pytest.mark.django_db
@pytest.mark.parametrize("literal", ["NaN", "Infinity"])
@pytest.mark.parametrize("name", ["position", "rate", "lesson"])
def test_a_non_finite_number_is_named_not_every_field(
    signed_in, video_lesson, long_video, literal, name
):
    """Python's JSON reader takes ``NaN``: the answer names the one bad field."""
    data = body(video_lesson, long_video)
    data[name] = "__VALUE__"
    raw = json.dumps(data).replace('"__VALUE__"', literal)
    detail = post_raw(signed_in, raw).json()["detail"]
    assert detail.startswith(f"body.{name}: ")
    assert ";" not in detail and "Field required" not in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw", ["NaN", "-Infinity", "[]", "[{}]", "null", '"heartbeat"', "5", "true"]
)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_body_that_is_no_json_object_is_told_so(signed_in, raw, language):
    """Not "Field required" for each field, which sends a client looking for
    fields it did send."""
    response = signed_in.post(
        URL, data=raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": tr("The body must be a JSON object.", language)
    }
    assert nothing_recorded()


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["", "{", "[]", '"heartbeat"', "null"])
def test_malformed_json_is_refused(signed_in, raw):
    response = post_raw(signed_in, raw)
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert nothing_recorded()


@pytest.mark.django_db
def test_missing_field_is_refused(signed_in, video_lesson, long_video):
    data = body(video_lesson, long_video)
    del data["state"]
    response = post_raw(signed_in, json.dumps(data))
    assert response.status_code == 422
    assert nothing_recorded()


@pytest.mark.django_db
def test_unknown_lesson_is_404(signed_in, long_video):
    response = post_raw(
        signed_in, json.dumps(body(type("L", (), {"pk": 999999})(), long_video))
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "No such lesson."
    assert nothing_recorded()


@pytest.mark.django_db
def test_a_page_that_is_not_a_lesson_is_404(signed_in, video_lesson, long_video):
    course = video_lesson.get_parent()
    response = post_raw(signed_in, json.dumps(body(course, long_video)))
    assert response.status_code == 404
    assert nothing_recorded()


@pytest.mark.django_db
def test_video_of_another_lesson_is_refused(signed_in, video_lesson):
    other = VideoFactory()
    response = post_raw(signed_in, json.dumps(body(video_lesson, other)))
    assert response.status_code == 422
    assert response.json()["detail"] == "This video is not part of this lesson."
    assert nothing_recorded()


@pytest.mark.django_db
def test_video_without_duration_is_refused(signed_in, course_index):
    video = VideoFactory(duration=None)
    course = CoursePageFactory(parent=course_index)
    lesson = make_lesson(course, videos=[video])
    response = post_raw(signed_in, json.dumps(body(lesson, video)))
    assert response.status_code == 422
    assert nothing_recorded()


@pytest.mark.django_db
def test_unpublished_lesson_is_404(signed_in, video_lesson, long_video):
    Player(signed_in, video_lesson, long_video).beat(0)  # fills the cached structure
    VideoProgress.objects.all().delete()
    PlaybackSession.objects.all().delete()
    Enrollment.objects.all().delete()
    video_lesson.unpublish()
    response = post_raw(signed_in, json.dumps(body(video_lesson, long_video)))
    assert response.status_code == 404
    assert nothing_recorded()


@pytest.mark.django_db
def test_lesson_of_unpublished_course_is_404(signed_in, video_lesson, long_video):
    Player(signed_in, video_lesson, long_video).beat(0)
    VideoProgress.objects.all().delete()
    PlaybackSession.objects.all().delete()
    Enrollment.objects.all().delete()
    video_lesson.get_parent().specific.unpublish()
    video_lesson.refresh_from_db()
    assert video_lesson.live  # only the course was unpublished
    response = post_raw(signed_in, json.dumps(body(video_lesson, long_video)))
    assert response.status_code == 404
    assert nothing_recorded()


@pytest.mark.django_db
def test_a_session_is_bound_to_its_video(signed_in, course_index, clock):
    first, second = VideoFactory(), VideoFactory()
    course = CoursePageFactory(parent=course_index)
    lesson = make_lesson(course, videos=[first, second])
    player = Player(signed_in, lesson, first)
    player.beat(0)
    clock.tick(5)
    response = Player(signed_in, lesson, second, session=player.session).send(5)
    assert response.status_code == 422
    assert not VideoProgress.objects.filter(video=second).exists()


@pytest.mark.django_db
def test_anonymous_gets_401(client, video_lesson, long_video):
    response = post_raw(client, json.dumps(body(video_lesson, long_video)))
    assert response.status_code == 401
    assert "detail" in response.json()
    assert client.get(f"/api/v1/progress/lessons/{video_lesson.pk}").status_code == 401
    assert nothing_recorded()


@pytest.mark.django_db
def test_unsafe_methods_need_the_csrf_token(learner, video_lesson, long_video):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    response = post_raw(browser, json.dumps(body(video_lesson, long_video)))
    assert response.status_code == 403
    assert nothing_recorded()

    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    response = browser.post(
        URL,
        data=json.dumps(body(video_lesson, long_video)),
        content_type="application/json",
        headers={"X-CSRFToken": _mask_cipher_secret(secret)},
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_too_many_heartbeats_get_429(signed_in, video_lesson, long_video, settings):
    settings.PROGRESS_HEARTBEATS_PER_MINUTE = 5
    player = Player(signed_in, video_lesson, long_video)
    statuses = [player.send(1.0).status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3
    response = player.send(1.0)
    assert "detail" in response.json()
    assert int(response["Retry-After"]) >= 1
    assert PlaybackSession.objects.get().heartbeats == 5


@pytest.mark.django_db
def test_ping_is_public_and_trivial(client):
    response = client.get("/api/v1/progress/ping")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(
    ("name", "value", "message", "context"),
    [
        ("position", "abc", "must be a number.", {}),
        ("position", -1, "must be at least {ge}.", {"ge": "0"}),
        ("rate", 17, "must be at most {le}.", {"le": "16"}),
        (
            "state",
            "stopped",
            "must be one of: {expected}.",
            {"expected": "'playing', 'paused', 'seeked', 'ended'"},
        ),
        ("lesson", "1" * 5000, "must be a whole number.", {}),
        ("lesson", "9", "must be a whole number.", {}),
        ("lesson", 9.0, "must be a whole number.", {}),
        ("video", True, "must be a whole number.", {}),
        ("position", "5", "must be a number.", {}),
        ("rate", True, "must be a number.", {}),
        ("session", "not-a-uuid", "must be a UUID.", {}),
        ("lesson", None, "this field is required.", {}),
    ],
)
def test_a_bad_field_is_told_in_the_requests_language(
    signed_in, video_lesson, long_video, language, name, value, message, context
):
    data = body(video_lesson, long_video)
    if value is None:
        del data[name]
    else:
        data[name] = value
    response = signed_in.post(
        URL,
        data=json.dumps(data),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith(f"body.{name}: ")
    told = tr(message, language)
    assert detail == f"body.{name}: " + told.format(**context)
    assert nothing_recorded()


@pytest.mark.django_db
def test_every_bad_field_is_a_sentence_of_its_own(signed_in, video_lesson, long_video):
    data = body(video_lesson, long_video)
    del data["lesson"], data["video"]
    response = signed_in.post(
        URL, data=json.dumps(data), content_type="application/json"
    )
    required = tr("this field is required.", "kk")
    assert response.json()["detail"] == (
        f"body.lesson: {required} body.video: {required}"
    )
