"""An IIN claimed by its holder, confirmed through eGov, from an account that only
typed it.

Local sign-up checks an IIN's checksum, not who holds it, so anyone could sign up
with another person's IIN and so keep its holder out. When the e-Government
identity provider vouches for an IIN that such an account holds, the holder may
claim it. When they finish signing up, in the transaction that creates their
account, the account that typed it loses the IIN, every certificate it was issued
on that IIN is revoked (registry clients are told by webhook), its couple links
end, and its owner is told by e-mail. An account whose IIN eGov has confirmed
cannot lose it this way.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from lms import account_mail
from lms import iin as iin_tools

logger = logging.getLogger(__name__)

SESSION_KEY = "lms_iin_claim"
# Set in the pending sign-up's state when its person chose to claim the IIN; the
# claim takes effect in the transaction that creates their account.
CLAIMED = "iin_claimed"


class IinAlreadyConfirmed(Exception):
    """The account holding the IIN had it confirmed through eGov."""


def holder_of(iin: str):
    return get_user_model().objects.filter(iin_hash=iin_tools.iin_hash(iin)).first()


def release_iin(iin: str):
    """Take ``iin`` from the unconfirmed account that holds it, all in one
    transaction; the account it was taken from, or None if none held it."""
    from certificates.services import revoke_all
    from progress.services import end_partnerships

    user_model = get_user_model()
    with transaction.atomic():
        account = (
            user_model.objects.select_for_update()
            .filter(iin_hash=iin_tools.iin_hash(iin))
            .first()
        )
        if account is None:
            return None
        if account.iin_confirmed_at:
            raise IinAlreadyConfirmed
        account.iin_hash = None
        account.iin_encrypted = ""
        account.save(update_fields=["iin_hash", "iin_encrypted"])

        end_partnerships(account)

        with translation.override(settings.LANGUAGE_CODE):
            reason = gettext(
                "The IIN was claimed by its holder, confirmed through eGov."
            )
        revoke_all(account, reason)
        transaction.on_commit(
            lambda: account_mail.tell(
                "iin_released",
                user_id=account.pk,
                address=account.email,
                first_name=account.first_name,
                language=account.preferred_language,
            )
        )
    logger.warning(
        "IIN of user %s claimed by its holder, confirmed through eGov", account.pk
    )
    return account
