"""Sign-up and login forms (CONTRACTS.md §4).

Sign-up asks for the IIN, name, e-mail, password twice and consent to personal-data
processing; login takes an IIN or an e-mail address with the password. The IIN is
validated with ``lms.iin`` and kept only as a keyed hash and ciphertext.
"""

import logging
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm

from lms import iin as iin_tools
from lms import iin_claims, ratelimit
from lms.adapters import (
    ATTEMPTS_KEY,
    acts_for_account,
    belongs_to_an_account,
    iin_attempts_key,
    release_unconfirmed,
    sign_in_name_attempts_key,
)
from lms.models import SIGN_IN_NAME

logger = logging.getLogger(__name__)

IIN_TAKEN = _(
    "An account with this IIN already exists. Sign in with your IIN or e-mail, "
    "or reset your password."
)
IIN_CLAIM_HINT = _(
    "If that account is not yours, sign in with %(provider)s: the holder of an IIN "
    "confirmed there can claim it from an account that only typed it."
)
INVALID_EMAIL = _("Enter a valid e-mail address.")
CONSENT_LABEL = _(
    "I agree to the processing of my personal data (IIN, name, e-mail, region if "
    "given, and learning progress) to take courses and receive certificates."
)
CONSENT_REQUIRED = _("You need to agree to the processing of personal data to sign up.")
NAME_HELP = _("As in your identity document; it is printed on certificates.")
NAME_JOINERS = frozenset(" -\u2011'\u2018\u2019\u02bc.")


def clean_name(value: str) -> str:
    """A name as in an identity document, printed on certificates: letters of
    any alphabet (with their accents, however typed), its parts joined by
    spaces, hyphens, apostrophes or dots."""
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not any(ch.isalpha() for ch in name) or not all(
        ch.isalpha() or ch in NAME_JOINERS or unicodedata.category(ch) == "Mn"
        for ch in name
    ):
        raise forms.ValidationError(
            _(
                "Write the name in letters; spaces, hyphens and apostrophes may "
                "join its parts."
            ),
            code="name",
        )
    return name


PASSWORD_HELP = _("At least 8 characters, not only digits, not a common password.")


def _consent_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=CONSENT_LABEL,
        required=True,
        error_messages={"required": CONSENT_REQUIRED},
    )


class AccountFormMixin:
    """Labels without a trailing colon, placeholders left to the labels."""

    labels: dict = {}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, label in self.labels.items():
            if name in self.fields:
                self.fields[name].label = label
        for name in ("password1", "password2", "oldpassword", "password"):
            if name in self.fields:
                self.fields[name].widget.attrs.pop("placeholder", None)
        if "password1" in self.fields:
            self.fields["password1"].help_text = PASSWORD_HELP


class PasswordPairMixin(AccountFormMixin):
    """Reports two different passwords in the project's own words."""

    def clean(self) -> dict:
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        mismatch = bool(password1 and password2 and password1 != password2)
        if mismatch:
            # allauth would add its own message, which has no Kazakh translation.
            del self.cleaned_data["password2"]
        super().clean()
        if mismatch:
            self.add_error("password2", _("The two passwords do not match."))
        return self.cleaned_data


class AtomicSignupMixin:
    """Creates the user and everything that goes with it in one transaction.

    The form checks that the IIN and e-mail are free, but two sign-ups with the
    same IIN can pass that check at the same time; the unique constraints then
    refuse the second one. That refusal becomes a form error and nothing of the
    second account is kept.
    """

    def validate_unique_email(self, value: str) -> str:
        """An address other accounts only added, unconfirmed, is free to sign up
        with (``lms.adapters.belongs_to_an_account``); allauth counts it as
        taken."""
        if belongs_to_an_account(value):
            return super().validate_unique_email(value)
        self.account_already_exists = False
        return get_adapter().validate_unique_email(value)

    def try_save(self, request: HttpRequest):
        try:
            with transaction.atomic():
                user, response = super().try_save(request)
                if user is not None:
                    release_unconfirmed(user)
                return user, response
        except IntegrityError:
            logger.info("Sign-up lost a race for a unique IIN or e-mail")
            self._explain_conflict()
            return None, self._invalid_response(request)

    def _explain_conflict(self) -> None:
        user_model = get_user_model()
        iin_hash = self.cleaned_data.get("iin_hash")
        email = self.cleaned_data.get("email")
        if iin_hash and user_model.objects.filter(iin_hash=iin_hash).exists():
            self.add_error("iin", IIN_TAKEN)
        elif email and user_model.objects.filter(email__iexact=email).exists():
            self.add_error("email", _("A user is already registered with this e-mail."))
        else:
            self.add_error(None, _("Your account could not be created. Try again."))

    def _invalid_response(self, request: HttpRequest):
        from allauth.account.views import SignupView

        view = SignupView()
        view.setup(request)
        return view.form_invalid(self)


