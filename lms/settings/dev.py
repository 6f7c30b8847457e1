"""Local development: debug on, everything else from lms.settings.base."""

from .base import *  # noqa: F403
from .base import _listed, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = _listed("DJANGO_ALLOWED_HOSTS", ["*"])

# runserver answers each request in a thread of its own, and a connection kept for
# reuse stays with its thread: with PostgreSQL, each request would leave one open.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = env.int(  # noqa: F405
        "DATABASE_CONN_MAX_AGE", default=0
    )
