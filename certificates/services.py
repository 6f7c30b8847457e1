"""Issuing, rendering, e-mailing and revoking certificates.

Issuing is a chain of idempotent steps, each of which knows whether it was done:

1. the row: number, salt, holder data and signed credential, written in one
   transaction; the unique (user, course) constraint makes a duplicate, a retry or
   a concurrent worker find the row that won instead of writing a second one;
2. telling registry clients (``issued_announced_at``);
3. the PDF (``pdf`` is set);
4. the e-mail to the learner (``emailed_at``).

So running ``issue_certificate`` again — a retried or duplicated task, or a re-run
after a worker was killed halfway — completes what is missing and repeats nothing.
"""

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from certificates import pdf, signing
from certificates.models import Certificate, CertificateStatus
from certificates.numbers import generate_number, normalize_number
from lms.adapters import with_language
from lms.iin import iin_hash

logger = logging.getLogger(__name__)

EVENT_ISSUED = "certificate.issued"
EVENT_REVOKED = "certificate.revoked"
ANNOUNCED_FIELD = {
    EVENT_ISSUED: "issued_announced_at",
    EVENT_REVOKED: "revoked_announced_at",
}
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def verify_url(number: str) -> str:
    """The public verification page of a number, as printed in the QR code."""
    return absolute_url(reverse("certificates:verify", args=[number]))


def identity_hash(iin: str, salt: str) -> str:
    """``sha256$`` + hex(sha256(iin + salt)): lets whoever knows the IIN confirm it."""
    return "sha256$" + hashlib.sha256((iin + salt).encode()).hexdigest()


def course_title(course, language: str) -> str:
    """The course title in ``language``, falling back to Kazakh."""
    return (
        getattr(course, f"title_{language}", "")
        or getattr(course, "title_kk", "")
        or course.title
    )


def course_titles(course) -> dict[str, str]:
    return {code: course_title(course, code) for code in LANGUAGE_CODES}


def credential_claims(certificate: Certificate, iin: str | None) -> dict:
    """The claims of the signed credential (CONTRACTS.md §7)."""
    course = certificate.course
    return {
        "iss": settings.SITE_URL,
        "sub": certificate.number,
        "jti": certificate.number,
        "iat": int(certificate.issued_at.timestamp()),
        "course": {
            "kind": certificate.course_kind,
            "slug": getattr(course, "slug_kk", "") or course.slug,
            "title": course_title(course, certificate.language),
        },
        "holder": {
            "name": certificate.holder_name,
            "identity_hash": (
                identity_hash(iin, certificate.identity_salt) if iin else None
            ),
            "salt": certificate.identity_salt,
        },
        "lang": certificate.language,
    }


def _existing(completion) -> Certificate | None:
    return Certificate.objects.filter(
        user_id=completion.user_id, course_id=completion.course_id
    ).first()


class AccountClosed(Exception):
    """The learner closed their account before the certificate was issued."""


def create_certificate(completion) -> tuple[Certificate, bool]:
    """The certificate row for a completion, created if missing; (row, created).

    The holder's row is locked while the certificate is made, as closing an account
    locks it (``lms.account_closure``): a certificate is either made before the
    account closes, and is then revoked with the others, or not at all
    (AccountClosed)."""
    existing = _existing(completion)
    if existing is not None:
        return existing, False
    course = completion.course
    language = completion.language if completion.language in LANGUAGE_CODES else "kk"
    for _attempt in range(3):
        try:
            with transaction.atomic():
                user = (
                    get_user_model()
                    .objects.select_for_update()
                    .get(pk=completion.user_id)
                )
                if user.closed_at:
                    raise AccountClosed
                certificate = _new_certificate(completion, user, course, language)
                certificate.save(force_insert=True)
        except IntegrityError:
            # Another worker issued it first, or (rarely: 55 random bits) the number is
            # taken: find the winner, else draw a new number.
            existing = _existing(completion)
            if existing is not None:
                return existing, False
            continue
        logger.info("Issued certificate %s", certificate.number)
        return certificate, True
    raise RuntimeError("Could not draw an unused certificate number")


