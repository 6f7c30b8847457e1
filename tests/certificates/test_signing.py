"""The signed credential verifies with the published JWKS, using jwcrypto only."""

import base64
import hashlib
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk, jws

from certificates import services, signing
from lms.factories import VALID_IINS
from progress.models import CourseCompletion


def _pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _jwks_from_endpoint(client) -> jwk.JWKSet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.content)


def _verify(token: str, keyset: jwk.JWKSet) -> dict:
    """Verify with jwcrypto alone: pick the key by kid, check the signature."""
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    key = keyset.get_key(header["kid"])
    if key is None:
        raise jws.InvalidJWSSignature("unknown kid")
    verifier = jws.JWS()
    verifier.deserialize(token)
    verifier.verify(key, alg="EdDSA")
    return json.loads(verifier.payload)


def test_jwks_endpoint_publishes_the_ed25519_key(client):
    response = client.get("/.well-known/jwks.json")
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]
    (key,) = response.json()["keys"]
    assert key["kty"] == "OKP"
    assert key["crv"] == "Ed25519"
    assert key["use"] == "sig"
    assert key["alg"] == "EdDSA"
    assert "d" not in key
    # kid is the RFC 7638 thumbprint, as jwcrypto computes it.
    assert key["kid"] == jwk.JWK(**key).thumbprint()
    # Caches may check the keys with HEAD first.
    head = client.head("/.well-known/jwks.json")
    assert (
        head.status_code == 200 and head["Cache-Control"] == response["Cache-Control"]
    )


def test_credential_verifies_with_the_jwks_and_has_the_contract_claims(
    certificate, client
):
    token = certificate.credential
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "EdDSA", "kid": certificate.kid, "typ": "JWT"}

    claims = _verify(token, _jwks_from_endpoint(client))
    assert claims["iss"] == "http://testserver"
    assert claims["sub"] == claims["jti"] == certificate.number
    assert claims["iat"] == int(certificate.issued_at.timestamp())
    assert claims["course"] == {
        "kind": "guide",
        "slug": certificate.course.slug,
        "title": "Бақытты отбасы",
    }
    salt = claims["holder"]["salt"]
    assert claims["holder"]["name"] == "Айгерім Бекова"
    assert claims["holder"]["identity_hash"] == (
        "sha256$" + hashlib.sha256((VALID_IINS[0] + salt).encode()).hexdigest()
    )
    # The IIN itself is nowhere in the credential.
    assert VALID_IINS[0] not in json.dumps(claims)
    assert claims["lang"] == "kk"
    assert set(claims) == {"iss", "sub", "jti", "iat", "course", "holder", "lang"}


def test_course_title_in_the_credential_follows_the_learners_language(
    partner, guide_course
):
    guide_course.title_en = "Happy Kazakhstani Family"
    guide_course.save()
    completion = CourseCompletion.objects.create(
        user=partner, course=guide_course, language="en"
    )
    certificate = services.issue_certificate(completion)
    claims = signing.verify_credential(certificate.credential)
    assert claims["course"]["title"] == "Happy Kazakhstani Family"
    assert claims["lang"] == "en"


def _flip(token: str, index: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    ch = token[index]
    if ch == ".":
        return token[:index] + "A" + token[index + 1 :]
    # Change the 6-bit value at this position by its lowest and highest bits, so
    # that even the last character of a segment changes decoded bytes.
    replacement = alphabet[(alphabet.index(ch) ^ 0b100001) % 64]
    return token[:index] + replacement + token[index + 1 :]


def test_credential_fails_after_any_byte_is_changed(certificate, client):
    keyset = _jwks_from_endpoint(client)
    token = certificate.credential
    header_end = token.index(".")
    payload_end = token.rindex(".")
    positions = sorted(
        {
            0,
            1,
            header_end // 2,
            header_end - 1,
            header_end,
            header_end + 1,
            (header_end + payload_end) // 2,
            payload_end - 2,
            payload_end - 1,
            payload_end,
            payload_end + 1,
            (payload_end + len(token)) // 2,
            len(token) - 2,
        }
    )
    assert _verify(token, keyset)["sub"] == certificate.number
    for index in positions:
        tampered = _flip(token, index)
        assert tampered != token
        with pytest.raises(Exception):  # noqa: B017 - jwcrypto raises several kinds
            _verify(tampered, keyset)
        with pytest.raises(jwt.InvalidTokenError):
            signing.verify_credential(tampered)


def test_every_byte_of_the_signature_matters(certificate, client):
    keyset = _jwks_from_endpoint(client)
    head, payload, signature = certificate.credential.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        encoded = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        with pytest.raises(jws.InvalidJWSSignature):
            _verify(f"{head}.{payload}.{encoded}", keyset)


def test_a_changed_claim_with_the_old_signature_fails(certificate, client):
    keyset = _jwks_from_endpoint(client)
    head, payload, signature = certificate.credential.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["holder"]["name"] = "Басқа Адам"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jws.InvalidJWSSignature):
        _verify(f"{head}.{forged}.{signature}", keyset)


