"""E-mails to staff about their pages, in each one's admin language."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


def tell_publication_called_off(page, revision, go_live_at, problems: dict) -> None:
    """Tell who wrote the revision and who owns the page that it did not go live
    at ``go_live_at``, and why (``problems``: the reasons in each language).
    Otherwise only the page's history says so, and a lesson of the guide could
    stay off the site unnoticed. A mail server that refuses is logged."""
    from wagtail.users.models import UserProfile

    people = {
        person.pk: person
        for person in (revision.user, page.owner)
        if person is not None and person.is_active and person.email
    }
    domain = urlsplit(settings.SITE_URL).netloc
    edit_url = settings.SITE_URL.rstrip("/") + reverse(
        "wagtailadmin_pages:edit", args=[page.pk]
    )
    for person in people.values():
        language = UserProfile.get_for_user(person).get_preferred_language()
        if language not in problems:
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "title": page.title,  # in the language now active
                "go_live_at": timezone.localtime(go_live_at) if go_live_at else None,
                "problems": problems[language],
                "edit_url": edit_url,
            }
            subject = render_to_string(
                "courses/email/publication_called_off_subject.txt", context
            )
            body = render_to_string(
                "courses/email/publication_called_off_message.txt", context
            )
        try:
            send_mail(
                f"[{domain}] {' '.join(subject.split())}", body, None, [person.email]
            )
        except Exception:
            logger.exception(
                "Could not tell user %s that page %s did not go live",
                person.pk,
                page.pk,
            )
