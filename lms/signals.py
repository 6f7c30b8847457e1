"""The identity provider's IIN claim never reaches the database in clear.

allauth keeps the provider's claims in ``SocialAccount.extra_data`` and saves them
at each sign-in, before the adapter (``lms.adapters``) has read the IIN from them.
The row is written without the claim; the account object keeps it in memory for
the rest of the sign-in, and the IIN is kept on the user as a keyed hash and
encrypted (``User.set_iin``).
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.signals import social_account_added


def without_iin(extra_data):
    """``extra_data`` without the IIN claim, at its top level or in the ID token's
    or userinfo's claims."""
    if not isinstance(extra_data, dict):
        return extra_data
    claim = settings.OIDC_IIN_CLAIM
    cleaned = {key: value for key, value in extra_data.items() if key != claim}
    for part in ("userinfo", "id_token"):
        if isinstance(cleaned.get(part), dict):
            cleaned[part] = {k: v for k, v in cleaned[part].items() if k != claim}
    return cleaned


@receiver(pre_save, sender=SocialAccount)
def store_claims_without_iin(sender, instance, **kwargs):
    instance._claims_in_memory = instance.extra_data
    instance.extra_data = without_iin(instance.extra_data)


@receiver(post_save, sender=SocialAccount)
def keep_claims_in_memory(sender, instance, **kwargs):
    instance.extra_data = instance.__dict__.pop(
        "_claims_in_memory", instance.extra_data
    )


@receiver(social_account_added)
def take_the_connected_iin(sender, request, sociallogin, **kwargs):
    """The account takes the IIN the provider confirmed once the connection is
    made, not before allauth has asked for the password again."""
    from allauth.socialaccount.adapter import get_adapter

    get_adapter().connected(request, sociallogin)
