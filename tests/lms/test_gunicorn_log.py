"""gunicorn's own access log masks IINs as Django's logging does."""

import re
import runpy
import urllib.request
from pathlib import Path

import pytest
from gunicorn.config import Config

from lms.factories import VALID_IINS
from lms.gunicorn import MaskedLogger

ROOT = Path(__file__).resolve().parents[2]
IIN = VALID_IINS[0]


def test_the_projects_gunicorn_settings_use_the_masking_logger():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["logger_class"] == "lms.gunicorn.MaskedLogger"


def test_an_iin_in_a_request_line_is_masked_in_the_access_log(tmp_path):
    access_log = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(access_log))
    cfg.set("logger_class", "lms.gunicorn.MaskedLogger")
    logger = cfg.logger_class(cfg)
    assert isinstance(logger, MaskedLogger)

    logger.access_log.info(
        '"%s" 200', f"GET /certificates/verify/?number={IIN[:6]}%20{IIN[6:]} HTTP/1.1"
    )
    for handler in logger.access_log.handlers:
        handler.flush()

    text = access_log.read_text()
    assert "/certificates/verify/?number=79********28" in text
    assert IIN[:6] not in text


def test_the_projects_gunicorn_settings_log_in_the_projects_time_zone():
    """gunicorn.conf.py sets the zone Django sets in each worker (TIME_ZONE), so
    that the master logs in it too."""
    import subprocess
    import sys

    from django.conf import settings as django_settings

    script = (
        "import os, runpy, time; runpy.run_path('gunicorn.conf.py'); "
        "print(os.environ['TZ'], time.strftime('%z'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "TZ": "UTC"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    zone, offset = result.stdout.split()
    assert zone == django_settings.TIME_ZONE
    assert offset != "+0000"  # Asia/Almaty, not the machine's UTC


@pytest.mark.slow
def test_master_workers_and_access_log_use_one_time_zone(tmp_path):
    """The reviewer's case: on a machine in UTC, the master's lines said +0000 and
    the workers' and access lines +0500 once Django had loaded."""
    server, port = start_gunicorn(tmp_path, {"TZ": "UTC"})
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30):
            pass
    finally:
        output = stop(server)

    error_log = re.findall(
        r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ([+-]\d{4})\]", output, re.M
    )
    access_log = re.findall(r"\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d ([+-]\d{4})\]", output)
    assert error_log and access_log, output
    assert "Booting worker" in output and "/healthz" in output
    assert len(set(error_log + access_log)) == 1, output


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(tmp_path, environment: dict, *, wait: bool = True):
    """gunicorn as deployed (gunicorn.conf.py from the project's root), with the
    test settings unless ``environment`` says otherwise; waits until it answers."""
    import os
    import subprocess
    import time

    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LMS_VAR_DIR": str(tmp_path / "var"),
        "LMS_ENV_FILE": str(tmp_path / "no.env"),
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **environment,
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "lms.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "-",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if not wait:
        return server, port
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stdout.read())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server, port
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise AssertionError("gunicorn did not answer")


def stop(server) -> str:
    """Ends the gunicorn this test started (by its own pid) and returns its log."""
    import subprocess

    if server.poll() is None:
        server.terminate()
    try:
        output, _ = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        output, _ = server.communicate()
    return output
