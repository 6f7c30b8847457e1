"""Project-level views: the health check; what error reports may show."""

from django.db import connection
from django.http import JsonResponse
from django.views.debug import SafeExceptionReporterFilter
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


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports hide the IIN posted in sign-up and login forms, as Django
    hides passwords, so that it never reaches a log or an error e-mail."""

    personal_fields = ("iin", "login")

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if request is None or not any(f in parameters for f in self.personal_fields):
            return parameters
        parameters = parameters.copy()
        for name in self.personal_fields:
            if name in parameters:
                parameters[name] = self.cleansed_substitute
        return parameters
