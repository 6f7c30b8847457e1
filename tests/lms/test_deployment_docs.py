"""The commands README.md and docs/deployment.md give work when copied from the
raw Markdown, and the documents say what an operator needs (defects found by
following them)."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lms.management.commands.rqworker import Command as RQWorker

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text()
INTEGRATION = (ROOT / "docs" / "registry-integration.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
COMMANDS = ("python", ".venv/bin/python", "redis-cli", "openssl", "gunicorn")


@pytest.mark.parametrize("name, text", [("README", README), ("deployment", DEPLOYMENT)])
def test_no_inline_command_is_broken_over_two_lines(name, text):
    broken = [
        span
        for span in re.findall(r"(?<!`)`([^`]+)`(?!`)", text)
        if "\n" in span and span.split()[0] in COMMANDS
    ]
    assert broken == []


def test_the_iin_hash_key_command_runs_as_given():
    (command,) = re.findall(r'`(python -c "import secrets;[^`]*)`', DEPLOYMENT)
    argv = shlex.split(command)
    argv[0] = sys.executable
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) >= 43


@pytest.mark.parametrize("name, text", [("README", README), ("deployment", DEPLOYMENT)])
def test_every_key_generating_command_writes_the_key_file(name, text):
    commands = re.findall(r"openssl genpkey[^`\n]*", text)
    assert commands
    assert all(" -out " in command for command in commands), commands


def test_the_readmes_production_block_makes_the_key_it_reads():
    block = README[README.index("## Production") :]
    assert block.index("openssl genpkey -algorithm ed25519 -out key.pem") < (
        block.index('CERTIFICATE_SIGNING_KEY="$(cat key.pem)"')
    )


def test_django_debug_is_documented():
    assert "`DJANGO_DEBUG`" in README
    assert "`DJANGO_DEBUG`" in DEPLOYMENT


def test_a_restore_is_described_step_by_step():
    section = DEPLOYMENT[DEPLOYMENT.index("### Restoring from a backup") :]
    section = section[: section.index("\n## ")]
    for needed in (
        "IIN_HASH_KEY",
        "CERTIFICATE_RETIRED_KEYS",
        "--pattern 'lms:*'",
        "q.empty()",
        "request_pending_certificates",
        "finish_certificates",
        "send_due_webhooks",
        "MEDIA_ROOT",
        "PRIVATE_MEDIA_ROOT",
    ):
        assert needed in section, needed


def test_the_rotation_publishes_the_next_key_before_switching():
    section = DEPLOYMENT[DEPLOYMENT.index("### Rotating the signing key") :]
    section = section[: section.index("\n## ")]
    publish = section.index("CERTIFICATE_NEXT_KEYS")
    wait = section.index("Wait longer than the JWKS's `max-age`")
    switch = section.index("set `CERTIFICATE_SIGNING_KEY` to the new key")
    assert publish < wait < switch
    assert "CERTIFICATE_RETIRED_KEYS" in section[switch:]


def test_verifiers_are_told_to_fetch_the_keys_again_for_an_unknown_key():
    assert "Fetch them once and keep a" not in INTEGRATION
    assert "fetch it again when a credential names a key ID" in INTEGRATION


def worker_commands() -> list[str]:
    found = []
    for text in (README, DEPLOYMENT, INTEGRATION, MAKEFILE):
        found += re.findall(r"rqworker( [^`\n#]*)", text)
    return [command.strip() for command in found if "default" in command]


def test_the_documented_worker_commands_run_django_tasks():
    commands = worker_commands()
    assert "default" in commands  # README, deployment, the Makefile
    for command in commands:
        parser = RQWorker().create_parser("manage.py", "rqworker")
        options = parser.parse_args(shlex.split(command))
        assert options.job_class == "django_tasks_rq.Job", command
