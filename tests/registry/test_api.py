"""The registry API as the marriage registration service sees it (CONTRACTS.md §6)."""

import datetime
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import ngettext

import pytest

from certificates.models import CertificateStatus
from lms.factories import VALID_IINS, UserFactory
from lms.iin import iin_hash
from registry.models import RegistryCall, RegistryClient
from registry.services import create_client, deactivate_client
from tests.lms.i18n import tr

# Valid checksums, not used by any fixture user.
OTHER_IIN = "850412300026"
INVALID_IIN = "791028302729"  # VALID_IINS[0] with a wrong check digit


def test_other_iin_is_valid():
    from lms.iin import is_valid_iin

    assert is_valid_iin(OTHER_IIN)
    assert not is_valid_iin(INVALID_IIN)


@pytest.fixture
def learner_certificate(learner, guide_course, make_certificate):
    return make_certificate(learner, guide_course, VALID_IINS[0])


# verify ------------------------------------------------------------------------


def test_verify_valid_certificate(api, learner_certificate):
    response = api(
        "verify",
        {"certificate_number": learner_certificate.number, "iin": VALID_IINS[0]},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid"
    assert body["certificate_number"] == learner_certificate.number
    assert body["course_kind"] == "guide"
    issued_at = datetime.datetime.fromisoformat(body["issued_at"])
    assert abs(issued_at - learner_certificate.issued_at) < datetime.timedelta(
        seconds=1
    )


def test_verify_accepts_typed_forms_of_number_and_iin(api, learner_certificate):
    typed = learner_certificate.number.lower().replace("-", " ")
    spaced_iin = f"{VALID_IINS[0][:6]} {VALID_IINS[0][6:]}"

    response = api("verify", {"certificate_number": typed, "iin": spaced_iin})

    assert response.status_code == 200
    assert response.json()["status"] == "valid"
    assert response.json()["certificate_number"] == learner_certificate.number


def test_verify_revoked_certificate(api, learner, guide_course, make_certificate):
    certificate = make_certificate(
        learner, guide_course, VALID_IINS[0], status=CertificateStatus.REVOKED
    )

    body = api(
        "verify", {"certificate_number": certificate.number, "iin": VALID_IINS[0]}
    ).json()

    assert body["status"] == "revoked"
    assert body["certificate_number"] == certificate.number


def test_unknown_number_and_someone_elses_number_answer_alike(api, learner_certificate):
    from certificates.numbers import generate_number

    unknown = api(
        "verify", {"certificate_number": generate_number(), "iin": VALID_IINS[0]}
    )
    someone_elses = api(
        "verify",
        {"certificate_number": learner_certificate.number, "iin": VALID_IINS[1]},
    )

    assert unknown.status_code == someone_elses.status_code == 200
    assert unknown.content == someone_elses.content
    assert unknown.json() == {
        "status": "not_found",
        "certificate_number": None,
        "course_kind": None,
        "issued_at": None,
    }


def test_verify_makes_one_lookup_whatever_the_answer(api, learner_certificate):
    from certificates.numbers import generate_number

    api("verify", {"certificate_number": generate_number(), "iin": VALID_IINS[0]})
    counts = []
    for number, iin in [
        (learner_certificate.number, VALID_IINS[0]),
        (learner_certificate.number, VALID_IINS[1]),
        (generate_number(), VALID_IINS[0]),
    ]:
        with CaptureQueriesContext(connection) as queries:
            api("verify", {"certificate_number": number, "iin": iin})
        lookups = [q for q in queries if "certificates_certificate" in q["sql"]]
        counts.append(len(lookups))
    assert counts == [1, 1, 1]


def test_verify_invalid_iin_is_422(api, learner_certificate):
    response = api(
        "verify",
        {"certificate_number": learner_certificate.number, "iin": INVALID_IIN},
    )

    assert response.status_code == 422
    assert "iin" in response.json()["detail"]


@pytest.mark.parametrize(
    "number",
    ["BKO-1234", "XYZ-7K2M-9QXD-4HT8", "BKO-7K2M-9QXD-4HT9", "", "BKO-" + "A" * 80],
)
def test_verify_malformed_number_is_422(api, number):
    response = api("verify", {"certificate_number": number, "iin": VALID_IINS[0]})

    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"iin": VALID_IINS[0]},
        {"certificate_number": 12, "iin": VALID_IINS[0]},
        [],
        "not json",
        {"certificate_number": "BKO-7K2M-9QXD-4HT8", "iin": None},
    ],
)
def test_verify_wrong_body_shape_is_422(api, body):
    raw = body if body == "not json" else json.dumps(body)
    response = api("verify", raw)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


