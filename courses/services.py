"""Rules of the courses app: Mux webhooks and sync, captions on Mux, and what the
player gets for a video."""

import datetime
import hashlib
import logging
import math
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from courses import mux
from courses.models import (
    MAX_DURATION,
    MuxWebhookEvent,
    ReplacedMuxAsset,
    Video,
    VideoCaption,
    VideoStatus,
)
from lms import data_saver

logger = logging.getLogger(__name__)

HANDLED_EVENTS = {
    "video.upload.asset_created",
    "video.upload.errored",
    "video.upload.cancelled",
    "video.asset.created",
    "video.asset.ready",
    "video.asset.errored",
    "video.asset.deleted",
    "video.asset.track.ready",
    "video.asset.track.errored",
}


# --- Mux → our videos ------------------------------------------------------------


def record_webhook_event(event: dict) -> bool:
    """Applies a verified Mux webhook event once.

    Returns False when the event was already applied (Mux retries and may send
    duplicates). The event id is stored in the same transaction as its effect, so
    an event whose handling failed is applied again on Mux's retry.
    """
    event_id = str(event.get("id") or "")
    event_type = str(event.get("type") or "")
    data = event.get("data") or {}
    if not event_id:
        raise ValueError("The event has no id.")
    try:
        with transaction.atomic():
            _record_and_apply(event_id, event_type, data, event)
    except IntegrityError:
        return False
    except (DataError, TypeError, ValueError, AttributeError) as error:
        # A value longer than its column, or of another type than Mux's (a
        # duration that is no number, a list that is a string): nothing applied.
        raise MalformedEvent("A value in the event is not valid.") from error
    return True


class MalformedEvent(ValueError):
    """A signed event whose values do not fit (Mux never sends one)."""


def _record_and_apply(event_id: str, event_type: str, data: dict, event: dict) -> None:
    MuxWebhookEvent.objects.create(
        event_id=event_id,
        type=event_type[:100],
        object_id=str((event.get("object") or {}).get("id") or "")[:255],
    )
    if event_type in HANDLED_EVENTS:
        _apply_event(event_type, data, event.get("object") or {})


def _apply_event(event_type: str, data: dict, obj: dict) -> None:
    if event_type == "video.upload.asset_created":
        if replaced := _lock(mux_new_upload_id=data.get("id")):
            _note_new_asset(replaced, data.get("asset_id"))
            return
        video = _lock(mux_upload_id=data.get("id"))
        if video and data.get("asset_id"):
            video.mux_asset_id = data["asset_id"]
            if video.status != VideoStatus.READY:
                video.status = VideoStatus.PREPARING
            video.save(update_fields=["mux_asset_id", "status", "updated_at"])
            _after_commit_sync(video.pk)
    elif event_type in ("video.upload.errored", "video.upload.cancelled"):
        error = data.get("error") or {}
        message = error.get("message") or event_type
        if replaced := _lock(mux_new_upload_id=data.get("id")):
            if not replaced.mux_new_asset_id:
                _drop_replacement(replaced, message)
            return
        video = _lock(mux_upload_id=data.get("id"))
        if video and not video.mux_asset_id:
            video.status = VideoStatus.ERRORED
            video.error_message = message
            video.save(update_fields=["status", "error_message", "updated_at"])
    elif event_type.startswith("video.asset.track."):
        asset_id = data.get("asset_id") or obj.get("id")
        video = _lock(mux_asset_id=asset_id) if asset_id else None
        if video:
            apply_tracks(video, [data])
    elif event_type.startswith("video.asset."):
        if event_type == "video.asset.deleted":
            data = {**data, "status": "errored", "errors": {"type": "deleted"}}
        video = _lock(mux_asset_id=data.get("id"))
        if video is None:
            replaced = _lock(mux_new_asset_id=data.get("id")) or _lock(
                mux_new_upload_id=data.get("upload_id")
            )
            if replaced:
                apply_new_asset(replaced, data)
                return
        if video is None and data.get("upload_id"):
            # An asset's events can come before the upload's "asset_created";
            # a video that plays another asset by now is not this one's.
            video = _lock(mux_upload_id=data["upload_id"], mux_asset_id="")
        if video:
            apply_asset(video, data)


def _lock(**lookup) -> Video | None:
    value = next(iter(lookup.values()))
    if not value:
        return None
    return Video.objects.select_for_update().filter(**lookup).first()


