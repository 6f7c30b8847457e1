"""The registry API's admin: clients, the audit log and its export, deliveries."""

import csv
import datetime
import io
import re
from html import unescape

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from wagtail.users.models import UserProfile

import openpyxl
import pytest

from lms.factories import VALID_IINS, UserFactory
from lms.iin import iin_hash
from registry.models import (
    RESULT_LABELS,
    RegistryCall,
    RegistryCallKind,
    RegistryClient,
    WebhookDelivery,
    result_label,
)
from registry.services import create_client, deactivate_client, issue_new_token
from tests.e2e.conftest import browser  # noqa: F401 - the browser test's fixture
from tests.lms.i18n import tr


def _in_language(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def _says(message: str, language: str) -> str:
    """``message`` as the admin shows it in ``language`` (English until the
    catalogues have it)."""
    with translation.override(language):
        return translation.gettext(message)


def _guide_status(api, token):
    return api("guide-status", {"iins": [VALID_IINS[0]]}, token=token).status_code


# Clients: deactivating is for good -------------------------------------------------


def _edit(admin_client, registry_client, **fields):
    data = {
        "name": registry_client.name,
        "rate_limit": registry_client.rate_limit,
        "webhook_url": registry_client.webhook_url,
        **fields,
    }
    return admin_client.post(
        f"/admin/registry_clients/edit/{registry_client.pk}/", data
    )


def test_a_deactivated_client_cannot_be_ticked_active_again(admin_client, api):
    registry_client, token = create_client("ЗАГС")
    assert _guide_status(api, token) == 200

    # Untick "active": the token is refused.
    assert _edit(admin_client, registry_client).status_code == 302
    assert _guide_status(api, token) == 401

    # Tick it again: the client stays inactive, the old token stays refused.
    response = _edit(admin_client, registry_client, is_active="on")
    assert response.status_code == 302
    registry_client.refresh_from_db()
    assert registry_client.is_active is False
    assert _guide_status(api, token) == 401


def test_a_page_drawn_before_a_new_token_does_not_deactivate_it(admin_client, api):
    """The page of a deactivated client is open (its box disabled, so nothing is
    posted for it) while the client is given a new token on the server: saving
    the page changes what was typed, and leaves the new token working."""
    registry_client, _token = create_client("ЗАГС")
    deactivate_client(registry_client)
    url = f"/admin/registry_clients/edit/{registry_client.pk}/"
    page = admin_client.get(url).content.decode()
    assert re.search(r'name="drawn_active" value="0"', page)

    registry_client, token = issue_new_token(registry_client.pk)
    response = _edit(admin_client, registry_client, rate_limit=30, drawn_active="0")

    assert response.status_code == 302
    registry_client.refresh_from_db()
    assert (registry_client.is_active, registry_client.rate_limit) == (True, 30)
    assert _guide_status(api, token) == 200

    # Drawn for the active client, an unticked box still deactivates it.
    assert _edit(admin_client, registry_client, drawn_active="1").status_code == 302
    registry_client.refresh_from_db()
    assert registry_client.is_active is False


def test_a_deactivated_clients_form_says_how_to_give_it_a_new_token(
    admin_client, admin_user
):
    registry_client, _token = create_client("ЗАГС")
    url = f"/admin/registry_clients/edit/{registry_client.pk}/"
    page = admin_client.get(url).content.decode()
    checkbox = re.search(r"<input[^>]*name=\"is_active\"[^>]*>", page).group(0)
    assert "disabled" not in checkbox
    assert f"--new-token {registry_client.pk}" in unescape(page)  # warned

    deactivate_client(registry_client)
    for language in ("en", "kk", "ru"):
        _in_language(admin_user, language)
        form = admin_client.get(url).context["form"]
        page = unescape(admin_client.get(url).content.decode())

        assert form.fields["is_active"].disabled
        checkbox = re.search(r"<input[^>]*name=\"is_active\"[^>]*>", page).group(0)
        assert "disabled" in checkbox and "checked" not in checkbox
        help_text = _says(
            "Deactivated: this client's token is revoked for good and cannot be "
            "switched back on. To let the client call the API again, give it a "
            "new token on the server with %(command)s; that also makes it "
            "active again.",
            language,
        ) % {
            "command": "manage.py create_registry_client --new-token "
            f"{registry_client.pk}"
        }
        assert help_text in page, language


def test_the_model_refuses_reactivation_with_the_old_token(db):
    registry_client, token = create_client("ЗАГС")
    deactivate_client(registry_client)

    registry_client.is_active = True
    with pytest.raises(ValidationError) as refused:
        registry_client.full_clean()
    assert "is_active" in refused.value.message_dict
    assert "--new-token" in refused.value.message_dict["is_active"][0]


# The clients' list -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_the_active_column_is_capitalised_and_says_yes_or_no(
    admin_client, admin_user, language
):
    create_client("Active registry")
    deactivate_client(create_client("Old registry")[0])
    _in_language(admin_user, language)

    page = unescape(admin_client.get("/admin/registry_clients/").content.decode())

    headings = [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<th\b.*?</th>", page, flags=re.S)
    ]
    active = tr("active", language) if language != "en" else "active"
    assert active[0].upper() + active[1:] in headings, headings
    assert active not in headings
    screen_reader = re.findall(r'<span class="w-sr-only">\s*(.*?)\s*</span>', page)
    yes, no = (_says(word, language) for word in ("Yes", "No"))
    assert yes in screen_reader and no in screen_reader
    assert "True" not in screen_reader and "False" not in screen_reader
    if language != "en":
        assert (yes, no) != ("Yes", "No")