# authentication and rate limits ------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}],
)
def test_missing_or_wrong_token_is_401(client, db, headers):
    response = client.post(
        "/api/v1/registry/guide-status",
        json.dumps({"iins": [VALID_IINS[0]]}),
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="registry"'
    call = RegistryCall.objects.get()
    assert call.client is None and call.http_status == 401


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_401_detail_is_in_the_callers_language(client, db, language):
    for path in ("/api/v1/registry/guide-status", "/api/v1/progress/heartbeat"):
        response = client.post(
            path,
            "{}",
            content_type="application/json",
            headers={"Accept-Language": language},
        )
        assert response.status_code == 401
        assert response.json()["detail"] == tr(
            "Authentication credentials are missing or wrong.", language
        )


def test_a_call_without_accept_language_is_answered_in_english(api, db):
    """The registry's clients are machines: the docs' English, not the site's
    Kazakh, unless they ask for a language; the audit log keeps English."""
    invalid = "iins.%(index)s: not a valid IIN."
    for path, body, detail, kk in (
        (
            "guide-status",
            {"iins": [VALID_IINS[0], "123"]},
            invalid % {"index": 1},
            tr(invalid, "kk") % {"index": 1},
        ),
        (
            "verify",
            "{not json",
            "The body must be JSON.",
            tr("The body must be JSON.", "kk"),
        ),
    ):
        response = api(path, body)
        assert response.status_code == 422
        assert response.json()["detail"] == detail
        assert response["Content-Language"] == "en"
        response = api(path, body, HTTP_ACCEPT_LANGUAGE="kk")
        assert response.json()["detail"] == kk
    for header in ("*", "de-DE, de;q=0.9"):  # none of the site's languages
        response = api("verify", "{not json", HTTP_ACCEPT_LANGUAGE=header)
        assert response.json()["detail"] == "The body must be JSON."
    assert api("verify", "{not json", HTTP_ACCEPT_LANGUAGE="de, ru;q=0.5").json()[
        "detail"
    ] == tr("The body must be JSON.", "ru")
    assert api("verify", "{not json", token="wrong").json()["detail"] == (
        "Authentication credentials are missing or wrong."
    )
    results = set(RegistryCall.objects.values_list("result", flat=True))
    assert "The body must be JSON." in results
    assert not any(
        "JSON" in result and result != "The body must be JSON." for result in results
    )


def test_calls_without_a_valid_token_are_audited_up_to_a_limit_per_address(
    api, db, settings
):
    settings.REGISTRY_UNAUTHORIZED_PER_MINUTE = 3
    body = {"iins": [VALID_IINS[0]]}
    wrong = {"token": "wrong-token", "REMOTE_ADDR": "10.1.1.1"}
    for _ in range(6):
        response = api("guide-status", body, **wrong)
        assert response.status_code == 401
        assert response.json()["detail"]
    results = list(
        RegistryCall.objects.order_by("pk").values_list("http_status", "result")
    )
    assert [status for status, _ in results] == [401] * 4
    assert "not recorded" in results[-1][1]
    # A registry client at the same address is served and audited as usual.
    assert api("guide-status", body, REMOTE_ADDR="10.1.1.1").status_code == 200
    assert RegistryCall.objects.filter(http_status=200).count() == 1
    # Another address has its own allowance.
    elsewhere = {**wrong, "REMOTE_ADDR": "10.3.3.3"}
    assert api("guide-status", body, **elsewhere).status_code == 401
    assert RegistryCall.objects.filter(http_status=401).count() == 5


def test_deactivated_token_is_refused_at_once(api, db):
    registry_client, token = create_client("Old registry")
    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=token).status_code == 200
    )

    deactivate_client(registry_client)

    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=token).status_code == 401
    )


def test_deactivating_in_the_admin_form_applies_at_once(api, db):
    registry_client, token = create_client("Old registry")
    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=token).status_code == 200
    )

    registry_client.is_active = False
    registry_client.save()

    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=token).status_code == 401
    )


def test_over_the_limit_is_429_with_retry_after(api, db):
    _client, token = create_client("Small client", rate_limit=3)

    answers = [
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=token) for _ in range(4)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    retry_after = int(answers[-1]["Retry-After"])
    assert 1 <= retry_after <= 60
    assert answers[-1].json()["detail"]
    assert RegistryCall.objects.filter(http_status=429).count() == 1


