"""A learner closes their account: their consent to the processing of personal
data is withdrawn, and the account no longer identifies them.

In one transaction the account loses its name, e-mail, IIN, language and sign-in
(password, e-mail addresses, eGov connection); it is deactivated, which ends every
session it had; its links with a partner end; its valid certificates are revoked
(registry clients are told by webhook), their stored credentials and PDFs, which
carry the name, are erased. What stays is what does not identify the person: the
learning record by course and day (and region, if given) for the ministry's
statistics, links and answered invitations without the IIN's hash, a revoked
certificate's number, course and dates, so that its verification keeps answering
"revoked", and the keyed hash of the IIN on revoked certificates and in the
registry's audit log. See docs/decisions/0008.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from lms import account_mail

logger = logging.getLogger(__name__)


class StaffAccount(Exception):
    """Staff accounts are closed by an administrator, not by their holders."""


def closed_email(user_id: int) -> str:
    """The address a closed account keeps: unique, and reserved to reach nobody
    (RFC 2606), so the person may sign up again with their own."""
    return f"closed-{user_id}@accounts.invalid"


def close_account(user, *, by=None, request: str = "") -> bool:
    """Close ``user``'s account; False if it was already closed.

    The holder closes it signed in; staff close it ``by`` themselves on the
    holder's ``request`` made some other way (a letter, say), which is recorded
    as the reason for revoking the certificates."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from certificates.models import Certificate, CertificateStatus
    from certificates.services import revoke_all
    from progress.services import end_partnerships, forget_answers

    if user.is_staff_member:
        raise StaffAccount
    user_model = get_user_model()
    with transaction.atomic():
        account = user_model.objects.select_for_update().get(pk=user.pk)
        if account.closed_at:
            return False
        if account.is_staff_member:
            raise StaffAccount
        told = {
            "user_id": account.pk,
            "address": account.email,
            "first_name": account.first_name,
            "language": account.preferred_language,
            "on_request": by is not None,
        }

        end_partnerships(account)
        forget_answers(account)
        with translation.override(settings.LANGUAGE_CODE):
            if by is None:
                reason = gettext("The holder closed their account.")
            else:
                reason = gettext(
                    "The account was closed at its holder's request: %(request)s"
                ) % {"request": request}
        revoke_all(account, reason, by=by)
        erased = Certificate.objects.select_for_update().filter(
            user=account, status=CertificateStatus.REVOKED
        )
        files = [certificate.pdf for certificate in erased if certificate.pdf]
        erased.update(holder_name="", credential="", pdf="")

        addresses = list(
            EmailAddress.objects.filter(user=account).values_list("email", flat=True)
        )
        EmailAddress.objects.filter(user=account).delete()
        SocialAccount.objects.filter(user=account).delete()
        account.email = closed_email(account.pk)
        account.first_name = ""
        account.last_name = ""
        account.iin_hash = None
        account.iin_encrypted = ""
        account.iin_confirmed_at = None
        account.preferred_language = ""
        account.set_unusable_password()
        account.is_active = False
        account.closed_at = timezone.now()
        account.save()

        transaction.on_commit(lambda: _delete_files(files))
        transaction.on_commit(lambda: _forget_confirmation_mails(addresses))
        transaction.on_commit(lambda: account_mail.tell("account_closed", **told))
    if by is None:
        logger.warning("User %s closed their account", account.pk)
    else:
        logger.warning("User %s closed the account of user %s", by.pk, account.pk)
    for field in ("email", "first_name", "last_name", "is_active", "closed_at"):
        setattr(user, field, getattr(account, field))
    return True


def _forget_confirmation_mails(addresses) -> None:
    """allauth sends one confirmation e-mail per address every few minutes; the
    closed account's addresses are free again, and whoever signs up with one of
    them at once gets the e-mail the page then says was sent."""
    from allauth.core.internal import ratelimit as limits

    app, action = "allauth.account", "confirm_email"
    try:
        for rate in limits.get_rates(app=app, action=action):
            for address in addresses:
                cache.delete(
                    limits.get_cache_key(
                        None, app=app, action=action, rate=rate, key=address.lower()
                    )
                )
    except Exception:  # noqa: BLE001 - then only that e-mail waits a few minutes
        logger.warning("Could not clear the confirmation e-mail limit", exc_info=True)


def _delete_files(files) -> None:
    for stored in files:
        try:
            stored.storage.delete(stored.name)
        except Exception:
            # The row no longer points at it; a leftover file is found by name only.
            logger.exception("Could not delete %s", stored.name)
