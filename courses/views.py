"""The Mux webhook, the admin view that starts a direct upload to Mux, and the
local video files (when Mux is not used)."""

import hashlib
import json
import logging
import re

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotFound,
    JsonResponse,
)
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from courses import access, mux, services
from courses.models import (
    Video,
    VideoCaption,
    lessons_refusing_change,
    video_change_refusal,
    video_content_type,
)

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def mux_webhook(request):
    """Mux's webhook (CONTRACTS.md §8): signature checked, each event once."""
    secret = settings.MUX_WEBHOOK_SECRET
    if not secret:
        return JsonResponse(
            {"detail": "The Mux webhook is not configured."}, status=503
        )
    try:
        body = request.body
    except RequestDataTooBig:
        # Mux's events are a few kilobytes; Django's own answer would be a page.
        return JsonResponse(
            {"detail": "The body is too large for a Mux event."}, status=413
        )
    if not mux.verify_webhook_signature(
        body, request.headers.get("Mux-Signature", ""), secret
    ):
        return JsonResponse({"detail": "Invalid or stale signature."}, status=400)
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        # RecursionError: nested deeper than the parser goes (Mux's are shallow).
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        return JsonResponse({"detail": "An event needs an id and a type."}, status=400)
    if not (
        isinstance(event["id"], str | int)
        and len(str(event["id"])) <= 255
        and isinstance(event["type"], str)
        and len(event["type"]) <= 100
    ):
        return JsonResponse(
            {
                "detail": "The event id (at most 255 characters) and type (at most "
                "100) must be strings."
            },
            status=400,
        )
    for part in ("data", "object"):
        if not isinstance(event.get(part) or {}, dict):
            return JsonResponse(
                {"detail": f"The event {part} must be an object."}, status=400
            )
    try:
        applied = services.record_webhook_event(event)
    except services.MalformedEvent as error:
        return JsonResponse({"detail": str(error)}, status=400)
    return JsonResponse({"applied": applied})


@require_POST
def start_mux_upload(request, pk: int):
    """Creates a Mux direct upload for a video and answers with the URL the
    editor's browser PUTs the file to (the bytes never pass through us)."""
    video = get_object_or_404(Video, pk=pk)
    if not request.user.has_perm("courses.change_video"):
        raise PermissionDenied
    if refused := lessons_refusing_change(video, request.user):
        # The new upload replaces what those lessons' learners see, once Mux has
        # it ready, without the review the lessons went through.
        return JsonResponse({"detail": video_change_refusal(refused)}, status=403)
    if not mux.is_configured():
        return JsonResponse(
            {"detail": _("Mux is not configured: attach a local file instead.")},
            status=409,
        )
    origin = f"{request.scheme}://{request.get_host()}"
    try:
        url = services.start_direct_upload(video, cors_origin=origin)
    except mux.MuxError:
        logger.exception("Could not create a Mux direct upload")
        return JsonResponse(
            {"detail": _("Mux could not be reached. Try again in a minute.")},
            status=502,
        )
    return JsonResponse(
        {"url": url, "upload_id": video.mux_new_upload_id or video.mux_upload_id}
    )


