"""The examples of docs/registry-integration.md work as its text says: the jwcrypto
check of §6 (the PyJWT one is tests/certificates/test_registry_doc_example.py) and
the webhook signature check of §5."""

import json
import re
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto.jws import InvalidJWSSignature
from jwcrypto.jwt import JWTInvalidClaimValue, JWTMissingKey, JWTMissingKeyID

from certificates import services as certificates
from lms.factories import VALID_IINS
from progress.models import CourseCompletion
from registry.services import sign_webhook
from tests.certificates import test_registry_doc_example as pyjwt_example
from tests.certificates.test_registry_doc_example import (
    DOC,
    NUMBER_FILE,
    save_copy_of_the_jwks,
)
from tests.certificates.test_signing import _pem

# The platform at the examples' address, its JWKS fetches counted.
platform = pyjwt_example.platform


def example(marker: str) -> str:
    """The one Python block of the guide that contains ``marker``."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    (code,) = [block for block in blocks if marker in block]
    return code


def run(code: str) -> dict:
    namespace = {}
    exec(code, namespace)  # noqa: S102 - the documented example, as written
    return namespace


def issue(user, course) -> str:
    completion = CourseCompletion.objects.create(user=user, course=course)
    return certificates.issue_certificate(completion)


def test_jwcrypto_fetches_a_copy_saved_before_a_rotation_again_once(
    platform, learner, guide_course, settings, client
):
    old_key, new_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = _pem(old_key)
    save_copy_of_the_jwks(client)  # the verifier's copy, before the rotation
    settings.CERTIFICATE_SIGNING_KEY = _pem(new_key)
    settings.CERTIFICATE_RETIRED_KEYS = _pem(old_key)
    certificate = issue(learner, guide_course)
    Path(NUMBER_FILE).write_text(certificate.credential)

    namespace = run(example("from jwcrypto import"))  # its asserts pass

    assert namespace["claims"]["sub"] == certificate.number
    assert len(platform) == 1  # fetched again once, for the new key ID
    saved = json.loads(Path("jwks.json").read_text())
    assert certificate.kid in [key["kid"] for key in saved["keys"]]
    assert not namespace["holder_is"](namespace["claims"], VALID_IINS[1])


def test_jwcrypto_refuses_forgeries_without_fetching_for_each(
    platform, learner, partner, guide_course, settings, client
):
    platform_key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = _pem(platform_key)
    genuine = issue(learner, guide_course)
    Path(NUMBER_FILE).write_text(genuine.credential)
    save_copy_of_the_jwks(client)
    namespace = run(example("from jwcrypto import"))
    verified_claims = namespace["verified_claims"]
    assert platform == []  # the saved copy had the key

    # Signed by another key, naming the platform's real key ID: a bad signature,
    # however often it is tried, and never a fetch.
    claims = jwt.decode(genuine.credential, options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "holder": {**claims["holder"], "name": "Someone Else"}},
        Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
        headers={"kid": genuine.kid},
    )
    for _attempt in range(3):
        with pytest.raises(InvalidJWSSignature):
            verified_claims(forged)
    assert platform == []

    # No key ID, another issuer (signed by the platform's key), no JWS at all.
    no_kid = jwt.encode(claims, platform_key, algorithm="EdDSA")
    with pytest.raises(JWTMissingKeyID):
        verified_claims(no_kid)
    other_issuer = jwt.encode(
        {**claims, "iss": "https://elsewhere.example"},
        platform_key,
        algorithm="EdDSA",
        headers={"kid": genuine.kid},
    )
    with pytest.raises(JWTInvalidClaimValue, match="iss"):
        verified_claims(other_issuer)
    with pytest.raises(ValueError):
        verified_claims("not a credential")
    assert platform == []

    # Signed by a key the platform never published: fetched again once.
    settings.CERTIFICATE_SIGNING_KEY = _pem(Ed25519PrivateKey.generate())
    unknown = issue(partner, guide_course).credential
    settings.CERTIFICATE_SIGNING_KEY = _pem(Ed25519PrivateKey.generate())
    for _attempt in range(2):
        with pytest.raises(JWTMissingKey, match="unknown key ID"):
            verified_claims(unknown)
    assert len(platform) == 1


def test_a_credential_of_another_course_fails_the_jwcrypto_check(
    platform, learner, couples_course, settings, client
):
    settings.CERTIFICATE_SIGNING_KEY = _pem(Ed25519PrivateKey.generate())
    Path(NUMBER_FILE).write_text(issue(learner, couples_course).credential)
    save_copy_of_the_jwks(client)

    with pytest.raises(AssertionError):  # course.kind is "couples"
        run(example("from jwcrypto import"))


def test_the_webhook_check_refuses_a_call_without_a_signature():
    namespace = run(example("def verify_webhook"))
    verify_webhook = namespace["verify_webhook"]
    body = b'{"id":"1"}'
    header = sign_webhook("whsec_test", body, int(time.time()))

    assert verify_webhook("whsec_test", header, body)
    assert not verify_webhook("whsec_other", header, body)
    assert not verify_webhook("whsec_test", header, body + b" ")
    # What the Django and Flask lines pass when X-Signature is missing.
    assert re.search(r'headers\.get\("X-Signature", ""\)', example("verify_webhook"))
    assert not verify_webhook("whsec_test", "", body)
    stale = sign_webhook("whsec_test", body, int(time.time()) - 600)
    assert not verify_webhook("whsec_test", stale, body)
