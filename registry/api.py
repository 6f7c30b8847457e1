"""The registry API for the marriage registration service (CONTRACTS.md §6).

Bodies are parsed here rather than by django-ninja so that every call, including
one with a malformed body, is audited and answered with a single ``detail`` string.
"""

import datetime
import json
import re
from typing import Literal, NamedTuple

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ninja import Field, Router, Schema
from pydantic import BaseModel, ConfigDict, ValidationError

from certificates import numbers
from lms.iin import iin_hash
from lms.outage import RETRY_AFTER_SECONDS
from registry import services
from registry.auth import RegistryBearer
from registry.models import RegistryCallKind

router = Router(auth=RegistryBearer(), tags=["registry"])

EXAMPLE_NUMBER = "BKO-7K2M-9QXD-4HT8"
EXAMPLE_IIN = "900101300811"


class VerifyIn(BaseModel):
    """Body of ``POST /verify``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"certificate_number": EXAMPLE_NUMBER, "iin": EXAMPLE_IIN}]
        }
    )

    certificate_number: str = Field(
        min_length=1,
        max_length=64,
        description="The certificate number.",
    )
    iin: str = Field(min_length=1, max_length=32, description="The holder's IIN.")


class GuideStatusIn(BaseModel):
    """Body of ``POST /guide-status``."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"iins": [EXAMPLE_IIN, "950615400027"]}]}
    )

    iins: list[str] = Field(
        min_length=1, max_length=10, description="One to ten IINs, answered in order."
    )


class VerifyOut(Schema):
    """A certificate as the registry sees it; all nulls for ``not_found``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "valid",
                    "certificate_number": EXAMPLE_NUMBER,
                    "course_kind": "guide",
                    "issued_at": "2026-03-14T05:21:07Z",
                },
                {
                    "status": "not_found",
                    "certificate_number": None,
                    "course_kind": None,
                    "issued_at": None,
                },
            ]
        }
    )

    status: Literal["valid", "revoked", "not_found"]
    certificate_number: str | None
    course_kind: Literal["guide", "couples", "parents"] | None
    issued_at: datetime.datetime | None


class GuideStatusResult(Schema):
    """Whether one person holds a valid certificate of the mandatory guide."""

    iin_masked: str = Field(examples=[EXAMPLE_IIN[:2] + "********" + EXAMPLE_IIN[-2:]])
    completed: bool
    certificate_number: str | None = Field(examples=[EXAMPLE_NUMBER])
    issued_at: datetime.datetime | None


class GuideStatusOut(Schema):
    """Answers in the order the IINs were asked."""

    results: list[GuideStatusResult]


class ErrorOut(Schema):
    """Every error answer: a human-readable ``detail``."""

    detail: str


ERRORS = {401: ErrorOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut}


def _retry_after(description: str) -> dict:
    return {
        "Retry-After": {
            "description": description,
            "schema": {"type": "integer", "minimum": 1},
        }
    }


def _body_limit() -> str:
    """The largest body Django reads, as people write it: "5 MB"."""
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"{size // 2**20} MB" if size % 2**20 == 0 else f"{size} bytes"


def _request_body(model: type[BaseModel], invalid: str) -> dict:
    """The operation's body and what django-ninja cannot say of its answers: the
    ``Retry-After`` of a 429 and a 503, the 405 of another method, and the body's
    size limit."""
    return {
        "requestBody": {
            "required": True,
            "description": (
                f"JSON, at most {_body_limit()} (DATA_UPLOAD_MAX_MEMORY_SIZE); a "
                'larger body is answered 422 "The body is too large."'
            ),
            "content": {"application/json": {"schema": model.model_json_schema()}},
        },
        "responses": {
            405: {
                "description": (
                    "Method Not Allowed: only POST (authentication is checked "
                    "first: a call without a valid token is a 401)."
                ),
                "headers": {"Allow": {"schema": {"type": "string", "enum": ["POST"]}}},
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ErrorOut"}
                    }
                },
            },
            401: {
                "description": "Unauthorized: no token, or one not valid or revoked.",
                "headers": {
                    "WWW-Authenticate": {
                        "description": 'Always `Bearer realm="registry"`.',
                        "schema": {"type": "string"},
                    }
                },
            },
            422: {
                "description": (
                    "Unprocessable Entity: the body is not JSON of this shape, "
                    f"{invalid} not valid, or the body is over {_body_limit()}."
                )
            },
            429: {
                "description": "Too Many Requests: over the client's rate limit.",
                "headers": _retry_after("Seconds to wait before calling again."),
            },
            503: {
                "description": (
                    "Service Unavailable: the platform cannot reach its database. "
                    "The same body is answered once it is back."
                ),
                "headers": _retry_after(
                    f"Seconds to wait before calling again ({RETRY_AFTER_SECONDS})."
                ),
            },
        },
    }


class Refusal(NamedTuple):
    """Why a body is refused: in English for the audit log, and as answered, in
    the request's language."""

    audit: str
    detail: str


