"""The progress API as an app that is not a browser uses it (docs/api-clients.md):
signing in and the CSRF check over HTTPS, the errors it documents, and what to
play for each video of a lesson."""

import io
import json
import uuid

from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import translation

import jwt
import pytest

from courses.factories import VideoCaptionFactory
from lms.api_auth import csrf_refusal
from lms.factories import VALID_IINS
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

SITE = "https://testserver"
PASSWORD = "pass-word-123"  # lms.factories.UserFactory


@pytest.fixture
def production_like(settings):
    """The site's address is on HTTPS, as in production."""
    settings.SITE_URL = SITE
    settings.CSRF_TRUSTED_ORIGINS = [SITE]


def native_client() -> Client:
    """A client like OkHttp or URLSession: a cookie jar, HTTPS, Django's CSRF check
    enforced, and no ``Origin`` or ``Referer`` unless it is told to send them."""
    return Client(enforce_csrf_checks=True)


def sign_in(client: Client, origin: str | None = SITE, login: str = VALID_IINS[0]):
    client.get("/accounts/login/", secure=True)
    token = client.cookies["csrftoken"].value
    headers = {"X-CSRFToken": token}
    if origin:
        headers["Origin"] = origin
    return client.post(
        "/accounts/login/",
        {"login": login, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers=headers,
        secure=True,
    )


def post_heartbeat(client: Client, lesson, video, headers: dict):
    body = {
        "lesson": lesson.pk,
        "video": video.pk,
        "session": str(uuid.uuid4()),
        "position": 0,
        "rate": 1,
        "state": "playing",
    }
    return client.post(
        "/api/v1/progress/heartbeat",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
        secure=True,
    )


# --- Signing in and the CSRF check -----------------------------------------------


def test_sign_in_without_origin_over_https_is_refused(production_like, learner):
    client = native_client()

    response = sign_in(client, origin=None)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_sign_in_by_iin_or_email_with_origin_is_a_redirect(production_like, learner):
    by_iin, by_email = native_client(), native_client()

    assert sign_in(by_iin).status_code == 302
    assert sign_in(by_email, login=learner.email).status_code == 302
    assert by_iin.session["_auth_user_id"] == str(learner.pk)
    assert by_email.session["_auth_user_id"] == str(learner.pk)


def test_a_wrong_password_is_answered_200_with_the_form(production_like, learner):
    client = native_client()
    client.get("/accounts/login/", secure=True)
    token = client.cookies["csrftoken"].value

    response = client.post(
        "/accounts/login/",
        {"login": VALID_IINS[0], "password": "wrong", "csrfmiddlewaretoken": token},
        headers={"X-CSRFToken": token, "Origin": SITE},
        secure=True,
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_api_post_without_origin_is_refused_with_what_to_send(
    production_like, learner, video_lesson, long_video, language
):
    client = native_client()
    assert sign_in(client).status_code == 302
    token = client.cookies["csrftoken"].value  # a new one after signing in

    response = post_heartbeat(
        client,
        video_lesson,
        long_video,
        {"X-CSRFToken": token, "Accept-Language": language},
    )

    assert response.status_code == 403
    detail = response.json()["detail"]
    with translation.override(language):
        assert detail == csrf_refusal()
    with translation.override("en"):
        assert detail != csrf_refusal()
    assert "X-CSRFToken" in detail and f"Origin: {SITE}" in detail


def test_an_api_post_with_token_and_origin_is_accepted(
    production_like, learner, video_lesson, long_video
):
    client = native_client()
    assert sign_in(client).status_code == 302
    token = client.cookies["csrftoken"].value

    response = post_heartbeat(
        client, video_lesson, long_video, {"X-CSRFToken": token, "Origin": SITE}
    )

    assert response.status_code == 200
    assert response.json()["resume_at"] == 0


def test_an_api_post_without_the_token_is_refused(
    production_like, learner, video_lesson, long_video
):
    client = native_client()
    assert sign_in(client).status_code == 302

    response = post_heartbeat(client, video_lesson, long_video, {"Origin": SITE})

    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["detail"]


def test_not_signed_in_is_a_translated_401(video_lesson):
    response = Client().get(
        f"/api/v1/progress/lessons/{video_lesson.pk}",
        headers={"Accept-Language": "ru"},
        secure=True,
    )

    assert response.status_code == 401
    assert response.json() == {
        "detail": tr("Authentication credentials are missing or wrong.", "ru")
    }


# --- Errors ----------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["heartbeat", "quiz"])
def test_a_form_sent_to_a_json_endpoint_is_a_json_400(learner, video_lesson, endpoint):
    """A form with a boundary, as app libraries send one, is read as a form by the
    CSRF check; the endpoint then tells the app to send JSON."""
    client = native_client()
    client.force_login(learner)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    path = (
        "/api/v1/progress/heartbeat"
        if endpoint == "heartbeat"
        else f"/api/v1/progress/lessons/{video_lesson.pk}/quiz"
    )

    response = client.post(
        path,
        {"lesson": str(video_lesson.pk), "file": io.BytesIO(b"x")},
        headers={"X-CSRFToken": token, "Accept-Language": "ru"},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": tr("The body must be JSON.", "ru")}


@pytest.mark.parametrize("debug", [True, False])
def test_a_multipart_body_without_a_boundary_is_a_json_400(
    settings, learner, video_lesson, debug
):
    settings.DEBUG = debug
    client = native_client()
    client.force_login(learner)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token

    response = client.post(
        f"/api/v1/progress/lessons/{video_lesson.pk}/quiz",
        json.dumps({"answers": {}}),
        content_type="multipart/form-data",
        headers={"X-CSRFToken": token, "Accept-Language": "kk"},
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == tr(
        "The request body cannot be read as multipart/form-data. Send JSON with "
        "Content-Type: application/json.",
        "kk",
    )


def test_the_schema_documents_401_and_the_csrf_403(client):
    spec = client.get("/api/v1/openapi.json").json()
    operations = [
        (method, operation)
        for path, item in spec["paths"].items()
        if path.startswith("/api/v1/progress/")
        for method, operation in item.items()
    ]

    assert len(operations) == 5
    for method, operation in operations:
        codes = set(operation["responses"])
        assert "401" in codes, operation["operationId"]
        if method == "post":
            assert "403" in codes, operation["operationId"]
    assert "api-clients.md" in spec["info"]["description"]


# --- What to play ----------------------------------------------------------------


def lesson_videos(client, lesson, **headers) -> list[dict]:
    response = client.get(f"/api/v1/progress/lessons/{lesson.pk}", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["videos"]


def test_a_local_video_plays_from_its_file_with_its_captions(
    signed_in, video_lesson, long_video
):
    VideoCaptionFactory(video=long_video, language="ru")
    VideoCaptionFactory(video=long_video, language="kk")

    (video,) = lesson_videos(signed_in, video_lesson)

    # The fields of CONTRACTS.md §5 are all still there.
    assert video["video"] == long_video.pk and video["duration"] == 100.0
    assert {"watched_seconds", "coverage", "resume_at", "completed"} <= set(video)
    assert video["title"] == "Ұзын бейне"
    assert video["playback"] == {
        "kind": "file",
        "url": f"http://testserver/videos/{long_video.pk}/file",
    }
    assert video["poster"] is None
    assert [c["language"] for c in video["captions"]] == ["kk", "ru"]
    assert video["captions"][1]["label"] == "Русский"
    for caption in video["captions"]:
        assert caption["url"].startswith(
            f"http://testserver/videos/{long_video.pk}/captions/{caption['language']}"
        )
        fetched = signed_in.get(caption["url"])
        assert fetched.status_code == 200
        assert fetched["Content-Type"].startswith("text/vtt")
    assert signed_in.get(video["playback"]["url"]).status_code == 200


def test_a_public_mux_video_plays_over_hls_capped_with_data_saver(
    signed_in, video_lesson, long_video
):
    long_video.file = None
    long_video.mux_playback_id = "play-p"
    long_video.mux_playback_policy = "public"
    long_video.save()

    (normal,) = lesson_videos(signed_in, video_lesson)
    (saving,) = lesson_videos(signed_in, video_lesson, **{"Save-Data": "on"})

    assert normal["playback"] == {
        "kind": "hls",
        "url": "https://stream.mux.com/play-p.m3u8",
    }
    assert normal["poster"].startswith("https://image.mux.com/play-p/")
    assert saving["playback"]["url"].endswith("play-p.m3u8?max_resolution=360p")
    assert saving["poster"] is None


def test_a_signed_mux_video_plays_with_a_token_for_the_learner(
    signing_key, signed_in, video_lesson, long_video
):
    long_video.file = None
    long_video.mux_playback_id = "play-s"
    long_video.mux_playback_policy = "signed"
    long_video.save()

    (video,) = lesson_videos(signed_in, video_lesson)

    assert video["playback"]["kind"] == "hls"
    url, token = video["playback"]["url"].split("?token=")
    assert url == "https://stream.mux.com/play-s.m3u8"
    claims = jwt.decode(token, signing_key, algorithms=["RS256"], audience="v")
    assert claims["sub"] == "play-s"
    assert "token=" in video["poster"]


def test_a_video_not_ready_has_nothing_to_play(signed_in, video_lesson, long_video):
    long_video.file = None
    long_video.save()

    (video,) = lesson_videos(signed_in, video_lesson)

    assert video["playback"] is None


def test_opening_a_lesson_answers_the_same_playback(
    signed_in, video_lesson, long_video
):
    response = signed_in.post(f"/api/v1/progress/lessons/{video_lesson.pk}/open")

    assert response.status_code == 200
    assert response.json()["videos"] == lesson_videos(signed_in, video_lesson)
