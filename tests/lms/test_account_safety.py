"""An open session cannot move an account to another address, and e-mails about
the account reach its owner in their language, with links that open in it."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.core import mail

import pytest
from allauth.account.models import EmailAddress
from freezegun import freeze_time

from lms.factories import VALID_IINS, UserFactory
from tests.conftest import forget_cache_keys
from tests.lms.i18n import tr

PASSWORD = "pass-word-123"  # lms.factories.UserFactory
REAUTHENTICATE = "/accounts/reauthenticate/"
CHANGE_PASSWORD = "/accounts/password/change/"


@pytest.fixture
def account(db):
    user = UserFactory(
        iin=VALID_IINS[0], email="aigerim@example.kz", preferred_language="kk"
    )
    EmailAddress.objects.create(
        user=user, email=user.email, primary=True, verified=True
    )
    return user


@pytest.fixture
def second_address(account):
    return EmailAddress.objects.create(
        user=account, email="aigerim.new@example.kz", verified=True
    )


def test_an_open_session_cannot_add_an_address_without_the_password(client, account):
    client.force_login(account)

    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "taker@example.kz"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert not EmailAddress.objects.filter(email="taker@example.kz").exists()
    assert mail.outbox == []

    confirm = response["Location"]  # with the page to go back to
    wrong = client.post(confirm, {"password": "not-it"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email="taker@example.kz").exists()

    # The right password carries on with the change that asked for it.
    right = client.post(confirm, {"password": PASSWORD}, follow=True)
    assert right.status_code == 200
    assert EmailAddress.objects.filter(user=account, email="taker@example.kz").exists()


@pytest.mark.parametrize("action", ["action_primary", "action_remove"])
def test_making_primary_or_removing_asks_for_the_password(
    client, account, second_address, action
):
    client.force_login(account)

    response = client.post(
        "/accounts/email/", {action: "", "email": second_address.email}
    )

    assert response["Location"].startswith(REAUTHENTICATE)
    second_address.refresh_from_db()
    assert not second_address.primary
    assert EmailAddress.objects.filter(pk=second_address.pk).exists()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_old_address_is_told_of_a_new_primary_in_the_accounts_language(
    client, account, second_address, language
):
    account.preferred_language = language
    account.save()
    client.force_login(account)
    client.post(REAUTHENTICATE, {"password": PASSWORD})

    client.post(
        "/accounts/email/",
        {"action_primary": "", "email": second_address.email},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    account.refresh_from_db()
    assert account.email == second_address.email
    [notice] = mail.outbox
    assert notice.to == ["aigerim@example.kz"]
    assert second_address.email in notice.body
    assert "/accounts/password/reset/" in notice.body
    assert tr("Hello!", language) in notice.body


def test_an_account_without_a_password_is_not_asked_for_one(client, account):
    account.set_unusable_password()
    account.save()
    client.force_login(account)

    client.post("/accounts/email/", {"action_add": "", "email": "second@example.kz"})

    assert EmailAddress.objects.filter(user=account, email="second@example.kz").exists()


def test_password_guesses_on_an_open_session_are_limited(client, account, settings):
    from lms.settings import base

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    client.force_login(account)
    answers = [
        client.post(REAUTHENTICATE, {"password": f"guess-{n}"}).status_code
        for n in range(6)
    ]
    assert answers == [200] * 5 + [429]
    assert client.post(REAUTHENTICATE, {"password": PASSWORD}).status_code == 429


@pytest.mark.parametrize(
    "path, field", [(REAUTHENTICATE, "password"), (CHANGE_PASSWORD, "oldpassword")]
)
def test_the_page_says_how_long_the_account_must_wait(
    client, account, settings, path, field
):
    """The limit counts the account's attempts, not the connection's: the page
    says so, and for how many minutes, in the learner's language."""
    from lms.settings import base

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS  # 5 in 15 minutes
    # Attempts another test made for an account of the same id count here too
    # when they were made at a time within the frozen minutes.
    forget_cache_keys("*allauth:rl:allauth.account:*")
    client.force_login(account)
    with freeze_time("2026-12-02 10:00:00") as clock:
        for n in range(5):
            client.post(path, {field: f"guess-{n}"}, HTTP_ACCEPT_LANGUAGE="ru")
            clock.tick(60)  # the first at 10:00, the fifth at 10:04; now 10:05
        response = client.post(path, {field: PASSWORD}, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 429
        assert response["Retry-After"] == str(10 * 60)  # the first leaves at 10:15
        html = unescape(response.content.decode())
        assert tr("Too many password attempts", "ru") in html
        assert "10 минут." in html
        connection = tr(
            "Too many attempts came from your connection in a short time. Wait a "
            "minute and try again.",
            "ru",
        )
        assert connection not in html

        clock.tick(10 * 60 - 30)
        response = client.post(path, {field: PASSWORD}, HTTP_ACCEPT_LANGUAGE="ru")
        assert "1 минуту." in unescape(response.content.decode())
        clock.tick(31)
        assert client.post(path, {field: "guess-6"}).status_code == 200


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_reset_link_opens_in_the_e_mails_language_in_any_browser(
    client, account, language
):
    account.preferred_language = language
    account.save()
    client.post(
        "/accounts/password/reset/",
        {"email": account.email},
        HTTP_ACCEPT_LANGUAGE="kk" if language == "ru" else "ru",
    )

    [message] = mail.outbox
    assert tr("Hello!", language) in message.body
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body
    )
    assert parse_qs(urlsplit(link.group(1)).query)["lang"] == [language]

    elsewhere = client.__class__()  # another browser, set to English
    page = elsewhere.get(link.group(1), HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert page.status_code == 200
    assert f'<html lang="{language}"' in page.content.decode()
    # The form it leads to stays in that language, without the parameter.
    assert elsewhere.cookies["django_language"].value == language
    form_url = page.request["PATH_INFO"]
    again = elsewhere.get(form_url, HTTP_ACCEPT_LANGUAGE="en")
    assert f'<html lang="{language}"' in unescape(again.content.decode())


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_sign_up_link_for_an_unknown_address_opens_in_the_requests_language(
    client, db, language
):
    client.post(
        "/accounts/password/reset/",
        {"email": "nobody@example.kz"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    [message] = mail.outbox
    assert message.to == ["nobody@example.kz"]
    assert message.subject.endswith(tr("No account with this address", language))
    link = re.search(r"https?://[^/\s]+(/accounts/signup/\S*)", message.body)
    assert parse_qs(urlsplit(link.group(1)).query)["lang"] == [language]

    elsewhere = client.__class__()  # another browser, set to English
    page = elsewhere.get(link.group(1), HTTP_ACCEPT_LANGUAGE="en")
    assert f'<html lang="{language}"' in page.content.decode()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_sign_in_page_speaks_the_language_of_the_page_that_sent_there(
    client, db, language
):
    sent = client.get(f"/{language}/dashboard/", HTTP_ACCEPT_LANGUAGE="kk")
    assert sent.status_code == 302
    page = client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="kk")
    assert f'<html lang="{language}"' in page.content.decode()
    # The form sent from it stays in that language.
    assert client.cookies["django_language"].value == language
    # Only a path of this site counts; ``?lang=`` wins over it.
    for query, expected in (
        ("next=//evil.example/ru/", "kk"),
        (f"next=/{language}/dashboard/&lang=kk", "kk"),
    ):
        other = client.__class__()
        html = other.get(f"/accounts/login/?{query}", HTTP_ACCEPT_LANGUAGE="kk")
        assert f'<html lang="{expected}"' in html.content.decode()


def test_a_language_parameter_is_ignored_where_the_path_names_one(client, db):
    response = client.get("/ru/?lang=kk")
    assert '<html lang="ru"' in response.content.decode()
    assert "django_language" not in response.cookies
    junk = client.get("/accounts/login/?lang=xx", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="ru"' in junk.content.decode()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_password_page_speaks_the_learners_language(client, account, language):
    client.force_login(account)
    page = client.get(REAUTHENTICATE, HTTP_ACCEPT_LANGUAGE=language)
    html = unescape(page.content.decode())
    assert html.count("/accounts/password/reset/") == 1
    assert f">{tr('Password', language)}<" in html

    wrong = client.post(
        REAUTHENTICATE, {"password": "not-it"}, HTTP_ACCEPT_LANGUAGE=language
    )
    html = unescape(wrong.content.decode())
    assert tr("The password is not correct.", language) in html
    assert "Incorrect password" not in html


def test_the_reset_link_in_a_notice_opens_in_its_language(
    client, account, second_address
):
    account.preferred_language = "ru"
    account.save()
    client.force_login(account)
    client.post(REAUTHENTICATE, {"password": PASSWORD})
    client.post(
        "/accounts/email/", {"action_primary": "", "email": second_address.email}
    )
    [notice] = mail.outbox
    assert "/accounts/password/reset/?lang=ru" in notice.body


def test_a_language_parameter_sets_no_cookie_on_what_shared_caches_keep(client, db):
    for path in ("/robots.txt?lang=ru", "/.well-known/jwks.json?lang=ru"):
        response = client.get(path)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        assert "django_language" not in response.cookies, path
