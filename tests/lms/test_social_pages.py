"""The pages of sign-in through eGov speak the learner's language, in the site's
layout: connecting and disconnecting it, a cancelled or failed sign-in."""

from html import unescape

import pytest
from allauth.socialaccount.models import SocialAccount

from lms.factories import VALID_IINS, UserFactory
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

ALLAUTH_ENGLISH = ("third-party", "Third-Party", "Account Connections", "Login")


def text(response) -> str:
    html = unescape(response.content.decode())
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_connections_page_says_whether_the_iin_is_confirmed(client, egov, language):
    user = UserFactory(iin=VALID_IINS[0])
    client.force_login(user)
    page = text(client.get("/accounts/3rdparty/", HTTP_ACCEPT_LANGUAGE=language))
    assert tr("Sign-in services", language) in page
    assert tr("No sign-in service is connected to your account.", language) in page
    assert (
        tr(
            "Your IIN was typed in, not confirmed. Connecting eGov confirms it.",
            language,
        )
        in page
    )
    assert tr("Connect %(provider)s", language) % {"provider": "eGov ID"} in page
    assert 'action="/accounts/oidc/egov/login/?process=connect"' in page
    assert not any(english in page for english in ALLAUTH_ENGLISH)

    user.confirm_iin()
    user.save()
    page = text(client.get("/accounts/3rdparty/", HTTP_ACCEPT_LANGUAGE=language))
    assert (
        tr("Your IIN is confirmed through eGov: no one else can claim it.", language)
        in page
    )

    SocialAccount.objects.create(user=user, provider="egov", uid="egov-1")
    besides = tr(
        "Besides your password, you can sign in with these services:", language
    )
    assert besides in text(
        client.get("/accounts/3rdparty/", HTTP_ACCEPT_LANGUAGE=language)
    )
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    page = text(client.get("/accounts/3rdparty/", HTTP_ACCEPT_LANGUAGE=language))
    assert besides not in page
    assert (
        tr("Your account has no password: you sign in with these services:", language)
        in page
    )


def test_egov_is_disconnected_only_when_the_password_remains(client, egov):
    user = UserFactory(iin=VALID_IINS[0])
    account = SocialAccount.objects.create(user=user, provider="egov", uid="egov-1")
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    refused = client.post(
        "/accounts/3rdparty/", {"account": account.pk}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert tr(
        "Set a password first: without it you could not sign in any more.", "ru"
    ) in text(refused)
    assert SocialAccount.objects.filter(pk=account.pk).exists()

    user.set_password("Ainalayin-2026!")
    user.save()
    client.force_login(user)
    # Disconnecting asks for the password again, as changing an address does.
    asked = client.post("/accounts/3rdparty/", {"account": account.pk})
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    client.post("/accounts/reauthenticate/", {"password": "Ainalayin-2026!"})
    done = client.post(
        "/accounts/3rdparty/",
        {"account": account.pk},
        HTTP_ACCEPT_LANGUAGE="ru",
        follow=True,
    )
    assert tr("The sign-in service has been disconnected.", "ru") in text(done)
    assert not SocialAccount.objects.filter(pk=account.pk).exists()


@pytest.mark.parametrize(
    "url, heading",
    [
        ("/accounts/3rdparty/login/cancelled/", "Sign-in cancelled"),
        ("/accounts/3rdparty/login/error/", "Signing in did not work"),
    ],
)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_cancelled_or_failed_sign_in_is_explained(
    client, egov, url, heading, language
):
    page = text(client.get(url, HTTP_ACCEPT_LANGUAGE=language))
    assert f"<h1>{tr(heading, language)}</h1>" in page
    assert 'href="/accounts/login/"' in page
    assert not any(english in page for english in ALLAUTH_ENGLISH)


@pytest.mark.parametrize("process", ["login", "connect"])
def test_the_page_before_going_to_egov_speaks_kazakh(client, egov, process):
    if process == "connect":
        client.force_login(UserFactory(iin=VALID_IINS[0]))
    page = text(
        client.get(
            f"/accounts/oidc/egov/login/?process={process}", HTTP_ACCEPT_LANGUAGE="kk"
        )
    )
    heading = (
        "Connect %(provider)s" if process == "connect" else "Sign in with %(provider)s"
    )
    assert f"<h1>{tr(heading, 'kk') % {'provider': 'eGov ID'}}</h1>" in page
    assert tr("Continue", "kk") in page
