"""Fixtures of the registry API tests: clients with tokens, certificates."""

import datetime
import json
import secrets

from django.utils import timezone

import pytest

from certificates.models import Certificate, CertificateStatus
from certificates.numbers import generate_number
from courses.factories import CoursePageFactory
from lms.iin import iin_hash
from registry.services import create_client
from tests.conftest import forget_cache_keys

WEBHOOK_URL = "https://registry.example.kz/hooks/certificates"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Per-address counters of unauthorized calls do not carry over between tests."""
    forget_cache_keys("*ratelimit:registry*")
    yield
    forget_cache_keys("*ratelimit:registry*")


@pytest.fixture
def registry_token(db):
    """The bearer token of an active client (without a webhook)."""
    _client, token = create_client("ЗАГС (тест)", rate_limit=1000)
    return token


@pytest.fixture
def api(client, registry_token):
    """POST JSON to the registry API as the active client; returns the response."""

    def post(path, body, token=registry_token, **kwargs):
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return client.post(
            f"/api/v1/registry/{path}",
            body if isinstance(body, str | bytes) else json.dumps(body),
            content_type="application/json",
            headers=headers,
            **kwargs,
        )

    return post


@pytest.fixture
def couples_course(course_index):
    return CoursePageFactory(parent=course_index, kind="couples", title="Жұптар")


@pytest.fixture
def make_certificate():
    """Build a certificate row directly, the way the certificates app stores one."""

    def make(user, course, iin, *, status=CertificateStatus.VALID, issued_at=None):
        issued_at = issued_at or timezone.now() - datetime.timedelta(days=3)
        return Certificate.objects.create(
            number=generate_number(),
            user=user,
            course=course,
            course_kind=course.kind,
            holder_name=f"{user.first_name} {user.last_name}",
            holder_iin_hash=iin_hash(iin),
            identity_salt=secrets.token_hex(16),
            language="kk",
            issued_at=issued_at,
            status=status,
            revoked_at=timezone.now() if status == CertificateStatus.REVOKED else None,
        )

    return make
