import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from lms.secrets import ed25519_pem

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def production_environment(tmp_path, **values):
    """A bare environment: only PATH, a home, the settings module and ``values``."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LMS_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        **values,
    }


def required_values():
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "bakytty-otbasy.kz",
        "DATABASE_URL": "postgres://lms@db.internal:5432/lms",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "IIN_HASH_KEY": secrets.token_urlsafe(32),
        "CERTIFICATE_SIGNING_KEY": ed25519_pem(),
        "SITE_URL": "https://bakytty-otbasy.kz",
    }


SMTP = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_deploy_with_production_settings_reports_nothing(tmp_path):
    result = manage(
        production_environment(tmp_path, **required_values(), **SMTP),
        "check",
        "--deploy",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "System check identified no issues (0 silenced)." in output
    assert not (tmp_path / "var").exists()  # no secret was generated on the side


def test_production_without_its_variables_names_them(tmp_path):
    result = manage(production_environment(tmp_path), "check", "--deploy")
    assert result.returncode != 0
    for name in required_values():
        assert name in result.stderr
    assert not (tmp_path / "var").exists()


def test_production_names_only_what_is_missing(tmp_path):
    values = required_values()
    del values["IIN_HASH_KEY"]
    result = manage(production_environment(tmp_path, **values), "check", "--deploy")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.endswith("IIN_HASH_KEY")


def test_production_refuses_a_short_iin_hash_key(tmp_path):
    values = {**required_values(), "IIN_HASH_KEY": "x"}
    result = manage(production_environment(tmp_path, **values), "check", "--deploy")
    assert result.returncode != 0
    assert "IIN_HASH_KEY must be a random string of at least 32" in result.stderr


def test_production_cookies_are_sent_over_https_only(tmp_path):
    result = manage(
        production_environment(tmp_path, **required_values()),
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True True"


def test_check_deploy_warns_when_no_email_would_leave(tmp_path):
    values = required_values()  # the console backend, by default
    result = manage(production_environment(tmp_path, **values), "check", "--deploy")
    assert result.returncode == 0
    assert "lms.W001" in result.stderr + result.stdout


def test_commands_read_the_environment_file_as_cron_runs_them(tmp_path):
    """cron starts commands with an almost empty environment: ``.env`` (here the
    file LMS_ENV_FILE names) gives them the web processes' settings."""
    values = {
        **required_values(),
        **SMTP,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "LMS_VAR_DIR": str(tmp_path / "var"),
    }
    lines = []
    for name, value in values.items():
        escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
        lines.append(f'{name}="{escaped}"')
    env_file = tmp_path / "lms.env"
    env_file.write_text("\n".join(lines) + "\n")
    bare = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LMS_ENV_FILE": str(env_file),
    }
    result = manage(bare, "check", "--deploy")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert not (tmp_path / "var").exists()


def test_hosts_with_spaces_and_a_redis_socket_are_read_as_meant(tmp_path):
    environment = production_environment(
        tmp_path,
        **{
            **required_values(),
            "DJANGO_ALLOWED_HOSTS": "bakytty-otbasy.kz, www.bakytty-otbasy.kz ,",
            "REDIS_URL": "unix:///run/redis/redis.sock?db=2",
        },
    )
    script = (
        "from django.conf import settings; import redis; "
        "print(settings.ALLOWED_HOSTS); url = settings.RQ_QUEUES['default']['URL']; "
        "print(url); kwargs = redis.Redis.from_url(url).connection_pool"
        ".connection_kwargs; print(kwargs['path'], kwargs['db'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    hosts, url, socket = result.stdout.splitlines()
    assert hosts == "['bakytty-otbasy.kz', 'www.bakytty-otbasy.kz']"
    assert url.startswith("unix:///run/redis/redis.sock?")
    assert socket == "/run/redis/redis.sock 2"


@pytest.mark.parametrize(
    "site_url, hosts, expected",
    [
        ("https://bakytty-otbasy.kz", ["bakytty-otbasy.kz"], []),
        ("https://bakytty-otbasy.kz:8443", [".bakytty-otbasy.kz"], []),
        ("https://www.bakytty-otbasy.kz", ["*"], []),
        ("http://bakytty-otbasy.kz", ["bakytty-otbasy.kz"], ["lms.E001"]),
        ("https://otbasy.example.kz", ["bakytty-otbasy.kz"], ["lms.E002"]),
        ("http://127.0.0.1:8000", ["bakytty-otbasy.kz"], ["lms.E001", "lms.E002"]),
    ],
)
def test_site_url_must_be_https_and_an_allowed_host(
    settings, site_url, hosts, expected
):
    from lms.checks import site_url_is_the_served_https_address

    settings.SITE_URL = site_url
    settings.ALLOWED_HOSTS = hosts
    errors = site_url_is_the_served_https_address(None)
    assert [error.id for error in errors] == expected
    assert all(error.is_serious() for error in errors)
    assert all("SITE_URL" in error.msg for error in errors)


def test_check_deploy_refuses_a_site_url_it_would_not_serve(tmp_path):
    values = {
        **required_values(),
        **SMTP,
        "SITE_URL": "http://otbasy.example.kz",
    }
    result = manage(production_environment(tmp_path, **values), "check", "--deploy")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "lms.E001" in output and "lms.E002" in output
    assert "SITE_URL is http://otbasy.example.kz, not an https:// address" in output
    assert "(otbasy.example.kz) is not in DJANGO_ALLOWED_HOSTS" in output
