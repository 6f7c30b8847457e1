"""A learner's own copy of what the platform keeps about them, as JSON.

The IIN appears masked, as on every page: the file may be opened on a shared
computer, and its holder knows their IIN. Its keyed hash and ciphertext and the
learner's sessions are not in it. The marriage registration service's checks of
the learner's IIN or certificates are, without what those calls asked about
anyone else.
"""

from django.utils import timezone


def export(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from certificates.services import certificates_record
    from progress.services import learning_record
    from registry.services import checks_record

    def when(moment):
        return moment.isoformat() if moment else None

    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "email_addresses": [
                {
                    "email": address.email,
                    "primary": address.primary,
                    "verified": address.verified,
                }
                for address in EmailAddress.objects.filter(user=user).order_by("email")
            ],
            "first_name": user.first_name,
            "last_name": user.last_name,
            "iin_masked": user.iin_masked or None,
            "iin_confirmed_through_egov_at": when(user.iin_confirmed_at),
            "consent_given_at": when(user.consent_at),
            "region": user.region or None,
            "preferred_language": user.preferred_language or None,
            "signed_up_at": when(user.date_joined),
            "last_signed_in_at": when(user.last_login),
            "sign_in_services": sorted(
                SocialAccount.objects.filter(user=user).values_list(
                    "provider", flat=True
                )
            ),
        },
        **learning_record(user),
        "certificates": certificates_record(user),
        "registry_checks": checks_record(user),
    }
