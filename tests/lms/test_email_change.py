"""A new e-mail address takes over an account only once confirmed through the link
sent to it: until then it is not made primary and gets no password reset link, so
a mistyped address gives its stranger owner nothing of the account."""

import re
from html import unescape

from django.core import mail

import pytest
from allauth.account.models import EmailAddress

from lms.factories import VALID_IINS, UserFactory
from tests.lms.i18n import tr

PASSWORD = "pass-word-123"  # lms.factories.UserFactory
NEW = "aigerim.new@example.kz"
CONFIRM_LINK = r"https?://[^/\s]+(/accounts/confirm-email/[^/\s?]+/)"
RESET_LINK = r"/accounts/password/reset/key/"
ADDED = (
    "Someone, probably you, added this address to an account on the «Happy "
    "family» learning site. If it was you, confirm it by following the link "
    "below: only a confirmed address can become the account's primary address. "
    "If it was not you, ignore this e-mail: unless it is confirmed, the address "
    "will receive neither the account's certificates nor its password reset links."
)
GIVEN = (
    "This address was given for an account on the «Happy family» learning site. "
    "If it was you, confirm it by following the link below. If it was not you, "
    "ignore this e-mail."
)


@pytest.fixture
def account(db):
    """An account as sign-up leaves it when addresses are not confirmed
    (``ACCOUNT_EMAIL_VERIFICATION=none``): its one address primary, unconfirmed."""
    user = UserFactory(
        iin=VALID_IINS[0], email="aigerim@example.kz", preferred_language="kk"
    )
    EmailAddress.objects.create(
        user=user, email=user.email, primary=True, verified=False
    )
    return user


def signed_in(client, account):
    client.force_login(account)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


