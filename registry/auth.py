"""Bearer-token authentication of registry clients."""

import math
import time

from django.conf import settings
from django.http import HttpRequest

from ninja.errors import Throttled
from ninja.security import HttpBearer

from lms import ratelimit
from registry import services
from registry.models import RegistryCallKind

UNAUTHORIZED_WINDOW = 60

# Client address → monotonic time until which this process refuses it without
# looking at its token: once an address is over the limit of unauthorized calls,
# its further calls cost neither a token lookup nor an audit row.
_refused: dict[str, float] = {}


class RegistryBearer(HttpBearer):
    """``Authorization: Bearer <token>`` issued by ``create_registry_client``.

    ``request.auth`` becomes a :class:`registry.services.AuthenticatedClient`. A
    refused call is audited without a client (best effort); an address that keeps
    calling without a valid token is answered 429 for the rest of the minute.
    """

    def __call__(self, request: HttpRequest):
        address = ratelimit.client_address(request)
        until = _refused.get(address, 0.0)
        if until > time.monotonic():
            raise Throttled(wait=math.ceil(until - time.monotonic()))
        client = super().__call__(request)
        if client is None:
            _unauthorized(request, address)
        return client

    def authenticate(self, request: HttpRequest, token: str):
        return services.authenticate_token(token.strip())


def _unauthorized(request: HttpRequest, address: str) -> None:
    """Count and audit a call without a valid token; raise Throttled over the
    limit (auditing only the first call refused that way)."""
    hit = ratelimit.hit("registry:unauthorized", address, UNAUTHORIZED_WINDOW)
    limit = settings.REGISTRY_UNAUTHORIZED_PER_MINUTE
    over = hit.over(limit)
    kind = _kind(request.path)
    if kind and hit.count <= limit + 1:
        services.record_call(
            client_id=None,
            kind=kind,
            http_status=429 if over else 401,
            result="unauthorized; address throttled" if over else "unauthorized",
        )
    if over:
        if len(_refused) > 10_000:  # many addresses must not grow it without end
            _refused.clear()
        _refused[address] = time.monotonic() + hit.retry_after
        raise Throttled(wait=hit.retry_after)


def _kind(path: str) -> str | None:
    for kind in RegistryCallKind.values:
        if path.rstrip("/").endswith("/" + kind):
            return kind
    return None
