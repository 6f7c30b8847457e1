"""The one JSON API at /api/v1/ (CONTRACTS.md §5, §6), built with django-ninja."""

from django.utils.translation import gettext as _

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

api = NinjaAPI(
    title="Бақытты отбасы API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/courses/", "courses.api.router", tags=["courses"])
api.add_router("/progress/", "progress.api.router", tags=["progress"])
api.add_router("/registry/", "registry.api.router", tags=["registry"])


def describe_validation_errors(errors: list[dict]) -> str:
    """One readable sentence per invalid field, e.g. ``body.position: must be ≥ 0``."""
    parts = []
    for error in errors:
        location = ".".join(
            str(part) for part in error.get("loc", ()) if part != "payload"
        )
        parts.append(f"{location}: {error.get('msg', 'invalid value')}")
    return "; ".join(parts) or "Invalid input."


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """422 with a string ``detail``, the same shape as every other API error."""
    return api.create_response(
        request, {"detail": describe_validation_errors(exc.errors)}, status=422
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
