"""Every page outside the admin carries the site's Content-Security-Policy, and no
page writes a script or a style attribute into its HTML that the policy would
refuse. (The browser tests fail on any violation Chromium reports.)"""

import json
import re

import pytest
from freezegun import freeze_time

POLICY = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    return {
        name: sources
        for name, *sources in (part.split() for part in response[POLICY].split(";"))
    }


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_only_own_scripts_and_styles(
    client, guide_course
):
    lesson = guide_course.lessons()[0]
    for url in ("/kk/", guide_course.url, lesson.url, "/accounts/login/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert "https://*.mux.com" in policy["media-src"]
        assert "blob:" in policy["worker-src"]
        assert "camera=(), geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_no_page_writes_an_inline_script_or_style(client, guide_course, learner):
    client.force_login(learner)
    lesson = guide_course.lessons()[0]
    for url in (guide_course.url, lesson.url, "/kk/dashboard/", "/kk/couple/"):
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        # Only data blocks (json_script), which the browser never runs.
        assert all('type="application/json"' in attrs for attrs in scripts), url
        assert " style=" not in html, url
        assert "<style" not in html, url


@pytest.mark.django_db
def test_the_scripts_get_their_words_as_json_in_the_pages_language(
    client, guide_course, learner
):
    client.force_login(learner)
    lesson = guide_course.lessons()[0]
    html = client.get(lesson.url.replace("/kk/", "/ru/", 1)).content.decode()
    (data,) = re.findall(
        r'<script id="player-text" type="application/json">(.*?)</script>', html
    )
    words = json.loads(data)
    assert words["lessonDone"] == "Урок завершён"
    assert words["courseProgress"] == "Пройдено уроков: {done} из {total}"


@pytest.mark.django_db
def test_admin_and_json_answers_carry_no_page_policy(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="editor@example.kz", password="pass-word-123"
    )
    client.force_login(admin)
    assert POLICY not in client.get("/admin/")
    assert POLICY not in client.get("/django-admin/")
    assert POLICY not in client.get("/api/v1/progress/ping")


@pytest.mark.django_db
def test_a_missing_page_carries_the_policy_except_djangos_debug_page(
    client, home_page, settings
):
    assert POLICY in client.get("/kk/no-such-page/")
    settings.DEBUG = True
    assert POLICY not in client.get("/kk/no-such-page/")


REPORT = {
    "csp-report": {
        "document-uri": "https://otbasy.example.kz/kk/dashboard/?next=/secret",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'",
        "blocked-uri": "https://evil.example.com/x.js?token=abc",
        "status-code": 200,
    }
}


def post_report(client, body, **extra):
    return client.post(
        "/csp-report/",
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/csp-report",
        **extra,
    )


@pytest.mark.django_db
def test_a_violation_report_is_logged_without_query_strings(client, caplog):
    response = post_report(client, REPORT)

    assert response.status_code == 204
    (record,) = [r for r in caplog.records if r.name == "lms.views"]
    message = record.getMessage()
    assert record.levelname == "WARNING"
    assert "script-src-elem refused https://evil.example.com/x.js" in message
    assert "on https://otbasy.example.kz/kk/dashboard/" in message
    assert "token" not in message and "secret" not in message
    assert directives(client.get("/kk/"))["report-uri"] == ["/csp-report/"]


@pytest.mark.django_db
def test_a_report_cannot_write_a_line_of_its_own_into_the_log(client, caplog):
    forged = "x\nCRITICAL django: admin signed in"
    report = {
        "csp-report": {
            **REPORT["csp-report"],
            "effective-directive": forged,
            "blocked-uri": "https://evil.example/\r\nCRITICAL x",
        }
    }
    assert post_report(client, report).status_code == 204
    (record,) = [r for r in caplog.records if r.name == "lms.views"]
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message
    assert "x\\nCRITICAL" in message


@pytest.mark.django_db
def test_a_report_of_addresses_that_are_no_urls_is_logged(client, caplog):
    report = {
        "csp-report": {
            **REPORT["csp-report"],
            "blocked-uri": "http://[::1?iin=900101300007",
            "document-uri": "https://[bad#frag",
        }
    }
    assert post_report(client, report).status_code == 204
    (record,) = [r for r in caplog.records if r.name == "lms.views"]
    message = record.getMessage()
    assert "refused http://[::1 on https://[bad" in message
    assert "iin" not in message and "frag" not in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        {"csp-report": "x"},
        {"other": {}},
        "[" * 10_000,  # under the size limit, nested deeper than json reads
    ],
    ids=lambda body: str(body)[:20],
)
def test_what_is_not_a_report_gets_400(client, body):
    response = post_report(client, body)
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.django_db
def test_reports_are_limited_in_size_and_number(client, settings):
    huge = {"csp-report": {"blocked-uri": "x" * 20_000}}
    assert post_report(client, huge).status_code == 413
    assert client.get("/csp-report/").status_code == 405

    settings.CSP_REPORTS_PER_MINUTE = 3
    address = {"REMOTE_ADDR": "10.20.30.40"}  # a client of its own
    with freeze_time("2026-11-30 12:00:10"):  # all in one minute's window
        answers = [post_report(client, REPORT, **address).status_code for _ in "123"]
        over = post_report(client, REPORT, **address)
    assert answers == [204, 204, 204]
    assert over.status_code == 429
    assert int(over["Retry-After"]) >= 1
