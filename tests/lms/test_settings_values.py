"""DATABASE_URL, REDIS_URL and SITE_URL are checked when the settings load: a value
that cannot work stops the process with a message naming the variable (no
traceback from ``manage.py``), never with a KeyError or a site answering 500."""

import pytest

from lms import settings_values
from lms.settings_values import ImproperlyConfigured, database_config, redis_url
from lms.settings_values import site_url as read_site_url
from tests.lms.test_check_deploy import (
    manage,
    production_environment,
    required_values,
)

# DATABASE_URL ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "postgres://lms:pw@db.internal:5432/lms",
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "lms",
                "USER": "lms",
                "PASSWORD": "pw",
                "HOST": "db.internal",
                "PORT": 5432,
            },
        ),
        ("postgresql://postgres@127.0.0.1/x", {"NAME": "x", "HOST": "127.0.0.1"}),
        ("postgres:///lms", {"NAME": "lms", "HOST": ""}),
        (
            "sqlite:////srv/lms/db.sqlite3",
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/lms/db.sqlite3"},
        ),
    ],
)
def test_database_urls_that_work_are_read_as_before(url, expected):
    config = database_config(url)
    assert {key: config[key] for key in expected} == expected


@pytest.mark.parametrize(
    "url, problem",
    [
        ("notaurl", "has no scheme"),
        ("postgres//lms:s3cret@db/lms", "has no scheme"),  # the colon missing
        ("", "has no scheme"),
        ("mysql://lms:s3cret@db/lms", "unknown kind (mysql://)"),
        ("http://db.internal/lms", "unknown kind (http://)"),
        ("postgres://lms:s3cret@db:port/lms", "cannot be read"),
        ("postgres://lms:s3cret@db.internal:5432", "names no database"),
    ],
)
def test_a_database_url_that_cannot_work_is_refused_naming_it(url, problem):
    with pytest.raises(ImproperlyConfigured) as refused:
        database_config(url)
    message = str(refused.value)
    assert message.startswith("DATABASE_URL ")
    assert problem in message
    assert "postgres://USER:PASSWORD@HOST:5432/NAME" in message  # the expected form
    assert "s3cret" not in message


def test_an_unknown_database_is_refused_without_environs_warning(recwarn):
    """django-environ warns with the whole parsed URL, password included."""
    with pytest.raises(ImproperlyConfigured):
        database_config("postgres//lms:s3cret@db/lms")
    assert not [w for w in recwarn if "s3cret" in str(w.message)]


# REDIS_URL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "",
        "redis://127.0.0.1:6379/13",
        "redis://:secret@redis.internal:6379/0",
        "rediss://redis.internal:6380",
        "redis://redis.internal",
        "unix:///run/redis/redis.sock?db=2",
    ],
)
def test_redis_urls_that_work_are_kept(url):
    assert redis_url(url) == url


@pytest.mark.parametrize(
    "url, problem",
    [
        ("redis//127.0.0.1:6379/13", "must start with redis://"),  # colon missing
        ("127.0.0.1:6379", "must start with redis://"),
        ("http://127.0.0.1:6379/0", "must start with redis://"),
        ("redis://:s3cret@127.0.0.1:port/0", "could not be cast"),
        ("redis://127.0.0.1:6379/zero", "the database 'zero' is not a number"),
        ("redis://127.0.0.1/0?socket_timeout=soon", "socket_timeout"),
        ("redis://", "names no host"),
        ("unix://", "names no socket"),
    ],
)
def test_a_redis_url_that_cannot_work_is_refused_naming_it(url, problem):
    with pytest.raises(ImproperlyConfigured) as refused:
        redis_url(url)
    message = str(refused.value)
    assert message.startswith("REDIS_URL ")
    assert problem in message
    assert "redis://" in message.split("Give it as", 1)[1]
    assert "s3cret" not in message


# SITE_URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, read",
    [
        ("https://otbasy.example.kz", "https://otbasy.example.kz"),
        ("https://otbasy.example.kz/", "https://otbasy.example.kz"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://otbasy.example.kz:8443/", "https://otbasy.example.kz:8443"),
    ],
)
def test_site_urls_that_work_lose_only_their_trailing_slash(url, read):
    assert read_site_url(url) == read


@pytest.mark.parametrize(
    "url, problem",
    [
        ("otbasy.example.kz", "must start with https://"),
        ("//otbasy.example.kz", "must start with https://"),
        ("ftp://otbasy.example.kz", "must start with https://"),
        ("https://", "names no host"),
        ("https://otbasy.example.kz/lms", "no path or query"),
        ("https://otbasy.example.kz/?lang=kk", "no path or query"),
        ("https://otbasy.example.kz#top", "no path or query"),
        ("https://otbasy.example.kz:port", "its port is not a number"),
        ("otbasy.example.kz:443", "must start with https://"),
        ("https://admin:s3cret@otbasy.example.kz", "user name or password"),
    ],
)
def test_a_site_url_that_cannot_work_is_refused_naming_it(url, problem):
    with pytest.raises(ImproperlyConfigured) as refused:
        read_site_url(url)
    message = str(refused.value)
    assert message.startswith("SITE_URL ")
    assert problem in message
    assert "https://" in message
    assert "s3cret" not in message


def test_the_error_is_djangos_improperly_configured():
    from django.core.exceptions import ImproperlyConfigured as Django

    assert issubclass(settings_values.ImproperlyConfigured, Django)


# The processes -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, value, message",
    [
        ("REDIS_URL", "redis//127.0.0.1:6379/13", "REDIS_URL is not a Redis URL"),
        ("DATABASE_URL", "notaurl", "DATABASE_URL is not a database URL"),
        ("SITE_URL", "otbasy.example.kz", "SITE_URL is not the site's public"),
    ],
)
@pytest.mark.parametrize("command", [["check"], ["send_due_webhooks"]])
def test_manage_py_refuses_a_bad_address_in_one_line(
    tmp_path, name, value, message, command
):
    environment = production_environment(tmp_path, **required_values())
    environment[name] = value
    result = manage(environment, *command)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith(f"ImproperlyConfigured: {message}")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "var").exists()


@pytest.mark.slow
def test_traceback_still_shows_the_traceback(tmp_path):
    environment = production_environment(tmp_path, **required_values())
    environment["REDIS_URL"] = "redis//127.0.0.1:6379/13"
    result = manage(environment, "check", "--traceback")
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "REDIS_URL is not a Redis URL" in result.stderr


@pytest.mark.slow
def test_development_settings_check_the_addresses_too(tmp_path):
    environment = production_environment(tmp_path, DATABASE_URL="notaurl")
    environment["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"
    result = manage(environment, "check")
    assert result.returncode == 1
    assert result.stderr.startswith("ImproperlyConfigured: DATABASE_URL")
