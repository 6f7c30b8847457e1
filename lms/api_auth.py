"""Session authentication of the JSON API (CONTRACTS.md §5), as ninja's
``django_auth`` does it, with Django's whole CSRF check on unsafe methods.

The check is Django's own (``CsrfViewMiddleware``): the ``X-CSRFToken`` header
must carry the ``csrftoken`` cookie's value and, over HTTPS, the request must
come from the site itself, which a browser shows with ``Origin`` or ``Referer``.
An app that is not a browser sends neither unless told to, so a refusal says in
the learner's language what to send (docs/api-clients.md).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ninja.errors import HttpError
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf


def csrf_refusal() -> str:
    """What a client refused by the CSRF check must send, in the active language."""
    return _(
        "CSRF check failed. Send the value of the csrftoken cookie in the "
        "X-CSRFToken header; an app that is not a browser also sends the header "
        "Origin: %(origin)s."
    ) % {"origin": settings.SITE_URL}


class SessionAuth(NinjaSessionAuth):
    """The signed-in user of the session cookie; on unsafe methods only with a
    request that passes Django's CSRF check, else 403 with a translated
    ``detail`` that says what to send."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            # The check reads a form body as a form, which would use the stream
            # up before the endpoint reads the body: read the body first, so
            # that a form sent to a JSON endpoint is told to send JSON (400).
            if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
                try:
                    request.body  # noqa: B018 - kept by the request for both readers
                except RequestDataTooBig:
                    # As lms.middleware answers it, also with DEBUG on, when
                    # ninja's own handler would answer a crash first.
                    raise HttpError(413, _("The request body is too large.")) from None
            if check_csrf(request):
                raise HttpError(403, csrf_refusal())
        return request.COOKIES.get(self.param_name)


session_auth = SessionAuth()
