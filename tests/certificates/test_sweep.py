"""``finish_certificates`` takes up certificates left with a step undone."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
import redis

from certificates import services
from certificates.models import Certificate
from progress.models import CourseCompletion
from registry.models import WebhookDelivery
from registry.services import create_client


@pytest.fixture
def registry_client(db):
    client, _token = create_client(
        "ЗАГС", webhook_url="https://registry.example.kz/hook"
    )
    return client


def sweep(**options) -> str:
    out = StringIO()
    call_command("finish_certificates", stdout=out, **options)
    return out.getvalue()


def left_halfway(completion, minutes_ago=60) -> Certificate:
    """Issued, then the worker died: nothing after the row was done."""
    certificate, created = services.create_certificate(completion)
    assert created
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return certificate


@pytest.mark.django_db
def test_a_certificate_left_halfway_is_finished_once(
    completion, registry_client, run_tasks
):
    certificate = left_halfway(completion)
    mail.outbox.clear()

    assert "Took up 1 " in sweep()
    run_tasks()
    certificate.refresh_from_db()
    assert certificate.issued_announced_at is not None
    assert certificate.pdf and certificate.emailed_at is not None
    assert len(mail.outbox) == 1
    deliveries = WebhookDelivery.objects.filter(certificate_number=certificate.number)
    assert [d.event_type for d in deliveries] == ["certificate.issued"]

    assert "Took up 0 " in sweep()
    run_tasks()
    assert len(mail.outbox) == 1
    assert deliveries.count() == 1
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
def test_work_still_on_its_way_is_left_alone(completion, run_tasks):
    certificate = left_halfway(completion, minutes_ago=2)
    assert "Took up 0 " in sweep()
    assert "Took up 1 " in sweep(older_than_minutes=1)
    run_tasks()
    certificate.refresh_from_db()
    assert certificate.pdf


@pytest.mark.django_db
def test_an_unannounced_revocation_is_announced(
    certificate, registry_client, admin_user, monkeypatch
):
    def registry_down(*args, **kwargs):
        raise ConnectionError("database of the outbox unavailable")

    with monkeypatch.context() as patch:
        patch.setattr("registry.services.enqueue_certificate_event", registry_down)
        services.revoke_certificate(certificate, "Қате енгізілген", admin_user)
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_announced_at is None
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now() - timedelta(hours=1)
    )

    assert "Took up 1 " in sweep()
    certificate.refresh_from_db()
    assert certificate.revoked_announced_at is not None
    assert WebhookDelivery.objects.filter(
        certificate_number=certificate.number, event_type="certificate.revoked"
    ).exists()
    assert "Took up 0 " in sweep()


def queue_down_for(monkeypatch, completion_ids=None):
    """Redis refuses the certificate tasks of ``completion_ids`` (all when None),
    as the RQ backend does when the queue at REDIS_URL cannot be reached."""
    from certificates import tasks

    backend = type(tasks.issue_certificate.get_backend())
    enqueue = backend.enqueue

    def refusing(self, task, args, kwargs):
        if completion_ids is None or args[0] in completion_ids:
            raise redis.exceptions.ConnectionError("Connection refused")
        return enqueue(self, task, args, kwargs)

    monkeypatch.setattr(backend, "enqueue", refusing)


@pytest.mark.django_db
def test_a_queue_that_is_down_leaves_the_work_for_the_next_sweep(
    completion, monkeypatch, run_tasks
):
    certificate = left_halfway(completion)
    queue_down_for(monkeypatch)

    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("finish_certificates", stdout=out)
    assert str(refused.value) == (
        "1 unfinished certificate(s) could not be queued (is the queue at "
        "REDIS_URL reachable?); they stay unfinished for the next run."
    )
    assert "Took up 0 " in out.getvalue()
    assert services.unfinished_certificates(timedelta(minutes=10)).count() == 1

    monkeypatch.undo()
    assert "Took up 1 " in sweep()
    run_tasks()
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.emailed_at is not None


@pytest.mark.django_db
def test_a_sweep_goes_on_past_what_could_not_be_queued(
    completion, partner, guide_course, monkeypatch, run_tasks
):
    refused = left_halfway(completion)
    other = left_halfway(
        CourseCompletion.objects.create(
            user=partner, course=guide_course, language="kk"
        )
    )
    queue_down_for(monkeypatch, {completion.pk})

    out = StringIO()
    with pytest.raises(CommandError, match=r"^1 unfinished certificate\(s\) could"):
        call_command("finish_certificates", stdout=out)
    assert "Took up 1 unfinished certificate(s)." in out.getvalue()
    run_tasks()
    other.refresh_from_db()
    assert other.pdf and other.emailed_at is not None
    unfinished = services.unfinished_certificates(timedelta(minutes=10))
    assert list(unfinished) == [refused]


@pytest.mark.django_db
def test_a_negative_age_is_refused():
    with pytest.raises(CommandError, match="0 or more"):
        sweep(older_than_minutes=-1)
