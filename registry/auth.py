"""Bearer-token authentication of registry clients."""

from django.conf import settings
from django.http import HttpRequest

from ninja.security import HttpBearer

from lms import ratelimit
from registry import services
from registry.models import RegistryCallKind

UNAUTHORIZED_WINDOW = 60


class RegistryBearer(HttpBearer):
    """``Authorization: Bearer <token>`` issued by ``create_registry_client``.

    ``request.auth`` becomes a :class:`registry.services.AuthenticatedClient`. A
    refused call (401) is audited without a client, at most
    ``REGISTRY_UNAUTHORIZED_PER_MINUTE`` of them per client address and minute,
    so that a flood of calls with made-up tokens cannot grow the audit log without
    end (the flood itself is for the reverse proxy's limits).
    """

    def __call__(self, request: HttpRequest):
        client = super().__call__(request)
        if client is None:
            _audit_unauthorized(request)
        return client

    def authenticate(self, request: HttpRequest, token: str):
        return services.authenticate_token(token.strip())


def _audit_unauthorized(request: HttpRequest) -> None:
    kind = _kind(request.path)
    if not kind:
        return
    address = ratelimit.client_address(request)
    hit = ratelimit.hit("registry:unauthorized", address, UNAUTHORIZED_WINDOW)
    limit = settings.REGISTRY_UNAUTHORIZED_PER_MINUTE
    if hit.count > limit + 1:
        return
    services.record_call(
        client_id=None,
        kind=kind,
        http_status=401,
        result="unauthorized"
        if hit.count <= limit
        else "unauthorized; further calls from this address this minute not recorded",
    )


def _kind(path: str) -> str | None:
    for kind in RegistryCallKind.values:
        if path.rstrip("/").endswith("/" + kind):
            return kind
    return None
