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


def test_a_second_client_of_the_same_name_is_refused(db):
    """``--new-token NAME`` could no longer tell the two apart."""
    _run("ЗАГС — Astana")
    first = RegistryClient.objects.get()
    with pytest.raises(CommandError, match=f"--new-token {first.pk}"):
        _run(" ЗАГС — Astana ")
    assert RegistryClient.objects.count() == 1
    assert _run("--new-token", "ЗАГС — Astana")[-1]


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


# A new token for an existing client --------------------------------------------------


def _authorised(client, token) -> int:
    return client.post(
        "/api/v1/registry/guide-status",
        json.dumps({"iins": [VALID_IINS[0]]}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    ).status_code


@pytest.mark.parametrize("by", ["id", "name"])
def test_a_deactivated_client_is_let_in_again_only_with_a_new_token(client, db, by):
    from registry.services import deactivate_client

    registry_client, old_token = create_client("ЗАГС Астана")
    deactivate_client(registry_client)
    assert _authorised(client, old_token) == 401

    which = str(registry_client.pk) if by == "id" else "ЗАГС Астана"
    lines = _run(which, "--new-token")

    new_token = lines[-1]
    registry_client.refresh_from_db()
    assert registry_client.is_active
    assert registry_client.token_hash == hashlib.sha256(new_token.encode()).hexdigest()
    assert registry_client.token_prefix == new_token[:8]
    assert RegistryClient.objects.count() == 1  # the same client, not a new one
    assert f"id {registry_client.pk}" in lines[0] and "active again" in lines[0]
    assert registry_client.webhook_secret not in "\n".join(lines)
    assert _authorised(client, new_token) == 200
    assert _authorised(client, old_token) == 401


def test_a_new_token_for_an_active_client_retires_the_old_one_at_once(client, db):
    registry_client, old_token = create_client("ЗАГС")
    assert _authorised(client, old_token) == 200  # cached as valid

    new_token = _run(str(registry_client.pk), "--new-token")[-1]

    assert _authorised(client, old_token) == 401
    assert _authorised(client, new_token) == 200


@pytest.mark.parametrize("which", ["999", "Nobody"])
def test_a_new_token_for_an_unknown_client_fails(db, which):
    create_client("ЗАГС")
    with pytest.raises(
        CommandError, match=f"No registry client with id or name '{which}'"
    ):
        _run(which, "--new-token")


def test_a_new_token_for_an_unknown_client_exits_non_zero(db, capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(
            ["manage.py", "create_registry_client", "999", "--new-token"]
        )

    assert exited.value.code == 1
    said = capsys.readouterr()
    assert "No registry client with id or name '999'" in said.err
    assert said.out == ""


def test_a_name_two_clients_share_asks_for_the_id(db):
    create_client("ЗАГС")
    create_client("ЗАГС")
    with pytest.raises(CommandError, match="give its id"):
        _run("ЗАГС", "--new-token")


def test_a_new_token_changes_nothing_else(db):
    registry_client, _token = create_client("ЗАГС")
    with pytest.raises(CommandError, match="only the token"):
        _run(str(registry_client.pk), "--new-token", "--rate-limit", "5")
    registry_client.refresh_from_db()
    assert registry_client.rate_limit == 120
