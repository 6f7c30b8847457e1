"""The offline verification example of docs/registry-integration.md §6 works as its
text says, across a key rotation: a copy of the JWKS saved before the rotation is
fetched again once for a credential signed by the new key, and a key ID unknown
even then is a jwt.InvalidTokenError."""

import io
import json
import re
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates import services
from progress.models import CourseCompletion
from tests.certificates.test_signing import _pem

DOC = Path(__file__).resolve().parents[2] / "docs" / "registry-integration.md"
ISSUER = "https://bakytty-otbasy.kz"  # the example's
NUMBER_FILE = "BKO-7K2M-9QXD-4HT8.jwt"  # the file the example reads


def example() -> str:
    """The PyJWT example: the Python block of §6 that defines read_credential."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    (code,) = [block for block in blocks if "def read_credential" in block]
    return code


@pytest.fixture
def platform(settings, client, monkeypatch, tmp_path):
    """The platform at the example's address; the example's fetches of the JWKS
    are answered by the JWKS view, and counted."""
    settings.SITE_URL = ISSUER
    settings.CERTIFICATE_RETIRED_KEYS = ""
    settings.CERTIFICATE_NEXT_KEYS = ""
    fetched = []

    def urlopen(url, timeout=None):
        assert url == f"{ISSUER}/.well-known/jwks.json"
        fetched.append(url)
        return io.BytesIO(client.get("/.well-known/jwks.json").content)

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    monkeypatch.chdir(tmp_path)
    return fetched


def save_copy_of_the_jwks(client) -> None:
    Path("jwks.json").write_text(client.get("/.well-known/jwks.json").content.decode())


def test_a_copy_saved_before_a_rotation_is_fetched_again_once(
    platform, completion, settings, client
):
    old_key, new_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = _pem(old_key)
    save_copy_of_the_jwks(client)  # the verifier's copy, before the rotation

    settings.CERTIFICATE_SIGNING_KEY = _pem(new_key)
    settings.CERTIFICATE_RETIRED_KEYS = _pem(old_key)
    certificate = services.issue_certificate(completion)
    Path(NUMBER_FILE).write_text(certificate.credential)

    namespace = {}
    exec(example(), namespace)  # noqa: S102 - the documented example, as written

    assert namespace["claims"]["sub"] == certificate.number
    assert len(platform) == 1  # fetched again once, for the new key ID
    saved = json.loads(Path("jwks.json").read_text())
    assert certificate.kid in [key["kid"] for key in saved["keys"]]


def test_a_key_id_unknown_even_after_fetching_is_an_invalid_token(
    platform, completion, partner, guide_course, settings, client
):
    settings.CERTIFICATE_SIGNING_KEY = _pem(Ed25519PrivateKey.generate())
    genuine = services.issue_certificate(completion)
    Path(NUMBER_FILE).write_text(genuine.credential)
    save_copy_of_the_jwks(client)
    namespace = {}
    exec(example(), namespace)  # noqa: S102
    assert platform == []  # the saved copy had the key

    # Signed by a key the platform never published.
    settings.CERTIFICATE_SIGNING_KEY = _pem(Ed25519PrivateKey.generate())
    forged = services.issue_certificate(
        CourseCompletion.objects.create(user=partner, course=guide_course)
    ).credential
    settings.CERTIFICATE_SIGNING_KEY = _pem(Ed25519PrivateKey.generate())

    with pytest.raises(jwt.InvalidTokenError, match="unknown key ID"):
        namespace["read_credential"](forged)
    assert len(platform) == 1
    # A second forgery soon after does not make it fetch again.
    with pytest.raises(jwt.InvalidTokenError, match="unknown key ID"):
        namespace["read_credential"](forged)
    assert len(platform) == 1
    # A credential without a key ID, or no JWS at all, is an invalid token too.
    with pytest.raises(jwt.InvalidTokenError):
        namespace["read_credential"]("not a credential")
    no_kid = jwt.encode({"sub": "x"}, Ed25519PrivateKey.generate(), algorithm="EdDSA")
    with pytest.raises(jwt.InvalidTokenError):
        namespace["read_credential"](no_kid)
