"""Production: every secret from the environment, secure cookies, static files
served by WhiteNoise with hashed names. Refuses to start without its variables."""

import environ

from lms.settings_values import ImproperlyConfigured

REQUIRED = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "IIN_HASH_KEY",
    "CERTIFICATE_SIGNING_KEY",
    "SITE_URL",
]
# Checked before lms.settings.base is read, which would otherwise make development
# secrets under var/ for whatever is missing.
missing = [name for name in REQUIRED if not environ.Env().str(name, default="")]
if missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(missing)
    )

from .base import *  # noqa: E402, F403
from .base import _listed, env  # noqa: E402

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = _listed("DJANGO_ALLOWED_HOSTS", [])
IIN_HASH_KEY = env.str("IIN_HASH_KEY")
if len(IIN_HASH_KEY) < 32:
    # IINs are few (a birth date and a serial number): the key is what keeps their
    # keyed hashes from being computed for every IIN.
    raise ImproperlyConfigured(
        "IIN_HASH_KEY must be a random string of at least 32 characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
CERTIFICATE_SIGNING_KEY = env.str("CERTIFICATE_SIGNING_KEY")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer's health check asks over plain HTTP, behind TLS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,  # noqa: F405
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
