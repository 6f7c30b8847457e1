"""Deployment checks (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks

# Backends that send nothing: they print e-mails (certificates, password-reset
# links) to the log or keep them in memory.
NOT_SENDING = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@checks.register(checks.Tags.security, deploy=True)
def email_is_sent(app_configs, **kwargs):
    if settings.EMAIL_BACKEND not in NOT_SENDING:
        return []
    return [
        checks.Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no e-mail leaves the "
            "server, and certificate e-mails and password-reset links are written "
            "to the log instead.",
            hint=(
                "Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                "EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                "EMAIL_USE_TLS (docs/deployment.md)."
            ),
            id="lms.W001",
        )
    ]
