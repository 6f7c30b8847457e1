"""The site's pages for a request it cannot read (400) and for a form's address
opened with another method (405): in the site's layout and language, with the
helplines, never a 500 or a blank page."""

from html import unescape

from django.test import Client

import pytest

from lms.factories import UserFactory
from tests.lms.i18n import tr

LANGUAGES = ["kk", "ru"]


def assert_with_the_helplines(html: str) -> None:
    assert 'href="tel:150"' in html and 'href="tel:111"' in html
    assert "data-quick-exit" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("charset", ["UTF8", "latin-1", "utf-16"])
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/signup/", "/certificates/verify/"]
)
def test_a_form_in_another_encoding_than_utf_8_is_a_400_page(language, charset, path):
    """Django refuses to read such a form; the CSRF check reads the form first,
    and Django's own 400 page read it again, which ended in a bare 500."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value

    response = client.post(
        path,
        "login=a",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_X_CSRFTOKEN=token,
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert_with_the_helplines(html)
    assert f"<h1>{tr('The request could not be read', language)}</h1>" in html


@pytest.mark.django_db
def test_a_host_this_site_is_not_is_a_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/kk/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert_with_the_helplines(html)
    assert tr("The request could not be read", "kk") in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    ["couple/invite/", "couple/unlink/", "dashboard/region/"],
)
def test_a_forms_address_opened_as_a_page_says_what_it_is(client, language, path):
    client.force_login(UserFactory())
    response = client.get(f"/{language}/{path}", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = unescape(response.content.decode())
    assert_with_the_helplines(html)
    assert f"<h1>{tr('This address is for forms only', language)}</h1>" in html
    assert f'href="/{language}/dashboard/"' in html


@pytest.mark.django_db
def test_signed_out_the_forms_address_says_the_same(client):
    response = client.get("/i18n/setlang/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code in (302, 405)
    if response.status_code == 405:
        assert tr("This address is for forms only", "ru") in unescape(
            response.content.decode()
        )
    response = client.get("/data-saver/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 405
    assert tr("This address is for forms only", "ru") in unescape(
        response.content.decode()
    )


@pytest.mark.django_db
def test_the_api_keeps_its_json_405(client):
    response = client.get("/api/v1/progress/heartbeat")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
