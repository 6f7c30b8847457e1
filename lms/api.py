"""The one JSON API at /api/v1/ (CONTRACTS.md §5, §6), built with django-ninja."""

import json

from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi import docs

from registry.api import WEBHOOKS

DESCRIPTION = """\
The course list, a learner's progress, heartbeats of the video player and quizzes
(CONTRACTS.md §5), and the registry API for the marriage registration service
(docs/registry-integration.md).

App and mobile developers: see **docs/api-clients.md** in the repository for how to
sign in, the session cookie and the CSRF check (`X-CSRFToken` on every POST, plus
`Origin` with the site's address from a client that is not a browser), what to
play and when to send heartbeats, languages, and errors. Every error is JSON with
a `detail` in the request's language. The registry's calls take that language
from `Accept-Language` alone and answer in English when it names none of the
site's (docs/registry-integration.md).

Each endpoint lists the statuses it answers. Besides them, any endpoint may answer
**500** (a fault on the server; try again later) and **503** with `Retry-After`
(the database cannot be reached; try again after that many seconds).
"""


class Swagger(docs.Swagger):
    """The interactive docs, whose "Try it out" sends the CSRF token as the
    progress API asks (CONTRACTS.md §5). ninja adds it only when the API's own
    authentication checks CSRF; here the progress router's does."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": True,
        }
        return docs.render_template(request, self.template, self.template_cdn, context)


api = NinjaAPI(
    docs=Swagger(),
    title="Бақытты отбасы API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # The registry's webhook events (OpenAPI 3.1 "webhooks").
    openapi_extra={"webhooks": WEBHOOKS},
)
api.add_router("/courses/", "courses.api.router", tags=["courses"])
api.add_router("/progress/", "progress.api.router", tags=["progress"])
api.add_router("/registry/", "registry.api.router", tags=["registry"])


# What a field's value must be, by pydantic's error type, in the request's
# language; ``{name}`` is filled in from the error's context. Other types keep
# pydantic's own (English) message.
FIELD_ERRORS = {
    "missing": gettext_lazy("this field is required."),
    "float_type": gettext_lazy("must be a number."),
    "float_parsing": gettext_lazy("must be a number."),
    "int_type": gettext_lazy("must be a whole number."),
    "int_parsing": gettext_lazy("must be a whole number."),
    "int_from_float": gettext_lazy("must be a whole number."),
    "finite_number": gettext_lazy("must be a finite number."),
    "greater_than_equal": gettext_lazy("must be at least {ge}."),
    "greater_than": gettext_lazy("must be more than {gt}."),
    "less_than_equal": gettext_lazy("must be at most {le}."),
    "less_than": gettext_lazy("must be less than {lt}."),
    "literal_error": gettext_lazy("must be one of: {expected}."),
    "uuid_type": gettext_lazy("must be a UUID."),
    "uuid_parsing": gettext_lazy("must be a UUID."),
    "string_type": gettext_lazy("must be a string."),
    "dict_type": gettext_lazy("must be a JSON object."),
    "list_type": gettext_lazy("must be a list."),
    "bool_type": gettext_lazy("must be true or false."),
    "bool_parsing": gettext_lazy("must be true or false."),
    "too_short": gettext_lazy("must have at least {min_length} item(s)."),
    "too_long": gettext_lazy("must have at most {max_length} item(s)."),
    "string_unicode": gettext_lazy("must be text (UTF-8)."),
    "int_parsing_size": gettext_lazy("is too large a number."),
    # progress.api.ChoiceId: a quiz answer.
    "choice_id_type": gettext_lazy("must be a string or a whole number."),
}


# The same for errors whose words follow a number in the error's context.
COUNTED_FIELD_ERRORS = {
    "string_too_long": ngettext_lazy(
        "must be at most %(max_length)d character.",
        "must be at most %(max_length)d characters.",
        "max_length",
    ),
    "string_too_short": ngettext_lazy(
        "must be at least %(min_length)d character.",
        "must be at least %(min_length)d characters.",
        "min_length",
    ),
}


def describe_field_error(error: dict) -> str:
    """What is wrong with one field, in the request's language when its kind of
    error is known."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if (counted := COUNTED_FIELD_ERRORS.get(kind)) is not None:
        try:
            return str(counted % context)
        except (KeyError, TypeError, ValueError):
            return error.get("msg", "") or _("invalid value.")
    message = FIELD_ERRORS.get(kind)
    if message is None:
        return error.get("msg", "") or _("invalid value.")
    context = {key: _plain(value) for key, value in context.items()}
    if kind == "literal_error" and "expected" in context:
        # pydantic writes the choices in English: "'a', 'b' or 'c'".
        context["expected"] = context["expected"].replace("' or '", "', '")
    try:
        return str(message).format(**context)
    except (KeyError, IndexError):
        return error.get("msg", "") or _("invalid value.")


def _plain(value) -> str:
    """A bound as people write it: 16, not 16.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_validation_errors(errors: list[dict]) -> str:
    """One readable sentence per invalid field, e.g. ``body.position: must be at
    least 0. body.rate: must be at most 16.``"""
    parts = []
    for error in errors:
        location = ".".join(
            str(part) for part in error.get("loc", ()) if part != "payload"
        )
        parts.append(f"{location}: {describe_field_error(error)}")
    return " ".join(parts) or _("Invalid input.")


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """422 with a string ``detail``, the same shape as every other API error; an
    empty body is unreadable, a 400 like a body that is not JSON."""
    if _no_body(exc.errors):
        return api.create_response(
            request, {"detail": _("The body must be JSON.")}, status=400
        )
    return api.create_response(
        request, {"detail": describe_validation_errors(exc.errors)}, status=422
    )


def _no_body(errors: list[dict]) -> bool:
    """Was the JSON body empty? django-ninja then validates no body at all, and
    finds the whole body parameter missing (``("body", "payload")``), where a
    field missing from a body is one level deeper."""
    return any(
        error.get("type") == "missing"
        and len(error.get("loc", ())) == 2
        and error["loc"][0] == "body"
        for error in errors
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc: AuthenticationError):
    """401 with a translated ``detail``; the registry's says how to authenticate
    (RFC 6750), the progress API's is for a signed-in session."""
    response = api.create_response(
        request,
        {"detail": _("Authentication credentials are missing or wrong.")},
        status=401,
    )
    if request.path.startswith("/api/v1/registry/"):
        response["WWW-Authenticate"] = 'Bearer realm="registry"'
    return response


@api.exception_handler(MultiPartParserError)
def unreadable_multipart(request, exc: MultiPartParserError):
    """400, not a crash, for a multipart body that cannot be parsed (one sent
    without a boundary, say): the CSRF check reads the form before any endpoint
    does."""
    return api.create_response(
        request,
        {
            "detail": _(
                "The request body cannot be read as multipart/form-data. Send "
                "JSON with Content-Type: application/json."
            )
        },
        status=400,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """django-ninja's own errors with a ``detail`` in the request's language: a
    body that is not JSON is told so, not "Cannot parse request body"."""
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):
        detail = _("The body must be JSON.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)
