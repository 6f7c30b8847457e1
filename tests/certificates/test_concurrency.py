"""Concurrent workers issue one certificate (PostgreSQL only: SQLite serialises)."""

import threading
import time

from django.core import mail
from django.db import connection, connections

import pytest

from certificates import services
from certificates.models import Certificate
from certificates.tasks import issue_certificate
from progress.models import CourseCompletion

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


def _run_concurrently(target, workers: int = 6):
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_tasks_issue_one_certificate_and_one_email(learner, guide_course):
    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    results, errors = _run_concurrently(lambda: issue_certificate.call(completion.pk))
    assert errors == []
    assert len(set(results)) == 1
    assert Certificate.objects.filter(user=learner).count() == 1
    certificate = Certificate.objects.get()
    assert certificate.number == results[0]
    assert certificate.pdf
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_row_creation_has_one_winner(learner, guide_course):
    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    results, errors = _run_concurrently(
        lambda: services.create_certificate(
            CourseCompletion.objects.select_related("user", "course").get(
                pk=completion.pk
            )
        ),
        workers=8,
    )
    assert errors == []
    assert sum(created for _certificate, created in results) == 1
    assert len({certificate.number for certificate, _created in results}) == 1
    assert Certificate.objects.count() == 1


def _in_thread(target):
    outcome = {}

    def run():
        try:
            outcome["result"] = target()
        except Exception as exc:  # noqa: BLE001 - reported by the test
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _held(monkeypatch, where, name):
    """Patch ``where.name`` to wait, inside its caller's transaction, until released."""
    entered, release = threading.Event(), threading.Event()
    original = getattr(where, name)

    def waiting(*args, **kwargs):
        entered.set()
        release.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(where, name, waiting)
    return entered, release


def _blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def _wait_until_blocked():
    for _ in range(200):
        if _blocked_on_a_lock():
            return
        time.sleep(0.05)
    raise AssertionError("the second transaction never waited for the lock")


@pytest.mark.django_db(transaction=True)
def test_a_certificate_is_not_issued_to_an_account_closing_meanwhile(
    learner, guide_course, monkeypatch
):
    from lms.account_closure import close_account
    from progress import services as progress

    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    address = learner.email
    entered, release = _held(monkeypatch, progress, "end_partnerships")
    closing, closed = _in_thread(lambda: close_account(learner))
    assert entered.wait(30)
    issuing, issued = _in_thread(lambda: issue_certificate.call(completion.pk))
    _wait_until_blocked()  # on the account's row, which the closure holds
    release.set()
    closing.join(60)
    issuing.join(60)

    assert closed == {"result": True} and issued == {"result": None}
    assert not Certificate.objects.exists()
    assert [message.to for message in mail.outbox] == [[address]]  # the notice
    assert progress.request_pending_certificates().enqueued == 0


@pytest.mark.django_db(transaction=True)
def test_a_certificate_issued_while_its_account_closes_is_revoked(
    learner, guide_course, monkeypatch
):
    from lms.account_closure import close_account

    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    entered, release = _held(monkeypatch, services, "_new_certificate")
    issuing, issued = _in_thread(lambda: issue_certificate.call(completion.pk))
    assert entered.wait(30)
    closing, closed = _in_thread(lambda: close_account(learner))
    _wait_until_blocked()  # on the account's row, which issuing holds
    release.set()
    closing.join(60)
    issuing.join(60)

    assert "error" not in issued and closed == {"result": True}
    certificate = Certificate.objects.get()
    assert certificate.is_revoked
    assert (certificate.holder_name, certificate.credential, certificate.pdf.name) == (
        "",
        "",
        "",
    )
    name = f"certificates/{certificate.number}.pdf"
    assert not certificate.pdf.storage.exists(name)


def _certificate_without_email(learner, guide_course) -> Certificate:
    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    certificate, _created = services.create_certificate(completion)
    return certificate


def _send(pk: int) -> bool:
    return services.send_issued_email(Certificate.objects.get(pk=pk))


@pytest.mark.django_db(transaction=True)
def test_revoking_does_not_wait_while_the_issued_email_is_being_sent(
    learner, guide_course, admin_user, monkeypatch
):
    from django.core.mail.backends import locmem

    certificate = _certificate_without_email(learner, guide_course)
    entered, release = _held(monkeypatch, locmem.EmailBackend, "send_messages")
    sending, sent = _in_thread(lambda: _send(certificate.pk))
    assert entered.wait(30)
    try:
        revoking, revoked = _in_thread(
            lambda: services.revoke_certificate(
                Certificate.objects.get(pk=certificate.pk), "By mistake", admin_user
            )
        )
        revoking.join(10)
        assert not revoking.is_alive(), "revoking waited for the SMTP exchange"
    finally:
        release.set()
        sending.join(60)
        revoking.join(60)

    assert "error" not in revoked and sent == {"result": True}
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.emailed_at is not None
    assert len(mail.outbox) == 1
    assert services.send_issued_email(certificate) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_sender_waits_for_the_first_and_sends_nothing(
    learner, guide_course, monkeypatch
):
    from django.core.mail.backends import locmem

    certificate = _certificate_without_email(learner, guide_course)
    entered, release = _held(monkeypatch, locmem.EmailBackend, "send_messages")
    first, first_sent = _in_thread(lambda: _send(certificate.pk))
    assert entered.wait(30)
    second, second_sent = _in_thread(lambda: _send(certificate.pk))
    _wait_until_blocked()  # on the learner's completion, which the first holds
    release.set()
    first.join(60)
    second.join(60)

    assert first_sent == {"result": True} and second_sent == {"result": False}
    assert len(mail.outbox) == 1