_BYTE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@require_safe
def video_file(request, pk: int):
    """A video's local file, with byte ranges (RFC 9110 §14): a browser can seek
    in it, and so resume a learner where they stopped, only when the file is
    served with ``Accept-Ranges``. Django's media serving has no ranges.

    Only to those who may open a lesson showing the video (``courses.access``);
    anyone else gets the same 404 as for no video at all. The lesson page asks
    for it at an address that changes with the file (``?v=``); an ``ETag`` and
    ``Last-Modified`` let a browser check a copy it keeps."""
    video = Video.objects.filter(pk=pk).first()
    if video is None or not video.file:
        return _file_not_found(request)
    audience = access.video_file_access(request, video.pk)
    if audience is None:
        return _file_not_found(request)
    try:
        size = video.file.size
        validators = _validators(video.file)
    except FileNotFoundError:
        return _file_not_found(request)
    if unchanged := get_conditional_response(request, **validators):
        return _as_file(_with_validators(unchanged, validators), audience)
    try:
        handle = video.file.open("rb")
    except FileNotFoundError:
        return _file_not_found(request)
    content_type = video_content_type(video.file.name)
    match = _BYTE_RANGE.match(request.headers.get("Range", "").strip())
    if not match or not any(match.groups()) or not _if_range(request, validators):
        response = FileResponse(handle, content_type=content_type)
    else:
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:  # the last N bytes
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        response = FileResponse(
            _read_range(handle, end - start + 1), content_type=content_type, status=206
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return _as_file(_with_validators(response, validators), audience)


def _validators(file) -> dict:
    """The ``ETag`` (of the file's name, size and time) and ``Last-Modified`` of
    a stored file, as ``get_conditional_response`` takes them."""
    modified = file.storage.get_modified_time(file.name)
    size = file.size
    digest = hashlib.sha256(
        f"{file.name}:{size}:{modified.timestamp()}".encode()
    ).hexdigest()[:24]
    return {"etag": f'"{digest}"', "last_modified": int(modified.timestamp())}


def _with_validators(response, validators: dict):
    response["ETag"] = validators["etag"]
    response["Last-Modified"] = http_date(validators["last_modified"])
    return response


def _if_range(request, validators: dict) -> bool:
    """Whether a range may be answered: without ``If-Range``, or with one that
    names the file as it is (otherwise the whole file, RFC 9110 §13.1.5)."""
    condition = request.headers.get("If-Range", "").strip()
    if not condition:
        return True
    if condition.startswith('"') or condition.startswith("W/"):
        return condition == validators["etag"]
    since = parse_http_date_safe(condition)
    return since is not None and since == validators["last_modified"]


@require_safe
def video_captions(request, pk: int, language: str):
    """A video's WebVTT captions in one language, to whoever may fetch the video
    itself, and to Mux with a grant in the address (``services.captions_url``)."""
    caption = VideoCaption.objects.filter(video_id=pk, language=language).first()
    if caption is None:
        return _file_not_found(request)
    if _granted(request, caption):
        audience = access.PRIVATE
    else:
        audience = access.video_file_access(request, pk)
    if audience is None:
        return _file_not_found(request)
    try:
        validators = _validators(caption.file)
    except FileNotFoundError:
        return _file_not_found(request)
    if unchanged := get_conditional_response(request, **validators):
        return _as_file(_with_validators(unchanged, validators), audience)
    try:
        handle = caption.file.open("rb")
    except FileNotFoundError:
        return _file_not_found(request)
    response = FileResponse(handle, content_type="text/vtt; charset=utf-8")
    return _as_file(_with_validators(response, validators), audience)


def _granted(request, caption: VideoCaption) -> bool:
    grant = request.GET.get("grant", "")
    if not grant:
        return False
    try:
        value = services.CAPTION_GRANTS.unsign(
            grant, max_age=services.CAPTION_GRANT_AGE
        )
    except signing.BadSignature:
        return False
    return value == f"{caption.video_id}:{caption.language}"


def _as_file(response, audience: str):
    """A file answer that no browser will run as a page, even opened on its own,
    and that a shared cache keeps only when anyone may have it.

    A shared cache asks again before each reuse (``s-maxage=0``,
    ``proxy-revalidate``; a 304 when the file is unchanged), so that a lesson
    restricted or unpublished stops its video being served at once; the
    viewer's own browser keeps its copy for an hour."""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    if audience == access.PUBLIC:
        response["Cache-Control"] = "public, max-age=3600, s-maxage=0, proxy-revalidate"
    else:
        response["Cache-Control"] = f"{audience}, max-age=3600"
    return response


def _file_not_found(request):
    # Judged against this app's URLconf, which has no language prefixes, so that
    # LocaleMiddleware does not turn the 404 into a redirect to /kk/….
    request.urlconf = "courses.urls"
    return HttpResponseNotFound()


def _read_range(handle, length: int, chunk: int = 64 * 1024):
    try:
        while length > 0:
            data = handle.read(min(chunk, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()