def _new_certificate(completion, user, course, language: str) -> Certificate:
    iin = user.iin
    certificate = Certificate(
        number=generate_number(),
        user=user,
        course=course,
        completion=completion,
        course_kind=course.kind,
        holder_name=user.get_full_name().strip() or user.email,
        holder_iin_hash=iin_hash(iin) if iin else "",
        identity_salt=secrets.token_hex(16),
        language=language,
        issued_at=timezone.now().replace(microsecond=0),
    )
    certificate.kid, certificate.credential = signing.sign_claims(
        credential_claims(certificate, iin)
    )
    return certificate


def _registry_notifier() -> Callable | None:
    try:
        from registry import services as registry_services
    except ImportError:
        return None
    return getattr(registry_services, "enqueue_certificate_event", None)


def announce(certificate: Certificate, event: str) -> bool:
    """Tell registry clients about ``event`` once; True when told now."""
    field = ANNOUNCED_FIELD[event]
    if getattr(certificate, field):
        return False
    notify = _registry_notifier()
    if notify is None:
        return False
    try:
        with transaction.atomic():
            locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
            if getattr(locked, field):
                setattr(certificate, field, getattr(locked, field))
                return False
            notify(locked, event)
            setattr(locked, field, timezone.now())
            locked.save(update_fields=[field])
    except Exception:
        # The certificate stands; the step stays undone for the next run.
        logger.exception("Could not announce %s of %s", event, certificate.number)
        return False
    setattr(certificate, field, getattr(locked, field))
    return True


def pdf_content(certificate: Certificate) -> pdf.CertificateContent:
    return pdf.CertificateContent(
        number=certificate.number,
        holder_name=certificate.holder_name,
        course_titles=course_titles(certificate.course),
        issued_on=timezone.localtime(certificate.issued_at).date(),
        verify_url=verify_url(certificate.number),
    )


def _pdf_stored(certificate: Certificate) -> bool:
    return bool(certificate.pdf) and certificate.pdf.storage.exists(
        certificate.pdf.name
    )


def ensure_pdf(certificate: Certificate) -> Certificate:
    """Render and store the PDF unless it is there already (also when its file
    went missing, as after a move of the private files). A revoked certificate
    gets none: it may have been revoked, and its holder's name erased, while
    this one was being drawn."""
    if _pdf_stored(certificate) or certificate.is_revoked:
        return certificate
    data = pdf.render_pdf(pdf_content(certificate))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not _pdf_stored(locked) and not locked.is_revoked:
            filename = f"{locked.number}.pdf"
            name = locked.pdf.field.generate_filename(locked, filename)
            storage = locked.pdf.storage
            if storage.exists(name):
                # Left by a run killed before it could record the file.
                storage.delete(name)
            locked.pdf.save(filename, ContentFile(data), save=False)
            locked.save(update_fields=["pdf"])
    certificate.pdf = locked.pdf
    return certificate


def learner_language(certificate: Certificate) -> str:
    preferred = certificate.user.preferred_language
    return preferred if preferred in LANGUAGE_CODES else certificate.language


def send_issued_email(certificate: Certificate) -> bool:
    """E-mail the learner their certificate once; True when sent now.

    Senders take turns on a lock that revoking does not need (see
    :func:`_take_turn_to_email`): the SMTP exchange may last ``EMAIL_TIMEOUT``,
    and a revocation or an account closure must not wait for it. ``emailed_at``
    is written after the send, in the same transaction, so the next sender finds
    it, and a worker killed before it is written sends again on the next run."""
    if certificate.emailed_at:
        return False
    with transaction.atomic():
        _take_turn_to_email(certificate)
        current = Certificate.objects.select_related("user", "course").get(
            pk=certificate.pk
        )
        if current.emailed_at or current.is_revoked or not current.user.email:
            certificate.emailed_at = current.emailed_at
            return False
        _issued_message(current).send()
        emailed_at = timezone.now()
        Certificate.objects.filter(pk=current.pk).update(emailed_at=emailed_at)
    certificate.emailed_at = emailed_at
    return True