def test_limits_are_per_client(api, db):
    _client, small = create_client("Small client", rate_limit=1)
    _client, other = create_client("Other client", rate_limit=1)

    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=small).status_code == 200
    )
    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=small).status_code == 429
    )
    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=other).status_code == 200
    )


def test_successful_call_records_last_use(api, db):
    registry_client, token = create_client("Registry")
    assert registry_client.last_used_at is None

    api("guide-status", {"iins": [VALID_IINS[0]]}, token=token)

    registry_client.refresh_from_db()
    assert registry_client.last_used_at is not None


# guide-status ------------------------------------------------------------------


def test_guide_status_of_a_couple(
    api, learner, partner, guide_course, make_certificate
):
    certificate = make_certificate(learner, guide_course, VALID_IINS[0])

    response = api("guide-status", {"iins": [VALID_IINS[1], VALID_IINS[0]]})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["iin_masked"] for r in results] == ["06********12", "79********28"]
    assert results[0] == {
        "iin_masked": "06********12",
        "completed": False,
        "certificate_number": None,
        "issued_at": None,
    }
    assert results[1]["completed"] is True
    assert results[1]["certificate_number"] == certificate.number
    assert results[1]["issued_at"]


def test_revoked_or_other_course_does_not_count(
    api, learner, partner, guide_course, couples_course, make_certificate
):
    make_certificate(
        learner, guide_course, VALID_IINS[0], status=CertificateStatus.REVOKED
    )
    make_certificate(partner, couples_course, VALID_IINS[1])

    results = api("guide-status", {"iins": VALID_IINS[:2]}).json()["results"]

    assert [r["completed"] for r in results] == [False, False]


def test_guide_status_answers_in_the_order_asked(
    api, learner, guide_course, make_certificate
):
    make_certificate(learner, guide_course, VALID_IINS[0])
    asked = [OTHER_IIN, VALID_IINS[0], VALID_IINS[2], VALID_IINS[0]]

    results = api("guide-status", {"iins": asked}).json()["results"]

    assert [r["completed"] for r in results] == [False, True, False, True]
    assert [r["iin_masked"][:2] + r["iin_masked"][-2:] for r in results] == [
        iin[:2] + iin[-2:] for iin in asked
    ]


def test_guide_status_is_one_query_for_ten_iins(
    api, learner, guide_course, make_certificate
):
    make_certificate(learner, guide_course, VALID_IINS[0])
    api("guide-status", {"iins": [VALID_IINS[0]]})  # warm the client lookup

    with CaptureQueriesContext(connection) as queries:
        response = api("guide-status", {"iins": [VALID_IINS[0]] * 5 + [OTHER_IIN] * 5})

    assert response.status_code == 200
    lookups = [q for q in queries if "certificates_certificate" in q["sql"]]
    assert len(lookups) == 1


@pytest.mark.parametrize("count", [0, 11])
def test_guide_status_needs_one_to_ten_iins(api, count):
    response = api("guide-status", {"iins": [VALID_IINS[0]] * count})

    assert response.status_code == 422
    assert response.json()["detail"]


def test_guide_status_invalid_iin_is_422(api):
    response = api("guide-status", {"iins": [VALID_IINS[0], INVALID_IIN]})

    assert response.status_code == 422
    assert "1" in response.json()["detail"]


def test_guide_status_wrong_shape_is_422(api):
    assert api("guide-status", {"iins": "791028302728"}).status_code == 422
    assert api("guide-status", {"people": [VALID_IINS[0]]}).status_code == 422
    assert api("guide-status", {"iins": [791028302728]}).status_code == 422


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("verify", "[" * 100_000),  # nested deeper than any JSON parser recurses
        ("guide-status", '{"iins": [' * 50_000),
        ("guide-status", '{"iins": ["\\ud800"]}'),  # a lone surrogate
        ("verify", '{"certificate_number": "BKO-7K2M-9QXD-4HT8", "iin": "\\udfff"}'),
        ("guide-status", b'{"iins": ["\xff\xfe"]}'),
    ],
)
def test_hostile_bodies_are_audited_422s(api, path, raw):
    response = api(path, raw)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    call = RegistryCall.objects.get()
    assert (call.kind, call.http_status) == (path, 422)


