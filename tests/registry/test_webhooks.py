"""Webhooks to the registration service: outbox, signature, retries, exactly once."""

import datetime
import hashlib
import hmac
import json
import re
import threading

from django.db import connection, connections
from django.utils import timezone

import pytest
import requests
import responses
from freezegun import freeze_time

from certificates.models import CertificateStatus
from lms.factories import VALID_IINS
from registry import services
from registry.api import WEBHOOKS, CertificateEvent
from registry.models import DeliveryStatus, WebhookDelivery
from registry.services import create_client, enqueue_certificate_event

from .conftest import WEBHOOK_URL


@pytest.fixture
def hooked_client(db):
    registry_client, _token = create_client("ЗАГС", webhook_url=WEBHOOK_URL)
    return registry_client


@pytest.fixture
def certificate(learner, guide_course, make_certificate):
    return make_certificate(learner, guide_course, VALID_IINS[0])


def _issue_event(certificate, capture, event="certificate.issued"):
    with capture(execute=True):
        enqueue_certificate_event(certificate, event)


def _verify_signature(secret: str, header: str, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


@responses.activate
def test_issued_event_is_signed_and_carries_no_personal_data(
    hooked_client, certificate, django_capture_on_commit_callbacks, run_tasks
):
    responses.post(WEBHOOK_URL, status=204)

    _issue_event(certificate, django_capture_on_commit_callbacks)
    run_tasks()

    assert len(responses.calls) == 1
    request = responses.calls[0].request
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    assert _verify_signature(
        hooked_client.webhook_secret, request.headers["X-Signature"], body
    )
    assert not _verify_signature("another-secret", request.headers["X-Signature"], body)
    timestamp = int(request.headers["X-Signature"].split(",")[0].removeprefix("t="))
    assert abs(timestamp - timezone.now().timestamp()) < 60
    payload = json.loads(body)
    assert request.headers["X-Event-Id"] == payload["id"]
    assert payload["type"] == "certificate.issued"
    assert payload["data"]["certificate_number"] == certificate.number
    assert payload["data"]["course_kind"] == "guide"
    assert payload["data"]["status"] == "valid"
    assert payload["data"]["revoked_at"] is None
    assert set(payload) == {"id", "type", "created_at", "data"}
    text = body.decode()
    assert certificate.holder_name not in text
    assert VALID_IINS[0] not in text and certificate.holder_iin_hash not in text
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1 and delivery.delivered_at is not None


@responses.activate
def test_revoked_event(
    hooked_client, certificate, django_capture_on_commit_callbacks, run_tasks
):
    responses.post(WEBHOOK_URL, status=200)
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.save()

    _issue_event(certificate, django_capture_on_commit_callbacks, "certificate.revoked")
    run_tasks()

    payload = json.loads(responses.calls[0].request.body)
    assert payload["type"] == "certificate.revoked"
    assert payload["data"]["status"] == "revoked"
    assert payload["data"]["revoked_at"] is not None


@responses.activate
def test_every_time_in_an_event_is_whole_seconds_in_utc_as_the_api_answers(
    hooked_client,
    certificate,
    django_capture_on_commit_callbacks,
    run_tasks,
    client,
    registry_token,
):
    """One format for every timestamp, as the API's answers and the schema say:
    ``2026-12-01T23:46:13Z``, never milliseconds."""
    responses.post(WEBHOOK_URL, status=200)
    certificate.issued_at = timezone.now().replace(microsecond=0)
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now().replace(microsecond=809_123)
    certificate.save()

    with freeze_time(timezone.now().replace(microsecond=3_000)):
        _issue_event(
            certificate, django_capture_on_commit_callbacks, "certificate.revoked"
        )
        run_tasks()

    payload = json.loads(responses.calls[0].request.body)
    CertificateEvent.model_validate(payload)  # the schema published for it
    times = [payload["created_at"], payload["data"]["issued_at"]]
    times.append(payload["data"]["revoked_at"])
    for value in times:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), value
    assert payload["data"]["revoked_at"] == certificate.revoked_at.astimezone(
        datetime.UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    answer = client.post(
        "/api/v1/registry/verify",
        {"certificate_number": certificate.number, "iin": VALID_IINS[0]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {registry_token}"},
    ).json()
    assert answer["issued_at"] == payload["data"]["issued_at"]


@responses.activate
def test_an_event_queued_with_milliseconds_is_sent_in_whole_seconds(
    hooked_client, certificate, django_capture_on_commit_callbacks
):
    responses.post(WEBHOOK_URL, status=200)
    _issue_event(certificate, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    # As rows were written before: DjangoJSONEncoder's milliseconds.
    delivery.payload["created_at"] = "2026-12-01T23:46:13.809Z"
    delivery.status = DeliveryStatus.PENDING
    delivery.save()
    certificate.delete()  # the stored data is sent as it is

    assert services.deliver(delivery.pk)

    payload = json.loads(responses.calls[-1].request.body)
    assert payload["created_at"] == "2026-12-01T23:46:13Z"


def test_the_schema_describes_both_events(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.1")
    assert schema.get("webhooks") == json.loads(json.dumps(WEBHOOKS)), (
        "lms/api.py: NinjaAPI(..., openapi_extra={'webhooks': registry.api.WEBHOOKS})"
    )
    for event in ("certificate.issued", "certificate.revoked"):
        operation = schema["webhooks"][event]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(body["properties"]) == {"id", "type", "created_at", "data"}
        assert "$ref" not in json.dumps(body)  # webhooks sit outside components
        data = body["properties"]["data"]["properties"]
        assert set(data) == {
            "certificate_number",
            "course_kind",
            "status",
            "issued_at",
            "revoked_at",
        }
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {"X-Event-Id", "X-Event-Type", "X-Signature"}


def test_one_row_per_active_client_with_a_webhook(
    certificate, django_capture_on_commit_callbacks
):
    first, _ = create_client("ЗАГС Астана", webhook_url=WEBHOOK_URL)
    second, _ = create_client("ЗАГС Алматы", webhook_url=WEBHOOK_URL + "/2")
    create_client("Without webhook")
    inactive, _ = create_client("Closed", webhook_url=WEBHOOK_URL + "/3")
    services.deactivate_client(inactive)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(WEBHOOK_URL, status=200)
        mock.post(WEBHOOK_URL + "/2", status=200)
        _issue_event(certificate, django_capture_on_commit_callbacks)
        _issue_event(certificate, django_capture_on_commit_callbacks)

    rows = WebhookDelivery.objects.order_by("client__name")
    assert [row.client for row in rows] == [second, first]
    assert len({row.event_id for row in rows}) == 1


def test_unknown_event_is_refused(certificate):
    with pytest.raises(ValueError):
        enqueue_certificate_event(certificate, "certificate.deleted")


def test_nothing_is_sent_when_the_transaction_rolls_back(
    hooked_client, certificate, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                enqueue_certificate_event(certificate, "certificate.issued")
                raise RuntimeError("issuing failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not WebhookDelivery.objects.exists()


@responses.activate
def test_failing_endpoint_gets_the_event_once_it_is_back(
    hooked_client, certificate, django_capture_on_commit_callbacks, run_tasks
):
    for _ in range(3):
        responses.post(WEBHOOK_URL, status=503, body="down for maintenance")
    responses.post(WEBHOOK_URL, status=200)

    start = timezone.now()
    with freeze_time(start) as clock:
        _issue_event(certificate, django_capture_on_commit_callbacks)
        run_tasks()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING
        assert "503" in delivery.last_error

        waits = []
        while len(responses.calls) < 4 and len(waits) < 10:
            delivery.refresh_from_db()
            # Nothing is resent before the back-off has passed.
            assert services.send_due_webhooks() == 0
            waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())
            clock.move_to(delivery.next_attempt_at + datetime.timedelta(seconds=1))
            services.send_due_webhooks()

        for _ in range(3):
            clock.tick(datetime.timedelta(hours=7))
            services.send_due_webhooks()
            services.deliver(delivery.pk)

    assert len(responses.calls) == 4
    assert waits == sorted(waits) and waits[0] < waits[-1]  # backs off
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 4
    assert delivery.last_error == ""
    assert WebhookDelivery.objects.count() == 1
    bodies = {call.request.body for call in responses.calls}
    ids = {call.request.headers["X-Event-Id"] for call in responses.calls}
    assert len(ids) == 1 and len(bodies) == 1


@responses.activate
def test_an_event_retried_after_a_revocation_tells_the_state_when_sent(
    hooked_client, certificate, django_capture_on_commit_callbacks, run_tasks
):
    responses.post(WEBHOOK_URL, status=503)
    responses.post(WEBHOOK_URL, status=200)
    responses.post(WEBHOOK_URL, status=200)
    _issue_event(certificate, django_capture_on_commit_callbacks)
    run_tasks()  # "issued" fails
    issued = WebhookDelivery.objects.get()

    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.save()
    _issue_event(certificate, django_capture_on_commit_callbacks, "certificate.revoked")
    run_tasks()  # "revoked" arrives first
    services.retry_deliveries(WebhookDelivery.objects.filter(pk=issued.pk))
    assert services.deliver(issued.pk)  # then the retried "issued"

    sent = [json.loads(call.request.body) for call in responses.calls]
    assert [event["type"] for event in sent] == [
        "certificate.issued",
        "certificate.revoked",
        "certificate.issued",
    ]
    assert sent[0]["data"]["status"] == "valid"
    assert sent[2]["data"]["status"] == "revoked"  # never an older state last
    assert sent[2]["data"]["revoked_at"] == sent[1]["data"]["revoked_at"]
    assert (
        sent[2]["id"] == sent[0]["id"]
        and sent[2]["created_at"] == sent[0]["created_at"]
    )


@responses.activate
def test_keeps_retrying_for_days_until_acknowledged(
    hooked_client, certificate, django_capture_on_commit_callbacks
):
    responses.post(WEBHOOK_URL, body=requests.ConnectionError("refused"))
    with freeze_time(timezone.now()) as clock:
        _issue_event(certificate, django_capture_on_commit_callbacks)
        for _ in range(20):  # five days of an endpoint that refuses
            clock.tick(datetime.timedelta(hours=6, seconds=1))
            services.send_due_webhooks()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING
        # Every sweep tried once (and, with in-process tasks, the queued task too).
        failed_attempts = delivery.attempts
        assert failed_attempts >= 20
        assert "refused" in delivery.last_error
        # Back-off is capped: the next attempt is at most six hours away.
        assert delivery.next_attempt_at - timezone.now() <= datetime.timedelta(hours=6)

        responses.replace(responses.POST, WEBHOOK_URL, status=200)
        clock.tick(datetime.timedelta(hours=6, seconds=1))
        services.send_due_webhooks()
        services.send_due_webhooks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == failed_attempts + 1
    assert len(responses.calls) == failed_attempts + 1
    assert responses.calls[-1].response.status_code == 200


@responses.activate
def test_a_failing_delivery_can_be_retried_at_once_from_the_admin(
    hooked_client, certificate, admin_client, django_capture_on_commit_callbacks
):
    responses.post(WEBHOOK_URL, status=503)
    _issue_event(certificate, django_capture_on_commit_callbacks)
    services.send_due_webhooks()
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.next_attempt_at > timezone.now()
    assert services.send_due_webhooks() == 0  # not due yet

    listing = admin_client.get("/admin/registry_deliveries/")
    assert listing.status_code == 200
    retry_url = f"/admin/registry_deliveries/retry/{delivery.pk}/"
    assert retry_url in listing.content.decode()

    responses.replace(responses.POST, WEBHOOK_URL, status=200)
    assert admin_client.get(retry_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(retry_url)
    assert response.status_code == 302
    services.send_due_webhooks()

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    listing = admin_client.get("/admin/registry_deliveries/")
    assert retry_url not in listing.content.decode()
    # Delivered: nothing to confirm; the list says why.
    said = admin_client.get(retry_url, follow=True)
    from tests.lms.i18n import tr

    failed_only = tr("Only deliveries that have failed can be retried.", "kk")
    assert failed_only in said.content.decode()


@responses.activate
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_deactivated_clients_delivery_is_not_offered_for_retry(
    hooked_client,
    certificate,
    admin_user,
    client,
    django_capture_on_commit_callbacks,
    language,
):
    from wagtail.users.models import UserProfile

    from tests.lms.i18n import tr

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = language
    profile.save()
    client.force_login(admin_user)
    responses.post(WEBHOOK_URL, status=503)
    _issue_event(certificate, django_capture_on_commit_callbacks)
    services.send_due_webhooks()
    delivery = WebhookDelivery.objects.get()
    hooked_client.is_active = False
    hooked_client.save()
    retry_url = f"/admin/registry_deliveries/retry/{delivery.pk}/"

    assert retry_url not in client.get("/admin/registry_deliveries/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        said = client.post(retry_url, follow=True)

    assert (
        tr(
            "The client is deactivated or has no webhook URL: nothing is sent to it.",
            language,
        )
        in said.content.decode()
    )
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.next_attempt_at > timezone.now()


@responses.activate
def test_repeated_runs_send_a_delivered_event_once(
    hooked_client, certificate, django_capture_on_commit_callbacks, run_tasks
):
    responses.post(WEBHOOK_URL, status=200)
    _issue_event(certificate, django_capture_on_commit_callbacks)
    run_tasks()
    delivery = WebhookDelivery.objects.get()

    for _ in range(3):
        services.deliver(delivery.pk)
        services.send_due_webhooks()
        _issue_event(certificate, django_capture_on_commit_callbacks)
        run_tasks()

    assert len(responses.calls) == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_claimed_delivery_is_not_taken_twice(
    hooked_client, certificate, django_capture_on_commit_callbacks
):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(WEBHOOK_URL, status=500)
        _issue_event(certificate, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)

    first = services.claim_delivery(delivery.pk)

    assert first is not None
    assert services.claim_delivery(delivery.pk) is None
    assert services.send_due_webhooks() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_once(learner, guide_course, make_certificate):
    registry_client, _ = create_client("ЗАГС", webhook_url=WEBHOOK_URL)
    certificate = make_certificate(learner, guide_course, VALID_IINS[0])
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(WEBHOOK_URL, status=500)
        enqueue_certificate_event(certificate, "certificate.issued")
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        mock.replace(responses.POST, WEBHOOK_URL, status=200)
        calls_before = len(mock.calls)

        barrier = threading.Barrier(8)

        def work(index):
            try:
                barrier.wait()
                if index % 2:
                    services.send_due_webhooks()
                else:
                    services.deliver(delivery.pk)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert len(mock.calls) - calls_before == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert registry_client.deliveries.count() == 1


@responses.activate
def test_send_due_webhooks_command(hooked_client, certificate):
    from io import StringIO

    from django.core.management import call_command

    responses.post(WEBHOOK_URL, status=200)
    enqueue_certificate_event(certificate, "certificate.issued")  # no commit yet
    out = StringIO()

    call_command("send_due_webhooks", stdout=out)

    assert out.getvalue().strip() == "1 delivered"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert len(responses.calls) == 1


@responses.activate
def test_a_retry_after_the_secret_was_rotated_is_signed_with_the_new_one(
    hooked_client, certificate, django_capture_on_commit_callbacks, run_tasks
):
    responses.post(WEBHOOK_URL, status=503)
    responses.post(WEBHOOK_URL, status=200)
    _issue_event(certificate, django_capture_on_commit_callbacks)
    run_tasks()
    old_secret = hooked_client.webhook_secret

    new_secret = services.rotate_webhook_secret(hooked_client.pk).webhook_secret
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_deliveries(WebhookDelivery.objects.all())
    run_tasks()

    request = responses.calls[1].request
    signature = request.headers["X-Signature"]
    assert _verify_signature(new_secret, signature, request.body)
    assert not _verify_signature(old_secret, signature, request.body)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED


def test_a_retry_is_scheduled_for_a_whole_second_no_earlier_than_due():
    moment = timezone.now().replace(microsecond=940000)
    rounded = services._whole_second_from(moment)
    assert rounded >= moment and rounded.microsecond == 0
    assert (rounded - moment).total_seconds() < 1
    whole = moment.replace(microsecond=0)
    assert services._whole_second_from(whole) == whole


def test_a_job_that_runs_before_its_retry_is_due_leaves_one_for_then(
    hooked_client, certificate, django_capture_on_commit_callbacks, monkeypatch
):
    _issue_event(certificate, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    due = timezone.now() + datetime.timedelta(seconds=0.6)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=due, attempts=2
    )
    queued = []
    monkeypatch.setattr(
        services,
        "_enqueue_delivery",
        lambda pk, run_after=None: queued.append(run_after),
    )

    assert services.deliver(delivery.pk) is False

    assert queued == [due]
    delivery.refresh_from_db()
    assert delivery.attempts == 2  # not an attempt
    # Delivered, or not due at all (no next attempt): nothing more is queued.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED
    )
    services.deliver(delivery.pk)
    assert queued == [due]