# The rate limit's lower bound --------------------------------------------------------


@pytest.mark.parametrize("typed", ["-1", "0"])
def test_the_rate_limit_field_starts_at_one_as_the_model_does(admin_client, typed):
    registry_client, _token = create_client("ЗАГС")
    url = f"/admin/registry_clients/edit/{registry_client.pk}/"

    page = admin_client.get(url).content.decode()
    field = re.search(r"<input[^>]*name=\"rate_limit\"[^>]*>", page).group(0)
    assert 'min="1"' in field

    response = _edit(admin_client, registry_client, is_active="on", rate_limit=typed)
    assert response.status_code == 200
    errors = response.context["form"].errors["rate_limit"]
    with translation.override("kk"):
        expected = translation.gettext(
            "Ensure this value is greater than or equal to %(limit_value)s."
        ) % {"limit_value": 1}
    assert errors == [expected]
    assert RegistryClient.objects.get().rate_limit == 120


# Retrying a delivery ---------------------------------------------------------------


@pytest.fixture
def failed_delivery(db):
    registry_client, _token = create_client(
        "ЗАГС", webhook_url="https://zags.example.kz/hook"
    )
    return WebhookDelivery.objects.create(
        client=registry_client,
        event_type="certificate.issued",
        certificate_number="BKO-7K2M-9QXD-4HT8",
        payload={},
        attempts=2,
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5),
        last_error="HTTP 503",
    )


@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_the_retry_page_leads_back_to_the_deliveries(
    admin_client, admin_user, failed_delivery, language
):
    _in_language(admin_user, language)

    response = admin_client.get(
        f"/admin/registry_deliveries/retry/{failed_delivery.pk}/"
    )

    assert response.status_code == 200
    crumbs = response.context["breadcrumbs_items"]
    with translation.override(language):  # lazy labels, as the page rendered them
        labels = [str(item["label"]) for item in crumbs]
        delivery = str(failed_delivery)
    if language == "en":
        deliveries, title = "Webhook deliveries", "Retry webhook delivery"
    else:
        deliveries = tr("webhook deliveries", language)
        deliveries = deliveries[0].upper() + deliveries[1:]
        title = tr("Retry webhook delivery", language)
    assert labels[1:] == [deliveries, delivery, title]
    assert [item["url"] for item in crumbs[1:]] == [
        "/admin/registry_deliveries/",
        f"/admin/registry_deliveries/inspect/{failed_delivery.pk}/",
        "",
    ]
    page = unescape(response.content.decode())
    assert 'href="/admin/registry_deliveries/"' in page
    assert deliveries in page
    # The header names the page (and the tab the delivery), not "Home".
    assert re.search(rf"<title>\s*{re.escape(title)}", page)
    assert labels[-1] != labels[0]