def _take_turn_to_email(certificate: Certificate) -> None:
    """Lock the learner's completion, from which the certificate was issued:
    issuing is per completion, and nothing holds that row for long. The
    certificate's own row is what revoking locks. A certificate made without a
    completion (by hand) has only its own row to lock."""
    from progress.models import CourseCompletion

    if certificate.completion_id is None:
        Certificate.objects.select_for_update().get(pk=certificate.pk)
    else:
        CourseCompletion.objects.select_for_update().get(pk=certificate.completion_id)


def _issued_message(certificate: Certificate) -> EmailMultiAlternatives:
    """The issued e-mail in the learner's language, whose links open their pages
    in it too: they are often opened in a browser that has never been here."""
    language = learner_language(certificate)
    links = {
        "verify_url": verify_url(certificate.number),
        "pdf_url": absolute_url(reverse("certificates:pdf", args=[certificate.number])),
        "credential_url": absolute_url(
            reverse("certificates:credential", args=[certificate.number])
        ),
    }
    with translation.override(language):
        context = {
            "certificate": certificate,
            "first_name": certificate.user.first_name or certificate.holder_name,
            "course_title": course_title(certificate.course, language),
            **{name: with_language(url, language) for name, url in links.items()},
        }
        subject = render_to_string("certificates/email/issued_subject.txt", context)
        text = render_to_string("certificates/email/issued_body.txt", context)
        html = render_to_string("certificates/email/issued_body.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, to=[certificate.user.email]
    )
    message.attach_alternative(html, "text/html")
    if certificate.pdf:
        with certificate.pdf.open("rb") as handle:
            message.attach(
                f"{certificate.number}.pdf", handle.read(), "application/pdf"
            )
    return message


def issue_certificate(completion) -> Certificate:
    """The learner's one certificate for the completed course, with every step done."""
    certificate, _created = create_certificate(completion)
    if certificate.is_revoked:
        return certificate
    announce(certificate, EVENT_ISSUED)
    ensure_pdf(certificate)
    send_issued_email(certificate)
    return certificate


def revoke_certificate(
    certificate: Certificate, reason: str, by, *, tell_holder: bool = False
) -> Certificate:
    """Revoke a certificate with a reason; revoking it again changes nothing.

    With ``tell_holder``, the holder is e-mailed the reason once the revocation
    commits (a certificate officer's decision; an IIN claim and a closed account
    tell the account's owner in their own words)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for revoking the certificate."), code="reason_required"
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != CertificateStatus.REVOKED:
            locked.status = CertificateStatus.REVOKED
            locked.revoked_at = timezone.now()
            locked.revocation_reason = reason
            locked.revoked_by = by if getattr(by, "pk", None) else None
            locked.save(
                update_fields=[
                    "status",
                    "revoked_at",
                    "revocation_reason",
                    "revoked_by",
                ]
            )
            logger.info("Revoked certificate %s", locked.number)
            if tell_holder:
                transaction.on_commit(lambda: send_revoked_email(locked))
    announce(locked, EVENT_REVOKED)
    for field in ("status", "revoked_at", "revocation_reason", "revoked_by_id"):
        setattr(certificate, field, getattr(locked, field))
    certificate.revoked_announced_at = locked.revoked_announced_at
    return certificate


def send_revoked_email(certificate: Certificate) -> None:
    """Tell the holder that their certificate was revoked, and why. The
    certificate's pages say it too, so a refused e-mail is logged, not raised."""
    user = certificate.user
    if not user.email or user.closed_at:
        return
    language = learner_language(certificate)
    with translation.override(language):
        context = {
            "certificate": certificate,
            "first_name": user.first_name or certificate.holder_name,
            "course_title": course_title(certificate.course, language),
            "verify_url": with_language(verify_url(certificate.number), language),
        }
        subject = render_to_string("certificates/email/revoked_subject.txt", context)
        text = render_to_string("certificates/email/revoked_body.txt", context)
    try:
        EmailMultiAlternatives(" ".join(subject.split()), text, to=[user.email]).send()
    except Exception:
        logger.exception("Could not e-mail the revocation of %s", certificate.number)


