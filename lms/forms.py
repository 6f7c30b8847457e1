"""Sign-up and login forms (CONTRACTS.md §4). Filled in by the accounts work."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm


class LoginForm(AllauthLoginForm):
    pass


class SignupForm(AllauthSignupForm):
    pass
