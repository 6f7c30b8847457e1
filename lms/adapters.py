"""allauth adapters: what a new account keeps from sign-up, in the user's language.

Local sign-up stores the IIN (keyed hash and ciphertext), the time of consent and the
language the person signed up in. Sign-in through the OpenID Connect provider (the
e-Government identity provider) stores the IIN the provider vouches for, read from
the claim named by ``OIDC_IIN_CLAIM``.
"""

import logging
import smtplib
import time
from contextlib import nullcontext
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialLogin

from lms import iin as iin_tools
from lms import iin_claims
from lms.middleware import LANGUAGE_PARAMETER
from lms.signals import without_iin

logger = logging.getLogger(__name__)

# Django's password validators have no Kazakh translation; these say the same
# thing in the project's own catalogue, keyed by the validators' error codes.
PASSWORD_MESSAGES = {
    "password_too_short": _("The password is too short: use at least 8 characters."),
    "password_too_common": _("This password is too common. Choose a less obvious one."),
    "password_entirely_numeric": _("The password cannot consist of digits only."),
    "password_too_similar": _("The password is too similar to your name or e-mail."),
}


CONFIRMED_IIN_TAKEN = _(
    "An account with your IIN already exists. Sign in with your IIN or e-mail and "
    "password."
)


# The credential that names the count of failed sign-ins to use; the backends
# take it and ignore it.
ATTEMPTS_KEY = "attempts_key"


def iin_attempts_key(iin_hash: str) -> str:
    return f"iin:{iin_hash}"


def sign_in_name_attempts_key(name: str) -> str:
    return f"sign-in-name:{name.lower()}"


def signed_in_with_password_just_now(request: HttpRequest, user) -> bool:
    """Did ``user`` type the password to sign in on this session less than
    ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` ago? That is as good as typing it again:
    allauth counts only a password asked again."""
    since = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return any(
        record.get("method") == "password" and record.get("at", 0) > since
        for record in get_authentication_records(request, user)
    )


