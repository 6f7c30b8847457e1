"""Processes that serve or work refuse to start with a configuration that cannot
work, with a message saying which variable, instead of starting and answering 500
(a REDIS_URL without its "://", a signing key that cannot be read)."""

import subprocess
import sys

import pytest

from tests.lms.test_check_deploy import (
    ROOT,
    manage,
    production_environment,
    required_values,
)
from tests.lms.test_gunicorn_log import start_gunicorn, stop

pytestmark = pytest.mark.slow


def gunicorn_refuses(tmp_path, **values) -> str:
    environment = {**required_values(), "LMS_VAR_DIR": str(tmp_path / "var")}
    environment.update(values)
    environment["DJANGO_SETTINGS_MODULE"] = "lms.settings.production"
    server, _port = start_gunicorn(tmp_path, environment, wait=False)
    try:
        returncode = server.wait(timeout=90)
    finally:
        output = stop(server)
    assert returncode != 0, output
    assert "Worker failed to boot" in output
    return output


def test_gunicorn_refuses_to_start_with_an_unreadable_signing_key(tmp_path):
    output = gunicorn_refuses(tmp_path, CERTIFICATE_SIGNING_KEY="not-a-pem")
    assert (
        "The certificate signing keys cannot be read: CERTIFICATE_SIGNING_KEY is "
        "not a PEM key" in output
    )


def test_gunicorn_refuses_to_start_with_a_malformed_redis_url(tmp_path):
    output = gunicorn_refuses(tmp_path, REDIS_URL="redis//127.0.0.1:6379/13")
    assert "REDIS_URL is not a Redis URL" in output


def test_gunicorn_starts_with_production_settings(tmp_path):
    """The same environment with readable keys and addresses: it serves."""
    environment = {
        **required_values(),
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6390/0",  # unused: the queue is down
    }
    server, _port = start_gunicorn(tmp_path, environment)
    stop(server)


def test_the_wsgi_application_refuses_an_unreadable_retired_key(tmp_path):
    environment = production_environment(
        tmp_path, **required_values(), CERTIFICATE_RETIRED_KEYS="/etc/old-key.pem"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import lms.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "CERTIFICATE_RETIRED_KEYS holds something that is not a PEM key" in (
        result.stderr
    )


def test_manage_py_check_still_reports_the_key_as_e001(tmp_path):
    """Only the processes that serve and work refuse to start: the check that a
    release runs first names the problem as before."""
    environment = production_environment(
        tmp_path, **{**required_values(), "CERTIFICATE_SIGNING_KEY": "not-a-pem"}
    )
    result = manage(environment, "check")
    assert result.returncode == 1
    assert "certificates.E001" in result.stderr
    assert "Traceback" not in result.stderr
