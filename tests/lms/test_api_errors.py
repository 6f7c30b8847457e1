"""Every answer under /api/ is JSON with a ``detail``, also when Django itself
answers: an unknown path, a wrong method, a body over the upload limit, a crash."""

import json

import pytest

from progress import services
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db


def detail(response) -> str:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"]


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert detail(response) == tr("Not found.", "kk")


def test_a_wrong_method_is_a_json_405_that_names_the_allowed_one(client):
    response = client.get("/api/v1/progress/heartbeat")

    assert response.status_code == 405
    assert detail(response) == tr("Method not allowed.", "kk")
    assert response["Allow"] == "POST"


@pytest.mark.parametrize("debug", [False, True])
def test_a_body_over_the_upload_limit_is_a_json_413(client, learner, settings, debug):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DEBUG = debug  # as ``make run`` serves: ninja answers crashes itself
    client.force_login(learner)

    response = client.post(
        "/api/v1/progress/heartbeat",
        json.dumps({"lesson": 1, "padding": "x" * 2000}),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert detail(response) == tr("The request body is too large.", "kk")


def test_a_crash_is_a_json_500(client, learner, guide_course, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "course_progress", crash)
    client.force_login(learner)
    client.raise_request_exception = False

    response = client.get(f"/api/v1/progress/courses/{guide_course.pk}")

    assert response.status_code == 500
    assert detail(response) == tr("Server error. Please try again later.", "kk")
    assert "boom" not in response.content.decode()


def test_pages_keep_their_html_error_pages(client):
    response = client.get("/kk/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_body_that_is_not_json_is_told_so_in_the_callers_language(
    client, learner, language
):
    client.force_login(learner)
    response = client.post(
        "/api/v1/progress/heartbeat",
        "{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": tr("The body must be JSON.", language)}


def test_a_crash_is_logged_once_with_its_traceback(
    client, learner, guide_course, monkeypatch
):
    """Django logs the crash as it answers; the JSON answer made of its 500 page
    is not logged again (without the traceback) as a second error."""
    import logging

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "course_progress", crash)
    client.force_login(learner)
    client.raise_request_exception = False
    handler = Keep()
    logging.getLogger("django.request").addHandler(handler)
    try:
        response = client.get(f"/api/v1/progress/courses/{guide_course.pk}")
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    assert response.status_code == 500
    assert [record.exc_info is not None for record in records] == [True]


@pytest.mark.parametrize(
    "path", ["/api/v1/progress/heartbeat", "/api/v1/progress/lessons/1/quiz"]
)
def test_a_body_nested_too_deep_is_a_400(client, learner, path):
    client.force_login(learner)
    response = client.post(path, "[" * 10_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
