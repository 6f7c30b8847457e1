import re
from html import unescape

from django.core import mail

import pytest

from lms.factories import VALID_IINS, UserFactory
from tests.lms.i18n import tr

PASSWORD = "pass-word-123"  # lms.factories.UserFactory
NEW_PASSWORD = "Zhana-kupiya-soz-7"
RESET_LINK = r"https?://[^/\s]+(/accounts/password/reset/key/\S+)"


@pytest.fixture
def account(db):
    return UserFactory(iin=VALID_IINS[0], email="aigerim@example.kz")


def confirm_access(client, password=PASSWORD):
    """Type the password again, as changes to e-mail addresses ask."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
    ],
)
def test_entrance_pages_use_the_site_layout(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/site.css" in html and "css/accounts.css" in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/logout/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/3rdparty/",
    ],
)
def test_signed_in_pages_use_the_site_layout(client, account, path):
    client.force_login(account)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/accounts.css" in html and '<main id="main"' in html


def test_password_reset_by_email_then_sign_in_with_iin(client, account):
    response = client.post(
        "/accounts/password/reset/",
        {"email": "aigerim@example.kz"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body
    )
    assert link, mail.outbox[0].body
    assert VALID_IINS[0] not in mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    action = form_page.request["PATH_INFO"]

    mismatch = client.post(
        action,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert tr("The two passwords do not match.", "ru") in unescape(
        mismatch.content.decode()
    )

    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    response = client.post(
        "/accounts/login/", {"login": VALID_IINS[0], "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == account.pk

    # The used link says so, in its heading and in the title the tab and a
    # screen reader announce.
    used = client.get(link.group(1), follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    title = re.search(r"<title>(.*?)</title>", used.content.decode(), re.S).group(1)
    assert title.startswith(tr("The link does not work", "ru"))


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.kz"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_change_password_in_the_users_language(client, account):
    client.force_login(account)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert tr("The password is not correct.", "kk") in unescape(
        response.content.decode()
    )
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_email_page_in_kazakh_adds_and_removes_an_address(client, account):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(
        user=account, email=account.email, primary=True, verified=True
    )
    client.force_login(account)
    confirm_access(client)

    page = unescape(
        client.get("/accounts/email/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    )
    assert tr("E-mail addresses", "kk") in page
    assert tr("Make primary", "kk") in page
    assert "Email Addresses" not in page and "Make Primary" not in page

    response = client.post(
        "/accounts/email/",
        {"action_add": "", "email": "aigerim.new@example.kz"},
        HTTP_ACCEPT_LANGUAGE="kk",
        follow=True,
    )
    assert response.status_code == 200
    assert EmailAddress.objects.filter(
        user=account, email="aigerim.new@example.kz"
    ).exists()

    response = client.post(
        "/accounts/email/",
        {"action_remove": "", "email": account.email},
        HTTP_ACCEPT_LANGUAGE="kk",
        follow=True,
    )
    html = unescape(response.content.decode())
    assert (
        tr(
            "The primary address %(email)s cannot be removed. Make another address "
            "primary first.",
            "kk",
        )
        % {"email": account.email}
        in html
    )
    assert EmailAddress.objects.filter(user=account, email=account.email).exists()

    response = client.post(
        "/accounts/email/",
        {"action_remove": "", "email": "aigerim.new@example.kz"},
        HTTP_ACCEPT_LANGUAGE="kk",
        follow=True,
    )
    assert tr("The address %(email)s has been removed.", "kk") % {
        "email": "aigerim.new@example.kz"
    } in unescape(response.content.decode())
    assert not EmailAddress.objects.filter(email="aigerim.new@example.kz").exists()


def test_password_change_page_offers_the_reset_link_once(client, account):
    client.force_login(account)
    html = client.get("/accounts/password/change/").content.decode()
    assert html.count('href="/accounts/password/reset/"') == 1


def test_the_dashboard_links_to_the_account_pages(client, account):
    client.force_login(account)
    html = client.get("/kk/dashboard/").content.decode()
    assert 'href="/accounts/email/"' in html
    assert 'href="/accounts/password/change/"' in html


def test_another_accounts_address_is_refused_and_never_made_primary(client, account):
    from allauth.account.models import EmailAddress

    other = UserFactory(iin=VALID_IINS[1], email="dana@example.kz")
    client.force_login(account)
    confirm_access(client)
    for typed in ("dana@example.kz", "Dana@Example.kz"):
        response = client.post(
            "/accounts/email/",
            {"action_add": "", "email": typed},
            HTTP_ACCEPT_LANGUAGE="kk",
        )
        assert response.status_code == 200
        page = unescape(response.content.decode())
        assert tr("A user is already registered with this e-mail.", "kk") in page
    assert (
        not EmailAddress.objects.filter(user=account)
        .exclude(email=account.email)
        .exists()
    )
    assert mail.outbox == []  # nothing to the address's owner either

    # An address added and confirmed before this check, then made another
    # account's own:
    EmailAddress.objects.create(user=account, email=other.email, verified=True)
    response = client.post(
        "/accounts/email/",
        {"action_primary": "", "email": other.email},
        HTTP_ACCEPT_LANGUAGE="ru",
        follow=True,
    )
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert tr("A user is already registered with this e-mail.", "ru") in page
    account.refresh_from_db()
    assert account.email == "aigerim@example.kz"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_form_errors_on_the_email_page_are_translated(client, account, language):
    client.force_login(account)
    confirm_access(client)
    for typed, message in (
        ("not-an-address", "Enter a valid e-mail address."),
        (account.email, "This e-mail address is already on your account."),
    ):
        response = client.post(
            "/accounts/email/",
            {"action_add": "", "email": typed},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert tr(message, language) in unescape(response.content.decode())


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_confirmation_e_mail_is_in_the_learners_language(client, account, language):
    account.preferred_language = language
    account.save()
    client.force_login(account)
    confirm_access(client)
    client.post(
        "/accounts/email/",
        {"action_add": "", "email": "aigerim.new@example.kz"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    [message] = mail.outbox
    assert message.to == ["aigerim.new@example.kz"]
    assert message.subject.endswith(tr("Confirm your e-mail address", language))
    assert tr("Hello!", language) in message.body
    assert "/accounts/confirm-email/" in message.body
    assert "receiving this email" not in message.body