def test_rotation_keeps_old_credentials_verifiable(
    completion, partner, guide_course, settings, client
):
    old_key, new_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = _pem(old_key)
    settings.CERTIFICATE_RETIRED_KEYS = ""
    old_certificate = services.issue_certificate(completion)

    # Rotate: a new signing key, the old one retired (escaped newlines, as an
    # environment variable often carries them).
    settings.CERTIFICATE_SIGNING_KEY = _pem(new_key)
    settings.CERTIFICATE_RETIRED_KEYS = _pem(old_key).replace("\n", "\\n")
    other = CourseCompletion.objects.create(
        user=partner, course=guide_course, language="kk"
    )
    new_certificate = services.issue_certificate(other)

    assert old_certificate.kid != new_certificate.kid
    published = client.get("/.well-known/jwks.json").json()["keys"]
    assert [key["kid"] for key in published] == [
        new_certificate.kid,
        old_certificate.kid,
    ]
    keyset = _jwks_from_endpoint(client)
    assert _verify(old_certificate.credential, keyset)["sub"] == old_certificate.number
    assert _verify(new_certificate.credential, keyset)["sub"] == new_certificate.number

    # Once the old key is dropped from the JWKS, its credentials no longer verify.
    settings.CERTIFICATE_RETIRED_KEYS = ""
    with pytest.raises(jws.InvalidJWSSignature):
        _verify(old_certificate.credential, _jwks_from_endpoint(client))


def test_retired_keys_may_be_given_as_public_keys(settings):
    retired = Ed25519PrivateKey.generate()
    public_pem = (
        retired.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    settings.CERTIFICATE_RETIRED_KEYS = (
        public_pem + "\n" + _pem(Ed25519PrivateKey.generate())
    )
    keys = signing.jwks()["keys"]
    assert len(keys) == 3
    assert keys[1]["kid"] == signing.thumbprint(retired.public_key())


def test_a_key_that_is_not_ed25519_is_refused(settings):
    from cryptography.hazmat.primitives.asymmetric import ec

    settings.CERTIFICATE_SIGNING_KEY = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(signing.SigningKeyError):
        signing.signing_key()


@pytest.mark.parametrize(
    "setting, value",
    [
        ("CERTIFICATE_SIGNING_KEY", "not-a-pem"),
        (
            "CERTIFICATE_RETIRED_KEYS",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        ),
        # A path where the key itself belongs, or its base64 alone: nothing
        # would be published, and the old credentials would stop verifying.
        ("CERTIFICATE_RETIRED_KEYS", "/etc/otbasy/old-key.pem"),
        ("CERTIFICATE_RETIRED_KEYS", "MC4CAQAwBQYDK2VwBCIEIHv4"),
        ("CERTIFICATE_NEXT_KEYS", "/etc/otbasy/next-key.pem"),
        (
            "CERTIFICATE_NEXT_KEYS",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        ),
    ],
)
def test_an_unreadable_key_fails_the_system_check(settings, setting, value):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    call_command("check")  # the test settings' keys are fine
    setattr(settings, setting, value)
    with pytest.raises(SystemCheckError, match="certificates.E001"):
        call_command("check")


def _public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )


