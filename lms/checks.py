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


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_the_served_https_address(app_configs, **kwargs):
    """``SITE_URL`` goes into every QR code, e-mailed link and signed credential
    (its ``iss``, which verifiers compare): it must be the address the site
    answers on, over HTTPS. Errors, not warnings: a credential issued with the
    wrong issuer keeps it for good."""
    from urllib.parse import urlsplit

    from django.http.request import split_domain_port, validate_host

    parts = urlsplit(settings.SITE_URL)
    errors = []
    if parts.scheme.lower() != "https":
        errors.append(
            checks.Error(
                f"SITE_URL is {settings.SITE_URL}, not an https:// address: QR "
                "codes, links in e-mails and the issuer of every signed "
                "credential would name it.",
                hint="Set SITE_URL to the site's public https:// address.",
                id="lms.E001",
            )
        )
    host, _port = split_domain_port(parts.netloc)
    if not validate_host(host, settings.ALLOWED_HOSTS):
        errors.append(
            checks.Error(
                f"The host of SITE_URL ({host or parts.netloc}) is not in "
                "DJANGO_ALLOWED_HOSTS: the site would answer 400 to its own QR "
                "codes and links.",
                hint="Add it to DJANGO_ALLOWED_HOSTS, or correct SITE_URL.",
                id="lms.E002",
            )
        )
    return errors
