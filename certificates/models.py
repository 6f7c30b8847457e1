"""Certificates of completion: number, signed credential, PDF, revocation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import CourseKind
from lms.storage import private_storage


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    """One per learner and course, issued in the background after completion."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    completion = models.OneToOneField(
        "progress.CourseCompletion",
        on_delete=models.PROTECT,
        related_name="certificate",
        null=True,
        blank=True,
    )
    course_kind = models.CharField(
        _("course kind"), max_length=16, choices=CourseKind.choices
    )
    holder_name = models.CharField(_("holder's name"), max_length=300)
    holder_iin_hash = models.CharField(max_length=64, blank=True, db_index=True)
    identity_salt = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    issued_at = models.DateTimeField(_("issued at"))
    kid = models.CharField(_("key ID"), max_length=64, blank=True)
    credential = models.TextField(_("signed credential (JWS)"), blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to="certificates/", storage=private_storage, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Each step after the row exists records when it was done, so that a re-run
    # of the issuing task does only what a killed run left undone.
    issued_announced_at = models.DateTimeField(
        _("issue announced to the registry at"), null=True, blank=True
    )
    revoked_announced_at = models.DateTimeField(
        _("revocation announced to the registry at"), null=True, blank=True
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [("revoke_certificate", _("Can revoke certificates"))]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_certificate_per_learner_course"
            )
        ]
        indexes = [
            models.Index(
                fields=["holder_iin_hash", "course_kind", "status"],
                name="cert_holder_kind_status",
            )
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.status == CertificateStatus.REVOKED

    def _holder_name_masked(self) -> str:
        """The holder's name as public pages show it: «А*** Б***»."""
        return mask_name(self.holder_name)

    _holder_name_masked.short_description = _("holder")
    holder_name_masked = property(_holder_name_masked)


def mask_name(name: str) -> str:
    """First letter of each part of a name followed by three stars; a part
    without a letter (a stray apostrophe or dash) shows nothing."""
    initials = (next((c for c in part if c.isalpha()), None) for part in name.split())
    return " ".join(f"{initial}***" for initial in initials if initial)