def apply_asset(video: Video, asset: dict) -> Video:
    """Copies what Mux says about an asset onto the video: asset and playback
    IDs, duration, status, error and text tracks. Applying the same asset twice
    changes nothing."""
    fields = {"mux_asset_id": asset.get("id") or video.mux_asset_id}
    fields.update(_playback_fields(asset))
    status = asset.get("status")
    if status == "ready":
        fields["status"] = VideoStatus.READY
        fields["error_message"] = ""
    elif status == "preparing" and not (
        video.status == VideoStatus.READY
        and fields["mux_asset_id"] == video.mux_asset_id
    ):
        # A ready asset is never prepared again: a "preparing" for it is an older
        # event that arrived late (Mux resends what was not acknowledged).
        fields["status"] = VideoStatus.PREPARING
    elif status == "errored":
        fields["status"] = VideoStatus.ERRORED
        fields["error_message"] = _error_message(asset)
    changed = [name for name, value in fields.items() if getattr(video, name) != value]
    for name in changed:
        setattr(video, name, fields[name])
    if changed:
        video.save(update_fields=[*changed, "updated_at"])
    apply_tracks(video, asset.get("tracks") or [])
    if "status" in changed and video.status == VideoStatus.READY:
        _after_commit_captions(video.pk)
    return video


def _playback_fields(asset: dict) -> dict:
    """The playback ID (a signed one first) and the duration Mux gives an asset.

    A duration must be a number of seconds above 0 and at most ``MAX_DURATION``
    (a heartbeat's position can be no more): watching is credited against it,
    so a negative or infinite one makes the event malformed (Mux sends none).
    An asset not ready yet may say 0, which is no duration."""
    fields = {}
    playback_ids = asset.get("playback_ids") or []
    if playback_ids:
        preferred = next(
            (p for p in playback_ids if p.get("policy") == "signed"), playback_ids[0]
        )
        fields["mux_playback_id"] = preferred.get("id") or ""
        fields["mux_playback_policy"] = preferred.get("policy") or ""
    if asset.get("duration") is not None:
        duration = float(asset["duration"])
        if not (math.isfinite(duration) and 0 <= duration <= MAX_DURATION):
            raise ValueError(f"A duration of {duration} seconds.")
        if duration > 0:
            fields["duration"] = duration
    return fields


def _error_message(asset: dict) -> str:
    """Mux's ``errors``: ``messages`` is a list of strings; one string is taken
    whole, not read as a list of letters."""
    errors = asset.get("errors") or {}
    messages = errors.get("messages") or [errors.get("type") or "errored"]
    if isinstance(messages, str | int | float):
        messages = [messages]
    return "; ".join(str(message) for message in messages)


# --- A new upload replacing a video that plays ------------------------------------
#
# A video that lessons show keeps playing (its playback ID, and the duration its
# watching is credited against) while Mux prepares a new upload of it; the new
# asset takes over, duration and all, in one save once it is ready.


def _note_new_asset(video: Video, asset_id: str | None) -> None:
    if asset_id and video.mux_new_asset_id != asset_id:
        video.mux_new_asset_id = asset_id
        video.save(update_fields=["mux_new_asset_id", "updated_at"])
    _after_commit_sync(video.pk)


def _drop_replacement(video: Video, message: str) -> None:
    """The new upload failed: the video plays on as it was; the error says why
    the new one did not come."""
    video.mux_new_upload_id = ""
    video.mux_new_asset_id = ""
    video.error_message = message
    video.save(
        update_fields=[
            "mux_new_upload_id",
            "mux_new_asset_id",
            "error_message",
            "updated_at",
        ]
    )


def apply_new_asset(video: Video, asset: dict) -> Video:
    """Applies what Mux says about the asset of a new upload: once it is ready
    (with a playback ID), it replaces the asset that played; an error drops it
    and the old one plays on; until then nothing that learners see changes."""
    asset_id = asset.get("id") or video.mux_new_asset_id
    status = asset.get("status")
    if status == "errored":
        _drop_replacement(video, _error_message(asset))
        return video
    fields = _playback_fields(asset)
    # Only a new asset that can take over (a playback ID, and a duration that
    # watching is credited against) replaces the one that plays.
    takes_over = status == "ready" and {"mux_playback_id", "duration"} <= set(fields)
    if not takes_over or not fields["mux_playback_id"] or not asset_id:
        if asset_id and video.mux_new_asset_id != asset_id:
            video.mux_new_asset_id = asset_id
            video.save(update_fields=["mux_new_asset_id", "updated_at"])
        return video
    replaced = video.mux_asset_id
    fields.update(
        mux_asset_id=asset_id,
        mux_upload_id=video.mux_new_upload_id or video.mux_upload_id,
        mux_new_upload_id="",
        mux_new_asset_id="",
        status=VideoStatus.READY,
        error_message="",
    )
    for name, value in fields.items():
        setattr(video, name, value)
    video.save(update_fields=[*fields, "updated_at"])
    # The old asset's text tracks stay with it: the new one gets its own.
    VideoCaption.objects.filter(video=video).update(
        mux_track_id="", mux_track_source=""
    )
    apply_tracks(video, asset.get("tracks") or [])
    _after_commit_captions(video.pk)
    if replaced and replaced != asset_id:
        retire_asset(replaced)
    return video