def test_a_body_over_the_upload_limit_is_an_audited_422(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api("guide-status", {"iins": ["1" * 2000]})

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail == "The body is too large."  # no Accept-Language: English
    call = RegistryCall.objects.get()
    assert (call.kind, call.http_status, call.result) == ("guide-status", 422, detail)


@pytest.mark.parametrize(
    ("path", "body", "audited", "told"),
    [
        ("guide-status", {}, "iins: Field required", "iins: {}"),
        (
            "guide-status",
            {"iins": [VALID_IINS[0]] * 11},
            "iins: List should have at most 10 items after validation, not 11",
            "iins: {}",
        ),
        ("guide-status", {"iins": [1]}, "iins.0: Input should be a valid string", None),
        (
            "verify",
            [],
            "body: Input should be a valid dictionary or instance of VerifyIn",
            "body: {}",
        ),
    ],
)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_body_of_the_wrong_shape_is_told_in_the_callers_language(
    api, path, body, audited, told, language
):
    message = {
        "iins: Field required": "this field is required.",
        "iins: List should have at most 10 items after validation, not 11": (
            "must have at most {max_length} item(s)."
        ),
        "iins.0: Input should be a valid string": "must be a string.",
        "body: Input should be a valid dictionary or instance of VerifyIn": (
            "must be a JSON object."
        ),
    }[audited]
    where = audited.split(":")[0]
    expected = f"{where}: " + tr(message, language).format(max_length=10)

    response = api(path, body, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 422
    assert response.json()["detail"] == expected
    call = RegistryCall.objects.get()
    assert (call.http_status, call.result) == (422, audited)  # English, pydantic's


def test_a_body_of_the_wrong_shape_is_told_in_english_by_default(api):
    response = api("guide-status", {}, HTTP_ACCEPT_LANGUAGE="de")

    assert response.json()["detail"] == "iins: this field is required."
    assert RegistryCall.objects.get().result == "iins: Field required"


# audit ---------------------------------------------------------------------------


def _row_text(call: RegistryCall) -> str:
    values = RegistryCall.objects.filter(pk=call.pk).values().get()
    return json.dumps(values, default=str)


def test_every_call_is_audited_with_hashed_iins_only(api, learner_certificate):
    api(
        "verify",
        {"certificate_number": learner_certificate.number, "iin": VALID_IINS[0]},
    )
    api("guide-status", {"iins": [VALID_IINS[0], VALID_IINS[1]]})
    api("guide-status", {"iins": [VALID_IINS[0], INVALID_IIN]})
    api("verify", {"certificate_number": "BKO-1", "iin": VALID_IINS[2]})
    api("verify", {"iin": VALID_IINS[2]})

    calls = list(RegistryCall.objects.order_by("pk"))
    assert [(c.kind, c.http_status) for c in calls] == [
        ("verify", 200),
        ("guide-status", 200),
        ("guide-status", 422),
        ("verify", 422),
        ("verify", 422),
    ]
    client_id = RegistryClient.objects.get().pk
    assert all(c.client_id == client_id for c in calls)
    assert calls[0].result == "valid"
    assert calls[0].certificate_number == learner_certificate.number
    assert calls[0].iin_hashes == [iin_hash(VALID_IINS[0])]
    assert calls[1].iin_hashes == [iin_hash(VALID_IINS[0]), iin_hash(VALID_IINS[1])]
    assert calls[1].result == "1 of 2 completed"
    for call in calls:
        text = _row_text(call)
        for raw in [*VALID_IINS, INVALID_IIN]:
            assert raw not in text


@pytest.mark.parametrize(
    "body, recorded",
    [
        # No IIN: the number sent is audited, in its canonical form.
        ({"certificate_number": "BKO-DF5X-60PY-3ACH"}, "BKO-DF5X-60PY-3ACH"),
        ({"certificate_number": "bko df5x 6opy 3ach"}, "BKO-DF5X-60PY-3ACH"),
        (
            {"certificate_number": "BKO-DF5X-60PY-3ACH", "iin": None},
            "BKO-DF5X-60PY-3ACH",
        ),
        ({"certificate_number": "BKO-DF5X-60PY-3ACH", "iin": ""}, "BKO-DF5X-60PY-3ACH"),
        # Not a number: as typed, within the column's 64 characters.
        ({"certificate_number": "BKO-1234"}, "BKO-1234"),
        (
            {"certificate_number": "BKO-" + "A" * 80, "iin": VALID_IINS[0]},
            "BKO-" + "A" * 60,
        ),
        ({"certificate_number": "BKO-\x00\n1234"}, "BKO- 1234"),
        # An IIN sent in the wrong field is not kept in clear.
        ({"certificate_number": VALID_IINS[0]}, "*" * 12),
        (
            {"certificate_number": f"{VALID_IINS[0][:6]} {VALID_IINS[0][6:]}"},
            "****** ******",
        ),
        # Nor most of one: a digit short, or with O for 0 and I or L for 1.
        ({"certificate_number": VALID_IINS[0][:11]}, "*" * 11),
        ({"certificate_number": "9OO1O13OO811"}, "*" * 12),
        ({"certificate_number": "BKO-123456"}, "BK*-******"),
        # Nothing that is not text of a sane length.
        ({"certificate_number": "BKO-" + "A" * 500}, ""),
        ({"certificate_number": 12}, ""),
        ({"iin": VALID_IINS[0]}, ""),
        ([], ""),
    ],
)
def test_a_refused_verify_audits_the_number_sent(api, body, recorded):
    response = api("verify", body)

    assert response.status_code == 422
    call = RegistryCall.objects.get()
    assert (call.kind, call.http_status) == ("verify", 422)
    assert call.certificate_number == recorded
    text = _row_text(call)
    for iin in VALID_IINS:
        assert iin not in text
        assert f"{iin[:6]} {iin[6:]}" not in text


def test_a_malformed_number_with_a_valid_iin_is_audited_as_typed(api):
    api("verify", {"certificate_number": "BKO-7K2M-9QXD-4HT9", "iin": VALID_IINS[0]})

    call = RegistryCall.objects.get()
    assert call.result == "malformed number"
    assert call.certificate_number == "BKO-7K2M-9QXD-4HT9"
    assert call.iin_hashes == [iin_hash(VALID_IINS[0])]


@pytest.mark.parametrize("path", ["verify", "guide-status"])
@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options"])
def test_a_call_with_another_method_is_an_audited_405(
    client, registry_token, path, method
):
    response = getattr(client, method)(
        f"/api/v1/registry/{path}",
        headers={"Authorization": f"Bearer {registry_token}"},
    )

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"detail": "Method not allowed."}
    call = RegistryCall.objects.get()
    assert (call.kind, call.http_status, call.client.pk) == (
        path,
        405,
        RegistryClient.objects.get().pk,
    )
    assert call.result == f"method {method.upper()} not allowed"


def test_another_method_without_a_token_is_an_audited_401(client, db):
    response = client.get("/api/v1/registry/verify")

    assert response.status_code == 401
    call = RegistryCall.objects.get()
    assert (call.kind, call.http_status, call.client) == ("verify", 401, None)


def test_the_schema_documents_only_post(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/registry/verify", "/api/v1/registry/guide-status"):
        assert set(paths[path]) == {"post"}


def test_audit_rows_are_not_editable_in_the_admin(admin_client, api):
    api("guide-status", {"iins": [VALID_IINS[0]]})
    call = RegistryCall.objects.get()

    listing = admin_client.get("/admin/registry_calls/")
    inspect = admin_client.get(f"/admin/registry_calls/inspect/{call.pk}/")

    assert listing.status_code == 200
    assert "guide-status" in listing.content.decode()
    assert inspect.status_code == 200
    # The keyed hash one a line, not a Python list; the title in local time.
    html = inspect.content.decode()
    assert f"<code>{call.iin_hashes[0]}</code>" in html
    assert "[&#x27;" not in html and "['" not in html
    local = timezone.localtime(call.called_at)
    assert f"{local:%H:%M:%S}" in str(call)  # to the second, in Kazakhstan's time
    assert str(call.http_status) in str(call)
    for path in ["new/", f"edit/{call.pk}/", f"delete/{call.pk}/"]:
        response = admin_client.get(f"/admin/registry_calls/{path}", follow=True)
        assert response.status_code == 404
    assert "/admin/registry_calls/new/" not in listing.content.decode()


def test_audit_log_needs_staff(client, api):
    api("guide-status", {"iins": [VALID_IINS[0]]})
    user = UserFactory()
    client.force_login(user)

    response = client.get("/admin/registry_calls/")

    assert response.status_code in (302, 403)


def test_client_can_be_deactivated_in_the_admin(admin_client, api, db):
    registry_client, token = create_client("Registry")
    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=token).status_code == 200
    )
    for view in ("edit", "inspect", "history", "usage"):
        page = admin_client.get(f"/admin/registry_clients/{view}/{registry_client.pk}/")
        assert page.status_code == 200, view

    response = admin_client.post(
        f"/admin/registry_clients/edit/{registry_client.pk}/",
        {
            "name": "Registry",
            "rate_limit": registry_client.rate_limit,
            "webhook_url": "",
        },
    )

    assert response.status_code == 302
    registry_client.refresh_from_db()
    assert registry_client.is_active is False
    assert (
        api("guide-status", {"iins": [VALID_IINS[0]]}, token=token).status_code == 401
    )


