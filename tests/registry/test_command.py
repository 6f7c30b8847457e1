"""``manage.py create_registry_client`` (CONTRACTS.md §3)."""

import hashlib
import io
import json

from django.core.management import CommandError, call_command

import pytest

from lms.factories import VALID_IINS
from registry.models import RegistryClient
from registry.services import create_client
from tests.lms.i18n import tr


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command("create_registry_client", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_prints_the_token_last_and_stores_only_its_hash(client, db):
    lines = _run("ЗАГС Астана")
    token = lines[-1]

    registry_client = RegistryClient.objects.get()
    assert registry_client.name == "ЗАГС Астана"
    assert len(token) >= 43  # 256 bits, base64
    assert registry_client.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = json.dumps(RegistryClient.objects.values().get(), default=str)
    assert token not in row
    assert registry_client.token_prefix == token[:8]
    response = client.post(
        "/api/v1/registry/guide-status",
        json.dumps({"iins": [VALID_IINS[0]]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200


def test_webhook_secret_is_printed_before_the_token(db):
    lines = _run("ЗАГС Алматы", "--webhook-url", "https://zags.example.kz/hook")

    registry_client = RegistryClient.objects.get()
    assert registry_client.webhook_url == "https://zags.example.kz/hook"
    secret_lines = [line for line in lines if registry_client.webhook_secret in line]
    assert secret_lines and lines.index(secret_lines[0]) < len(lines) - 1
    assert hashlib.sha256(lines[-1].encode()).hexdigest() == registry_client.token_hash


def test_each_client_gets_its_own_token(db):
    assert _run("A")[-1] != _run("B")[-1]


def test_bad_webhook_url_is_refused(db):
    from django.utils import translation

    with translation.override("kk"), pytest.raises(CommandError) as refused:
        _run("Broken", "--webhook-url", "not a url")
    assert not RegistryClient.objects.exists()
    assert "Enter a valid URL." in str(refused.value)  # in English, as the rest


@pytest.mark.parametrize(
    "command, option",
    [
        ("send_due_webhooks", "--limit=-1"),
        ("send_due_webhooks", "--limit=0"),
        ("request_pending_certificates", "--stale-minutes=-5"),
    ],
)
def test_sweeps_refuse_negative_numbers(db, command, option):
    from django.core.management import call_command

    with pytest.raises(CommandError, match="must be"):
        call_command(command, option)


@pytest.mark.parametrize(
    "url, accepted",
    [
        ("http://zags.example.kz/hook", False),
        ("ftp://zags.example.kz/hook", False),
        ("https://zags.example.kz/hook", True),
        ("http://localhost:8080/hook", True),
        ("http://127.0.0.1:8080/hook", True),
    ],
)
def test_webhooks_go_over_https_except_to_this_machine(db, url, accepted):
    if accepted:
        _run("ЗАГС", "--webhook-url", url)
        assert RegistryClient.objects.get().webhook_url == url
        return
    with pytest.raises(CommandError, match="https|URL"):
        _run("ЗАГС", "--webhook-url", url)
    assert not RegistryClient.objects.exists()


def test_the_admin_refuses_a_plain_http_webhook(admin_client, db):
    registry_client, _token = create_client("ЗАГС")
    response = admin_client.post(
        f"/admin/registry_clients/edit/{registry_client.pk}/",
        {
            "name": "ЗАГС",
            "is_active": "on",
            "rate_limit": 120,
            "webhook_url": "http://zags.example.kz/hook",
        },
    )
    assert response.status_code == 200
    assert (
        tr(
            "The webhook URL must start with https://. Plain http:// is accepted only "
            "for this machine (localhost).",
            "kk",
        )
        in response.content.decode()
    )
    registry_client.refresh_from_db()
    assert registry_client.webhook_url == ""


def test_webhook_secret_is_printed_also_without_a_webhook_url(db):
    lines = _run("ЗАГС Шымкент")

    registry_client = RegistryClient.objects.get()
    assert registry_client.webhook_url == ""
    assert f"Webhook secret: {registry_client.webhook_secret}" in lines[:-1]


def test_rotating_the_webhook_secret_prints_the_new_one(db):
    _run("ЗАГС Қарағанды")
    registry_client = RegistryClient.objects.get()
    old_secret = registry_client.webhook_secret
    out = io.StringIO()

    call_command("rotate_registry_webhook_secret", str(registry_client.pk), stdout=out)

    registry_client.refresh_from_db()
    new_secret = out.getvalue().strip().splitlines()[-1]
    assert new_secret == registry_client.webhook_secret != old_secret
    assert new_secret.startswith("whsec_")


def test_rotating_the_secret_of_an_unknown_client_fails(db):
    with pytest.raises(CommandError, match="No registry client with id 999"):
        call_command("rotate_registry_webhook_secret", "999", stdout=io.StringIO())