# The audit log's export -------------------------------------------------------------


@pytest.fixture
def audit_rows(db):
    zags, _token = create_client("ЗАГС")
    other, _token = create_client("Other")
    RegistryCall.objects.create(
        client=zags,
        kind=RegistryCallKind.VERIFY,
        http_status=200,
        result="valid",
        iin_hashes=[iin_hash(VALID_IINS[0])],
        certificate_number="BKO-7K2M-9QXD-4HT8",
    )
    RegistryCall.objects.create(
        client=zags,
        kind=RegistryCallKind.VERIFY,
        http_status=422,
        result="malformed number",
        iin_hashes=[iin_hash(VALID_IINS[1])],
        certificate_number="=HYPERLINK(1)",
    )
    RegistryCall.objects.create(
        client=other,
        kind=RegistryCallKind.GUIDE_STATUS,
        http_status=200,
        result="1 of 1 completed",
        iin_hashes=[iin_hash(VALID_IINS[2])],
    )
    RegistryCall.objects.create(
        client=None,
        kind=RegistryCallKind.VERIFY,
        http_status=401,
        result="unauthorized",
    )
    return zags


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # for Excel
    return list(csv.reader(io.StringIO(body[1:])))


def _no_iin_anywhere(text: str) -> None:
    for iin in VALID_IINS[:3]:
        assert iin not in text
        assert iin_hash(iin) not in text
        assert iin_hash(iin)[:16] not in text


def test_the_listing_offers_the_downloads(admin_client, audit_rows):
    page = unescape(admin_client.get("/admin/registry_calls/").content.decode())
    assert "/admin/registry_calls/?export=csv" in page
    assert "/admin/registry_calls/?export=xlsx" in page