def add_new_address(client, language="kk"):
    mail.outbox.clear()
    client.post(
        "/accounts/email/",
        {"action_add": "", "email": NEW},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    [message] = mail.outbox
    assert message.to == [NEW]
    mail.outbox.clear()
    return message


def email_page_action(client, action, email, language="kk") -> str:
    response = client.post(
        "/accounts/email/",
        {action: "", "email": email},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_unconfirmed_address_is_not_made_primary(client, account, language):
    signed_in(client, account)
    add_new_address(client, language)

    page = email_page_action(client, "action_primary", NEW, language)

    refused = tr(
        "The address %(email)s is not confirmed yet. Follow the link sent to it, "
        "then make it primary.",
        language,
    ) % {"email": NEW}
    assert refused in page
    account.refresh_from_db()
    assert account.email == "aigerim@example.kz"
    assert EmailAddress.objects.get(user=account, primary=True).email == account.email
    assert mail.outbox == []  # nobody is told of a change that did not happen

    # Nor can the old address be removed to leave the new one alone.
    email_page_action(client, "action_remove", account.email, language)
    assert EmailAddress.objects.filter(user=account, email=account.email).exists()
    account.refresh_from_db()
    assert account.email == "aigerim@example.kz"


def test_an_unconfirmed_address_gets_no_reset_link(client, account):
    signed_in(client, account)
    add_new_address(client)
    client.logout()

    client.post("/accounts/password/reset/", {"email": NEW}, HTTP_ACCEPT_LANGUAGE="ru")

    [message] = mail.outbox
    assert message.to == [NEW]
    assert RESET_LINK not in message.body
    assert message.subject.endswith(tr("No account with this address", "ru"))

    # The account's own address, unconfirmed as sign-up left it, still gets one.
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": account.email})
    [message] = mail.outbox
    assert message.to == [account.email]
    assert RESET_LINK in message.body


def test_once_confirmed_the_new_address_replaces_the_old_one(client, account):
    signed_in(client, account)
    message = add_new_address(client)
    key_path = re.search(CONFIRM_LINK, message.body).group(1)

    # The link may be opened in another browser, where nobody is signed in.
    other_browser = client.__class__()
    assert other_browser.post(key_path).status_code == 302
    assert EmailAddress.objects.get(user=account, email=NEW).verified

    page = email_page_action(client, "action_primary", NEW)
    assert tr("Your primary e-mail address has been changed.", "kk") in page
    account.refresh_from_db()
    assert account.email == NEW
    [notice] = mail.outbox  # to the old address, which may take the account back
    assert notice.to == ["aigerim@example.kz"]

    email_page_action(client, "action_remove", "aigerim@example.kz")
    assert list(EmailAddress.objects.filter(user=account).values_list("email")) == [
        (NEW,)
    ]

    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": NEW})
    [message] = mail.outbox
    assert RESET_LINK in message.body


def test_an_account_without_an_address_gets_the_new_one_once_confirmed(client, db):
    # As sign-up through eGov may leave one: no address, no password.
    account = UserFactory(iin=VALID_IINS[1], email="")
    account.set_unusable_password()
    account.save()
    client.force_login(account)
    message = add_new_address(client)

    email_page_action(client, "action_primary", NEW)
    account.refresh_from_db()
    assert account.email == ""

    client.post(re.search(CONFIRM_LINK, message.body).group(1))
    account.refresh_from_db()
    assert account.email == NEW


def test_an_address_on_the_account_before_it_had_rows_stays_primary(client, db):
    """Accounts made before allauth kept their address as a row: the page adds the
    row, unconfirmed, and making it primary changes nothing the owner did not
    have."""
    account = UserFactory(iin=VALID_IINS[1], email="dana@example.kz")
    signed_in(client, account)

    page = email_page_action(client, "action_primary", "dana@example.kz")

    assert tr("Your primary e-mail address has been changed.", "kk") in page
    assert EmailAddress.objects.get(user=account).primary


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_confirmation_e_mail_says_what_the_new_address_may_do(
    client, account, language
):
    account.preferred_language = language
    account.save()
    signed_in(client, account)

    message = add_new_address(client, language)

    body = " ".join(message.body.split())
    assert tr(ADDED, language) in body
    assert tr(GIVEN, language) not in body


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_accounts_own_address_is_not_promised_to_stay_unused(
    client, account, language
):
    account.preferred_language = language
    account.save()
    signed_in(client, account)

    page = email_page_action(client, "action_send", account.email, language)

    assert (
        tr("A confirmation link has been sent to %(email)s.", language)
        % {"email": account.email}
        in page
    )
    [message] = mail.outbox
    body = " ".join(message.body.split())
    assert tr(GIVEN, language) in body
    assert tr(ADDED, language) not in body


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_email_page_explains_the_change_of_address(client, account, language):
    signed_in(client, account)

    page = unescape(
        client.get("/accounts/email/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    )

    assert tr("Only a confirmed address can be made primary.", language) in page
    assert (
        tr(
            "A link to confirm it is sent to the new address. Once you have followed "
            "it, you can make the address primary and remove the old one.",
            language,
        )
        in page
    )


def test_sign_up_sends_a_confirmation_link_and_signs_in_meanwhile(client, db):
    """The dashboard asks for the confirmation, sends the link again when asked,
    and stops asking once the address is confirmed. A reset link reaches the
    address meanwhile: it is the only one the account has."""
    response = client.post(
        "/accounts/signup/?lang=ru",
        {
            "iin": VALID_IINS[2],
            "first_name": "Айгерім",
            "last_name": "Бекова",
            "email": "dana@example.kz",
            "password1": "Ainalayin-2026!",
            "password2": "Ainalayin-2026!",
            "consent": "on",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 302
    assert "/dashboard/" in response["Location"]
    assert client.session.get("_auth_user_id")
    [confirmation] = mail.outbox
    assert confirmation.to == ["dana@example.kz"]
    assert re.search(CONFIRM_LINK, confirmation.body)
    notice = tr(
        "Confirm your e-mail address %(email)s with the link we sent to it: your "
        "certificates and password reset links go there.",
        "ru",
    ) % {"email": "dana@example.kz"}
    dashboard = unescape(client.get("/ru/dashboard/").content.decode())
    assert notice in dashboard

    again = client.post(
        "/accounts/email/", {"email": "dana@example.kz", "action_send": ""}
    )
    assert again.status_code == 302
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["dana@example.kz"]
    link = re.search(CONFIRM_LINK, mail.outbox[1].body).group(1)
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="dana@example.kz").verified
    dashboard = unescape(client.get("/ru/dashboard/").content.decode())
    assert tr("Send the confirmation again", "ru") not in dashboard
    assert "dashboard__confirm-email" not in dashboard

    client.logout()
    client.post("/accounts/password/reset/", {"email": "dana@example.kz"})
    assert RESET_LINK in mail.outbox[-1].body