def test_the_next_key_is_published_before_it_signs(
    completion, partner, guide_course, settings, client
):
    """A rotation as docs/deployment.md describes it: publish the next key, then
    switch to it and retire the old one. Verifiers' copies fetched in between
    hold the new key before the first credential it signs."""
    old_key, next_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    old_kid = signing.thumbprint(old_key.public_key())
    next_kid = signing.thumbprint(next_key.public_key())
    settings.CERTIFICATE_SIGNING_KEY = _pem(old_key)
    settings.CERTIFICATE_RETIRED_KEYS = ""

    # 1. Publish: the next key (its public half, or the private key) in the JWKS.
    settings.CERTIFICATE_NEXT_KEYS = _public_pem(next_key).replace("\n", "\\n")
    published = client.get("/.well-known/jwks.json").json()["keys"]
    assert [key["kid"] for key in published] == [old_kid, next_kid]
    copy_made_before_the_switch = _jwks_from_endpoint(client)
    # It signs nothing yet.
    old_certificate = services.issue_certificate(completion)
    assert old_certificate.kid == old_kid

    # 2. Switch: the next key signs, the old one is retired.
    settings.CERTIFICATE_SIGNING_KEY = _pem(next_key)
    settings.CERTIFICATE_RETIRED_KEYS = _pem(old_key)
    settings.CERTIFICATE_NEXT_KEYS = ""
    other = CourseCompletion.objects.create(
        user=partner, course=guide_course, language="kk"
    )
    new_certificate = services.issue_certificate(other)
    assert new_certificate.kid == next_kid

    # The copy made before the switch verifies the new credential, and the old.
    assert (
        _verify(new_certificate.credential, copy_made_before_the_switch)["sub"]
        == new_certificate.number
    )
    assert (
        _verify(old_certificate.credential, copy_made_before_the_switch)["sub"]
        == old_certificate.number
    )
    published = client.get("/.well-known/jwks.json").json()["keys"]
    assert [key["kid"] for key in published] == [next_kid, old_kid]


def test_next_keys_sign_nothing_but_verify(settings):
    """While processes restart one by one, those still publishing the new key as
    the next one verify what those already signing with it sign."""
    current, upcoming = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = _pem(upcoming)
    settings.CERTIFICATE_RETIRED_KEYS = ""
    settings.CERTIFICATE_NEXT_KEYS = ""
    _kid, token = signing.sign_claims(
        {"iss": settings.SITE_URL, "sub": "BKO-1", "jti": "BKO-1", "iat": 1}
    )

    settings.CERTIFICATE_SIGNING_KEY = _pem(current)
    settings.CERTIFICATE_NEXT_KEYS = _pem(upcoming)  # a private key is accepted
    assert signing.signing_key()[0] == signing.thumbprint(current.public_key())
    assert signing.verify_credential(token)["sub"] == "BKO-1"

    settings.CERTIFICATE_NEXT_KEYS = ""
    with pytest.raises(jwt.InvalidTokenError):
        signing.verify_credential(token)


def test_a_next_key_that_is_already_the_signing_key_is_published_once(settings):
    key = Ed25519PrivateKey.generate()
    settings.CERTIFICATE_SIGNING_KEY = _pem(key)
    settings.CERTIFICATE_NEXT_KEYS = _public_pem(key)
    settings.CERTIFICATE_RETIRED_KEYS = ""
    assert len(signing.jwks()["keys"]) == 1


@pytest.mark.parametrize(
    "setting, value, named",
    [
        ("CERTIFICATE_SIGNING_KEY", "not-a-pem", "CERTIFICATE_SIGNING_KEY"),
        ("CERTIFICATE_NEXT_KEYS", "/etc/otbasy/next.pem", "CERTIFICATE_NEXT_KEYS"),
        (
            "CERTIFICATE_RETIRED_KEYS",
            "MC4CAQAwBQYDK2VwBCIE",
            "CERTIFICATE_RETIRED_KEYS",
        ),
    ],
)
def test_processes_that_sign_refuse_to_start_with_an_unreadable_key(
    settings, setting, value, named
):
    from django.core.exceptions import ImproperlyConfigured

    from certificates.checks import require_readable_keys

    require_readable_keys()  # the test settings' keys are fine
    setattr(settings, setting, value)
    with pytest.raises(ImproperlyConfigured, match=named):
        require_readable_keys()
