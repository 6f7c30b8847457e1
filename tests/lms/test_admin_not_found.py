"""A 404 outside the pages stays a 404 (``lms.middleware.LocaleMiddleware``):
Django would redirect it to the language-prefixed path, which Wagtail's page
route always resolves, dropping a staff member from the admin onto the site."""

import pytest

from lms.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_NOT_FOUND = [
    "/admin/certificates/inspect/999/",
    "/admin/registry_clients/new/",
    "/admin/videos/",
    "/admin/users/edit/999999/",
    "/admin/progress_enrollments/inspect/abc/",
    "/admin/no/such/page/",
]


@pytest.fixture
def staff_client(client):
    client.force_login(
        UserFactory(email="root@example.kz", is_staff=True, is_superuser=True)
    )
    return client


@pytest.mark.parametrize("path", ADMIN_NOT_FOUND)
@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_ACCEPT_LANGUAGE": "en"}, {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9"}],
)
def test_a_missing_admin_page_is_the_admins_404(staff_client, path, headers):
    response = staff_client.get(path, **headers)
    assert response.status_code == 404, response.get("Location")
    assert "Location" not in response
    assert "wagtailadmin/404.html" in [t.name for t in response.templates]


def test_the_admins_404_comes_with_a_language_cookie_too(staff_client, settings):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = staff_client.get("/admin/videos/")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


def test_signed_out_the_admin_still_asks_to_sign_in(client):
    response = client.get("/admin/videos/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/no-such-page/",
        "/django-rq/no-such-page/",
        "/django-admin/no-such-page/",
        "/documents/999999/missing.pdf",
        "/i18n/no-such-page/",
    ],
)
def test_other_areas_without_a_language_keep_their_404(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 404, response.get("Location")


def test_the_api_keeps_its_json_404(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_page_typed_without_its_language_is_still_redirected(client, guide_course):
    url = guide_course.url  # /kk/…/
    assert url.startswith("/kk/")
    response = client.get(url[len("/kk") :])
    assert response.status_code == 302
    assert response["Location"] == url
    response = client.get(url[len("/kk") :], HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Location"] == "/ru" + url[len("/kk") :]


def test_an_unknown_public_path_goes_to_its_language(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 302
    assert response["Location"] == "/kk/no-such-page/"


def test_the_areas_are_the_unprefixed_includes(settings):
    from lms.middleware import _unprefixed_areas

    areas = _unprefixed_areas(settings.ROOT_URLCONF)
    for area in ("/admin/", "/api/v1/", "/accounts/", "/django-rq/", "/documents/"):
        assert area in areas
    # Pages and the views included at the root are no area.
    assert "/" not in areas
    assert not any(area.startswith(("/kk/", "/ru/", "/en/")) for area in areas)
