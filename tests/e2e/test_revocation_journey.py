"""A certificate officer revokes a certificate in the admin (in Kazakh, in
Chromium), and every side learns it at once: the public verification page, the
registry API, the registration service's webhook endpoint (a real HTTP server
here) and the holder's dashboard."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.contrib.auth.models import Group
from django.utils import timezone

import pytest
import requests
from playwright.sync_api import expect

from certificates import services
from lms import roles
from lms.factories import VALID_IINS
from progress.models import CourseCompletion, Enrollment
from registry.models import DeliveryStatus, WebhookDelivery
from registry.services import create_client
from tests.e2e.test_player import sign_in as sign_in_learner
from tests.e2e.test_reports_journey import sign_in, staff
from tests.lms.i18n import tr

pytestmark = [pytest.mark.e2e]

REASON = "Курсты басқа адам өтті: ХАЖ растады"


@pytest.fixture
def registry_endpoint():
    """The registration service's webhook endpoint: records every POST, answers 200."""
    received = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/certificates", received
    server.shutdown()
    server.server_close()


def signed_by(secret: str, header: str, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_an_officer_revokes_a_certificate_and_everyone_learns_it(
    desktop, page, live_server, learner, guide_course, registry_endpoint, run_tasks
):
    url, received = registry_endpoint
    registry_client, token = create_client("ХАЖ", webhook_url=url, rate_limit=100)
    Enrollment.objects.create(
        user=learner, course=guide_course, language="kk", completed_at=timezone.now()
    )
    certificate = services.issue_certificate(
        CourseCompletion.objects.create(
            user=learner, course=guide_course, language="kk"
        )
    )
    run_tasks()
    received.clear()  # the certificate.issued event
    roles.ensure_roles()
    officer = staff("officer@example.kz", "kk")
    officer.groups.add(Group.objects.get(name=roles.CERTIFICATE_OFFICERS))

    # The officer finds the certificate by its number.
    admin = desktop()
    sign_in(admin, live_server, officer)
    admin.locator("nav").get_by_role("link", name="Сертификаттар").click()
    admin.locator("input[name=q]").fill(certificate.number)
    rows = admin.locator("#listing-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(certificate.number)
    assert learner.last_name not in rows.first.inner_text()  # the name is masked

    # Revoking asks for a reason.
    rows.first.locator("[data-w-dropdown-target=toggle]").click()
    rows.first.get_by_role("link", name=tr("Revoke", "kk")).click()
    submit = admin.get_by_role("button", name=tr("Revoke certificate", "kk"))
    submit.click()
    expect(admin.locator(".error-message")).to_be_visible()
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    admin.get_by_label(tr("Reason for revocation", "kk")).fill(REASON)
    submit.click()
    expect(admin.locator(".messages")).to_contain_text(certificate.number)
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revocation_reason == REASON
    assert certificate.revoked_by == officer

    # Anyone checking the number sees it revoked.
    page.set_extra_http_headers({"Accept-Language": "kk"})
    page.goto(f"{live_server.url}/certificates/verify/{certificate.number}/")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "revoked")
    expect(page.get_by_role("status")).to_contain_text(tr("REVOKED", "kk"))

    # So does the registration service, asking with the holder's IIN…
    answer = requests.post(
        f"{live_server.url}/api/v1/registry/verify",
        json={"certificate_number": certificate.number, "iin": VALID_IINS[0]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert answer["status"] == "revoked"

    # …and its endpoint is told, once, in a signed event.
    run_tasks()
    (event,) = received
    assert event["headers"]["X-Event-Type"] == "certificate.revoked"
    assert signed_by(
        registry_client.webhook_secret, event["headers"]["X-Signature"], event["body"]
    )
    payload = json.loads(event["body"])
    assert payload["type"] == "certificate.revoked"
    assert payload["data"]["certificate_number"] == certificate.number
    assert payload["data"]["status"] == "revoked"
    assert VALID_IINS[0] not in event["body"].decode()
    delivery = WebhookDelivery.objects.get(event_type="certificate.revoked")
    assert delivery.status == DeliveryStatus.DELIVERED

    # The holder sees it on the dashboard.
    sign_in_learner(page, live_server, learner)
    page.goto(f"{live_server.url}/kk/dashboard/")
    card = page.locator(f"[data-certificate='{certificate.number}']")
    expect(card).to_contain_text(tr("Revoked", "kk"))
