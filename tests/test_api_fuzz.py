"""Property-based runs of the JSON API against its own OpenAPI schema (schemathesis).

Every operation under /api/v1/courses/, /api/v1/progress/ and /api/v1/registry/ gets
generated requests, valid and invalid, in-process through WSGI, as a signed-in
learner (session and CSRF token) holding a registry bearer token. No answer may be a
5xx; answers must match the documented status codes, content type and body schema.
"""

from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from certificates.models import Certificate, CertificateStatus
from certificates.numbers import generate_number
from lms.factories import VALID_IINS, UserFactory
from lms.iin import iin_hash
from registry.api import EXAMPLE_IIN, EXAMPLE_NUMBER, GuideStatusIn
from registry.services import create_client

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
registry_and_courses = schema.include(path_regex=r"^/api/v1/(courses|registry)/")
progress = schema.include(path_regex=r"^/api/v1/progress/")

# positive_data_acceptance expects 2xx for any schema-valid body, but the check
# digits of an IIN and of a certificate number cannot be said in JSON Schema;
# such bodies are rightly answered 422.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]

BOUNDED = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Requests go straight to the WSGI application, not through Django's test
    client, so keep Django from closing the test's database connection (inside its
    transaction) at the end of each request, as the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def documented_certificates(guide_course):
    """The certificates the schema's examples ask about: the example number, valid,
    held by the example IIN, and a revoked guide certificate of the second IIN of
    the guide-status example, so that those examples are answered 200 with data."""
    holder = UserFactory(iin=EXAMPLE_IIN)
    other_iin = GuideStatusIn.model_json_schema()["examples"][0]["iins"][1]
    other = UserFactory(iin=other_iin)
    for user, iin, number, status in (
        (holder, EXAMPLE_IIN, EXAMPLE_NUMBER, CertificateStatus.VALID),
        (other, other_iin, generate_number(), CertificateStatus.REVOKED),
    ):
        Certificate.objects.create(
            number=number,
            user=user,
            course=guide_course,
            course_kind=guide_course.kind,
            holder_name=user.get_full_name(),
            holder_iin_hash=iin_hash(iin),
            identity_salt="00" * 16,
            language="kk",
            issued_at=timezone.now().replace(microsecond=0),
            status=status,
            revoked_at=timezone.now() if status == CertificateStatus.REVOKED else None,
        )


@pytest.fixture
def credentials(guide_course, documented_certificates):
    """Headers and cookies of a learner who is signed in and holds a registry token."""
    _client, token = create_client("Fuzz", rate_limit=100_000)
    learner = UserFactory(iin=VALID_IINS[0])
    browser = Client()
    browser.force_login(learner)
    csrf = _get_new_csrf_string()
    return {
        # Schemathesis reads the WSGI answer as sent, without undoing gzip.
        "headers": {
            "Authorization": f"Bearer {token}",
            "X-CSRFToken": csrf,
            "Accept-Encoding": "identity",
        },
        "cookies": {"sessionid": browser.cookies["sessionid"].value, "csrftoken": csrf},
    }


@registry_and_courses.parametrize()
@BOUNDED
def test_api_conforms_to_its_schema(case, credentials):
    case.call_and_validate(
        headers=credentials["headers"],
        cookies=credentials["cookies"],
        excluded_checks=EXCLUDED_CHECKS,
    )


@progress.parametrize()
@BOUNDED
def test_progress_api_conforms_to_its_schema(case, credentials):
    case.call_and_validate(
        headers=credentials["headers"],
        cookies=credentials["cookies"],
        excluded_checks=EXCLUDED_CHECKS,
    )


@pytest.mark.django_db
def test_the_documented_examples_are_answered_as_documented(credentials):
    """The request examples in the schema, sent as they are, get 200 answers with
    real data (the fuzz runs start from these examples)."""
    client = Client(headers=credentials["headers"])
    spec = client.get("/api/v1/openapi.json").json()
    answers = {}
    for path in ("/api/v1/registry/verify", "/api/v1/registry/guide-status"):
        body = spec["paths"][path]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"]
        (example,) = body["examples"][:1]
        response = client.post(path, example, content_type="application/json")
        assert response.status_code == 200, response.content
        answers[path] = response.json()
    verified = answers["/api/v1/registry/verify"]
    assert verified["status"] == "valid"
    assert verified["certificate_number"] == EXAMPLE_NUMBER
    results = answers["/api/v1/registry/guide-status"]["results"]
    assert [r["completed"] for r in results] == [True, False]
    assert results[0]["certificate_number"] == EXAMPLE_NUMBER