@pytest.mark.parametrize("language", ["en", "kk", "ru"])
def test_the_audit_log_exports_as_csv_in_the_admins_language(
    admin_client, admin_user, audit_rows, language
):
    _in_language(admin_user, language)

    response = admin_client.get("/admin/registry_calls/", {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "registry-audit-log.csv" in response["Content-Disposition"]
    rows = _csv(response)
    with translation.override(language):
        expected = [
            translation.gettext(text)
            for text in ("time", "client", "kind", "HTTP status", "result")
        ] + [translation.gettext("certificate number")]
        verify = str(RegistryCallKind.VERIFY.label)
    assert [cell.lower() for cell in rows[0]] == [text.lower() for text in expected]
    assert all(cell[0] == cell[0].upper() for cell in rows[0])
    assert len(rows) == 5
    text = "\n".join(",".join(row) for row in rows)
    _no_iin_anywhere(text)
    assert verify in text and "verify" not in [row[2] for row in rows[1:]]
    # A number sent as a formula is written as text.
    assert "'=HYPERLINK(1)" in [row[5] for row in rows]
    # Times as the listing shows them, in Kazakhstan's time.
    times = sorted(row[0] for row in rows[1:])
    assert times == sorted(
        timezone.localtime(call.called_at).isoformat(timespec="seconds")
        for call in RegistryCall.objects.all()
    )


def test_the_csv_export_reads_the_rows_only_as_it_writes_them(admin_client, audit_rows):
    """A year of calls does not fit in memory: nothing reads the rows before the
    file is sent, and then they are read in chunks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        response = admin_client.get("/admin/registry_calls/", {"export": "csv"})
    assert not [
        query["sql"]
        for query in before.captured_queries
        if 'FROM "registry_registrycall"' in query["sql"]
    ]
    assert len(_csv(response)) == 5


def test_the_export_follows_the_filters_and_the_search(admin_client, audit_rows):
    filtered = admin_client.get(
        "/admin/registry_calls/",
        {"client": audit_rows.pk, "http_status": 200, "export": "csv"},
    )
    rows = _csv(filtered)[1:]
    assert [row[5] for row in rows] == ["BKO-7K2M-9QXD-4HT8"]

    searched = admin_client.get(
        "/admin/registry_calls/", {"q": "unauthorized", "export": "csv"}
    )
    rows = _csv(searched)[1:]
    assert [(row[1], row[3]) for row in rows] == [("", "401")]


def test_the_export_from_the_filtered_results_follows_the_filters(
    admin_client, audit_rows
):
    # Once a filter is chosen, the admin's script points the download links at
    # the results' address.
    response = admin_client.get(
        "/admin/registry_calls/results/", {"kind": "guide-status", "export": "csv"}
    )
    rows = _csv(response)[1:]
    with translation.override("kk"):  # the admin's language when none is chosen
        assert [row[4] for row in rows] == [result_label("1 of 1 completed")]


@pytest.mark.e2e
@pytest.mark.slow
def test_an_administrator_filters_the_audit_log_and_downloads_it(
    live_server,
    browser,  # noqa: F811 - the fixture imported above
    audit_rows,
    tmp_path,
):
    from tests.e2e.test_reports_journey import sign_in

    administrator = UserFactory(is_staff=True, is_superuser=True)
    _in_language(administrator, "en")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/admin/registry_calls/")
    page.get_by_role("button", name="Show filters").click()
    page.get_by_role("button", name="Kind", exact=True).click()
    page.locator("[name=kind][value=guide-status]").check()
    page.wait_for_url("**kind=guide-status*")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    context.close()

    assert path.name == "registry-audit-log.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0] == [
        "Time",
        "Client",
        "Kind",
        "HTTP status",
        "Result",
        "Certificate number",
    ]
    assert [row[2:5] for row in rows[1:]] == [
        ["Guide status", "200", "completed: 1 of 1"]
    ]
    _no_iin_anywhere(path.read_text(encoding="utf-8-sig"))


def test_a_mistyped_filter_exports_nothing(admin_client, audit_rows):
    response = admin_client.get(
        "/admin/registry_calls/", {"http_status": "not-a-number", "export": "csv"}
    )
    assert response.status_code == 200
    assert not response.get("Content-Disposition")


def test_the_audit_log_exports_as_xlsx(admin_client, audit_rows):
    response = admin_client.get(
        "/admin/registry_calls/", {"export": "xlsx", "kind": "verify"}
    )

    assert response.status_code == 200
    assert "registry-audit-log.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content))
    ).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        tr(text, "kk")[0].upper() + tr(text, "kk")[1:]
        for text in ("time", "client", "kind", "HTTP status", "result")
    ] + [tr("certificate number", "kk")[0].upper() + tr("certificate number", "kk")[1:]]
    assert len(rows) == 4  # the three calls to verify
    _no_iin_anywhere(repr(rows))
    valid = next(row for row in rows if row[4] == tr(RESULT_LABELS["valid"], "kk"))
    called_at = RegistryCall.objects.get(result="valid").called_at
    local = timezone.localtime(called_at).replace(tzinfo=None)
    assert abs(valid[0] - local) < datetime.timedelta(seconds=1)  # as listed
    assert valid[2] == tr(RegistryCallKind.VERIFY.label, "kk")


# The audit log in the staff member's language -----------------------------------------


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_each_result_the_api_records_reads_in_the_admins_language(language):
    for recorded, label in RESULT_LABELS.items():
        assert result_label(recorded) == str(label)
        with translation.override(language):
            assert result_label(recorded) == tr(label, language)
    with translation.override(language):
        completed = result_label("1 of 2 completed")
        invalid = result_label("invalid IIN at 1")
        method = result_label("method DELETE not allowed")
        refused = result_label("The body must be JSON.")
        pydantic = result_label("iins: List should have at most 10 items")
    assert "1" in completed and "2" in completed and "completed" not in completed
    assert "iins.1" in invalid and "invalid" not in invalid
    assert "DELETE" in method and "allowed" not in method
    assert refused == tr("The body must be JSON.", language)
    # A message that is not one of the API's own stays as recorded.
    assert pydantic == "iins: List should have at most 10 items"


def test_the_listing_and_the_call_show_results_in_the_admins_language(
    admin_client, admin_user, audit_rows
):
    _in_language(admin_user, "ru")

    page = unescape(admin_client.get("/admin/registry_calls/").content.decode())
    call = RegistryCall.objects.get(result="1 of 1 completed")
    inspect = unescape(
        admin_client.get(f"/admin/registry_calls/inspect/{call.pk}/").content.decode()
    )

    for recorded in ("valid", "malformed number", "unauthorized"):
        assert tr(RESULT_LABELS[recorded], "ru") in page
    with translation.override("ru"):
        completed = result_label("1 of 1 completed")
    assert completed in page and completed in inspect
    assert ">valid<" not in page.replace(" ", "").replace("\n", "")
    # The record keeps the API's English, which is what search finds.
    assert call.result == "1 of 1 completed"


def test_the_export_needs_the_audit_logs_permission(client, audit_rows):
    client.force_login(UserFactory())
    response = client.get("/admin/registry_calls/", {"export": "csv"})
    assert response.status_code in (302, 403)
    assert not response.get("Content-Disposition")


# /django-rq/ (README, docs/deployment.md) ---------------------------------------------


def test_django_rq_lets_in_only_accounts_with_is_staff(client, db):
    administrator = UserFactory(is_superuser=True, is_staff=False)  # as Wagtail makes
    client.force_login(administrator)
    assert client.get("/django-rq/").status_code == 302

    operator = UserFactory(is_staff=True)
    client.force_login(operator)
    assert client.get("/django-rq/").status_code == 200


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_clients_listing_has_no_export_of_blank_lines(admin_client, export):
    for url in ("/admin/registry_clients/", "/admin/registry_clients/results/"):
        response = admin_client.get(url, {"export": export})
        assert response.status_code == 404
        assert "Content-Disposition" not in response
    assert admin_client.get("/admin/registry_clients/").status_code == 200


@pytest.mark.parametrize(
    "typed",
    [
        "BKO-7K2M-9QXD-4HT8",
        "bko7k2m9qxd4ht8",
        "BKO 7K2M 9QXD 4HT8",
        "bko-7k2m-9qxd-4ht8",
    ],
)
def test_the_audit_log_finds_a_number_in_any_form_the_verification_page_takes(
    admin_client, audit_rows, typed
):
    response = admin_client.get("/admin/registry_calls/", {"q": typed})
    found = [call.certificate_number for call in response.context["object_list"]]
    assert found == ["BKO-7K2M-9QXD-4HT8"]


def test_the_audit_log_filters_by_result_and_by_local_day(admin_client, audit_rows):
    response = admin_client.get("/admin/registry_calls/", {"result": "unauthorized"})
    assert [c.http_status for c in response.context["object_list"]] == [401]

    zone = timezone.get_current_timezone()
    late = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=zone)
    RegistryCall.objects.update(called_at=late)
    RegistryCall.objects.filter(http_status=401).update(
        called_at=late + datetime.timedelta(hours=1)
    )
    day = {"called_at_from": "2026-11-29", "called_at_to": "2026-11-29"}
    response = admin_client.get("/admin/registry_calls/", day)
    assert len(response.context["object_list"]) == 3
    exported = _csv(admin_client.get("/admin/registry_calls/", day | {"export": "csv"}))
    assert len(exported) == 4  # the headings and the day's three calls


@pytest.mark.django_db(transaction=True)  # the queue is asked once it commits
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_retrying_says_so_when_the_queue_cannot_take_the_delivery(
    admin_client, admin_user, failed_delivery, monkeypatch, language
):
    from django.contrib.messages import get_messages

    from registry import services

    _in_language(admin_user, language)
    monkeypatch.setattr(services, "_enqueue_delivery", lambda pk, run_after=None: False)
    response = admin_client.post(
        f"/admin/registry_deliveries/retry/{failed_delivery.pk}/"
    )
    assert response.status_code == 302
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == [
        tr(
            "The task queue cannot be reached: the delivery is due now and will be "
            "sent once the queue is back.",
            language,
        )
    ]
    failed_delivery.refresh_from_db()
    assert failed_delivery.next_attempt_at <= timezone.now()  # the sweep sends it