def revoke_all(user, reason: str, by=None) -> None:
    """Revoke every valid certificate of ``user`` with ``reason``, in the caller's
    transaction."""
    for certificate in Certificate.objects.filter(
        user=user, status=CertificateStatus.VALID
    ):
        revoke_certificate(certificate, reason, by=by)


# Sweeping up ---------------------------------------------------------------------


def unfinished_certificates(older_than: timedelta):
    """Certificates with a step still undone that should long have been done: a
    valid one not announced to registry clients, without its PDF or (when the
    learner has an address) its e-mail; a revoked one whose revocation was not
    announced. A step is undone when its worker died or the queue was down."""
    cutoff = timezone.now() - older_than
    issuing = (
        Q(issued_announced_at__isnull=True)
        | Q(pdf="")
        | (Q(emailed_at__isnull=True) & ~Q(user__email=""))
    )
    return Certificate.objects.filter(
        Q(status=CertificateStatus.VALID, issued_at__lt=cutoff) & issuing
        | Q(
            status=CertificateStatus.REVOKED,
            revoked_at__lt=cutoff,
            revoked_announced_at__isnull=True,
        )
    )


class FinishedSweep(NamedTuple):
    """What a sweep did: certificates taken up (their issuing queued again, or
    their revocation announced), and those whose issuing could not be queued (the
    queue was down), which stay unfinished for the next sweep."""

    taken_up: int
    failed: int


def finish_certificates(older_than: timedelta) -> FinishedSweep:
    """Finish what :func:`unfinished_certificates` finds: issuing steps go back to
    the queue (``issue_certificate`` completes what is missing), revocations are
    announced here. A certificate that cannot be queued is counted as failed and
    the others are still taken up."""
    from certificates.tasks import issue_certificate as issue_task

    taken_up = failed = 0
    for certificate in unfinished_certificates(older_than).order_by("pk").iterator():
        if certificate.is_revoked:
            announce(certificate, EVENT_REVOKED)
        else:
            try:
                issue_task.enqueue(certificate.completion_id)
            except Exception:  # noqa: BLE001 - queue down: the next sweep retries
                logger.exception("Could not enqueue %s", certificate.number)
                failed += 1
                continue
        taken_up += 1
    return FinishedSweep(taken_up, failed)


def find_certificate(number: str) -> Certificate | None:
    """The certificate with this number; a malformed number is never looked up."""
    canonical = normalize_number(number)
    if canonical is None:
        return None
    return (
        Certificate.objects.select_related("course", "user")
        .filter(number=canonical)
        .first()
    )


def owned_certificate(number: str, user) -> Certificate | None:
    """The certificate with this number if ``user`` holds it, else None. A
    revoked one too: its holder is told that it was revoked, not that it does not
    exist, and gets neither its PDF nor its credential (``views``)."""
    if not getattr(user, "is_authenticated", False):
        return None
    certificate = find_certificate(number)
    if certificate is None or certificate.user_id != user.pk:
        return None
    return certificate


def certificates_record(user) -> list[dict]:
    """The certificates issued to ``user``, for the learner's own copy of their
    data (``lms.personal_data``)."""
    return [
        {
            "number": certificate.number,
            "course": certificate.course.title,
            "holder_name": certificate.holder_name,
            "status": certificate.status,
            "issued_at": certificate.issued_at.isoformat(),
            "revoked_at": (
                certificate.revoked_at.isoformat() if certificate.revoked_at else None
            ),
            "revocation_reason": certificate.revocation_reason or None,
            "verify_url": verify_url(certificate.number),
        }
        for certificate in Certificate.objects.filter(user=user)
        .select_related("course")
        .order_by("issued_at")
    ]