def _load(request: HttpRequest):
    """The body as parsed JSON, or a refusal."""
    try:
        return json.loads(request.body or b"null"), None
    except RequestDataTooBig:
        message = gettext_noop("The body is too large.")
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        message = gettext_noop("The body must be JSON.")
    return None, Refusal(message, _(message))


def _validate(data, model: type[BaseModel]):
    """Parsed JSON as ``model``, or a refusal: the audit keeps pydantic's English
    message, the caller is told in its language."""
    # lms.api imports this module (its router): imported when first needed.
    from lms.api import describe_field_error

    try:
        return model.model_validate(data), None
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "body"
        # A body that is no JSON object is told so, like a field of a wrong type.
        told = (
            {**error, "type": "dict_type"} if error["type"] == "model_type" else error
        )
        return None, Refusal(
            f"{where}: {error['msg']}", f"{where}: {describe_field_error(told)}"
        )


def _parse(request: HttpRequest, model: type[BaseModel]):
    """The body as ``model``, or a refusal."""
    data, refusal = _load(request)
    if refusal:
        return None, refusal
    return _validate(data, model)


# A certificate number sent in a call that is refused is audited when it is text
# of at most this many characters (then cut to the audit column's 64).
SENT_NUMBER_MAX_LENGTH = 200
# This many digits (or letters read as digits, as in certificate numbers) could
# be most of an IIN sent in the wrong field: never kept in clear.
MASKED_FROM_DIGITS = 6
# A number of the certificates' own shape, whose check character is wrong, is
# no IIN: kept as typed.
NUMBER_SHAPE = re.compile(
    rf"{numbers.PREFIX}(-[0-9A-Z]{{{numbers.GROUP}}}){{3}}", re.IGNORECASE
)


def _digit_like(ch: str) -> bool:
    return ch.upper().translate(numbers.SUBSTITUTIONS) in "0123456789"


def number_as_sent(value: object) -> str:
    """What the audit keeps of the certificate number of a refused call: the
    number in its canonical form, else as typed (printable characters only, at
    most 64), with its digits (and the letters read as digits) masked when there
    are enough of them to be part of an IIN; nothing for what is not text or is
    too long."""
    if not isinstance(value, str) or len(value) > SENT_NUMBER_MAX_LENGTH:
        return ""
    if number := services.normalize_certificate_number(value):
        return number
    typed = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    shaped_like_a_number = NUMBER_SHAPE.fullmatch(typed)  # a wrong check character
    if not shaped_like_a_number and sum(map(_digit_like, typed)) >= MASKED_FROM_DIGITS:
        typed = "".join("*" if _digit_like(ch) else ch for ch in typed)
    return typed[:64]


def _refused(client_id: int, kind: str, refusal: Refusal, certificate_number: str = ""):
    """A body that is no valid call: audited in English, answered in the caller's
    language."""
    services.record_call(
        client_id=client_id,
        kind=kind,
        http_status=422,
        result=refusal.audit,
        certificate_number=certificate_number,
    )
    return 422, {"detail": refusal.detail}


