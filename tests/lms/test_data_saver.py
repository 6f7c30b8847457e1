"""Data saver: the switch in every page's footer, the browser's ``Save-Data``
header, and what the choice is remembered by."""

from django.test import Client, RequestFactory

import pytest

from lms import data_saver
from tests.lms.i18n import tr


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, None, False),
        (None, "on", True),
        (None, " On ", True),
        (None, "off", False),
        ("on", None, True),
        ("off", "on", False),  # the visitor's choice wins over the browser's
        ("yes", "on", True),  # a cookie we did not write is no choice
        ("yes", None, False),
    ],
)
def test_on_by_choice_or_by_the_browsers_save_data_header(cookie, header, expected):
    request = RequestFactory().get("/", headers={"Save-Data": header} if header else {})
    if cookie:
        request.COOKIES[data_saver.COOKIE_NAME] = cookie
    assert data_saver.is_on(request) is expected
    assert data_saver.heartbeat_seconds(request) == (10 if expected else 5)


def test_no_request_means_off():
    assert data_saver.is_on(None) is False


@pytest.mark.django_db
def test_turning_it_on_remembers_the_choice_and_goes_back(home_page):
    client = Client(enforce_csrf_checks=True)  # the switch needs no CSRF token
    response = client.post(
        "/data-saver/", {"data_saver": "on", "next": "/kk/?q=1"}, follow=True
    )
    assert response.redirect_chain == [("/kk/?q=1", 302)]
    cookie = client.cookies[data_saver.COOKIE_NAME]
    assert cookie.value == "on"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    html = response.content.decode()
    assert (
        tr(
            "Data saver is now on for this device: videos play in lower quality and "
            "load only when you press play, and pictures are left out.",
            "kk",
        )
        in html
    )
    assert 'data-data-saver-state="on"' in html
    assert tr("Turn data saver off", "kk") in html
    assert tr("Your browser asked for it.", "kk") not in html

    response = client.post(
        "/data-saver/", {"data_saver": "off", "next": "/ru/"}, follow=True
    )
    assert client.cookies[data_saver.COOKIE_NAME].value == "off"
    html = response.content.decode()
    assert tr("Data saver is now off for this device.", "ru") in html
    assert 'data-data-saver-state="off"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/", ""]
)
def test_it_never_sends_the_visitor_to_another_site(client, next_url):
    response = client.post("/data-saver/", {"data_saver": "on", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_value_other_than_on_or_off_changes_nothing_and_says_so(home_page):
    client = Client()
    response = client.post(
        "/data-saver/", {"data_saver": "maybe", "next": "/ru/"}, follow=True
    )
    assert data_saver.COOKIE_NAME not in client.cookies
    assert tr("Choose whether data saver is on or off.", "ru") in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_only_post_switches_it(client):
    response = client.get("/data-saver/?data_saver=on")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert data_saver.COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_every_page_has_the_switch_and_varies_with_save_data(client, home_page):
    response = client.get("/kk/")
    html = response.content.decode()
    assert 'action="/data-saver/"' in html
    # Back to the switch that was pressed, not to the top of the page.
    assert 'id="data-saver"' in html
    assert 'name="next" value="/kk/#data-saver"' in html
    assert tr("Turn data saver on", "kk") in html
    assert "Save-Data" in response["Vary"]
    # No CSRF token in the switch, so an anonymous page sets no cookie for it.
    assert "csrftoken" not in response.cookies

    asked = client.get("/kk/", headers={"Save-Data": "on"}).content.decode()
    assert 'data-data-saver-state="on"' in asked
    assert tr("Your browser asked for it.", "kk") in asked


@pytest.mark.django_db
def test_json_answers_do_not_vary_with_save_data(client):
    response = client.get("/api/v1/progress/ping")
    assert "Save-Data" not in response.get("Vary", "")