class AccountAdapter(DefaultAccountAdapter):
    """Saves what local sign-up collects besides e-mail and password."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "The IIN, e-mail or password you entered is not correct."
        ),
        "email_taken": _("A user is already registered with this e-mail."),
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts. Wait a few minutes and try again."
        ),
        "rate_limited": _("Too many requests. Wait a minute and try again."),
        # allauth's name for a wrong current password on the change form.
        "enter_current_password": _("The password is not correct."),
        # allauth's, when the password is asked again before a change.
        "incorrect_password": _("The password is not correct."),
        "duplicate_email": _("This e-mail address is already on your account."),
    }

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        if data.get("iin"):
            user.set_iin(data["iin"])
        if data.get("consent"):
            user.record_consent()
        if not user.preferred_language:
            user.preferred_language = translation.get_language() or ""
        if commit:
            user.save()
        return user

    def add_message(self, request: HttpRequest, *args, **kwargs) -> None:
        """A message that will be read in the Wagtail admin (a staff member
        signing in on their way there) is written in the admin's language, and one
        read on "My learning" after signing in in the learner's own (see
        ``get_login_redirect_url``); either may differ from the sign-in page's.
        Other messages are read on the page they come from, in its language."""
        template = kwargs.get("message_template", args[1] if len(args) > 1 else None)
        language = _admin_language(request)
        if not language and template == LOGGED_IN_MESSAGE:
            language = _landing_language(request) or _next_page_language(request)
        with translation.override(language) if language else nullcontext():
            super().add_message(request, *args, **kwargs)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Signed in or up with no page to go back to: "My learning", where the
        courses, certificates and any partner's invitation are, in the language
        the learner chose, whatever the browser's."""
        language = _landing_language(request) or translation.get_language()
        with translation.override(language):
            return reverse("progress:dashboard")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self.get_login_redirect_url(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials):
        """Failed sign-ins are counted for the name typed: an IIN or a sign-in
        name apart from the account's e-mail (``lms.forms.LoginForm``)."""
        if key := credentials.get(ATTEMPTS_KEY):
            return key
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials):
        """A password reset clears the count of every name of the account."""
        super()._delete_login_attempts_cached_email(request, **credentials)
        user = (
            get_user_model()
            .objects.filter(email__iexact=credentials.get("email") or "")
            .only("iin_hash", "sign_in_name")
            .first()
        )
        if user is None:
            return
        for key in filter(
            None,
            [
                user.iin_hash and iin_attempts_key(user.iin_hash),
                user.sign_in_name and sign_in_name_attempts_key(user.sign_in_name),
            ],
        ):
            super()._delete_login_attempts_cached_email(request, **{ATTEMPTS_KEY: key})

    def pre_login(self, request: HttpRequest, user, **kwargs):
        """A closed account is nobody's (docs/decisions/0008): even made active
        again in the database, nobody signs in to it."""
        if user.closed_at:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def can_mark_as_primary(self, email_address: EmailAddress) -> bool:
        """Only an address that already acts for the account becomes its primary
        one (``lms.views.EmailAddressesView``): allauth would also take an
        unconfirmed one while no address of the account is confirmed, as none is
        when sign-up does not ask for it."""
        return acts_for_account(email_address.user, email_address.email)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """An account with no password (made through the identity provider) has
        nothing to type again: it is asked for nothing, as allauth would otherwise
        refuse it every change."""
        request = allauth_context.request
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if not user.has_usable_password():
                return False
            if signed_in_with_password_just_now(request, user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """In the account's language, whatever page asked for the e-mail; its
        links open their page in that language too, at ``SITE_URL`` whatever
        host the request named. A mail server that cannot be reached is logged
        and the person told, not a 500 after the account is made."""
        language = _account_language(context.get("user")) or translation.get_language()
        for name in LINKS_IN_MAILS:
            if context.get(name):
                context[name] = on_site(with_language(context[name], language))
        context.update(site_context())
        with translation.override(language):
            try:
                super().send_mail(template_prefix, email, context)
            except (smtplib.SMTPException, OSError):
                logger.exception("Could not send the e-mail %s", template_prefix)
                if (request := allauth_context.request) is not None:
                    messages.error(request, MAIL_NOT_SENT)

    def format_email_subject(self, subject: str) -> str:
        return f"[{urlsplit(settings.SITE_URL).netloc}] {subject}"

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        with translation.override(
            _account_language(user) or translation.get_language()
        ):
            super().send_notification_mail(template_prefix, user, context, email)

    def clean_password(self, password: str, user=None) -> str:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError(
                [PASSWORD_MESSAGES.get(e.code, e) for e in error.error_list]
            ) from None
        return password


def _admin_language(request: HttpRequest) -> str | None:
    """The Wagtail admin language of a signed-in staff member whose next page is
    in the admin, else None."""
    from wagtail.users.models import UserProfile

    user = getattr(request, "user", None)
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not (user and user.is_authenticated and user.is_staff_member):
        return None
    if not target.startswith("/admin/"):
        return None
    return UserProfile.get_for_user(user).get_preferred_language()


# The links allauth's e-mails carry, to the confirmation, password reset and
# sign-up pages.
LINKS_IN_MAILS = ("activate_url", "password_reset_url", "signup_url")

MAIL_NOT_SENT = _(
    "The e-mail could not be sent just now. Please try again in a few minutes."
)


def on_site(url: str) -> str:
    """``url``'s path and query at ``SITE_URL``: a link in an e-mail never goes to
    the host a request happened to name."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, ""))


def site_context() -> dict:
    """What e-mails name the site by: its address (``site_url``) and, as allauth's
    templates read it, ``current_site``."""
    domain = urlsplit(settings.SITE_URL).netloc
    return {
        "site_url": settings.SITE_URL.rstrip("/"),
        "current_site": {"domain": domain, "name": domain},
    }


def acts_for_account(user, email: str) -> bool:
    """Whether ``email`` may be the primary address of ``user``'s account and
    receive its password reset links: the account's own address, or one confirmed
    through the link sent to it. An address only added, perhaps mistyped, does
    not, or the stranger who owns it could take the account over."""
    if email.lower() == (user.email or "").lower():
        return True
    return EmailAddress.objects.filter(
        user=user, email__iexact=email, verified=True
    ).exists()


def belongs_to_an_account(email: str, *, other_than=None) -> bool:
    """Whether ``email`` is taken: the own address of an account (other than
    ``other_than``), or one an account confirmed. An address another account only
    added, unconfirmed, is nobody's yet (``acts_for_account``): a mistype, or a
    stranger's typing, does not keep its owner from signing up with it."""
    users = get_user_model().objects.filter(email__iexact=email)
    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True)
    if other_than is not None:
        users = users.exclude(pk=other_than.pk)
        confirmed = confirmed.exclude(user=other_than)
    return users.exists() or confirmed.exists()


def release_unconfirmed(user) -> None:
    """Forget other accounts' unconfirmed additions of ``user``'s own address,
    which ``user`` has just signed up with: their confirmation links no longer
    open anything."""
    EmailAddress.objects.filter(email__iexact=user.email, verified=False).exclude(
        user=user
    ).delete()


