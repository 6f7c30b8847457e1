"""How account e-mails leave: links at SITE_URL whatever host a request named, a
mail server that cannot be reached, and words of help where news is bad."""

import re
import smtplib
from html import unescape

from django.core import mail

import pytest

from lms.adapters import MAIL_NOT_SENT
from lms.factories import VALID_IINS, UserFactory
from lms.models import User
from tests.lms.i18n import tr
from tests.lms.test_signup import SIGNUP_URL, signup_data

pytestmark = pytest.mark.django_db


def test_a_reset_link_goes_to_the_site_whatever_host_was_asked(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://otbasy.example.kz"
    UserFactory(email="boris@example.kz", iin=VALID_IINS[1])
    client.post(
        "/accounts/password/reset/",
        {"email": "boris@example.kz"},
        HTTP_HOST="evil.example",
    )
    [message] = mail.outbox
    links = re.findall(r"https?://[^/\s]+", message.body)
    assert links and set(links) == {"https://otbasy.example.kz"}
    assert "evil.example" not in message.body + message.subject
    assert message.subject.startswith("[otbasy.example.kz] ")
    assert message.from_email.startswith("Бақытты отбасы <")


def test_a_mail_server_out_of_reach_does_not_stop_a_sign_up(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "unreachable")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    response = client.post(SIGNUP_URL, signup_data(), follow=True)
    assert response.status_code == 200
    assert User.objects.filter(email="aigerim@example.kz").exists()
    assert tr(MAIL_NOT_SENT, "kk") in unescape(response.content.decode())

    reset = client.post(
        "/accounts/password/reset/", {"email": "aigerim@example.kz"}, follow=True
    )
    assert reset.status_code == 200
