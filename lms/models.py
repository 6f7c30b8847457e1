"""The platform's user: signs in with e-mail or IIN, the IIN kept only as a keyed
hash for lookup and encrypted for certificates."""

import re

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms import iin as iin_tools
from lms.regions import Region


class UserManager(BaseUserManager):
    """Creates users identified by e-mail (there is no username)."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        iin = extra_fields.pop("iin", None)
        user = self.model(email=self.normalize_email(email), **extra_fields)
        if iin:
            user.set_iin(iin)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_iin(self, iin: str):
        return self.get(iin_hash=iin_tools.iin_hash(iin))


# A staff member's sign-in name: Latin letters, digits, dots, hyphens and
# underscores, starting with a letter, so that it is never taken for an IIN or an
# e-mail address.
SIGN_IN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{1,63}")
# Sign-in looks a name up whatever the case of its letters (``lms.forms``), so no
# two accounts may have names that differ only in case ("admin" and "ADMIN").
SIGN_IN_NAME_TAKEN = _(
    "This sign-in name is already taken: capital and small letters count as the same."
)


class User(AbstractUser):
    """A learner, editor or staff member."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    sign_in_name = models.CharField(
        _("sign-in name"),
        max_length=64,
        null=True,
        blank=True,
        help_text=_(
            "Staff only, optional: a short name to sign in with instead of the "
            "e-mail address (the demo's superuser is «admin»)."
        ),
        validators=[
            RegexValidator(
                rf"^{SIGN_IN_NAME.pattern}\Z",
                _(
                    "Use Latin letters, digits, dots, hyphens and underscores, "
                    "starting with a letter."
                ),
            )
        ],
    )
    iin_hash = models.CharField(
        _("IIN (keyed hash)"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    iin_encrypted = models.TextField(_("IIN (encrypted)"), blank=True, editable=False)
    iin_confirmed_at = models.DateTimeField(
        _("IIN confirmed through eGov at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the e-Government identity provider last vouched that this "
            "account's holder has its IIN. An IIN typed at sign-up is unconfirmed."
        ),
    )
    consent_at = models.DateTimeField(
        _("consent to personal data processing given at"), null=True, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, blank=True
    )
    region = models.CharField(
        _("region"),
        max_length=32,
        choices=Region.choices,
        blank=True,
        help_text=_(
            "Optional; the learner gives it on their dashboard. Used only for "
            "statistics by region."
        ),
    )

    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the holder closed the account: their name, e-mail and IIN were "
            "erased and it can no longer sign in."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Unique whatever the case, as sign-in finds it; this index is also
            # the one that lookup uses.
            models.UniqueConstraint(
                Lower("sign_in_name"),
                name="lms_user_sign_in_name_unique_in_any_case",
                violation_error_message=SIGN_IN_NAME_TAKEN,
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def is_staff_member(self) -> bool:
        """Staff: may open the admin, or could if they were active. Users made in
        Wagtail's admin and given a staff group have no ``is_staff`` flag, and a
        deactivated staff member has no permissions at all (Django's backends give
        an inactive user none), yet stays staff: their name is kept with what
        they did."""
        if self.is_staff or self.is_superuser:
            return True
        if self.is_active:
            return self.has_perm("wagtailadmin.access_admin")
        if self.pk is None:
            return False
        from django.contrib.auth.models import Permission

        return Permission.objects.filter(
            Q(user=self) | Q(group__user=self),
            codename="access_admin",
            content_type__app_label="wagtailadmin",
        ).exists()

    def set_iin(self, iin: str) -> None:
        """Store an IIN as its keyed hash and encrypted value, never in clear."""
        self.iin_hash = iin_tools.iin_hash(iin)
        self.iin_encrypted = iin_tools.encrypt_iin(iin)

    @property
    def iin(self) -> str | None:
        return iin_tools.decrypt_iin(self.iin_encrypted)

    @property
    def iin_masked(self) -> str:
        value = self.iin
        return iin_tools.mask_iin(value) if value else ""

    def confirm_iin(self) -> None:
        """The identity provider has vouched for the IIN this account holds."""
        self.iin_confirmed_at = timezone.now()

    def record_consent(self) -> None:
        self.consent_at = timezone.now()

    def keep_language(self, language: str) -> None:
        """Make ``language`` the account's: signing in later lands in it and
        e-mails are written in it. Saved at once, and only when it changes."""
        if self.preferred_language != language:
            type(self).objects.filter(pk=self.pk).update(preferred_language=language)
            self.preferred_language = language
