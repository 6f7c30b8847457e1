"""Plain-text e-mails about a learner's account, in the learner's language."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def tell(
    name: str,
    *,
    user_id: int,
    address: str,
    first_name: str,
    language: str,
    **context,
):
    """Send ``account/email/<name>_subject.txt`` and ``_message.txt`` to
    ``address``. The page the learner sees says the same, so the e-mail is a
    courtesy: a mail server that refuses it is logged, not raised."""
    if not address:
        return
    from lms.adapters import site_context

    domain = urlsplit(settings.SITE_URL).netloc
    with translation.override(language or settings.LANGUAGE_CODE):
        context["first_name"] = first_name or address
        context.update(site_context())
        subject = render_to_string(f"account/email/{name}_subject.txt", context)
        body = render_to_string(f"account/email/{name}_message.txt", context)
    # As allauth's e-mails about the account begin theirs.
    subject = f"[{domain}] {' '.join(subject.split())}"
    try:
        send_mail(subject, body, None, [address])
    except Exception:
        logger.exception("Could not e-mail user %s (%s)", user_id, name)
