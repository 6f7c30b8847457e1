"""The Mux webhook and the admin view that starts a direct upload to Mux."""

import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from courses import mux, services
from courses.models import Video

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
    body = request.body
    if not mux.verify_webhook_signature(
        body, request.headers.get("Mux-Signature", ""), secret
    ):
        return JsonResponse({"detail": "Invalid or stale signature."}, status=400)
    try:
        event = json.loads(body)
    except ValueError:
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        return JsonResponse({"detail": "An event needs an id and a type."}, status=400)
    if not isinstance(event.get("data") or {}, dict):
        return JsonResponse({"detail": "The event data must be an object."}, status=400)
    applied = services.record_webhook_event(event)
    return JsonResponse({"applied": applied})


@require_POST
def start_mux_upload(request, pk: int):
    """Creates a Mux direct upload for a video and answers with the URL the
    editor's browser PUTs the file to (the bytes never pass through us)."""
    video = get_object_or_404(Video, pk=pk)
    if not request.user.has_perm("courses.change_video"):
        raise PermissionDenied
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
    return JsonResponse({"url": url, "upload_id": video.mux_upload_id})