def apply_tracks(video: Video, tracks: list[dict]) -> None:
    """Records the Mux track id of each caption that Mux has as a text track."""
    for track in tracks:
        if track.get("type") != "text" or not track.get("id"):
            continue
        if track.get("status") not in (None, "ready", "preparing"):
            continue
        language = (track.get("language_code") or "").split("-")[0]
        caption = (
            VideoCaption.objects.filter(video=video, language=language).first()
            if language
            else None
        )
        if caption and caption.mux_track_id != track["id"]:
            if caption.mux_track_id:
                # A track we created ourselves for the current file wins.
                continue
            caption.mux_track_id = track["id"]
            caption.save(update_fields=["mux_track_id"])


def sync_video(video_id: int) -> Video | None:
    """Fetches the video's asset from Mux and applies it (webhooks may be lost),
    and the asset of a new upload replacing it, if there is one.

    Without an asset id yet, the direct upload tells which asset it became.
    """
    video = Video.objects.filter(pk=video_id).first()
    if video is None or not mux.is_configured():
        return video
    if video.mux_new_upload_id or video.mux_new_asset_id:
        _sync_replacement(video)
        video.refresh_from_db()
    asset_id = video.mux_asset_id
    if not asset_id and video.mux_upload_id:
        asset_id = mux.get_upload(video.mux_upload_id).get("asset_id") or ""
    if not asset_id:
        return video
    asset = mux.get_asset(asset_id)
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video_id)
        if video.mux_asset_id not in ("", asset_id):
            return video  # replaced meanwhile
        return apply_asset(video, asset)


def _sync_replacement(video: Video) -> None:
    upload_id, asset_id = video.mux_new_upload_id, video.mux_new_asset_id
    upload = {}
    if not asset_id and upload_id:
        upload = mux.get_upload(upload_id)
        asset_id = upload.get("asset_id") or ""
    asset = mux.get_asset(asset_id) if asset_id else None
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video.pk)
        if video.mux_new_upload_id != upload_id:
            return  # another upload started meanwhile
        if asset is not None:
            apply_new_asset(video, asset)
        elif upload.get("status") in ("errored", "cancelled", "timed_out"):
            error = upload.get("error") or {}
            _drop_replacement(
                video, error.get("message") or f"upload {upload.get('status')}"
            )


def start_direct_upload(video: Video, cors_origin: str) -> str:
    """Creates a Mux direct upload for the video and returns the URL the editor's
    browser sends the file to.

    A video that plays keeps playing, with its duration, until the new asset is
    ready (``apply_new_asset``); one that does not waits for the upload."""
    upload = mux.create_direct_upload(cors_origin, passthrough=f"video:{video.pk}")
    with transaction.atomic():
        current = Video.objects.select_for_update().get(pk=video.pk)
        if current.is_playable:
            current.mux_new_upload_id = upload["id"]
            current.mux_new_asset_id = ""
            current.error_message = ""
            current.save(
                update_fields=[
                    "mux_new_upload_id",
                    "mux_new_asset_id",
                    "error_message",
                    "updated_at",
                ]
            )
        else:
            Video.objects.filter(pk=video.pk).update(
                mux_upload_id=upload["id"],
                mux_asset_id="",
                mux_playback_id="",
                mux_new_upload_id="",
                mux_new_asset_id="",
                status=VideoStatus.WAITING,
                error_message="",
            )
    video.refresh_from_db()
    return upload["url"]


# Mux fetches a caption file once, when it makes the text track, from an address
# that carries a grant: captions are served only to those who may see the video.
CAPTION_GRANTS = signing.TimestampSigner(salt="courses.caption-grant")
CAPTION_GRANT_AGE = 24 * 3600


