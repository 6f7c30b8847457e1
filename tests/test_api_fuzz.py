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

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from lms.factories import VALID_IINS, UserFactory
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
def credentials(guide_course):
    """Headers and cookies of a learner who is signed in and holds a registry token."""
    _client, token = create_client("Fuzz", rate_limit=100_000)
    learner = UserFactory(iin=VALID_IINS[2])
    browser = Client()
    browser.force_login(learner)
    csrf = _get_new_csrf_string()
    return {
        "headers": {"Authorization": f"Bearer {token}", "X-CSRFToken": csrf},
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
