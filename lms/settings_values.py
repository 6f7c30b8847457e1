"""The environment's addresses, checked when the settings load.

``lms/settings/base.py`` reads ``DATABASE_URL``, ``REDIS_URL`` and ``SITE_URL``
through these functions, so that a value that cannot work stops every process at
start with a message naming the variable, instead of letting the site start and
answer 500 to every request (a Redis URL without its ``://``), or of failing with
a ``KeyError`` (a database URL of no known kind). No message repeats a password.

The error is this module's ``ImproperlyConfigured`` (Django's, for a setting from
the environment). ``manage.py`` prints it as one line, without a traceback
(``report_in_one_line``, installed by ``lms.env_file.load``), and exits with
status 1; gunicorn's workers fail to boot with it, and gunicorn stops.
"""

import sys
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured as DjangoImproperlyConfigured


class ImproperlyConfigured(DjangoImproperlyConfigured):
    """A setting from the environment that cannot work; its message says which
    variable and what it should look like."""


def report_in_one_line() -> None:
    """Have the process print an uncaught ``ImproperlyConfigured`` of this module
    as one line on stderr, not as a traceback through Django's settings loader
    (``--traceback`` on the command line keeps the traceback)."""
    shown = sys.excepthook
    if getattr(shown, "reports_settings_in_one_line", False):
        return

    def hook(kind, value, traceback):
        if issubclass(kind, ImproperlyConfigured) and "--traceback" not in sys.argv:
            sys.stderr.write(f"ImproperlyConfigured: {value}\n")
            return
        shown(kind, value, traceback)

    hook.reports_settings_in_one_line = True
    sys.excepthook = hook


# The databases the project runs on: PostgreSQL, and SQLite for the demo and tests.
DATABASE_SCHEMES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "psql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}
DATABASE_FORM = (
    "postgres://USER:PASSWORD@HOST:5432/NAME (or sqlite:///PATH for a demo), e.g. "
    "postgres://lms:secret@db.internal:5432/lms"
)
REDIS_SCHEMES = ("redis", "rediss", "unix")
REDIS_FORM = (
    "redis://[:PASSWORD@]HOST:6379/DB, rediss://… (TLS) or "
    "unix:///path/to/redis.sock?db=DB, e.g. redis://redis.internal:6379/0"
)
SITE_FORM = "https://HOST (a port may follow), e.g. https://bakytty-otbasy.kz"


def _scheme(url: str) -> str | None:
    """The scheme before ``://``, lower case; None when there is no ``://``. Only
    the text before ``://`` is looked at, which holds no password."""
    scheme, separator, _rest = url.partition("://")
    if not separator or not scheme:
        return None
    return scheme.lower()


def database_config(url: str) -> dict:
    """``DATABASES["default"]`` from ``DATABASE_URL``; ImproperlyConfigured for a
    URL that names no database the project runs on."""
    import environ

    scheme = _scheme(url.strip())
    if scheme is None:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL (it has no scheme such as "
            f"postgres://). Give it as {DATABASE_FORM}."
        )
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL names a database of an unknown kind ({scheme}://); the "
            f"project runs on PostgreSQL. Give it as {DATABASE_FORM}."
        )
    try:
        config = environ.Env.db_url_config(url.strip())
    except ValueError as exc:  # a port that is no number, say
        raise ImproperlyConfigured(
            f"DATABASE_URL cannot be read ({_without_secrets(exc, url)}). Give it "
            f"as {DATABASE_FORM}."
        ) from None
    if config.get("ENGINE") != DATABASE_SCHEMES[scheme]:
        raise ImproperlyConfigured(
            f"DATABASE_URL cannot be read. Give it as {DATABASE_FORM}."
        )
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(
            f"DATABASE_URL names no database (the path after the host). Give it as "
            f"{DATABASE_FORM}."
        )
    return config


def redis_url(url: str) -> str:
    """``REDIS_URL`` as given, once redis-py can read it (empty: no Redis)."""
    url = url.strip()
    if not url:
        return ""
    from redis.connection import parse_url

    scheme = _scheme(url)
    if scheme not in REDIS_SCHEMES:
        raise ImproperlyConfigured(
            "REDIS_URL is not a Redis URL: it must start with redis://, rediss:// "
            f"or unix://. Give it as {REDIS_FORM}."
        )
    try:
        parse_url(url)
        parts = urlsplit(url)
        database = parts.path.strip("/")
        if scheme == "unix":
            problem = "" if parts.path else "it names no socket"
        elif not parts.hostname:
            problem = "it names no host"
        elif database and not database.isdigit():
            problem = f"the database {database!r} is not a number"
        else:
            problem = ""
    except ValueError as exc:  # a port or a query value that is no number, say
        problem = _without_secrets(exc, url)
    if problem:
        raise ImproperlyConfigured(
            f"REDIS_URL cannot be read: {problem}. Give it as {REDIS_FORM}."
        )
    return url


def site_url(url: str) -> str:
    """``SITE_URL`` without its trailing slash, once it is an origin: http or
    https, a host, maybe a port, and nothing else. Links, QR codes and the
    credentials' ``iss`` are this value with a path appended; the site is served
    from the root of its host."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
        bad_port = False
    except ValueError:
        parts, bad_port = urlsplit(url.replace("[", "").replace("]", "")), True
    if parts.scheme.lower() not in ("http", "https"):
        problem = "it must start with https:// (or http:// for a demo)"
    elif bad_port:
        problem = "its port is not a number"
    elif parts.username is not None or parts.password is not None:
        problem = "it must not hold a user name or password"
    elif not parts.hostname:
        problem = "it names no host"
    elif parts.path.rstrip("/") or parts.query or parts.fragment or url.endswith("?"):
        problem = "it must be the site's address alone, with no path or query"
    else:
        return url.rstrip("/")
    shown = "" if "@" in url else f" (got {url!r})"  # a password stays out
    raise ImproperlyConfigured(
        f"SITE_URL is not the site's public address: {problem}{shown}. Give it as "
        f"{SITE_FORM}."
    )


def _without_secrets(exc: Exception, url: str) -> str:
    """An exception's text with the URL's password, if any, left out."""
    text = str(exc)
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if password:
        text = text.replace(password, "***")
    return text
