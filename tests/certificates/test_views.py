"""Public verification, owner downloads and their 404s."""

from datetime import UTC, datetime
from html import unescape
from urllib.parse import unquote

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate, mask_name
from certificates.numbers import generate_number
from lms.factories import UserFactory
from tests.lms.i18n import tr


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def verify_url(number: str) -> str:
    return f"/certificates/verify/{number}/"


def test_valid_certificate_page_shows_status_course_date_and_masked_name(
    client, certificate
):
    response = client.get(verify_url(certificate.number), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ДЕЙСТВИТЕЛЕН" in page or "VALID" in page
    assert 'data-status="valid"' in page
    assert certificate.number in page
    assert "А*** Б***" in page
    assert "Айгерім" not in page and "Бекова" not in page
    assert "Счастливая казахстанская семья" in page
    assert f'datetime="{timezone.localdate(certificate.issued_at):%Y-%m-%d}"' in page
    assert response["Content-Language"] == "ru"


@pytest.mark.parametrize(
    "name, masked",
    [
        ("Айгерім Бекова", "А*** Б***"),
        ("'Өмір ван-Берг", "Ө*** в***"),
        ("Ә. - Ұлан", "Ә*** Ұ***"),
    ],
)
def test_the_masked_name_shows_the_first_letter_of_each_part(name, masked):
    assert mask_name(name) == masked


def test_date_of_issue_is_the_day_in_kazakhstan(client, certificate):
    # 19:05 UTC on 30 November is already 1 December in Almaty.
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=datetime(2026, 11, 30, 19, 5, tzinfo=UTC)
    )
    page = client.get(verify_url(certificate.number)).content.decode()
    assert 'datetime="2026-12-01"' in page
    assert "2026-11-30" not in page


def test_language_can_be_chosen_with_a_parameter(client, certificate):
    response = client.get(verify_url(certificate.number) + "?lang=en")
    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.number)
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "Happy Kazakhstani Family" in response.content.decode()
    assert response["Content-Language"] == "en"
    client.cookies.clear()

    response = client.get(verify_url(certificate.number), HTTP_ACCEPT_LANGUAGE="kk")
    assert "Бақытты отбасы" in response.content.decode()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_language_prefix_leads_to_the_page_in_that_language(
    client, certificate, language
):
    """The pages have one address for every language; a prefix typed or linked
    by hand names the language instead of hiding the certificate."""
    response = client.get(f"/{language}{verify_url(certificate.number)}")
    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.number)
    assert client.cookies["django_language"].value == language
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert response["Content-Language"] == language

    response = client.get(f"/{language}/certificates/verify/?number=x&lang=kk")
    assert response.status_code == 302
    assert response["Location"] == "/certificates/verify/?number=x"
    assert client.cookies["django_language"].value == language


def test_a_language_prefix_writes_no_iin_back_into_an_address(client, certificate):
    from lms.factories import VALID_IINS

    for url in (
        f"/kk/certificates/verify/{certificate.number}/?number={VALID_IINS[0]}",
        f"/kk/certificates/verify/?number={VALID_IINS[0]}&lang=ru",
        f"/certificates/verify/?number={VALID_IINS[0]}&lang=ru",
    ):
        response = client.get(url)
        while response.status_code in (301, 302):
            assert VALID_IINS[0] not in response["Location"], url
            response = client.get(response["Location"])
        assert response.status_code in (200, 404)


def test_a_language_prefix_keeps_an_unknown_number_unknown(client, certificate):
    response = client.get(f"/ru{verify_url(generate_number())}", follow=True)
    assert response.status_code == 404
    assert response["Content-Language"] == "ru"


