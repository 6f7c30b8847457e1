"""Mux: the webhook (signatures, each event once), sync, captions as text tracks,
direct uploads from the admin and signed playback tokens. Only Mux's HTTP API is
mocked."""

import hashlib
import hmac
import json
import time
from html import unescape

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

import jwt
import pytest
import requests
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from freezegun import freeze_time

from courses import mux, services
from courses.factories import VideoCaptionFactory, VideoFactory
from courses.models import MuxWebhookEvent, Video, VideoStatus
from lms.factories import UserFactory
from tests.lms.i18n import tr

SECRET = "whsec-test"
API = "https://api.mux.com"


def signed_headers(body: bytes, secret: str = SECRET, timestamp: int | None = None):
    """The ``Mux-Signature`` header exactly as Mux documents it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return {"HTTP_MUX_SIGNATURE": f"t={timestamp},v1={digest}"}


def post_event(client, event: dict, **signature):
    body = json.dumps(event).encode()
    return client.post(
        "/mux/webhook/",
        data=body,
        content_type="application/json",
        **signed_headers(body, **signature),
    )


def asset_ready(asset_id="asset-1", upload_id="upload-1", event_id="evt-ready"):
    return {
        "type": "video.asset.ready",
        "id": event_id,
        "object": {"type": "asset", "id": asset_id},
        "data": {
            "id": asset_id,
            "status": "ready",
            "duration": 12.345,
            "upload_id": upload_id,
            "playback_ids": [{"id": "play-123", "policy": "public"}],
            "tracks": [{"type": "video", "id": "track-v", "max_width": 320}],
        },
    }


@pytest.fixture
def webhook_secret(settings):
    settings.MUX_WEBHOOK_SECRET = SECRET


@pytest.fixture
def mux_credentials(settings):
    settings.MUX_TOKEN_ID = "token-id"
    settings.MUX_TOKEN_SECRET = "token-secret"


@pytest.fixture
def uploading_video(db):
    return VideoFactory(
        file=None,
        status=VideoStatus.WAITING,
        duration=None,
        mux_upload_id="upload-1",
    )


# --- Webhook -----------------------------------------------------------------------


@pytest.mark.django_db
def test_webhook_answers_503_without_a_secret(client, settings, uploading_video):
    settings.MUX_WEBHOOK_SECRET = ""
    response = post_event(client, asset_ready())
    assert response.status_code == 503
    assert "detail" in response.json()


@pytest.mark.django_db
def test_asset_ready_fills_in_playback_id_duration_and_status(
    client, webhook_secret, uploading_video
):
    response = post_event(client, asset_ready())

    assert response.status_code == 200
    video = Video.objects.get(pk=uploading_video.pk)
    assert video.status == VideoStatus.READY
    assert video.mux_asset_id == "asset-1"
    assert video.mux_playback_id == "play-123"
    assert video.mux_playback_policy == "public"
    assert video.duration == pytest.approx(12.345)
    assert video.is_ready


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature",
    [
        {"secret": "someone-else"},
        {"age": 400},
        {"age": -600},
    ],
    ids=["wrong-secret", "stale", "future"],
)
def test_wrong_or_stale_signature_changes_nothing(
    client, webhook_secret, uploading_video, signature
):
    if "age" in signature:
        # Computed when the test runs, not when it is collected.
        signature = {"timestamp": int(time.time()) - signature["age"]}
    response = post_event(client, asset_ready(), **signature)

    assert response.status_code == 400
    assert response.json()["detail"]
    video = Video.objects.get(pk=uploading_video.pk)
    assert video.status == VideoStatus.WAITING
    assert video.mux_playback_id == ""
    assert not MuxWebhookEvent.objects.exists()


@pytest.mark.django_db
def test_missing_signature_or_tampered_body_is_refused(
    client, webhook_secret, uploading_video
):
    body = json.dumps(asset_ready()).encode()
    missing = client.post("/mux/webhook/", data=body, content_type="application/json")
    headers = signed_headers(body)
    tampered = client.post(
        "/mux/webhook/",
        data=body.replace(b"play-123", b"play-666"),
        content_type="application/json",
        **headers,
    )
    assert missing.status_code == tampered.status_code == 400
    assert Video.objects.get(pk=uploading_video.pk).mux_playback_id == ""


@pytest.mark.django_db
def test_the_webhook_answers_without_its_trailing_slash_too(
    client, webhook_secret, uploading_video
):
    body = json.dumps(asset_ready()).encode()
    response = client.post(
        "/mux/webhook",
        data=body,
        content_type="application/json",
        **signed_headers(body),
    )
    assert response.status_code == 200
    assert Video.objects.get(pk=uploading_video.pk).mux_playback_id == "play-123"


@pytest.mark.django_db
def test_a_duplicate_event_is_applied_once(client, webhook_secret, uploading_video):
    first = post_event(client, asset_ready(event_id="evt-1"))
    # An editor corrects the duration by hand; Mux then resends the same event.
    Video.objects.filter(pk=uploading_video.pk).update(duration=99)
    again = post_event(client, asset_ready(event_id="evt-1"))

    assert first.json() == {"applied": True}
    assert again.status_code == 200 and again.json() == {"applied": False}
    assert Video.objects.get(pk=uploading_video.pk).duration == 99
    assert MuxWebhookEvent.objects.filter(event_id="evt-1").count() == 1


@pytest.mark.django_db
def test_upload_asset_created_links_the_asset_and_marks_it_preparing(
    client, webhook_secret, uploading_video
):
    event = {
        "type": "video.upload.asset_created",
        "id": "evt-upload",
        "object": {"type": "upload", "id": "upload-1"},
        "data": {"id": "upload-1", "asset_id": "asset-9", "status": "asset_created"},
    }
    assert post_event(client, event).status_code == 200
    video = Video.objects.get(pk=uploading_video.pk)
    assert video.mux_asset_id == "asset-9"
    assert video.status == VideoStatus.PREPARING


@pytest.mark.django_db
def test_asset_errored_marks_the_video_errored_with_mux_message(
    client, webhook_secret, uploading_video
):
    Video.objects.filter(pk=uploading_video.pk).update(mux_asset_id="asset-1")
    event = {
        "type": "video.asset.errored",
        "id": "evt-err",
        "object": {"type": "asset", "id": "asset-1"},
        "data": {
            "id": "asset-1",
            "status": "errored",
            "errors": {"type": "invalid_input", "messages": ["Not a video file"]},
        },
    }
    assert post_event(client, event).status_code == 200
    video = Video.objects.get(pk=uploading_video.pk)
    assert video.status == VideoStatus.ERRORED
    assert video.error_message == "Not a video file"


@pytest.mark.django_db
def test_track_ready_records_the_caption_track(client, webhook_secret):
    video = VideoFactory(mux_asset_id="asset-1", mux_playback_id="play-1")
    caption = VideoCaptionFactory(video=video, language="ru")
    event = {
        "type": "video.asset.track.ready",
        "id": "evt-track",
        "object": {"type": "asset", "id": "asset-1"},
        "data": {
            "id": "track-ru",
            "type": "text",
            "text_type": "subtitles",
            "language_code": "ru",
            "status": "ready",
            "asset_id": "asset-1",
        },
    }
    assert post_event(client, event).status_code == 200
    caption.refresh_from_db()
    assert caption.mux_track_id == "track-ru"


@pytest.mark.django_db
def test_malformed_event_is_a_400_not_a_500(client, webhook_secret):
    for body in (
        b"not json",
        b"[]",
        json.dumps({"type": "video.asset.ready"}).encode(),
    ):
        response = client.post(
            "/mux/webhook/",
            data=body,
            content_type="application/json",
            **signed_headers(body),
        )
        assert response.status_code == 400
    assert not MuxWebhookEvent.objects.exists()


@pytest.mark.django_db
def test_events_with_values_of_the_wrong_shape_are_a_400(
    client, webhook_secret, uploading_video
):
    ready = asset_ready()

    def with_data(**values):
        return {
            **ready,
            "id": f"evt-{len(values)}-{sorted(values)}",
            "data": {**ready["data"], **values},
        }

    for event in (
        with_data(duration="abc"),
        with_data(playback_ids="abc"),
        with_data(playback_ids=[1]),
        {
            **ready,
            "type": "video.asset.errored",
            "data": {
                "id": "asset-1",
                "status": "errored",
                "errors": "x",
                "upload_id": "upload-1",
            },
        },
        {**ready, "object": "x"},
        {**ready, "id": "e" * 256},
        {**ready, "id": ["evt"]},
        {**ready, "type": "video.asset." + "x" * 100},
    ):
        response = post_event(client, event)
        assert response.status_code == 400, event
        assert response.json()["detail"]
    assert not MuxWebhookEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_value_too_long_for_its_column_is_a_400(
    client, webhook_secret, uploading_video
):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce column lengths")
    event = asset_ready()
    event["data"]["playback_ids"] = [{"id": "p" * 300, "policy": "public"}]
    response = post_event(client, event)
    assert response.status_code == 400
    assert not MuxWebhookEvent.objects.exists()
    uploading_video.refresh_from_db()
    assert uploading_video.status == VideoStatus.WAITING


@pytest.mark.django_db
def test_a_late_preparing_event_leaves_a_ready_video_ready(
    client, webhook_secret, uploading_video
):
    assert post_event(client, asset_ready()).json() == {"applied": True}
    late = {
        "type": "video.asset.created",
        "id": "evt-created",
        "object": {"type": "asset", "id": "asset-1"},
        "data": {"id": "asset-1", "status": "preparing", "upload_id": "upload-1"},
    }

    assert post_event(client, late).json() == {"applied": True}

    uploading_video.refresh_from_db()
    assert uploading_video.status == VideoStatus.READY
    assert uploading_video.mux_playback_id == "play-123"


def test_signature_check_follows_mux_scheme():
    body = b'{"id": "x"}'
    now = 1_700_000_000
    digest = hmac.new(b"s", f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    header = f"t={now},v1={digest}"
    assert mux.verify_webhook_signature(body, header, "s", now=now + 299)
    assert not mux.verify_webhook_signature(body, header, "s", now=now + 301)
    assert not mux.verify_webhook_signature(body, header, "other", now=now)
    assert not mux.verify_webhook_signature(body, "t=abc,v1=00", "s", now=now)


# --- Sync task and captions -----------------------------------------------------------


def mux_asset_json(asset_id="asset-1", status="ready", tracks=()):
    return {
        "data": {
            "id": asset_id,
            "status": status,
            "duration": 14.5,
            "created_at": "1700000000",
            "playback_ids": [{"id": "play-777", "policy": "signed"}],
            "tracks": list(tracks),
        }
    }


@pytest.mark.django_db
@responses.activate
def test_sync_task_fills_in_the_same_fields_and_is_idempotent(
    mux_credentials, run_tasks
):
    from courses.tasks import sync_video_from_mux

    video = VideoFactory(
        file=None, status=VideoStatus.PREPARING, duration=None, mux_asset_id="asset-1"
    )
    responses.get(f"{API}/video/v1/assets/asset-1", json=mux_asset_json())

    sync_video_from_mux.enqueue(video.pk)
    run_tasks()
    first = Video.objects.get(pk=video.pk)
    sync_video_from_mux.enqueue(video.pk)
    run_tasks()
    second = Video.objects.get(pk=video.pk)

    assert first.status == VideoStatus.READY
    assert first.mux_playback_id == "play-777"
    assert first.mux_playback_policy == "signed"
    assert first.duration == pytest.approx(14.5)
    assert second.updated_at == first.updated_at  # nothing changed the second time
    assert len(responses.calls) == 2
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@pytest.mark.django_db
@responses.activate
def test_sync_finds_the_asset_through_the_direct_upload(mux_credentials):
    video = VideoFactory(
        file=None, status=VideoStatus.WAITING, duration=None, mux_upload_id="up-5"
    )
    responses.get(
        f"{API}/video/v1/uploads/up-5",
        json={
            "data": {
                "id": "up-5",
                "status": "asset_created",
                "asset_id": "asset-5",
                "timeout": 3600,
                "url": "https://storage.example/upload",
            }
        },
    )
    responses.get(
        f"{API}/video/v1/assets/asset-5", json=mux_asset_json(asset_id="asset-5")
    )
    services.sync_video(video.pk)
    video.refresh_from_db()
    assert video.mux_asset_id == "asset-5"
    assert video.status == VideoStatus.READY


@pytest.mark.django_db
@responses.activate
def test_captions_are_attached_to_the_mux_asset_once(mux_credentials, settings, client):
    settings.SITE_URL = "https://otbasy.example"
    video = VideoFactory(mux_asset_id="asset-1", mux_playback_id="play-1")
    caption = VideoCaptionFactory(video=video, language="kk")
    tracks = responses.post(
        f"{API}/video/v1/assets/asset-1/tracks",
        json={"data": {"id": "track-kk", "type": "text", "language_code": "kk"}},
        status=201,
    )

    assert services.attach_captions(video.pk) == ["track-kk"]
    assert services.attach_captions(video.pk) == []  # already there

    assert tracks.call_count == 1
    sent = json.loads(tracks.calls[0].request.body)
    # No lesson shows the video yet: Mux fetches the file with the grant it is sent.
    path = f"/videos/{video.pk}/captions/kk.vtt"
    assert sent["url"].startswith(f"https://otbasy.example{path}?v=")
    assert "&grant=" in sent["url"]
    assert client.get(path).status_code == 404
    fetched = client.get(sent["url"].removeprefix("https://otbasy.example"))
    assert fetched.status_code == 200
    assert b"".join(fetched.streaming_content) == caption.file.open("rb").read()
    assert sent["type"] == "text" and sent["language_code"] == "kk"
    caption.refresh_from_db()
    assert caption.mux_track_id == "track-kk"


@pytest.mark.django_db
@responses.activate
def test_a_replaced_caption_file_replaces_its_track(mux_credentials):
    video = VideoFactory(mux_asset_id="asset-1", mux_playback_id="play-1")
    caption = VideoCaptionFactory(video=video, language="en")
    caption.mux_track_id = "old-track"
    caption.mux_track_source = "captions/older.vtt"
    caption.save()
    deleted = responses.delete(
        f"{API}/video/v1/assets/asset-1/tracks/old-track", status=204
    )
    responses.post(
        f"{API}/video/v1/assets/asset-1/tracks",
        json={"data": {"id": "new-track", "type": "text"}},
        status=201,
    )
    assert services.attach_captions(video.pk) == ["new-track"]
    assert deleted.call_count == 1


# --- Direct upload from the admin ----------------------------------------------------


@pytest.mark.django_db
@responses.activate
def test_direct_upload_view_creates_a_mux_upload_for_the_admin_origin(
    client, mux_credentials
):
    editor = UserFactory(is_staff=True, is_superuser=True)
    video = VideoFactory(file=None, status=VideoStatus.WAITING)
    created = responses.post(
        f"{API}/video/v1/uploads",
        json={
            "data": {
                "id": "upload-42",
                "url": "https://storage.googleapis.com/video-storage/upload-42",
                "status": "waiting",
                "timeout": 3600,
                "cors_origin": "http://testserver",
            }
        },
        status=201,
    )
    client.force_login(editor)

    response = client.post(f"/admin/courses/videos/{video.pk}/mux-upload/")

    assert response.status_code == 200
    assert response.json() == {
        "url": "https://storage.googleapis.com/video-storage/upload-42",
        "upload_id": "upload-42",
    }
    sent = json.loads(created.calls[0].request.body)
    assert sent["cors_origin"] == "http://testserver"
    assert sent["new_asset_settings"]["playback_policy"] == ["public"]
    video.refresh_from_db()
    assert video.mux_upload_id == "upload-42"


@pytest.mark.django_db
@responses.activate
def test_direct_upload_view_reports_mux_failure_and_refuses_learners(
    client, mux_credentials
):
    video = VideoFactory(file=None, status=VideoStatus.WAITING)
    responses.post(f"{API}/video/v1/uploads", json={"error": {}}, status=500)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    failed = client.post(f"/admin/courses/videos/{video.pk}/mux-upload/")
    assert failed.status_code == 502 and failed.json()["detail"]
    assert Video.objects.get(pk=video.pk).mux_upload_id == ""

    client.force_login(UserFactory())
    refused = client.post(f"/admin/courses/videos/{video.pk}/mux-upload/")
    assert refused.status_code in (302, 403)


@pytest.mark.django_db
@responses.activate
@pytest.mark.parametrize(
    "failure", [requests.ConnectionError("refused"), requests.ReadTimeout("slow")]
)
def test_an_unreachable_mux_is_a_502_that_says_so(client, mux_credentials, failure):
    video = VideoFactory(file=None, status=VideoStatus.WAITING)
    responses.post(f"{API}/video/v1/uploads", body=failure)
    responses.get(f"{API}/video/v1/assets/asset-1", body=failure)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        f"/admin/courses/videos/{video.pk}/mux-upload/", HTTP_ACCEPT_LANGUAGE="kk"
    )

    assert response.status_code == 502
    assert response.json()["detail"] == tr(
        "Mux could not be reached. Try again in a minute.", "kk"
    )
    assert Video.objects.get(pk=video.pk).mux_upload_id == ""
    with pytest.raises(mux.MuxError, match=f"Mux answered 0: {failure}"):
        mux.get_asset("asset-1")


@pytest.mark.django_db
def test_direct_upload_without_mux_credentials_says_so(client):
    video = VideoFactory(file=None, status=VideoStatus.WAITING)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/courses/videos/{video.pk}/mux-upload/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "local file" in response.json()["detail"]


# --- Signed playback ---


def test_signed_playback_token_verifies_with_the_public_key_and_expires(signing_key):
    with freeze_time("2026-11-23 08:00:00"):
        token = mux.playback_token("play-xyz", "v")
        claims = jwt.decode(token, signing_key, algorithms=["RS256"], audience="v")
        assert claims["sub"] == "play-xyz"
        assert claims["kid"] == "key-abc"
        assert jwt.get_unverified_header(token)["kid"] == "key-abc"
        assert claims["exp"] - time.time() <= 3600

    with freeze_time("2026-11-23 09:00:01"), pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, signing_key, algorithms=["RS256"], audience="v")

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with freeze_time("2026-11-23 08:00:00"), pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, other.public_key(), algorithms=["RS256"], audience="v")


@pytest.mark.django_db
def test_signed_videos_get_a_token_only_for_signed_in_learners(signing_key, learner):
    video = VideoFactory(
        file=None,
        mux_asset_id="asset-1",
        mux_playback_id="play-s",
        mux_playback_policy="signed",
    )
    for_learner = services.player_source(video, user=learner)
    for_visitor = services.player_source(video, user=None)

    assert for_learner["kind"] == "hls"
    src, token = for_learner["src"].split("?token=")
    assert src == "https://stream.mux.com/play-s.m3u8"
    assert jwt.decode(token, signing_key, algorithms=["RS256"], audience="v")[
        "sub"
    ] == ("play-s")
    assert "token=" in for_learner["poster"]
    assert for_visitor["kind"] == "" and for_visitor["reason"] == "sign_in"


@pytest.mark.django_db
def test_public_mux_video_plays_over_hls_and_local_video_from_its_file():
    on_mux = VideoFactory(
        file=None, mux_playback_id="play-p", mux_playback_policy="public"
    )
    local = VideoFactory()
    assert services.player_source(on_mux)["src"] == "https://stream.mux.com/play-p.m3u8"
    source = services.player_source(local)
    assert source["kind"] == "file"
    assert source["src"] == f"/videos/{local.pk}/file"


@pytest.mark.django_db
@responses.activate
def test_asset_ready_pushes_waiting_captions_to_mux(
    client,
    webhook_secret,
    mux_credentials,
    uploading_video,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    VideoCaptionFactory(video=uploading_video, language="kk")
    VideoCaptionFactory(video=uploading_video, language="ru")
    tracks = responses.post(
        f"{API}/video/v1/assets/asset-1/tracks",
        json={"data": {"id": "track-new", "type": "text"}},
        status=201,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = post_event(client, asset_ready())
    run_tasks()

    assert response.status_code == 200
    assert tracks.call_count == 2
    sent = sorted(json.loads(c.request.body)["language_code"] for c in tracks.calls)
    assert sent == ["kk", "ru"]


# --- Data saver ---


def saving_request():
    request = RequestFactory().get("/", headers={"Save-Data": "on"})
    request.user = AnonymousUser()
    return request


@pytest.mark.django_db
def test_data_saver_caps_a_public_stream_and_drops_the_poster():
    video = VideoFactory(
        file=None, mux_playback_id="play-p", mux_playback_policy="public"
    )
    normal = services.player_source(video, request=RequestFactory().get("/"))
    saving = services.player_source(video, request=saving_request())

    assert normal["src"] == "https://stream.mux.com/play-p.m3u8"
    assert normal["poster"].startswith("https://image.mux.com/play-p/")
    assert saving["src"] == "https://stream.mux.com/play-p.m3u8?max_resolution=360p"
    assert saving["poster"] == ""


@pytest.mark.django_db
def test_data_saver_caps_a_signed_stream_in_its_token(signing_key, learner):
    video = VideoFactory(
        file=None,
        mux_asset_id="asset-1",
        mux_playback_id="play-s",
        mux_playback_policy="signed",
    )
    saving = services.player_source(video, user=learner, request=saving_request())
    normal = services.player_source(video, user=learner)

    def claims(source):
        token = source["src"].split("?token=")[1]
        return jwt.decode(token, signing_key, algorithms=["RS256"], audience="v")

    # A signed URL takes no other query parameters: the cap is a claim.
    assert "max_resolution" not in saving["src"]
    assert claims(saving)["max_resolution"] == "360p"
    assert claims(saving)["sub"] == "play-s"
    assert "max_resolution" not in claims(normal)
    assert saving["poster"] == "" and "token=" in normal["poster"]


@pytest.mark.parametrize(
    ("key_id", "private", "says"),
    [
        ("kid1", "notbase64pem", "cannot be used"),
        ("kid1", "", "MUX_SIGNING_KEY_PRIVATE is not set"),
        ("", "LS0tLS1CRUdJTg==", "MUX_SIGNING_KEY_ID is not set"),
    ],
)
def test_an_unusable_mux_signing_key_fails_the_system_check(
    settings, signing_key, key_id, private, says
):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    call_command("check")  # a good key, or none, is fine
    settings.MUX_SIGNING_KEY_ID, settings.MUX_SIGNING_KEY_PRIVATE = "", ""
    call_command("check")
    settings.MUX_SIGNING_KEY_ID, settings.MUX_SIGNING_KEY_PRIVATE = key_id, private
    with pytest.raises(SystemCheckError, match=f"courses.E001.*{says}"):
        call_command("check")


# --- Hostile or odd webhook requests -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["t=\xb2,v1=00", "t=\u0661\u0662,v1=00", "t=" + "9" * 5000 + ",v1=00", "t=,v1=00"],
    ids=["superscript-two", "arabic-digits", "too-many-digits", "empty"],
)
def test_a_timestamp_of_anything_but_ascii_digits_is_a_400(
    client, webhook_secret, uploading_video, header
):
    """The digits must be ASCII: "²".isdigit() is true, but int() refuses it
    (that was a 500)."""
    body = json.dumps(asset_ready()).encode()
    response = client.post(
        "/mux/webhook/",
        data=body,
        content_type="application/json",
        HTTP_MUX_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not mux.verify_webhook_signature(body, header, SECRET)
    assert not MuxWebhookEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("signature", ["\xe9\xe9", "ä" * 64])
def test_a_signature_of_anything_but_ascii_is_a_400(
    client, webhook_secret, uploading_video, signature
):
    """compare_digest refuses str with non-ASCII characters (that was a 500)."""
    body = json.dumps(asset_ready()).encode()
    header = f"t={int(time.time())},v1={signature}"
    response = client.post(
        "/mux/webhook/",
        data=body,
        content_type="application/json",
        HTTP_MUX_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not MuxWebhookEvent.objects.exists()


@pytest.mark.django_db
def test_a_signed_body_nested_too_deep_is_a_400(client, webhook_secret):
    body = b"[" * 100_000 + b"]" * 100_000
    response = client.post(
        "/mux/webhook/",
        data=body,
        content_type="application/json",
        **signed_headers(body),
    )
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.django_db
def test_a_body_too_large_is_a_json_413(client, webhook_secret, settings):
    body = b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/mux/webhook/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "duration", [-5, float("inf"), float("-inf"), float("nan"), 86_401]
)
def test_a_duration_that_is_no_length_of_a_video_is_refused(
    client, webhook_secret, uploading_video, duration
):
    """Watching is credited against the duration: -5 or Infinity (which Python's
    JSON reads) would make a video impossible or trivial to complete."""
    event = asset_ready()
    event["data"]["duration"] = duration
    response = post_event(client, event)

    assert response.status_code == 400
    video = Video.objects.get(pk=uploading_video.pk)
    assert video.duration is None
    assert video.status == VideoStatus.WAITING
    assert not MuxWebhookEvent.objects.exists()


@pytest.mark.django_db
def test_a_duration_of_0_is_no_duration_yet(client, webhook_secret):
    video = VideoFactory(file=None, duration=12.0, mux_asset_id="asset-1")
    event = asset_ready(event_id="evt-zero")
    event["data"]["duration"] = 0
    assert post_event(client, event).status_code == 200
    assert Video.objects.get(pk=video.pk).duration == 12.0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("messages", "stored"),
    [("boom", "boom"), (["boom", "bang"], "boom; bang"), (None, "invalid_input")],
)
def test_mux_error_messages_are_kept_as_words(
    client, webhook_secret, uploading_video, messages, stored
):
    Video.objects.filter(pk=uploading_video.pk).update(mux_asset_id="asset-1")
    event = {
        "type": "video.asset.errored",
        "id": "evt-err",
        "object": {"type": "asset", "id": "asset-1"},
        "data": {
            "id": "asset-1",
            "status": "errored",
            "errors": {"type": "invalid_input", "messages": messages},
        },
    }
    assert post_event(client, event).status_code == 200
    assert Video.objects.get(pk=uploading_video.pk).error_message == stored


# --- A new upload of a video that lessons show --------------------------------------


@pytest.fixture
def playing_video(db, guide_course):
    """A video on Mux that a live lesson of the guide shows, with its captions on
    the Mux asset."""
    video = VideoFactory(
        file=None,
        duration=12.0,
        mux_upload_id="upload-old",
        mux_asset_id="asset-old",
        mux_playback_id="play-old",
        mux_playback_policy="public",
    )
    for language in ("kk", "ru", "en"):
        VideoCaptionFactory(video=video, language=language)
    VideoCaption = video.captions.model
    VideoCaption.objects.filter(video=video).update(
        mux_track_id="track-old", mux_track_source="captions/old.vtt"
    )
    lesson = guide_course.lessons()[0]
    lesson.body_kk = [{"type": "video", "value": {"video": video.pk}}]
    lesson.save_revision().publish()
    return video, lesson


def start_new_upload(client, video, upload_id="upload-new"):
    responses.post(
        f"{API}/video/v1/uploads",
        json={"data": {"id": upload_id, "url": f"https://storage.example/{upload_id}"}},
        status=201,
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client.post(f"/admin/courses/videos/{video.pk}/mux-upload/")


def new_asset_event(status, event_id, **data):
    return {
        "type": f"video.asset.{'created' if status == 'preparing' else status}",
        "id": event_id,
        "object": {"type": "asset", "id": "asset-new"},
        "data": {
            "id": "asset-new",
            "status": status,
            "upload_id": "upload-new",
            **data,
        },
    }


def what_plays(video, lesson):
    from progress.services import lesson_structure

    video.refresh_from_db()
    source = services.player_source(video)
    return (
        source["src"],
        video.is_ready,
        lesson_structure(lesson.pk).durations[video.pk],
    )


@pytest.mark.django_db
@responses.activate
def test_a_new_upload_plays_only_once_ready_and_then_with_its_own_duration(
    client,
    webhook_secret,
    mux_credentials,
    playing_video,
    run_tasks,
    django_capture_on_commit_callbacks,
):
    """The guide's learners go on watching the video (its playback ID, and the
    duration their watching is credited against) while Mux prepares the new
    upload; once it is ready it takes over, and the captions go to the new
    asset."""
    video, lesson = playing_video
    old = ("https://stream.mux.com/play-old.m3u8", True, 12.0)
    assert what_plays(video, lesson) == old

    response = start_new_upload(client, video)

    assert response.status_code == 200
    assert response.json()["upload_id"] == "upload-new"
    assert what_plays(video, lesson) == old
    assert video.mux_new_upload_id == "upload-new"
    assert not lesson.publish_problems()

    responses.get(
        f"{API}/video/v1/assets/asset-new",
        json={"data": {"id": "asset-new", "status": "preparing"}},
    )
    created = {
        "type": "video.upload.asset_created",
        "id": "evt-upload-new",
        "object": {"type": "upload", "id": "upload-new"},
        "data": {"id": "upload-new", "asset_id": "asset-new"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, created).status_code == 200
        assert post_event(client, new_asset_event("preparing", "e1")).json() == {
            "applied": True
        }
    run_tasks()
    assert what_plays(video, lesson) == old
    assert video.mux_new_asset_id == "asset-new"
    assert video.mux_asset_id == "asset-old"

    tracks = responses.post(
        f"{API}/video/v1/assets/asset-new/tracks",
        json={"data": {"id": "track-new", "type": "text"}},
        status=201,
    )
    ready = new_asset_event(
        "ready",
        "e2",
        duration=20.5,
        playback_ids=[{"id": "play-new", "policy": "public"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, ready).status_code == 200
    run_tasks()

    assert what_plays(video, lesson) == (
        "https://stream.mux.com/play-new.m3u8",
        True,
        20.5,
    )
    assert (video.mux_asset_id, video.mux_upload_id) == ("asset-new", "upload-new")
    assert (video.mux_new_upload_id, video.mux_new_asset_id) == ("", "")
    sent = sorted(
        json.loads(call.request.body)["language_code"] for call in tracks.calls
    )
    assert sent == ["en", "kk", "ru"]
    assert set(video.captions.values_list("mux_track_id", flat=True)) == {"track-new"}

    # A late event of the old asset changes nothing any more.
    late = {**asset_ready(asset_id="asset-old", event_id="e3")}
    late["data"]["status"] = "errored"
    assert post_event(client, late).status_code == 200
    assert what_plays(video, lesson)[0] == "https://stream.mux.com/play-new.m3u8"


@pytest.mark.django_db
@responses.activate
def test_a_new_upload_that_fails_leaves_the_video_as_it_was(
    client, webhook_secret, mux_credentials, playing_video
):
    video, lesson = playing_video
    start_new_upload(client, video)
    errored = new_asset_event(
        "errored", "e-err", errors={"type": "invalid_input", "messages": ["No video"]}
    )
    assert post_event(client, errored).status_code == 200

    assert what_plays(video, lesson) == (
        "https://stream.mux.com/play-old.m3u8",
        True,
        12.0,
    )
    assert video.status == VideoStatus.READY
    assert (video.mux_new_upload_id, video.mux_new_asset_id) == ("", "")
    assert video.error_message == "No video"
    assert set(video.captions.values_list("mux_track_id", flat=True)) == {"track-old"}


@pytest.mark.django_db
@responses.activate
def test_sync_brings_in_a_new_upload_once_ready(mux_credentials, playing_video):
    """Webhooks may be lost: "Check status with Mux" finds the new asset through
    its upload."""
    video, lesson = playing_video
    Video.objects.filter(pk=video.pk).update(mux_new_upload_id="upload-new")
    responses.get(
        f"{API}/video/v1/uploads/upload-new",
        json={
            "data": {
                "id": "upload-new",
                "status": "asset_created",
                "asset_id": "asset-new",
            }
        },
    )
    responses.get(
        f"{API}/video/v1/assets/asset-new",
        json={
            "data": {
                "id": "asset-new",
                "status": "ready",
                "duration": 30.0,
                "playback_ids": [{"id": "play-new", "policy": "public"}],
            }
        },
    )
    services.sync_video(video.pk)

    assert what_plays(video, lesson) == (
        "https://stream.mux.com/play-new.m3u8",
        True,
        30.0,
    )


@pytest.mark.django_db
@responses.activate
def test_the_admin_says_while_a_new_upload_is_being_processed(
    client, mux_credentials, playing_video
):
    video, _lesson = playing_video
    listing = "/admin/snippets/courses/video/"
    edit = f"/admin/snippets/courses/video/edit/{video.pk}/"
    start_new_upload(client, video)
    pending = tr("%(status)s; new upload being processed", "kk") % {
        "status": tr(VideoStatus.READY.label, "kk")  # the admin's default language
    }

    assert pending in unescape(client.get(listing).content.decode())
    assert b"data-mux-replacement" in client.get(edit).content

    Video.objects.filter(pk=video.pk).update(mux_new_upload_id="", mux_new_asset_id="")
    assert pending not in unescape(client.get(listing).content.decode())
    assert b"data-mux-replacement" not in client.get(edit).content
