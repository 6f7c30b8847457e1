"""Issuing: one certificate per learner and course, whatever happens to the task."""

import hashlib

from django.core import mail
from django.core.exceptions import ValidationError

import pytest

from certificates import services
from certificates.models import Certificate
from certificates.numbers import normalize_number
from certificates.tasks import issue_certificate
from lms.factories import VALID_IINS
from lms.iin import iin_hash
from progress.models import CourseCompletion


def test_completion_issues_one_certificate_with_every_step(
    completion, learner, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue_certificate.enqueue(completion.pk)
    run_tasks()

    certificate = Certificate.objects.get(user=learner, course=completion.course)
    assert normalize_number(certificate.number) == certificate.number
    assert certificate.completion == completion
    assert certificate.course_kind == "guide"
    assert certificate.holder_name == "Айгерім Бекова"
    assert certificate.holder_iin_hash == iin_hash(VALID_IINS[0])
    assert certificate.language == "kk"
    assert certificate.credential.count(".") == 2
    assert certificate.kid
    assert certificate.pdf.name == f"certificates/{certificate.number}.pdf"
    assert certificate.pdf.read().startswith(b"%PDF")
    assert certificate.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner.email]


def test_running_the_task_twice_issues_once_and_mails_once(completion, run_tasks):
    issue_certificate.enqueue(completion.pk)
    issue_certificate.enqueue(completion.pk)
    run_tasks()
    issue_certificate.call(completion.pk)

    assert Certificate.objects.filter(user=completion.user).count() == 1
    assert len(mail.outbox) == 1
    number = Certificate.objects.get().number
    assert number in mail.outbox[0].subject
    assert number in mail.outbox[0].body


def test_service_called_again_returns_the_same_certificate(completion):
    first = services.issue_certificate(completion)
    again = services.issue_certificate(CourseCompletion.objects.get(pk=completion.pk))
    assert again.pk == first.pk
    assert again.number == first.number
    assert again.credential == first.credential


def test_a_run_killed_after_the_row_is_completed_by_a_rerun(completion):
    # A worker killed right after the row committed: no PDF, no e-mail yet.
    certificate, created = services.create_certificate(completion)
    assert created
    assert not certificate.pdf and certificate.emailed_at is None
    assert mail.outbox == []

    issue_certificate.call(completion.pk)

    certificate.refresh_from_db()
    assert certificate.pdf
    assert certificate.emailed_at is not None
    assert len(mail.outbox) == 1
    assert Certificate.objects.count() == 1


def test_a_file_left_by_a_killed_pdf_step_is_replaced(completion):
    certificate, _ = services.create_certificate(completion)
    storage = Certificate._meta.get_field("pdf").storage
    name = f"certificates/{certificate.number}.pdf"
    storage.save(name, __import__("io").BytesIO(b"half a file"))

    services.ensure_pdf(certificate)

    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert certificate.pdf.read().startswith(b"%PDF")


def test_unknown_completion_is_a_harmless_no_op(db):
    assert issue_certificate.call(999_999) is None
    assert Certificate.objects.count() == 0


def test_identity_hash_is_sha256_of_iin_and_salt(certificate):
    claims = services.credential_claims(certificate, VALID_IINS[0])
    expected = hashlib.sha256((VALID_IINS[0] + certificate.identity_salt).encode())
    assert claims["holder"]["identity_hash"] == "sha256$" + expected.hexdigest()
    assert len(certificate.identity_salt) >= 32


def test_each_certificate_has_its_own_salt_and_number(
    completion, partner, guide_course
):
    other = CourseCompletion.objects.create(
        user=partner, course=guide_course, language="ru"
    )
    first = services.issue_certificate(completion)
    second = services.issue_certificate(other)
    assert first.number != second.number
    assert first.identity_salt != second.identity_salt
    assert second.language == "ru"
    assert second.holder_name == "Нұрлан Сейітов"


def test_email_is_in_the_learners_language(completion, learner):
    learner.preferred_language = "ru"
    learner.save()
    certificate = services.issue_certificate(completion)
    message = mail.outbox[0]
    assert "Счастливая казахстанская семья" in message.body
    assert certificate.number in message.body
    assert (
        f"http://testserver/certificates/verify/{certificate.number}/" in message.body
    )
    assert message.attachments[0][0] == f"{certificate.number}.pdf"
    assert message.attachments[0][2] == "application/pdf"
    ((html, _type),) = message.alternatives
    # Link texts end without the colon the plain text puts before its URLs.
    assert ">Скачать PDF (сначала войдите)</a>" in html
    assert ">Подписанное удостоверение</a>" in html


def test_registry_is_told_once_of_issue_and_of_revocation(
    completion, monkeypatch, admin_user
):
    from registry import services as registry_services

    calls = []
    monkeypatch.setattr(
        registry_services,
        "enqueue_certificate_event",
        lambda certificate, event: calls.append((certificate.number, event)),
        raising=False,
    )
    certificate = services.issue_certificate(completion)
    services.issue_certificate(completion)
    assert calls == [(certificate.number, "certificate.issued")]

    services.revoke_certificate(certificate, "Issued by mistake", admin_user)
    services.revoke_certificate(certificate, "Again", admin_user)
    assert calls[1:] == [(certificate.number, "certificate.revoked")]


def test_a_failing_registry_hook_does_not_stop_issuing(completion, monkeypatch):
    from registry import services as registry_services

    def broken(certificate, event):
        raise ConnectionError("registry outbox unavailable")

    monkeypatch.setattr(
        registry_services, "enqueue_certificate_event", broken, raising=False
    )
    certificate = services.issue_certificate(completion)
    assert certificate.pdf and certificate.emailed_at
    assert certificate.issued_announced_at is None


def test_revocation_is_idempotent_and_needs_a_reason(certificate, admin_user):
    with pytest.raises(ValidationError) as excinfo:
        services.revoke_certificate(certificate, "   ", admin_user)
    assert excinfo.value.code == "reason_required"
    certificate.refresh_from_db()
    assert certificate.status == "valid"

    services.revoke_certificate(certificate, "Identity fraud", admin_user)
    first_revoked_at = certificate.revoked_at
    services.revoke_certificate(certificate, "Second reason", admin_user)
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revocation_reason == "Identity fraud"
    assert certificate.revoked_at == first_revoked_at
    assert certificate.revoked_by == admin_user
