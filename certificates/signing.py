"""Signed credentials: Ed25519 compact JWS (EdDSA) and the JWKS that verifies them.

The signing key is ``CERTIFICATE_SIGNING_KEY`` (Ed25519 private key, PEM). Its key ID
is the RFC 7638 JWK thumbprint of the public key, so it stays the same for as long as
the key does. After a rotation the earlier keys go to ``CERTIFICATE_RETIRED_KEYS``
(PEM blocks, private or public): they sign nothing, but their public halves stay in
``/.well-known/jwks.json`` so that credentials they signed still verify. Before a
rotation the next key goes to ``CERTIFICATE_NEXT_KEYS`` (the same form): it signs
nothing yet, but is published, so that verifiers' copies of the JWKS hold it by the
time it signs (docs/deployment.md, "Rotating the signing key").
"""

import base64
import functools
import hashlib
import json
import re
from dataclasses import dataclass

from django.conf import settings

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)


class SigningKeyError(Exception):
    """The configured signing key is missing or is not an Ed25519 key."""


@dataclass(frozen=True)
class PublicKey:
    kid: str
    key: Ed25519PublicKey

    def jwk(self) -> dict:
        """The key as a JWK: OKP, Ed25519, for signatures with EdDSA."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(_raw(self.key)),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
        }


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def thumbprint(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw(public_key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _pem_text(value: str) -> str:
    # Environment variables often carry PEMs with their newlines escaped.
    return value.replace("\\n", "\n").strip()


@functools.lru_cache(maxsize=8)
def _private_key(pem: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_pem_text(pem).encode(), None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError("CERTIFICATE_SIGNING_KEY is not a PEM key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("CERTIFICATE_SIGNING_KEY must be an Ed25519 key")
    return key


@functools.lru_cache(maxsize=16)
def _published_keys(pems: str, setting: str) -> tuple[PublicKey, ...]:
    """The public keys of the PEM blocks (private or public) in ``pems``, the
    value of ``setting`` (``CERTIFICATE_RETIRED_KEYS``, ``CERTIFICATE_NEXT_KEYS``)."""
    text = _pem_text(pems)
    if PEM_BLOCK.sub("", text).strip():
        # A path to a key file, or a key's base64 without its BEGIN and END
        # lines: ignored, the keys would not be published.
        raise SigningKeyError(
            f"{setting} holds something that is not a PEM key: "
            "give the keys themselves, each with its BEGIN and END lines"
        )
    keys = []
    for match in PEM_BLOCK.finditer(text):
        block = match.group(0).encode()
        try:
            if "PRIVATE" in match.group(1):
                key = serialization.load_pem_private_key(block, None).public_key()
            else:
                key = serialization.load_pem_public_key(block)
        except (ValueError, TypeError) as exc:
            raise SigningKeyError(
                f"{setting} holds a PEM block that is not a key"
            ) from exc
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"{setting} must hold Ed25519 keys")
        keys.append(PublicKey(kid=thumbprint(key), key=key))
    return tuple(keys)


def _retired_keys(pems: str) -> tuple[PublicKey, ...]:
    return _published_keys(pems, "CERTIFICATE_RETIRED_KEYS")


def _next_keys(pems: str) -> tuple[PublicKey, ...]:
    return _published_keys(pems, "CERTIFICATE_NEXT_KEYS")


def signing_key() -> tuple[str, Ed25519PrivateKey]:
    """The current key ID and private key."""
    key = _private_key(settings.CERTIFICATE_SIGNING_KEY)
    return thumbprint(key.public_key()), key


def public_keys() -> list[PublicKey]:
    """The current public key first, then the next ones, then the retired ones,
    each key ID once.

    A next key verifies too: during a switch some processes already sign with it
    while others still have it as the next key."""
    kid, key = signing_key()
    keys = {kid: PublicKey(kid=kid, key=key.public_key())}
    for published in (
        *_next_keys(settings.CERTIFICATE_NEXT_KEYS or ""),
        *_retired_keys(settings.CERTIFICATE_RETIRED_KEYS or ""),
    ):
        keys.setdefault(published.kid, published)
    return list(keys.values())


def keys_problem() -> str | None:
    """What makes the configured keys unreadable, or None when all can be read."""
    try:
        public_keys()
    except Exception as exc:  # noqa: BLE001 - any unreadable key is the same error
        return str(exc)
    return None


def jwks() -> dict:
    """The JSON Web Key Set published at ``/.well-known/jwks.json``."""
    return {"keys": [key.jwk() for key in public_keys()]}


def sign_claims(claims: dict) -> tuple[str, str]:
    """Sign ``claims`` as a compact JWS; returns (kid, token)."""
    kid, key = signing_key()
    token = jwt.encode(
        claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"}
    )
    return kid, token


def verify_credential(token: str) -> dict:
    """The claims of a credential signed by one of our keys.

    Raises ``jwt.InvalidTokenError`` for a bad signature, an unknown key ID or a
    credential from another issuer.
    """
    header = jwt.get_unverified_header(token)
    keys = {key.kid: key.key for key in public_keys()}
    key = keys.get(header.get("kid"))
    if key is None:
        raise jwt.InvalidTokenError("unknown key ID")
    return jwt.decode(
        token,
        key,
        algorithms=["EdDSA"],
        issuer=settings.SITE_URL,
        options={"verify_aud": False, "require": ["iss", "sub", "jti", "iat"]},
    )
