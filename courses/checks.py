"""System checks: a Mux signing key that cannot be used stops ``manage.py check``
(and so a deployment) rather than the first lesson page of a signed video."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def mux_signing_key_can_be_used(app_configs, **kwargs):
    from courses import mux

    key_id = settings.MUX_SIGNING_KEY_ID
    private = settings.MUX_SIGNING_KEY_PRIVATE
    if not key_id and not private:
        return []  # signed playback is off
    hint = (
        "Set both MUX_SIGNING_KEY_ID and MUX_SIGNING_KEY_PRIVATE, the key Mux "
        "hands out (base64 of an RSA private key in PEM), or neither "
        "(docs/deployment.md)."
    )
    if not (key_id and private):
        missing = "MUX_SIGNING_KEY_PRIVATE" if key_id else "MUX_SIGNING_KEY_ID"
        return [
            checks.Error(
                f"{missing} is not set: signed playback needs both.",
                hint=hint,
                id="courses.E001",
            )
        ]
    try:
        mux.playback_token("check")
    except Exception as exc:  # noqa: BLE001 - any unusable key is the same error
        return [
            checks.Error(
                f"The Mux signing key cannot be used: {exc}",
                hint=hint,
                id="courses.E001",
            )
        ]
    return []