# schema ------------------------------------------------------------------------


def test_openapi_documents_the_registry_with_bearer_auth(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    verify = schema["paths"]["/api/v1/registry/verify"]["post"]
    status = schema["paths"]["/api/v1/registry/guide-status"]["post"]
    for operation in (verify, status):
        responses = operation["responses"]
        assert {"200", "401", "405", "422", "429", "503"} <= set(responses)
        for code in ("429", "503"):
            assert responses[code]["headers"]["Retry-After"]["schema"] == {
                "type": "integer",
                "minimum": 1,
            }
            error = responses[code]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}  # from ninja
        assert "(30)" in responses["503"]["headers"]["Retry-After"]["description"]
        assert operation["responses"]["405"]["headers"]["Allow"]
        body = operation["requestBody"]["description"]
        assert "5 MB" in body and '422 "The body is too large."' in body
    example = verify["responses"]["200"]["content"]["application/json"]
    answers = schema["components"]["schemas"]["VerifyOut"]["examples"]
    assert answers[0]["issued_at"] == "2026-03-14T05:21:07Z"  # UTC, as answered
    masked = schema["components"]["schemas"]["GuideStatusResult"]["properties"]
    assert masked["iin_masked"]["examples"] == ["90********11"]
    assert example
    assert verify["requestBody"]["content"]["application/json"]["schema"]["examples"]
    assert status["requestBody"]["content"]["application/json"]["schema"]["examples"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s == {"type": "http", "scheme": "bearer"} for s in schemes.values())
    assert verify["security"]
    assert client.get("/api/v1/docs").status_code == 200


