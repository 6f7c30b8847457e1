"""The project's commands, run while the database cannot be reached (from cron,
during an outage), end with one line naming the database, never its password, and
exit status 1 (lms.management.base.DatabaseCommand)."""

import os
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import OperationalError

import pytest

from lms.management.base import DatabaseCommand, described
from tests.lms.conftest import UNREACHABLE_POSTGRES_PORT
from tests.lms.test_check_deploy import manage

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-pw"  # noqa: S105
URL = f"postgres://lms:{PASSWORD}@127.0.0.1:{UNREACHABLE_POSTGRES_PORT}/lms"
SHOWN = f"postgres://lms@127.0.0.1:{UNREACHABLE_POSTGRES_PORT}/lms"

COMMANDS = [
    ["send_due_webhooks"],
    ["finish_certificates"],
    ["request_pending_certificates"],
    ["create_staff_roles"],
    ["create_registry_client", "ЗАГС Астана"],
    ["create_registry_client", "--new-token", "3"],
    ["rotate_registry_webhook_secret", "3"],
    ["load_demo_content"],
]


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command))
def test_a_command_says_the_database_cannot_be_reached(tmp_path, command):
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LMS_VAR_DIR": str(tmp_path / "var"),
        "LMS_ENV_FILE": str(tmp_path / "no.env"),
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": URL,
    }
    result = manage(environment, *command)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert result.stderr.startswith(
        f"CommandError: The database cannot be reached (DATABASE_URL {SHOWN}): "
        "connection failed:"
    )
    assert f"port {UNREACHABLE_POSTGRES_PORT} failed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert PASSWORD not in output


def test_the_mechanism_in_process(database_down):
    with pytest.raises(CommandError) as refused:
        call_command("send_due_webhooks")
    assert str(refused.value).startswith(
        f"The database cannot be reached (DATABASE_URL {described()}): "
    )


class Failing(DatabaseCommand):
    def handle(self, *args, **options):
        raise OperationalError("deadlock detected")


def test_other_database_errors_keep_their_traceback():
    with pytest.raises(OperationalError, match="deadlock"):
        call_command(Failing())


@pytest.mark.parametrize(
    "database, shown",
    [
        (
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "lms",
                "USER": "lms",
                "PASSWORD": "pw",
                "HOST": "db.internal",
                "PORT": 5432,
            },
            "postgres://lms@db.internal:5432/lms",
        ),
        (
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "lms",
                "USER": "",
                "PASSWORD": "",
                "HOST": "",
                "PORT": "",
            },
            "postgres:///lms",
        ),
        (
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/lms/db.sqlite3"},
            "sqlite:////srv/lms/db.sqlite3",
        ),
    ],
)
def test_the_database_is_described_without_its_password(database, shown):
    from unittest import mock

    with mock.patch(
        "lms.management.base.connections",
        {"default": mock.Mock(settings_dict=database)},
    ):
        assert described() == shown
