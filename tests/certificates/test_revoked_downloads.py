"""A revoked certificate is never handed out as if it were valid."""

from html import unescape

from django.utils import formats, timezone, translation

import pytest

from certificates import services
from lms.factories import UserFactory
from progress.models import Enrollment
from tests.lms.i18n import tr

REVOKED_MESSAGE = (
    "This certificate was revoked on %(date)s and can no longer be downloaded."
)


@pytest.fixture
def revoked(certificate, admin_user):
    return services.revoke_certificate(certificate, "Issued by mistake", admin_user)


def revoked_on(certificate, language: str) -> str:
    with translation.override(language):
        return formats.date_format(
            timezone.localtime(certificate.revoked_at), "DATE_FORMAT"
        )


def said(certificate, language: str) -> str:
    return tr(REVOKED_MESSAGE, language) % {"date": revoked_on(certificate, language)}


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_pdf_of_a_revoked_certificate_is_gone_with_a_page_saying_why(
    client, revoked, learner, language
):
    client.force_login(learner)
    response = client.get(
        f"/certificates/{revoked.number}/pdf", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert_private(response)
    html = unescape(response.content.decode())
    assert f'<html lang="{language}"' in html
    assert 'id="quick-exit"' in html  # the site's layout
    assert said(revoked, language) in html
    assert tr("Reason", language) in html and "Issued by mistake" in html
    assert f'href="/certificates/verify/{revoked.number}/"' in html
    assert "%PDF" not in html


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_credential_of_a_revoked_certificate_is_gone(
    client, revoked, learner, language
):
    client.force_login(learner)
    response = client.get(
        f"/certificates/{revoked.number}/credential.jwt",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 410
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    assert_private(response)
    text = response.content.decode()
    assert revoked.credential not in text
    assert revoked.credential.split(".")[1] not in text
    assert said(revoked, language) in text
    assert "Issued by mistake" in text
    assert f"http://testserver/certificates/verify/{revoked.number}/" in text


def test_valid_downloads_answer_as_before_and_stay_private(
    client, certificate, learner
):
    client.force_login(learner)
    for suffix in ("pdf", "credential.jwt"):
        response = client.get(f"/certificates/{certificate.number}/{suffix}")
        assert response.status_code == 200
        assert_private(response)


@pytest.mark.parametrize("suffix", ["pdf", "credential.jwt"])
def test_a_revoked_certificate_is_still_nobody_elses(client, revoked, suffix):
    url = f"/certificates/{revoked.number}/{suffix}"
    assert client.get(url).status_code == 404

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_dashboard_offers_no_download_of_a_revoked_certificate(
    client, certificate, learner, admin_user
):
    Enrollment.objects.create(user=learner, course=certificate.course, language="kk")
    client.force_login(learner)
    pdf = f'href="/certificates/{certificate.number}/pdf"'
    credential = f'href="/certificates/{certificate.number}/credential.jwt"'
    before = client.get("/ru/dashboard/").content.decode()
    assert pdf in before and credential in before

    services.revoke_certificate(certificate, "Issued by mistake", admin_user)

    html = unescape(client.get("/ru/dashboard/").content.decode())
    assert pdf not in html and credential not in html
    assert tr("Download PDF", "ru") not in html
    assert tr("Signed credential", "ru") not in html
    assert "data-revoked" in html
    assert f">{tr('Revoked', 'ru')}</span>" in html
    assert revoked_on(certificate, "ru") in html
    assert f'href="/certificates/verify/{certificate.number}/"' in html
