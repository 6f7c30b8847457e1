"""System checks: a signing key that cannot be read stops ``manage.py check`` (and
so a deployment) rather than the first certificate or ``/.well-known/jwks.json``."""

from django.core import checks


@checks.register(checks.Tags.security)
def signing_keys_can_be_read(app_configs, **kwargs):
    from certificates import signing

    try:
        signing.public_keys()
    except Exception as exc:  # noqa: BLE001 - any unreadable key is the same error
        return [
            checks.Error(
                f"The certificate signing keys cannot be read: {exc}",
                hint=(
                    "CERTIFICATE_SIGNING_KEY must be an Ed25519 private key in PEM "
                    "and CERTIFICATE_RETIRED_KEYS Ed25519 keys in PEM (see "
                    "docs/deployment.md)."
                ),
                id="certificates.E001",
            )
        ]
    return []