class SignupForm(PasswordPairMixin, AtomicSignupMixin, allauth_forms.SignupForm):
    """Local sign-up: IIN, first and last name, e-mail, password twice, consent."""

    iin = forms.CharField(
        label=_("IIN"),
        help_text=_("Your 12-digit individual identification number."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "15"}
        ),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        help_text=NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    consent = _consent_field()

    field_order = [
        "iin",
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "consent",
    ]

    labels = {
        "email": _("E-mail"),
        "password1": _("Password"),
        "password2": _("Password (again)"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["invalid"] = INVALID_EMAIL

    def clean_iin(self) -> str:
        value = iin_tools.normalize_iin(self.cleaned_data["iin"])
        iin_tools.validate_iin(value)
        digest = iin_tools.iin_hash(value)
        holder = get_user_model().objects.filter(iin_hash=digest)
        if holder.exists():
            errors = [forms.ValidationError(IIN_TAKEN, code="iin_taken")]
            confirmed = holder.filter(iin_confirmed_at__isnull=False).exists()
            if settings.SOCIALACCOUNT_PROVIDERS and not confirmed:
                errors.append(
                    forms.ValidationError(
                        IIN_CLAIM_HINT,
                        code="iin_claimable",
                        params={"provider": settings.OIDC_PROVIDER_NAME},
                    )
                )
            raise forms.ValidationError(errors)
        self.cleaned_data["iin_hash"] = digest
        return value

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return clean_name(self.cleaned_data["last_name"])


class SocialSignupForm(AccountFormMixin, AtomicSignupMixin, AllauthSocialSignupForm):
    """Sign-up through the identity provider: confirm e-mail, give consent."""

    consent = _consent_field()
    labels = {"email": _("E-mail")}

    def clean(self) -> dict:
        cleaned_data = super().clean()
        iin_hash = self.sociallogin.user.iin_hash
        holders = get_user_model().objects.filter(iin_hash=iin_hash)
        if self.sociallogin.state.get(iin_claims.CLAIMED):
            # Claimed from an account that only typed it (``lms.iin_claims``).
            holders = holders.filter(iin_confirmed_at__isnull=False)
        if iin_hash and holders.exists():
            raise forms.ValidationError(IIN_TAKEN, code="iin_taken")
        return cleaned_data

    def _invalid_response(self, request: HttpRequest):
        from allauth.socialaccount.views import SignupView

        view = SignupView()
        view.setup(request)
        view.sociallogin = self.sociallogin
        return view.form_invalid(self)

    def _explain_conflict(self) -> None:
        user = self.sociallogin.user
        user_model = get_user_model()
        if user.iin_hash and user_model.objects.filter(iin_hash=user.iin_hash).exists():
            self.add_error(None, IIN_TAKEN)
        else:
            super()._explain_conflict()


class LoginForm(AccountFormMixin, allauth_forms.LoginForm):
    """Login with an IIN or an e-mail address and the password; staff may also
    use their sign-in name (the demo's superuser is ``admin``).

    An IIN or a sign-in name is turned into the e-mail of its account before
    authenticating. Failed attempts are counted for the name typed
    (``lms.adapters.AccountAdapter``): counted for the account, guesses through
    its IIN would lock its e-mail address too, and show anyone who knows both
    that they are one person's.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("IIN or e-mail"),
            max_length=254,
            widget=forms.TextInput(attrs={"autocomplete": "username"}),
        )
        self.fields["password"].label = _("Password")
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me")
        self.order_fields(["login", "password", "remember"])

    def clean_login(self) -> str:
        value = self.cleaned_data["login"].strip()
        digits = iin_tools.normalize_iin(value)
        if digits.isdigit():
            if not iin_tools.is_valid_iin(digits):
                raise forms.ValidationError(
                    _("Enter a valid IIN: 12 digits with a correct check digit."),
                    code="invalid_iin",
                )
            return digits
        try:
            validate_email(value)
        except forms.ValidationError:
            if SIGN_IN_NAME.fullmatch(value):
                return value  # a staff sign-in name, or fails like a wrong password
            raise forms.ValidationError(
                _("Enter your IIN (12 digits) or your e-mail address."),
                code="invalid_login",
            ) from None
        return value

    def user_credentials(self) -> dict:
        credentials = super().user_credentials()
        login = self.cleaned_data["login"]
        if iin_tools.is_valid_iin(login):
            credentials["email"] = self._email_for_iin(login)
            credentials[ATTEMPTS_KEY] = iin_attempts_key(iin_tools.iin_hash(login))
        elif "@" not in login:
            credentials["email"] = self._email_for_sign_in_name(login)
            credentials[ATTEMPTS_KEY] = sign_in_name_attempts_key(login)
        return credentials

    @staticmethod
    def _email_for_sign_in_name(name: str) -> str:
        """The e-mail of the staff account with this sign-in name (``admin``); for
        a name no staff account has, an address no account can have, so that the
        sign-in fails as with a wrong password and reveals no name."""
        # Unique whatever the case (``lms.models.User``); looked up as its index
        # has it.
        user = (
            get_user_model()
            .objects.alias(sign_in_key=Lower("sign_in_name"))
            .filter(sign_in_key=name.lower())
            .first()
        )
        if user is not None and user.is_staff_member:
            return user.email
        return f"{name.lower()}@sign-in-name.invalid"

    @staticmethod
    def _email_for_iin(iin: str) -> str:
        user = (
            get_user_model()
            .objects.filter(iin_hash=iin_tools.iin_hash(iin))
            .only("email")
            .first()
        )
        if user is not None:
            return user.email
        # No account has this IIN. Authentication must fail like a wrong password,
        # and the failed-login limit needs a key of its own for this IIN; ".invalid"
        # is a reserved domain, so no account can have this address.
        return f"{iin_tools.iin_hash(iin)}@iin.invalid"


class ResetPasswordForm(AccountFormMixin, allauth_forms.ResetPasswordForm):
    """Asks for the e-mail address that the reset link is sent to.

    The link goes only to an address that acts for its account
    (``lms.adapters.acts_for_account``): allauth would also send one to an
    address merely added to an account, unconfirmed, which a mistype may have
    given to a stranger. Such an address gets the mail for an unknown one."""

    labels = {"email": _("E-mail")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["invalid"] = INVALID_EMAIL

    def clean_email(self) -> str:
        value = super().clean_email()
        self.users = [user for user in self.users if acts_for_account(user, value)]
        return value


class ResetPasswordKeyForm(PasswordPairMixin, allauth_forms.ResetPasswordKeyForm):
    """A new password, twice, after following the reset link."""

    labels = {
        "password1": _("New password"),
        "password2": _("New password (again)"),
    }


class ChangePasswordForm(PasswordPairMixin, allauth_forms.ChangePasswordForm):
    """The current password and a new one, twice."""

    labels = {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("New password (again)"),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # allauth's "Forgot your password?" help; the page has its own link.
        self.fields["oldpassword"].help_text = ""


class ReauthenticateForm(AccountFormMixin, allauth_forms.ReauthenticateForm):
    """The password again, before a change to e-mail addresses or sign-in."""

    labels = {"password": _("Password")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # allauth's "Forgot your password?" help; the page has its own link.
        self.fields["password"].help_text = ""


class SetPasswordForm(PasswordPairMixin, allauth_forms.SetPasswordForm):
    """A first password for an account made through the identity provider."""

    labels = {"password1": _("Password"), "password2": _("Password (again)")}


class AddEmailForm(AccountFormMixin, allauth_forms.AddEmailForm):
    """Another e-mail address for the account (the e-mail addresses page).

    An address of another account (its own, or one it confirmed) is refused, as
    sign-up refuses it: allauth would add it unverified, and making it the primary
    address would then clash with the other account's."""

    labels = {"email": _("E-mail")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["invalid"] = INVALID_EMAIL

    def clean_email(self) -> str:
        value = super().clean_email()
        if belongs_to_an_account(value, other_than=self.user):
            raise forms.ValidationError(
                _("A user is already registered with this e-mail."), code="email_taken"
            )
        return value


class CloseAccountForm(AccountFormMixin, forms.Form):
    """Closing one's account: the current password (or, for an account signed up
    through eGov without one, the IIN) and an acknowledgement.

    Wrong answers are counted per account, so a session left open on a shared
    computer cannot be used to guess the password here.
    """

    ATTEMPTS = 5
    ATTEMPTS_PERIOD = 15 * 60

    password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    iin = forms.CharField(
        label=_("Your IIN"),
        help_text=_("Your account has no password: type your IIN to confirm."),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    understood = forms.BooleanField(
        label=_(
            "I understand that my certificates will be revoked and that a closed "
            "account cannot be restored."
        ),
        error_messages={
            "required": _(
                "Tick the box to confirm that you want to close your account."
            )
        },
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        del self.fields["iin" if user.has_usable_password() else "password"]
        if "iin" in self.fields and not user.iin_hash:
            # Neither a password nor an IIN to type (an eGov account made before
            # eGov's answers had to hold one): the acknowledgement alone.
            del self.fields["iin"]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        hit = ratelimit.hit("account:close", self.user.pk, self.ATTEMPTS_PERIOD)
        if hit.over(self.ATTEMPTS):
            minutes = max(1, round(hit.retry_after / 60))
            raise forms.ValidationError(
                _("Too many attempts. Try again in %(minutes)s min."),
                code="throttled",
                params={"minutes": minutes},
            )
        if "password" in self.fields:
            if not self.user.check_password(cleaned_data["password"]):
                self.add_error("password", _("The password is not correct."))
        elif "iin" in self.fields and (
            iin_tools.normalize_iin(cleaned_data["iin"]) != self.user.iin
        ):
            self.add_error("iin", _("This is not the IIN of your account."))
        return cleaned_data