def captions_url(caption: VideoCaption, grant: bool = False) -> str:
    """Where a caption file is served (``courses.views.video_captions``); with a
    grant, to anyone for ``CAPTION_GRANT_AGE`` seconds. The address changes with
    the file, so that no browser keeps playing a replaced one from its cache."""
    url = reverse("video-captions", args=[caption.video_id, caption.language])
    query = {"v": hashlib.sha256(caption.file.name.encode()).hexdigest()[:12]}
    if grant:
        query["grant"] = CAPTION_GRANTS.sign(f"{caption.video_id}:{caption.language}")
    return f"{url}?{urlencode(query)}"


def attach_captions(video_id: int) -> list[str]:
    """Makes the Mux asset's text tracks match the caption files: adds a track for
    each caption without one, and replaces a track whose file has changed.

    Returns the ids of the tracks created. Safe to run again: captions whose
    track is current are left alone.
    """
    video = Video.objects.filter(pk=video_id).first()
    if video is None or not video.mux_asset_id or not mux.is_configured():
        return []
    if video.status != VideoStatus.READY:
        return []  # Mux adds tracks to ready assets; the ready event runs us again
    created = []
    for caption in VideoCaption.objects.filter(video=video):
        if caption.mux_track_id and caption.mux_track_source == caption.file.name:
            continue
        if caption.mux_track_id:
            mux.delete_track(video.mux_asset_id, caption.mux_track_id)
        url = settings.SITE_URL + captions_url(caption, grant=True)
        track_id = mux.create_text_track(
            video.mux_asset_id,
            url=url,
            language=caption.language,
            name=dict(settings.LANGUAGES).get(caption.language, caption.language),
        )
        VideoCaption.objects.filter(pk=caption.pk).update(
            mux_track_id=track_id, mux_track_source=caption.file.name
        )
        created.append(track_id)
    return created


def _enqueue_for_video(task, video_id: int) -> None:
    try:
        task.enqueue(video_id)
    except Exception:  # noqa: BLE001 - queue down: the editor's change is saved
        # Mux's next event for the asset, or "Sync with Mux" in the admin, runs
        # the same work again.
        logger.exception("Could not queue %s for video %s", task.module_path, video_id)


def _after_commit_sync(video_id: int) -> None:
    if mux.is_configured():
        from courses.tasks import sync_video_from_mux

        transaction.on_commit(lambda: _enqueue_for_video(sync_video_from_mux, video_id))


def _after_commit_captions(video_id: int) -> None:
    if mux.is_configured():
        from courses.tasks import attach_captions_to_mux

        transaction.on_commit(
            lambda: _enqueue_for_video(attach_captions_to_mux, video_id)
        )


def video_saved_in_admin(video: Video) -> None:
    """After an editor saves a video: push new or changed captions to Mux."""
    if video.mux_asset_id:
        _after_commit_captions(video.pk)


# --- Assets no video plays -----------------------------------------------------

# How long a replaced asset is kept on Mux: a page loaded before a new upload took
# over streams the old asset until it is reloaded.
REPLACED_ASSET_KEPT = datetime.timedelta(days=7)


def retire_asset(asset_id: str) -> None:
    """Marks a Mux asset that no video plays any more for deletion once
    ``REPLACED_ASSET_KEPT`` has passed, and queues the deletion for then. The
    row is the record: ``delete_replaced_mux_assets`` deletes what the queue
    did not (it was down, or cannot wait)."""
    if not asset_id:
        return
    delete_after = timezone.now() + REPLACED_ASSET_KEPT
    retired, _created = ReplacedMuxAsset.objects.get_or_create(
        asset_id=asset_id, defaults={"delete_after": delete_after}
    )
    if retired.deleted_at is None:
        transaction.on_commit(lambda: _enqueue_deletion(retired))


def _enqueue_deletion(retired: ReplacedMuxAsset) -> None:
    from courses.tasks import delete_replaced_mux_asset

    task = delete_replaced_mux_asset
    if not task.get_backend().supports_defer:
        return  # in-process tasks cannot wait: the sweep deletes it when due
    try:
        task.using(run_after=retired.delete_after).enqueue(retired.asset_id)
    except Exception:  # noqa: BLE001 - queue down: the sweep deletes it when due
        logger.exception("Could not queue the deletion of Mux asset %s", retired)


def delete_replaced_asset(asset_id: str) -> str:
    """Deletes a replaced asset from Mux once it is due and no video plays it
    again (an editor may have typed its ID back): ``"deleted"``, ``"not due"``,
    ``"in use"`` (no longer to delete) or ``"unknown"``. A Mux error raises
    ``mux.MuxError`` and leaves the asset to the next try."""
    with transaction.atomic():
        retired = (
            ReplacedMuxAsset.objects.select_for_update()
            .filter(asset_id=asset_id, deleted_at=None)
            .first()
        )
        if retired is None:
            return "unknown"
        if retired.delete_after > timezone.now():
            return "not due"
        if Video.objects.filter(
            Q(mux_asset_id=asset_id) | Q(mux_new_asset_id=asset_id)
        ).exists():
            retired.delete()
            return "in use"
        mux.delete_asset(asset_id)
        retired.deleted_at = timezone.now()
        retired.save(update_fields=["deleted_at"])
        return "deleted"


