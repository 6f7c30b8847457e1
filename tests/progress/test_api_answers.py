"""What docs/api-clients.md tells app developers about the API's answers: how fast
playing still counts, bodies that cannot be read, quiz answers of the wrong type,
the statuses the schema lists, the slashes, and the lesson page in a web view."""

import json

from django.test import Client

import pytest

from tests.lms.i18n import tr
from tests.progress.test_api_clients import (
    SITE,
    native_client,
    post_heartbeat,
    production_like,
    sign_in,
)

pytestmark = pytest.mark.django_db

__all__ = ["production_like"]  # a fixture, used by name

HEARTBEAT = "/api/v1/progress/heartbeat"


def quiz_url(lesson) -> str:
    return f"/api/v1/progress/lessons/{lesson.pk}/quiz"


# --- Playing faster than 2× ------------------------------------------------------


@pytest.mark.parametrize(("rate", "credited"), [(2.0, 10.0), (2.5, 0.0), (16, 0.0)])
def test_a_step_after_a_heartbeat_faster_than_2x_is_credited_nothing(
    player, clock, rate, credited
):
    player.beat(0.0, rate=rate)
    clock.tick(10)

    # Even a step that moved at 1× earns nothing after a heartbeat above 2×.
    assert player.beat(10.0, rate=1.0)["watched_seconds"] == credited


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_rate_above_16_is_refused(player, language):
    player.client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    response = player.send(0.0, rate=16.5)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "body.rate: " + tr("must be at most {le}.", language).format(le=16)
    }


