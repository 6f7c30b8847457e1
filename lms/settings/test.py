"""Tests: fast password hashing, media in a temporary folder, no real e-mail.

DATABASE_URL and REDIS_URL are honoured when set, so CI runs on PostgreSQL and RQ.
"""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="lms-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="lms-test-private-")
IIN_HASH_KEY = "test-iin-hash-key"  # noqa: S105
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests may assert throttling explicitly; keep allauth's limits from getting in the
# way of ordinary tests that log in many times.
ACCOUNT_RATE_LIMITS = env.dict("TEST_ACCOUNT_RATE_LIMITS", default={}) or False
