"""Bearer-token authentication of registry clients."""

from django.http import HttpRequest

from ninja.security import HttpBearer

from registry import services
from registry.models import RegistryCallKind


class RegistryBearer(HttpBearer):
    """``Authorization: Bearer <token>`` issued by ``create_registry_client``.

    ``request.auth`` becomes a :class:`registry.services.AuthenticatedClient`. A
    refused call is audited without a client (best effort).
    """

    def __call__(self, request: HttpRequest):
        client = super().__call__(request)
        if client is None:
            kind = _kind(request.path)
            if kind:
                services.record_call(
                    client_id=None, kind=kind, http_status=401, result="unauthorized"
                )
        return client

    def authenticate(self, request: HttpRequest, token: str):
        return services.authenticate_token(token.strip())


def _kind(path: str) -> str | None:
    for kind in RegistryCallKind.values:
        if path.rstrip("/").endswith("/" + kind):
            return kind
    return None