def _limited(request: HttpRequest, response: HttpResponse, kind: str):
    """The 429 answer when the caller is over its limit, else None."""
    retry_after = services.check_rate_limit(request.auth)
    if retry_after is None:
        return None
    response["Retry-After"] = str(retry_after)
    services.record_call(
        client_id=request.auth.id, kind=kind, http_status=429, result="rate limited"
    )
    return 429, {"detail": _("Too many requests; retry later.")}


@router.post(
    "/verify",
    response={200: VerifyOut, **ERRORS},
    summary="Verify a certificate against its holder's IIN",
    openapi_extra=_request_body(VerifyIn, "the IIN or the number is"),
)
def verify(request: HttpRequest, response: HttpResponse):
    """Status of a certificate, given its number and the holder's IIN.

    A number that exists but belongs to someone else answers exactly like an
    unknown one: `not_found` with every other field null.
    """
    kind = RegistryCallKind.VERIFY
    client_id = request.auth.id
    if limited := _limited(request, response, kind):
        return limited
    data, refusal = _load(request)
    body, refusal = (None, refusal) if refusal else _validate(data, VerifyIn)
    if refusal:
        # The number sent is audited even when the call is refused (no "iin",
        # say), so that the log tells which certificate was asked about.
        sent = data.get("certificate_number") if isinstance(data, dict) else None
        return _refused(client_id, kind, refusal, number_as_sent(sent))
    number = services.normalize_certificate_number(body.certificate_number)
    iin = services.clean_iin(body.iin)
    hashes = [iin_hash(body.iin)]
    if iin is None or number is None:
        detail = (
            _("iin: not a valid IIN (12 digits with a correct check digit).")
            if iin is None
            else _("certificate_number: not a valid certificate number.")
        )
        services.record_call(
            client_id=client_id,
            kind=kind,
            http_status=422,
            result="invalid IIN" if iin is None else "malformed number",
            iin_hashes=hashes,
            certificate_number=number or number_as_sent(body.certificate_number),
        )
        return 422, {"detail": detail}
    return services.verify_certificate(
        number, iin, audit=services.Audit(client_id, kind)
    )


@router.post(
    "/guide-status",
    response={200: GuideStatusOut, **ERRORS},
    summary="Have these people completed the mandatory guide?",
    openapi_extra=_request_body(GuideStatusIn, "an IIN is"),
)
def guide_status(request: HttpRequest, response: HttpResponse):
    """For each IIN, in the order asked: does the person hold a valid (not revoked)
    certificate of the mandatory pre-marriage guide, in any language?"""
    kind = RegistryCallKind.GUIDE_STATUS
    client_id = request.auth.id
    if limited := _limited(request, response, kind):
        return limited
    body, refusal = _parse(request, GuideStatusIn)
    if refusal:
        return _refused(client_id, kind, refusal)
    hashes = [iin_hash(value) for value in body.iins]
    iins = [services.clean_iin(value) for value in body.iins]
    invalid = [i for i, iin in enumerate(iins) if iin is None]
    if invalid:
        services.record_call(
            client_id=client_id,
            kind=kind,
            http_status=422,
            result=f"invalid IIN at {invalid[0]}",
            iin_hashes=hashes,
        )
        return 422, {
            "detail": _("iins.%(index)s: not a valid IIN.") % {"index": invalid[0]}
        }
    results = services.guide_status(iins, audit=services.Audit(client_id, kind))
    return {"results": results}


OTHER_METHODS = ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _wrong_method(request: HttpRequest, response: HttpResponse, kind: str):
    """A call with another method than POST: audited and counted like any other."""
    if limited := _limited(request, response, kind):
        return limited
    services.record_call(
        client_id=request.auth.id,
        kind=kind,
        http_status=405,
        result=f"method {request.method} not allowed",
    )
    response["Allow"] = "POST"
    return 405, {"detail": _("Method not allowed.")}