# --- Bodies that cannot be read ----------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("endpoint", ["heartbeat", "quiz"])
def test_an_empty_json_body_is_a_400(signed_in, quiz_lesson, endpoint, language):
    path = HEARTBEAT if endpoint == "heartbeat" else quiz_url(quiz_lesson)

    response = signed_in.post(
        path, "", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert response.json() == {"detail": tr("The body must be JSON.", language)}


def test_a_field_missing_from_a_body_is_still_a_422(signed_in, video_lesson):
    response = signed_in.post(
        HEARTBEAT, json.dumps({"lesson": video_lesson.pk}), "application/json"
    )

    assert response.status_code == 422
    assert "body.video: " in response.json()["detail"]


# --- Quiz answers --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("choice", [True, 1.0, None, [1], {"id": 1}])
def test_a_choice_id_that_is_no_string_or_integer_is_refused(
    signed_in, quiz_lesson, choice, language
):
    response = signed_in.post(
        quiz_url(quiz_lesson),
        json.dumps({"answers": {"1": choice}}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "body.answers.1: "
        + tr("must be a string or a whole number.", language)
    }


@pytest.mark.parametrize("choice", ["1", 1])
def test_a_choice_id_as_string_or_integer_is_scored(signed_in, quiz_lesson, choice):
    response = signed_in.post(
        quiz_url(quiz_lesson),
        json.dumps({"answers": {"1": choice, "2": "1", "3": 1}}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {"score": 1.0, "passed": True}


# --- Statuses the schema lists, each triggered ----------------------------------------


def operations(client) -> dict[tuple[str, str], dict]:
    spec = client.get("/api/v1/openapi.json").json()
    return {
        (method, path): operation
        for path, item in spec["paths"].items()
        if path.startswith(("/api/v1/progress/", "/api/v1/courses/"))
        for method, operation in item.items()
    }


def test_every_endpoint_lists_405_with_allow_and_throttled_ones_retry_after(client):
    found = operations(client)

    assert len(found) == 6
    for (method, path), operation in found.items():
        responses = operation["responses"]
        assert "Allow" in responses["405"]["headers"], path
        assert ("413" in responses) == (method == "post"), path
        throttled = path.endswith(("/heartbeat", "/quiz"))
        assert ("429" in responses) == throttled, path
        if throttled:
            assert "Retry-After" in responses["429"]["headers"], path


def test_the_schema_says_once_that_any_endpoint_may_answer_500_and_503(client):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]

    assert "**500**" in description and "**503**" in description


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/api/v1/courses/", "GET"),
        ("get", HEARTBEAT, "POST"),
        ("post", "/api/v1/progress/courses/{course}", "GET"),
        ("delete", "/api/v1/progress/lessons/{lesson}", "GET"),
        ("get", "/api/v1/progress/lessons/{lesson}/open", "POST"),
        ("put", "/api/v1/progress/lessons/{lesson}/quiz", "POST"),
    ],
)
def test_a_wrong_method_is_a_405(signed_in, quiz_lesson, method, path, allowed):
    url = path.format(course=quiz_lesson.get_parent().pk, lesson=quiz_lesson.pk)

    response = getattr(signed_in, method)(url, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 405
    assert response["Allow"] == allowed
    assert response.json() == {"detail": tr("Method not allowed.", "ru")}


OVERSIZED_BODIES = {
    "application/json": json.dumps({"answers": {}, "padding": "x" * 2000}),
    "application/x-www-form-urlencoded": "answers=" + "x" * 2000,
    "multipart/form-data; boundary=b": (
        '--b\r\nContent-Disposition: form-data; name="answers"\r\n\r\n'
        + "x" * 2000
        + "\r\n--b--\r\n"
    ),
    "text/plain": "x" * 2000,
}


@pytest.mark.parametrize("content_type", OVERSIZED_BODIES)
@pytest.mark.parametrize("endpoint", ["heartbeat", "open", "quiz"])
def test_a_body_over_the_upload_limit_is_a_413(
    signed_in, quiz_lesson, settings, endpoint, content_type
):
    """Whatever the body claims to be, JSON, a form or text, the answer is the
    413, not a 400 about its shape."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    path = {
        "heartbeat": HEARTBEAT,
        "open": f"/api/v1/progress/lessons/{quiz_lesson.pk}/open",
        "quiz": quiz_url(quiz_lesson),
    }[endpoint]

    response = signed_in.post(
        path,
        OVERSIZED_BODIES[content_type],
        content_type=content_type,
        HTTP_ACCEPT_LANGUAGE="kk",
    )

    assert response.status_code == 413
    assert response.json() == {"detail": tr("The request body is too large.", "kk")}


def test_too_many_quiz_answers_are_a_429_with_retry_after(
    signed_in, quiz_lesson, settings
):
    settings.PROGRESS_QUIZ_ATTEMPTS_PER_MINUTE = 2
    answers = json.dumps({"answers": {"1": "2"}})
    for _ in range(2):
        signed_in.post(quiz_url(quiz_lesson), answers, "application/json")

    response = signed_in.post(quiz_url(quiz_lesson), answers, "application/json")

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


# --- Slashes -----------------------------------------------------------------------


def test_the_course_list_without_its_slash_is_a_redirect(client):
    response = client.get("/api/v1/courses")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/courses/"


def test_a_progress_address_with_a_slash_is_a_json_404(signed_in, video_lesson):
    response = signed_in.get(
        f"/api/v1/progress/lessons/{video_lesson.pk}/", HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": tr("Not found.", "ru")}
    assert response["Content-Language"] == "ru"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


# --- A lesson's text: the lesson page in a web view ---------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_lesson_page_opens_signed_in_with_the_session_cookie(
    production_like, learner, video_lesson, long_video, language
):
    app = native_client()
    assert sign_in(app).status_code == 302
    courses = app.get("/api/v1/courses/", HTTP_ACCEPT_LANGUAGE=language).json()
    (lesson,) = [
        lesson
        for course in courses
        for lesson in course["lessons"]
        if lesson["id"] == video_lesson.pk
    ]
    # A web view given the app's session cookie and no other.
    web_view = Client(enforce_csrf_checks=True)
    web_view.cookies["sessionid"] = app.cookies["sessionid"].value

    response = web_view.get(lesson["url"], secure=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-authenticated="true"' in page
    assert "data-sign-in-prompt" not in page
    assert 'href="tel:150"' in page and 'href="tel:111"' in page
    assert tr("Domestic violence, 24/7", language) in page
    assert tr("Quick exit", language) in page
    # The page's player reports with the CSRF cookie the page set.
    heartbeat = post_heartbeat(
        web_view,
        video_lesson,
        long_video,
        {"X-CSRFToken": web_view.cookies["csrftoken"].value, "Origin": SITE},
    )
    assert heartbeat.status_code == 200
