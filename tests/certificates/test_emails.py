"""Certificate e-mails' links open their pages in the learner's language."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.core import mail
from django.core.cache import cache
from django.test import Client

import pytest

from certificates import services
from tests.lms.i18n import tr

LANGUAGES = ["en", "ru"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def links(message) -> list[str]:
    """Every address of this site in the plain text and the HTML of ``message``."""
    found = re.findall(r"http://testserver/\S+", message.body)
    for html, _type in getattr(message, "alternatives", []):
        found += [unescape(url) for url in re.findall(r'href="([^"]+)"', html)]
    return found


def opened(url: str):
    """``url`` opened as from an e-mail: a browser that has never been here."""
    path = url.removeprefix("http://testserver")
    return Client().get(path, follow=True)


def assert_in_language(response, language: str, text: str):
    assert response["Content-Language"] == language
    assert tr(text, language) in unescape(response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_link_of_the_issued_email_opens_in_the_learners_language(
    completion, learner, language
):
    learner.preferred_language = language
    learner.save()
    certificate = services.issue_certificate(completion)
    (message,) = mail.outbox
    urls = links(message)
    number = certificate.number
    pages = {
        f"/certificates/verify/{number}/": "Certificate check",
        f"/certificates/{number}/pdf": "Sign in to download your certificate",
        f"/certificates/{number}/credential.jwt": (
            "Sign in to download your certificate"
        ),
    }
    assert {urlsplit(url).path for url in urls} == set(pages)
    assert len(urls) == 2 * len(pages)  # in the plain text and in the HTML

    for url in urls:
        assert parse_qs(urlsplit(url).query) == {"lang": [language]}, url
        assert_in_language(opened(url), language, pages[urlsplit(url).path])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_holder_signed_in_gets_the_files_from_the_links(
    client, completion, learner, language
):
    learner.preferred_language = language
    learner.save()
    certificate = services.issue_certificate(completion)
    client.force_login(learner)
    for url in links(mail.outbox[0]):
        path = urlsplit(url).path
        if "/verify/" in path:
            continue
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, url
        assert certificate.number in response["Content-Disposition"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_link_of_the_revoked_email_opens_in_the_learners_language(
    certificate, learner, admin_user, language, django_capture_on_commit_callbacks
):
    learner.preferred_language = language
    learner.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_certificate(
            certificate, "Issued by mistake", admin_user, tell_holder=True
        )
    (message,) = mail.outbox
    (url,) = links(message)

    assert urlsplit(url).path == f"/certificates/verify/{certificate.number}/"
    assert parse_qs(urlsplit(url).query) == {"lang": [language]}
    if language != "en":
        from tests.lms.i18n import tr

        assert "150 — " + tr("Domestic violence, 24/7", language) in message.body
        assert "111 — " + tr("Family and children's rights", language) in message.body
    response = opened(url)
    assert_in_language(response, language, "REVOKED")
    assert 'data-status="revoked"' in response.content.decode()


@pytest.mark.parametrize("kind", ["guide", "parents", "couples"])
def test_only_the_guides_email_says_the_registration_service_checks_it(
    learner, course_index, kind
):
    from courses.factories import CoursePageFactory, VideoFactory, make_lesson
    from progress.models import CourseCompletion

    learner.preferred_language = "ru"
    learner.save()
    course = CoursePageFactory(parent=course_index, kind=kind, title="Курс")
    make_lesson(course, videos=[VideoFactory()], title="Сабақ")
    services.issue_certificate(
        CourseCompletion.objects.create(user=learner, course=course, language="ru")
    )
    (message,) = mail.outbox
    said = tr(
        "The registration service checks the certificate by your IIN: you do not "
        "need to print it.",
        "ru",
    )
    (html, _type) = message.alternatives[0]
    assert (said in message.body) is (kind == "guide")
    assert (said in unescape(html)) is (kind == "guide")
