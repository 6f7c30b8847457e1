"""Project-level views: the health check, the data saver switch; what error
reports may show."""

from django.contrib import messages
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.debug import SafeExceptionReporterFilter
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from lms import data_saver as saver
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


# No CSRF token: the switch sits in the footer of every page, and a token there
# would give every anonymous page a cookie and make it uncacheable. A forged post
# can do no more than turn data saver on or off.
@csrf_exempt
@require_POST
def data_saver(request):
    """Turns data saver on or off for this device and goes back to the page."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    language = translation.get_language_from_path(next_url)
    if language:
        translation.activate(language)
    response = HttpResponseRedirect(next_url)
    value = request.POST.get("data_saver")
    if value not in (saver.ON, saver.OFF):
        messages.error(request, _("Choose whether data saver is on or off."))
        return response
    saver.remember(request, response, value == saver.ON)
    if value == saver.ON:
        messages.success(
            request,
            _(
                "Data saver is now on for this device: videos play in lower quality "
                "and load only when you press play, and pictures are left out."
            ),
        )
    else:
        messages.success(request, _("Data saver is now off for this device."))
    return response


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
