"""Signing in and connecting through eGov end to end, against a local stand-in
for the identity provider (``tests.lms.fake_egov``): what is written, when, and
what the person is told."""

import json
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.contrib.sessions.models import Session
from django.utils import timezone

import pytest
from allauth.socialaccount.models import SocialAccount

from lms.adapters import IIN_NOT_THIS_ACCOUNTS, NO_IIN_FROM_PROVIDER
from lms.factories import VALID_IINS, UserFactory
from lms.models import User
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

IIN = VALID_IINS[2]
PASSWORD = "pass-word-123"  # lms.factories.UserFactory's


def messages_of(client, response):
    page = client.get(response["Location"])
    return unescape(page.content.decode())


def test_a_first_sign_in_signs_up_with_the_confirmed_iin(client, fake_egov):
    answer = fake_egov.sign_in(client, iin=IIN)
    assert answer["Location"] == "/accounts/3rdparty/signup/"
    signed_up = client.post(
        "/accounts/3rdparty/signup/", {"email": "dana@example.kz", "consent": "on"}
    )
    assert signed_up.status_code == 302
    user = User.objects.get()
    assert user.iin == IIN and user.iin_confirmed_at is not None
    assert SocialAccount.objects.get(user=user).uid == "egov-subject-1"


def stored_sessions() -> str:
    """Every session as the database keeps it, decoded."""
    from django.contrib.sessions.backends.db import SessionStore

    return json.dumps(
        [SessionStore().decode(s.session_data) for s in Session.objects.all()],
        ensure_ascii=False,
    )


def test_a_sign_up_waiting_for_its_form_keeps_the_iin_encrypted(client, fake_egov):
    assert fake_egov.sign_in(client, iin=IIN)["Location"] == (
        "/accounts/3rdparty/signup/"
    )
    client.session.save()
    assert Session.objects.exists()
    assert IIN not in stored_sessions()
    assert IIN not in json.dumps(dict(client.session), ensure_ascii=False)
    # The form still signs up with it.
    client.post(
        "/accounts/3rdparty/signup/", {"email": "dana@example.kz", "consent": "on"}
    )
    assert User.objects.get().iin == IIN


@pytest.mark.parametrize(
    "claim", [None, "", "950315310008", "95031531000", "not an iin"]
)
def test_an_answer_without_a_valid_iin_signs_nobody_up(client, fake_egov, claim):
    answer = fake_egov.sign_in(client, iin=claim)
    assert answer["Location"] == "/accounts/login/"
    assert tr(NO_IIN_FROM_PROVIDER, "kk") in messages_of(client, answer)
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert client.get("/accounts/3rdparty/signup/").status_code == 302  # none waits


@pytest.mark.parametrize("claim", [None, "950315310008"])
def test_an_answer_without_a_valid_iin_connects_nothing(client, fake_egov, claim):
    user = UserFactory(email="aigerim@example.kz")
    user.set_unusable_password()  # nothing to ask again: connects at once
    user.save()
    client.force_login(user)
    answer = fake_egov.sign_in(client, process="connect", iin=claim)
    assert answer["Location"] == "/accounts/3rdparty/"
    assert tr(NO_IIN_FROM_PROVIDER, "kk") in messages_of(client, answer)
    assert not SocialAccount.objects.exists()
    user.refresh_from_db()
    assert not user.iin_hash and user.iin_confirmed_at is None


def test_connecting_takes_the_iin_only_once_the_password_is_typed_again(
    client, fake_egov
):
    user = UserFactory(email="bolat@example.kz")  # no IIN, a password
    client.force_login(user)  # signed in long ago, as far as allauth knows

    answer = fake_egov.sign_in(client, process="connect", iin=IIN)
    assert answer["Location"].startswith("/accounts/reauthenticate/")
    user.refresh_from_db()
    assert not user.iin_hash and user.iin_confirmed_at is None
    assert not SocialAccount.objects.exists()
    assert IIN not in stored_sessions()  # the connection waiting for the password

    # Left there: the person whose eGov it was can still sign up with it.
    other = client.__class__()
    assert fake_egov.sign_in(other, iin=IIN, sub="someone-else")["Location"] == (
        "/accounts/3rdparty/signup/"
    )

    typed = client.post(answer["Location"], {"password": PASSWORD})
    assert typed.status_code == 302
    user.refresh_from_db()
    assert user.iin == IIN and user.iin_confirmed_at is not None
    assert SocialAccount.objects.get().user == user