def delete_due_replaced_assets() -> tuple[int, list[str]]:
    """Deletes every replaced asset that is due: how many were deleted, and the
    IDs of those Mux would not delete now."""
    deleted, failed = 0, []
    due = ReplacedMuxAsset.objects.filter(
        deleted_at=None, delete_after__lte=timezone.now()
    ).values_list("asset_id", flat=True)
    for asset_id in list(due):
        try:
            deleted += delete_replaced_asset(asset_id) == "deleted"
        except mux.MuxError:
            logger.exception("Could not delete Mux asset %s", asset_id)
            failed.append(asset_id)
    return deleted, failed


def video_deleted(video: Video) -> None:
    """A deleted video's assets on Mux are retired like replaced ones."""
    for asset_id in (video.mux_asset_id, video.mux_new_asset_id):
        retire_asset(asset_id)


# --- What the player gets --------------------------------------------------------


def player_source(video: Video, user=None, request=None) -> dict:
    """How to play a video for this visitor: HLS from Mux (with a signed token
    for a signed-in learner when the playback ID is signed) or the local file.

    ``kind`` is ``hls``, ``file``, or ``""`` when nothing can be played (then
    ``reason`` says why: ``sign_in`` or ``not_ready``). Captions are our own
    WebVTT files, so they work the same for both kinds. With data saver on
    (``lms.data_saver``) Mux streams no more than ``MAX_RESOLUTION`` and there is
    no poster to download.
    """
    saving = data_saver.is_on(request)
    modifiers = {"max_resolution": data_saver.MAX_RESOLUTION} if saving else {}
    captions = sorted(video.captions.all(), key=lambda c: _language_order(c.language))
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    transcript = next(
        (c for c in captions if c.language == language and c.transcript), None
    )
    source = {
        "id": video.pk,
        "title": video.title,
        "duration": video.duration,
        "kind": "",
        "src": "",
        "poster": "",
        "reason": "",
        "version": "",
        "captions": [
            {
                "language": caption.language,
                "label": dict(settings.LANGUAGES).get(caption.language, ""),
                "url": captions_url(caption),
            }
            for caption in captions
        ],
        # The captions in the page's language as text to read, when there are any.
        "transcript": (
            {"language": transcript.language, "text": transcript.transcript}
            if transcript
            else None
        ),
    }
    if video.poster_id and not saving:
        source["poster"] = video.poster.get_rendition("width-640").url
    signed = video.mux_playback_policy == "signed"
    if video.status == VideoStatus.READY and video.mux_playback_id:
        if not signed:
            query = f"?{urlencode(modifiers)}" if modifiers else ""
            source.update(kind="hls", src=_stream_url(video.mux_playback_id) + query)
            if not source["poster"] and not saving:
                source["poster"] = mux.THUMBNAIL_URL.format(
                    playback_id=video.mux_playback_id
                )
            return source
        if user is not None and mux.signing_is_configured():
            # Mux reads a signed URL's modifiers from the token's claims only.
            token = mux.playback_token(video.mux_playback_id, "v", claims=modifiers)
            source.update(
                kind="hls", src=f"{_stream_url(video.mux_playback_id)}?token={token}"
            )
            if not source["poster"] and not saving:
                thumb = mux.playback_token(video.mux_playback_id, "t")
                source["poster"] = (
                    mux.THUMBNAIL_URL.format(playback_id=video.mux_playback_id)
                    + f"?token={thumb}"
                )
            return source
    if video.file:
        # ``src`` is the file's lasting address (apps keep it); the page adds
        # ``version``, which changes with the file, so that no browser plays a
        # replaced file from its cache.
        source.update(
            kind="file",
            src=reverse("video-file", args=[video.pk]),
            version=video.file_version(),
        )
    elif signed and user is None and video.status == VideoStatus.READY:
        source["reason"] = "sign_in"
    else:
        source["reason"] = "not_ready"
    return source


def _stream_url(playback_id: str) -> str:
    return mux.STREAM_URL.format(playback_id=playback_id)


def _language_order(language: str) -> int:
    codes = [code for code, _name in settings.LANGUAGES]
    return codes.index(language) if language in codes else len(codes)
