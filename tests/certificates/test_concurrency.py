"""Concurrent workers issue one certificate (PostgreSQL only: SQLite serialises)."""

import threading

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