@router.api_operation(
    OTHER_METHODS,
    "/verify",
    response={405: ErrorOut, **ERRORS},
    include_in_schema=False,
)
def verify_other_method(request: HttpRequest, response: HttpResponse):
    return _wrong_method(request, response, RegistryCallKind.VERIFY)


@router.api_operation(
    OTHER_METHODS,
    "/guide-status",
    response={405: ErrorOut, **ERRORS},
    include_in_schema=False,
)
def guide_status_other_method(request: HttpRequest, response: HttpResponse):
    return _wrong_method(request, response, RegistryCallKind.GUIDE_STATUS)


# Webhooks (docs/registry-integration.md §5) -------------------------------------

# A time in an event: UTC, whole seconds, as ``services.event_time`` writes it.
EVENT_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


def _event_time(description: str):
    return Field(
        pattern=EVENT_TIME,
        description=description,
        json_schema_extra={"format": "date-time"},
        examples=["2026-03-14T05:21:07Z"],
    )


class CertificateEventData(BaseModel):
    """The certificate as it stands when the event is sent (each attempt)."""

    model_config = ConfigDict(extra="forbid")

    certificate_number: str = Field(examples=[EXAMPLE_NUMBER])
    course_kind: Literal["guide", "couples", "parents"]
    status: Literal["valid", "revoked"]
    issued_at: str = _event_time("When the certificate was issued.")
    revoked_at: str | None = _event_time("When it was revoked; null while it is valid.")


class CertificateEvent(BaseModel):
    """The body of a ``certificate.issued`` or ``certificate.revoked`` event."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        description="The event's id, the same on every attempt (also X-Event-Id).",
        json_schema_extra={"format": "uuid"},
    )
    type: Literal["certificate.issued", "certificate.revoked"]
    created_at: str = _event_time("When the event was created.")
    data: CertificateEventData


def _event_schema() -> dict:
    """``CertificateEvent``'s JSON schema with ``data`` written in place: webhooks
    sit outside ``components``, where django-ninja keeps the operations' own."""
    schema = CertificateEvent.model_json_schema()
    data = schema.pop("$defs")["CertificateEventData"]
    schema["properties"]["data"] = {**data, **schema["properties"]["data"]}
    del schema["properties"]["data"]["$ref"]
    return schema


def _webhook(event: str, summary: str) -> dict:
    header = {"in": "header", "required": True}
    return {
        "post": {
            "summary": summary,
            "description": (
                "POSTed to the client's webhook URL. Acknowledge with any 2xx "
                "within 10 seconds; anything else is retried with back-off until "
                "acknowledged. See docs/registry-integration.md §5."
            ),
            "operationId": "registry_webhook_" + event.replace(".", "_"),
            "tags": ["registry"],
            "parameters": [
                {
                    **header,
                    "name": "X-Event-Id",
                    "description": "The event's id, as in the body.",
                    "schema": {"type": "string", "format": "uuid"},
                },
                {
                    **header,
                    "name": "X-Event-Type",
                    "schema": {"type": "string", "enum": [event]},
                },
                {
                    **header,
                    "name": "X-Signature",
                    "description": (
                        "t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' "
                        "under the client's webhook secret>"
                    ),
                    "schema": {"type": "string"},
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _event_schema()}},
            },
            "responses": {
                "2XX": {"description": "Acknowledged: not sent again."},
                "default": {"description": "Not acknowledged: retried with back-off."},
            },
        }
    }


# OpenAPI 3.1 ``webhooks``: NinjaAPI(openapi_extra={"webhooks": WEBHOOKS}).
WEBHOOKS = {
    services.EVENT_ISSUED: _webhook(services.EVENT_ISSUED, "A certificate was issued"),
    services.EVENT_REVOKED: _webhook(
        services.EVENT_REVOKED, "A certificate was revoked"
    ),
}