def test_the_503_the_schema_documents_is_what_an_outage_answers(api, monkeypatch):
    from django.db import OperationalError

    from lms import outage

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(outage, "is_connection_failure", lambda exc: True)
    monkeypatch.setattr("registry.services.check_rate_limit", unreachable)
    response = api("verify", {"certificate_number": "x", "iin": "y"})

    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER_SECONDS) == "30"
    assert set(response.json()) == {"detail"}


def test_the_body_limit_the_schema_states_is_the_one_applied(api, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    body = json.dumps({"iins": ["1" * (5 * 1024 * 1024)]})

    response = api("guide-status", body)

    assert response.status_code == 422
    assert response.json()["detail"] == "The body is too large."


def test_a_client_needs_a_rate_limit_of_at_least_one(admin_client, db):
    from registry.models import RegistryClient
    from registry.services import create_client

    registry_client, _token = create_client("ЗАГС", webhook_url="")
    url = f"/admin/registry_clients/edit/{registry_client.pk}/"
    response = admin_client.post(
        url, {"name": "ЗАГС", "is_active": "on", "rate_limit": "0", "webhook_url": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("rate_limit")
    assert RegistryClient.objects.get().rate_limit == 120


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_lone_surrogate_or_an_empty_number_is_told_in_the_callers_language(
    api, language
):
    unreadable = api(
        "verify",
        '{"certificate_number": "\\ud800", "iin": "791028302728"}',
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert unreadable.status_code == 422
    assert unreadable.json()["detail"] == "certificate_number: " + tr(
        "must be text (UTF-8).", language
    )

    empty = api(
        "verify",
        {"certificate_number": "", "iin": "791028302728"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert empty.status_code == 422
    with translation.override(language):
        expected = ngettext(
            "must be at least %(min_length)d character.",
            "must be at least %(min_length)d characters.",
            1,
        ) % {"min_length": 1}
    assert empty.json()["detail"] == f"certificate_number: {expected}"
    assert expected != "must be at least 1 character."


def test_one_character_is_one_in_english(api):
    response = api("verify", {"certificate_number": "", "iin": "791028302728"})
    assert response.json()["detail"] == (
        "certificate_number: must be at least 1 character."
    )
