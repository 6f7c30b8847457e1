"""System checks: a signing key that cannot be read stops ``manage.py check`` (and
so a deployment) rather than the first certificate or ``/.well-known/jwks.json``.

The processes that serve the JWKS and issue certificates (the WSGI application,
``manage.py rqworker``) also refuse to start with such a key
(``require_readable_keys``): with only the check, a service started anyway looks
healthy while every certificate fails."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

HINT = (
    "CERTIFICATE_SIGNING_KEY must be an Ed25519 private key in PEM, and "
    "CERTIFICATE_NEXT_KEYS and CERTIFICATE_RETIRED_KEYS Ed25519 keys in PEM (see "
    "docs/deployment.md)."
)


@checks.register(checks.Tags.security)
def signing_keys_can_be_read(app_configs, **kwargs):
    from certificates import signing

    problem = signing.keys_problem()
    if problem is None:
        return []
    return [
        checks.Error(
            f"The certificate signing keys cannot be read: {problem}",
            hint=HINT,
            id="certificates.E001",
        )
    ]


def require_readable_keys() -> None:
    """Raise ImproperlyConfigured, naming the key, when one cannot be read."""
    from certificates import signing

    problem = signing.keys_problem()
    if problem is not None:
        raise ImproperlyConfigured(
            f"The certificate signing keys cannot be read: {problem}. {HINT}"
        )