def with_language(url: str, language: str) -> str:
    """``url`` opening its page in ``language`` (``lms.middleware.LocaleMiddleware``
    reads ``lang``): a link from an e-mail is often opened in another browser
    than the one that asked for it."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != LANGUAGE_PARAMETER]
    query.append((LANGUAGE_PARAMETER, language))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _account_language(user) -> str | None:
    language = getattr(user, "preferred_language", None)
    return language if language in dict(settings.LANGUAGES) else None


LOGGED_IN_MESSAGE = "account/messages/logged_in.txt"


def _next_page_language(request: HttpRequest) -> str | None:
    """The language of the page signing in goes back to (``next``), when its
    address has a language prefix: "/ru/couple/" is read in Russian, whatever the
    sign-in page's language was."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    prefix = urlsplit(target).path.split("/")[1:2]
    return prefix[0] if prefix and prefix[0] in dict(settings.LANGUAGES) else None


def _landing_language(request: HttpRequest) -> str | None:
    """The language a signed-in user chose, when they have no page to go back to:
    the one they switched to on this device just before signing in, which
    becomes the account's, else the account's own."""
    from lms.middleware import LANGUAGE_CHOSEN_SESSION_KEY

    user = getattr(request, "user", None)
    if request.POST.get("next") or request.GET.get("next"):
        return None
    if not (user and user.is_authenticated):
        return None
    languages = dict(settings.LANGUAGES)
    session = getattr(request, "session", None)
    chosen = (
        session.pop(LANGUAGE_CHOSEN_SESSION_KEY, None) if session is not None else None
    )
    if chosen in languages:
        user.keep_language(chosen)
        return chosen
    language = user.preferred_language
    return language if language in languages else None


def iin_from_claims(sociallogin: SocialLogin) -> str | None:
    """The valid IIN the identity provider sent, or None."""
    return iin_in_claims(sociallogin.account.extra_data)


def iin_in_claims(extra_data) -> str | None:
    """The valid IIN in the provider's claims as allauth keeps them (the ID
    token's, the userinfo's, or at the top level), or None."""
    claim = settings.OIDC_IIN_CLAIM
    extra = extra_data if isinstance(extra_data, dict) else {}
    sources = [extra.get("userinfo"), extra.get("id_token"), extra]
    for source in sources:
        if isinstance(source, dict) and source.get(claim):
            value = iin_tools.normalize_iin(str(source[claim]))
            if iin_tools.is_valid_iin(value):
                return value
            logger.warning("Identity provider sent an IIN claim that is not valid")
            return None
    return None


# eGov vouches for an IIN at every sign-in; an answer without a valid one signs
# nobody up and connects nothing (a wrong ``OIDC_IIN_CLAIM`` says so at once).
NO_IIN_FROM_PROVIDER = _(
    "eGov did not confirm your IIN, so you cannot sign in with it now. Try again "
    "later, or sign in with your IIN or e-mail and password."
)
IIN_NOT_THIS_ACCOUNTS = _(
    "eGov confirmed another IIN than this account's, so it was not connected."
)

# The key under which a pending sign-in kept in the session holds the provider's
# IIN, encrypted; the claims beside it are kept without it.
IIN_IN_SESSION = "lms_iin_encrypted"


def may_connect(user, owner) -> bool:
    """May ``user`` connect the provider that confirmed an IIN held by ``owner``
    (None: nobody)? Only with the account's own IIN, or to one without any."""
    if owner is not None:
        return owner.pk == user.pk
    return not user.iin_hash


