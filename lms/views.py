"""Project-level views: the health check."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lms.queue import queue_status


@never_cache
@require_GET
def healthz(request):
    """200 with the state of the database and the task queue (CONTRACTS.md §4)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ok"
        database = "unavailable"
    queue = queue_status()
    healthy = database == "ok" and queue["state"] != "unavailable"
    return JsonResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "queue": queue,
        },
        status=200,
    )
