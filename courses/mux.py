"""Mux: the API client (mux-python), webhook signatures and signed playback tokens.

Everything that talks to Mux's servers goes through this module, so that the rest
of the app deals in plain dicts and ids.
"""

import base64
import hashlib
import hmac
import json
import re
import time

from django.conf import settings

import jwt
import mux_python
import requests
from mux_python import rest

SIGNATURE_TOLERANCE_SECONDS = 300
_DIGITS = re.compile(r"[0-9]{1,20}")
REQUEST_TIMEOUT_SECONDS = 15
PLAYBACK_TOKEN_SECONDS = 60 * 60
STREAM_URL = "https://stream.mux.com/{playback_id}.m3u8"
THUMBNAIL_URL = "https://image.mux.com/{playback_id}/thumbnail.jpg"


class MuxError(Exception):
    """Mux could not be reached or refused the request."""


def is_configured() -> bool:
    """Whether API credentials are set; without them videos are local files."""
    return bool(settings.MUX_TOKEN_ID and settings.MUX_TOKEN_SECRET)


def signing_is_configured() -> bool:
    return bool(settings.MUX_SIGNING_KEY_ID and settings.MUX_SIGNING_KEY_PRIVATE)


class _Response:
    """The parts of a urllib3 response that mux-python reads."""

    def __init__(self, response: requests.Response):
        self.status = response.status_code
        self.reason = response.reason
        self.data = response.content
        self.headers = response.headers


class RequestsTransport(rest.RESTClientObject):
    """mux-python's REST client, sending through ``requests`` with a timeout, so
    that one HTTP stack (and one way of mocking it in tests) serves the project."""

    def __init__(self, configuration):
        self.configuration = configuration
        self.session = requests.Session()

    def request(
        self,
        method,
        url,
        query_params=None,
        headers=None,
        body=None,
        post_params=None,
        _preload_content=True,
        _request_timeout=None,
    ):
        headers = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body) if not isinstance(body, str | bytes) else body
            headers.setdefault("Content-Type", "application/json")
        try:
            response = self.session.request(
                method,
                url,
                params=query_params or None,
                headers=headers,
                data=data,
                timeout=_request_timeout or REQUEST_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            unreachable = rest.ApiException(status=0, reason=str(error))
            # mux-python decodes the body of every ApiException it sees.
            unreachable.body = b""
            raise unreachable from error
        wrapped = rest.RESTResponse(_Response(response))
        if not 200 <= wrapped.status <= 299:
            raise rest.ApiException(http_resp=wrapped)
        return wrapped


def _client() -> mux_python.ApiClient:
    if not is_configured():
        raise MuxError("Mux API credentials are not set.")
    configuration = mux_python.Configuration()
    configuration.username = settings.MUX_TOKEN_ID
    configuration.password = settings.MUX_TOKEN_SECRET
    client = mux_python.ApiClient(configuration)
    client.rest_client = RequestsTransport(configuration)
    return client


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except rest.ApiException as error:
        raise MuxError(f"Mux answered {error.status}: {error.reason}") from error


def create_direct_upload(cors_origin: str, passthrough: str = "") -> dict:
    """Creates a direct upload; the browser PUTs the file to the returned URL.

    Returns ``{"id", "url"}``. New assets get a signed playback policy when
    signing keys are configured, a public one otherwise.
    """
    policy = "signed" if signing_is_configured() else "public"
    request = mux_python.CreateUploadRequest(
        cors_origin=cors_origin,
        new_asset_settings=mux_python.CreateAssetRequest(
            playback_policy=[policy],
            passthrough=passthrough,
        ),
    )
    api = mux_python.DirectUploadsApi(_client())
    upload = _call(api.create_direct_upload, request).data
    return {"id": upload.id, "url": upload.url}


def get_upload(upload_id: str) -> dict:
    api = mux_python.DirectUploadsApi(_client())
    return _call(api.get_direct_upload, upload_id).data.to_dict()


def get_asset(asset_id: str) -> dict:
    """The asset as a plain dict in the shape of Mux's JSON (and its webhooks)."""
    api = mux_python.AssetsApi(_client())
    return _call(api.get_asset, asset_id).data.to_dict()


def delete_asset(asset_id: str) -> None:
    """Deletes the asset and its stream from Mux; one already gone is fine."""
    api = mux_python.AssetsApi(_client())
    try:
        api.delete_asset(asset_id)
    except rest.ApiException as error:
        if error.status != 404:
            raise MuxError(f"Mux answered {error.status}: {error.reason}") from error


def create_text_track(asset_id: str, url: str, language: str, name: str) -> str:
    """Adds a subtitles track read by Mux from ``url``; returns the track id."""
    request = mux_python.CreateTrackRequest(
        url=url,
        type="text",
        text_type="subtitles",
        language_code=language,
        name=name,
        closed_captions=False,
    )
    api = mux_python.AssetsApi(_client())
    return _call(api.create_asset_track, asset_id, request).data.id


def delete_track(asset_id: str, track_id: str) -> None:
    api = mux_python.AssetsApi(_client())
    try:
        api.delete_asset_track(asset_id, track_id)
    except rest.ApiException as error:
        if error.status != 404:  # already gone is what we wanted
            raise MuxError(f"Mux answered {error.status}: {error.reason}") from error


def verify_webhook_signature(
    body: bytes,
    header: str,
    secret: str,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """Mux's scheme: ``Mux-Signature: t=<unix>,v1=<hex HMAC-SHA256("t.body")>``."""
    if not header or not secret:
        return False
    timestamp = None
    signatures = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            signatures.append(value)
    # ASCII digits only: "²".isdigit() is true, and int() refuses it.
    if not signatures or not _DIGITS.fullmatch(timestamp or ""):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    # Compared as bytes: compare_digest refuses str with non-ASCII characters.
    return any(
        hmac.compare_digest(expected.encode(), signature.encode())
        for signature in signatures
    )


def _signing_key() -> bytes:
    """The RS256 private key: base64 of a PEM, as Mux hands it out; a raw PEM is
    accepted too."""
    value = settings.MUX_SIGNING_KEY_PRIVATE.strip()
    if value.startswith("-----BEGIN"):
        return value.encode()
    return base64.b64decode(value)


def playback_token(
    playback_id: str,
    audience: str = "v",
    expires_in: int = PLAYBACK_TOKEN_SECONDS,
    claims: dict | None = None,
) -> str:
    """A signed playback token (RS256 JWT) for one playback ID.

    ``audience`` is Mux's: ``v`` video, ``t`` thumbnail, ``s`` storyboard.
    ``claims`` adds playback modifiers (``{"max_resolution": "360p"}``), which
    Mux takes from the token when the playback ID is signed.
    """
    claims = {
        **(claims or {}),
        "sub": playback_id,
        "aud": audience,
        "exp": int(time.time()) + expires_in,
        "kid": settings.MUX_SIGNING_KEY_ID,
    }
    return jwt.encode(
        claims,
        _signing_key(),
        algorithm="RS256",
        headers={"kid": settings.MUX_SIGNING_KEY_ID},
    )