def test_revoked_certificate_answers_revoked(client, certificate, admin_user):
    services.revoke_certificate(certificate, "Fraud", admin_user)
    response = client.get(verify_url(certificate.number), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="revoked"' in page
    assert "REVOKED" in page
    assert "no longer valid" in page
    assert "Fraud" not in page


def test_link_checkers_may_ask_with_head(client, certificate):
    """Link previews and checkers of the QR's link often send HEAD first."""
    response = client.head(verify_url(certificate.number))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert client.head(verify_url("BKO-ABCD-EFGH-JKMY")).status_code == 404
    assert client.post(verify_url(certificate.number)).status_code == 405


def test_unknown_number_is_404(client, certificate):
    unknown = generate_number()
    response = client.get(verify_url(unknown), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()


def test_malformed_number_is_404_without_any_lookup(client, certificate):
    wrong_check = certificate.number[:-1] + (
        "0" if certificate.number[-1] != "0" else "1"
    )
    for number in [wrong_check, "BKO-1234", "hello", certificate.number[:-2]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(verify_url(number))
        assert response.status_code == 404, number
        assert not [q for q in queries if "certificates_certificate" in q["sql"]]

    with CaptureQueriesContext(connection) as queries:
        client.get(verify_url(certificate.number))
    assert [q for q in queries if "certificates_certificate" in q["sql"]]


def test_lowercase_and_substituted_number_redirects_to_the_canonical_page(
    client, certificate
):
    typed = certificate.number.lower()
    response = client.get(verify_url(typed))
    assert response.status_code == 301
    assert response["Location"] == verify_url(certificate.number)


def test_verification_is_throttled_per_client_address(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 5
    for _ in range(5):
        response = client.get(verify_url(certificate.number), REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200
    response = client.get(
        verify_url(certificate.number),
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many checks" in response.content.decode()
    assert "data-status" not in response.content.decode()
    assert "А*** Б***" not in response.content.decode()
    # Guessing malformed or unknown numbers counts too.
    response = client.get(verify_url("BKO-0000"), REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    # Another address is not affected.
    response = client.get(verify_url(certificate.number), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 200


def test_verify_form_goes_to_the_page_or_explains_the_error(client, certificate):
    response = client.get("/certificates/verify/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    # Posted, so what is typed stays out of the address bar and the history.
    assert 'method="post"' in page and 'name="csrfmiddlewaretoken"' in page

    typed = " " + certificate.number.lower().replace("-", " ") + " "
    response = client.post("/certificates/verify/", {"number": typed})
    assert response.status_code == 303
    assert response["Location"] == verify_url(certificate.number)

    response = client.post(
        "/certificates/verify/", {"number": "BKO-12"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a valid certificate number" in page
    assert 'value="BKO-12"' in page

    # A link made by hand with ?number= still leads to the page.
    response = client.get("/certificates/verify/", {"number": typed})
    assert response.status_code == 303
    assert response["Location"] == verify_url(certificate.number)


def test_verify_form_is_refused_without_its_csrf_token(certificate):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/certificates/verify/",
        {"number": certificate.number},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403


def test_owner_downloads_pdf_and_credential(client, certificate, learner):
    client.force_login(learner)
    response = client.get(f"/certificates/{certificate.number}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{certificate.number}.pdf"'
    )
    data = b"".join(response.streaming_content)
    assert (
        certificate.number
        in PdfReader(__import__("io").BytesIO(data)).pages[0].extract_text()
    )

    response = client.get(f"/certificates/{certificate.number}/credential.jwt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwt"
    assert response.content.decode() == certificate.credential

    for suffix, content_type in [
        ("pdf", "application/pdf"),
        ("credential.jwt", "application/jwt"),
    ]:
        response = client.head(f"/certificates/{certificate.number}/{suffix}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type


def test_pdf_is_rendered_on_download_when_not_there_yet(client, completion, learner):
    certificate, _ = services.create_certificate(completion)
    assert not certificate.pdf
    client.force_login(learner)
    response = client.get(f"/certificates/{certificate.number}/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert Certificate.objects.get(pk=certificate.pk).pdf


def test_pdfs_are_kept_where_the_web_server_does_not_serve_them(
    client, completion, learner, settings
):
    from pathlib import Path

    certificate = services.ensure_pdf(services.create_certificate(completion)[0])
    path = Path(certificate.pdf.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())

    # A file gone missing (private files moved, say) is drawn again on download.
    path.unlink()
    client.force_login(learner)
    response = client.get(f"/certificates/{certificate.number}/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("suffix", ["pdf", "credential.jwt"])
def test_downloads_are_404_for_anyone_but_the_owner(client, certificate, suffix):
    url = f"/certificates/{certificate.number}/{suffix}"
    assert client.get(url).status_code == 404

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 404

    client.force_login(certificate.user)
    assert client.get(f"/certificates/BKO-0000/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["pdf", "credential.jwt"])
def test_a_signed_out_holder_is_offered_to_sign_in_and_come_back(
    client, certificate, suffix
):
    url = f"/certificates/{certificate.number}/{suffix}"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404  # CONTRACTS.md §4, as for any number
    html = unescape(response.content.decode())
    assert tr("Sign in to download your certificate", "ru") in html
    login = f"/accounts/login/?next=%2Fcertificates%2F{certificate.number}%2F"
    assert login in html
    unknown = client.get(f"/certificates/BKO-0000-0000-0000/{suffix}")
    assert unknown.status_code == 404  # the same page: nothing said of the number
    assert tr("Sign in to download your certificate", "kk") in unescape(
        unknown.content.decode()
    )

    client.force_login(certificate.user)
    next_url = login.split("next=")[1].replace("%2F", "/")
    assert client.get(next_url + suffix).status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_throttled(
    client, certificate, settings
):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    url = verify_url(certificate.number)
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    for _ in range(2):
        response = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
        assert response.status_code == 200
    # A made-up entry on the left does not give a fresh allowance.
    response = client.get(
        url, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", **proxy
    )
    assert response.status_code == 429
    # Other visitors behind the same proxy still get their answers.
    response = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "typed",
    [
        "791028302728",
        "791028 302728",
        "7910-2830-2728",
        "7910.2830.2728",
        "7910_2830_2728",
        "７９１０２８３０２７２８",
    ],
)
def test_an_iin_typed_as_the_number_is_not_shown_back(client, certificate, typed):
    for response in (
        client.post(
            "/certificates/verify/", {"number": typed}, HTTP_ACCEPT_LANGUAGE="en"
        ),
        client.get(
            "/certificates/verify/", {"number": typed}, HTTP_ACCEPT_LANGUAGE="en"
        ),
        client.get(f"/certificates/verify/{typed}/", HTTP_ACCEPT_LANGUAGE="en"),
        client.get(f"/en/certificates/verify/{typed}/"),
        client.get("/en/certificates/verify/", {"number": typed}),
    ):
        html = unescape(response.content.decode())
        assert response.status_code in (200, 404)
        assert "That looks like an IIN" in html
        assert "302728" not in html and "791028" not in html
        # Not as typed either, in the page's text or in its links.
        assert typed not in html and typed not in unquote(html)


NAME_NOTE = (
    "Only the first letters of the holder's name are shown. To confirm who holds "
    "the certificate, compare them with the holder's identity document."
)


def test_the_name_note_is_shown_only_when_there_is_a_name_to_compare(
    client, certificate, learner
):
    from lms.account_closure import close_account

    page = unescape(client.get(verify_url(certificate.number)).content.decode())
    assert "А*** Б***" in page
    assert tr(NAME_NOTE, "kk") in page
    assert "/.well-known/jwks.json" in page

    close_account(learner)

    page = unescape(client.get(verify_url(certificate.number)).content.decode())
    assert 'data-status="revoked"' in page
    assert "<dd>—</dd>" in page
    assert tr(NAME_NOTE, "kk") not in page
    # Nor a signed credential, which closing the account erased.
    assert "/.well-known/jwks.json" not in page