def test_a_password_typed_to_sign_in_just_now_is_not_asked_again(client, fake_egov):
    user = UserFactory(email="bolat@example.kz", iin=IIN)
    signed_in = client.post(
        "/accounts/login/", {"login": "bolat@example.kz", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    answer = fake_egov.sign_in(client, process="connect", iin=IIN)
    assert answer["Location"] == "/accounts/3rdparty/"
    user.refresh_from_db()
    assert user.iin_confirmed_at is not None
    assert SocialAccount.objects.get().user == user


@pytest.mark.parametrize("holder", ["another account", "this account's own"])
def test_egov_is_connected_only_with_the_accounts_own_iin(client, fake_egov, holder):
    user = UserFactory(email="mine@example.kz", iin=VALID_IINS[1])
    if holder == "another account":
        UserFactory(email="other@example.kz", iin=IIN)
        user = UserFactory(email="bolat@example.kz")  # none of its own
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    answer = fake_egov.sign_in(client, process="connect", iin=IIN)
    assert answer["Location"] == "/accounts/3rdparty/"
    assert tr(IIN_NOT_THIS_ACCOUNTS, "kk") in messages_of(client, answer)
    assert not SocialAccount.objects.exists()
    before = user.iin_hash
    user.refresh_from_db()
    assert user.iin_hash == before and user.iin_confirmed_at is None


def test_an_iin_taken_while_the_password_is_asked_again_is_not_connected(
    client, fake_egov
):
    user = UserFactory(email="bolat@example.kz")
    client.force_login(user)
    answer = fake_egov.sign_in(client, process="connect", iin=IIN)
    UserFactory(email="other@example.kz", iin=IIN)  # meanwhile

    typed = client.post(answer["Location"], {"password": PASSWORD})
    assert typed["Location"] == "/accounts/3rdparty/"
    assert tr(IIN_NOT_THIS_ACCOUNTS, "kk") in messages_of(client, typed)
    assert not SocialAccount.objects.exists()
    user.refresh_from_db()
    assert not user.iin_hash


def test_every_sign_in_confirms_the_iin_again(client, fake_egov):
    user = UserFactory(email="dana@example.kz", iin=IIN)
    SocialAccount.objects.create(user=user, provider="egov", uid="egov-subject-1")
    long_ago = timezone.now() - timezone.timedelta(days=400)
    User.objects.filter(pk=user.pk).update(iin_confirmed_at=long_ago)

    answer = fake_egov.sign_in(client, iin=IIN)
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.iin_confirmed_at > long_ago + timezone.timedelta(days=399)
    assert int(client.session["_auth_user_id"]) == user.pk


def test_egov_out_of_reach_is_explained_not_a_crash(client, fake_egov, settings):
    fake_egov.server.shutdown()
    fake_egov.server.server_close()
    for language in ("kk", "ru"):
        response = client.post(
            "/accounts/oidc/egov/login/?process=login", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 503
        html = unescape(response.content.decode())
        assert tr("Signing in did not work", language) in html
        assert 'href="tel:150"' in html


def test_egov_out_of_reach_on_the_way_back_is_explained(client, fake_egov):
    """eGov stops answering while the person is at its page: the site asks it for
    its configuration again when they come back."""

    def going_down_at_egov(client):
        started = client.post("/accounts/oidc/egov/login/?process=login")
        fake_egov.server.shutdown()
        fake_egov.server.server_close()
        query = urlsplit(started["Location"]).query
        state = parse_qs(query)["state"][0]
        return client.get(f"/accounts/oidc/egov/login/callback/?code=x&state={state}")

    response = going_down_at_egov(client)
    assert response.status_code == 503
    assert tr("Signing in did not work", "kk") in unescape(response.content.decode())
    assert not User.objects.exists()


def test_an_egov_sign_in_connected_elsewhere_meanwhile_is_refused(client, fake_egov):
    """Two tabs: the first waits for the password while, in the second, another
    account connects the same eGov sign-in."""
    waiting = UserFactory(email="bolat@example.kz")
    client.force_login(waiting)
    answer = fake_egov.sign_in(client, process="connect", iin=IIN)
    assert answer["Location"].startswith("/accounts/reauthenticate/")

    other = client.__class__()
    elsewhere = UserFactory(email="erlan@example.kz")
    other.post("/accounts/login/", {"login": elsewhere.email, "password": PASSWORD})
    assert fake_egov.sign_in(other, process="connect", iin=IIN)["Location"] == (
        "/accounts/3rdparty/"
    )

    typed = client.post(answer["Location"], {"password": PASSWORD})
    assert typed.status_code == 302 and typed["Location"] == "/accounts/3rdparty/"
    refused = "This sign-in service is already connected to another account."
    assert tr(refused, "kk") in messages_of(client, typed)
    assert list(SocialAccount.objects.values_list("user", flat=True)) == [elsewhere.pk]
    waiting.refresh_from_db()
    assert not waiting.iin_hash