def refuse_connection(request: HttpRequest):
    messages.error(request, IIN_NOT_THIS_ACCOUNTS)
    raise ImmediateHttpResponse(redirect("socialaccount_connections"))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """OpenID Connect sign-in: keep the provider's IIN, never a second account."""

    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        "email_taken": _(
            "An account with this e-mail address already exists. Sign in to it "
            "first, then connect %s."
        ),
        "invalid_token": _("The answer of the sign-in service is not valid."),
        "no_password": _(
            "Set a password first: without it you could not sign in any more."
        ),
        "no_verified_email": _(
            "Confirm an e-mail address first: without it you could not recover "
            "your account."
        ),
        "disconnect_last": _("You cannot disconnect your last sign-in service."),
        "connected_other": _(
            "This sign-in service is already connected to another account."
        ),
    }

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        iin = iin_from_claims(sociallogin)
        if sociallogin.is_existing:
            self._returning(sociallogin.user, iin)
            return
        if not iin:
            messages.error(request, NO_IIN_FROM_PROVIDER)
            back = (
                "socialaccount_connections"
                if request.user.is_authenticated
                else "account_login"
            )
            raise ImmediateHttpResponse(redirect(back))
        owner = iin_claims.holder_of(iin)
        if request.user.is_authenticated:
            # Only checked here: the account takes the IIN once the connection
            # is made (``connected``), after allauth asks for the password again.
            if not may_connect(request.user, owner):
                refuse_connection(request)
            return
        if owner is None:
            return
        if owner.iin_confirmed_at:
            # An account whose IIN the provider confirmed: its holder signs in
            # with the password and connects the provider from there. Joining
            # the two automatically would hand the account to whoever holds the
            # other sign-in.
            messages.error(request, CONFIRMED_IIN_TAKEN)
            raise ImmediateHttpResponse(redirect("account_login"))
        # The IIN was only typed at a sign-up: its confirmed holder may claim it.
        request.session[iin_claims.SESSION_KEY] = sociallogin.serialize()
        raise ImmediateHttpResponse(redirect("iin_claim"))

    @staticmethod
    def _returning(user, iin: str | None) -> None:
        """A returning provider user: the provider confirms the account's IIN
        again (``iin_confirmed_at`` is its latest word), or gives an account
        without one the IIN nobody else holds."""
        if not iin:
            return
        if not user.iin_hash and iin_claims.holder_of(iin) is None:
            user.set_iin(iin)
        if user.iin_hash == iin_tools.iin_hash(iin):
            user.confirm_iin()
            user.save(update_fields=["iin_hash", "iin_encrypted", "iin_confirmed_at"])

    def connected(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """The provider was connected to the signed-in account (after the password
        was asked again, if it was): the account takes the IIN it confirmed, or
        loses the connection if another account took that IIN meanwhile."""
        iin = iin_from_claims(sociallogin)
        user_model = get_user_model()
        try:
            with transaction.atomic():
                user = user_model.objects.select_for_update().get(
                    pk=sociallogin.user.pk
                )
                if not iin or not may_connect(user, iin_claims.holder_of(iin)):
                    raise ValidationError("taken")
                if not user.iin_hash:
                    user.set_iin(iin)
                user.confirm_iin()
                user.save(
                    update_fields=["iin_hash", "iin_encrypted", "iin_confirmed_at"]
                )
        except (ValidationError, IntegrityError):
            sociallogin.account.delete()
            refuse_connection(request)
        for name in ("iin_hash", "iin_encrypted", "iin_confirmed_at"):
            setattr(sociallogin.user, name, getattr(user, name))

    def serialize_instance(self, instance):
        """A sign-in kept in the session for a later step (the sign-up form, the
        password asked again, an IIN claim) keeps the provider's IIN encrypted,
        as the database keeps it; the session's store holds it in clear
        otherwise."""
        data = super().serialize_instance(instance)
        if isinstance(instance, SocialAccount) and "extra_data" in data:
            iin = iin_in_claims(instance.extra_data)
            data["extra_data"] = without_iin(data["extra_data"])
            if iin:
                data[IIN_IN_SESSION] = iin_tools.encrypt_iin(iin)
        return data

    def deserialize_instance(self, model, data):
        data = dict(data)
        encrypted = data.pop(IIN_IN_SESSION, None)
        instance = super().deserialize_instance(model, data)
        if encrypted and (iin := iin_tools.decrypt_iin(encrypted)):
            extra = instance.extra_data if isinstance(instance.extra_data, dict) else {}
            instance.extra_data = {**extra, settings.OIDC_IIN_CLAIM: iin}
        return instance

    def is_auto_signup_allowed(
        self, request: HttpRequest, sociallogin: SocialLogin
    ) -> bool:
        # Consent to personal-data processing is asked on the sign-up form.
        return False

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        iin = iin_from_claims(sociallogin)
        if iin:
            user.set_iin(iin)
            user.confirm_iin()
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        user = sociallogin.user
        iin = iin_from_claims(sociallogin)
        if iin and not user.iin_hash:
            user.set_iin(iin)
            user.confirm_iin()
        if iin and sociallogin.state.get(iin_claims.CLAIMED):
            # In the sign-up's transaction: if the account is not created, the
            # other one keeps the IIN.
            try:
                iin_claims.release_iin(iin)
            except iin_claims.IinAlreadyConfirmed:
                pass  # the unique IIN then refuses this sign-up, with a message
        return super().save_user(request, sociallogin, form=form)
