from html import unescape

import pytest
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount

from lms import iin as iin_tools
from lms.factories import VALID_IINS, UserFactory
from lms.forms import CONSENT_REQUIRED, IIN_TAKEN
from lms.models import User
from tests.lms.i18n import tr
from tests.lms.oidc import (
    make_request,
    settings_from_environment,
    sociallogin_from_claims,
    start_provider_sign_up,
)


@pytest.mark.django_db
def test_provider_appears_on_the_login_page_when_configured(client, egov):
    assert egov.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["name"] == (
        "eGov ID"
    )
    html = client.get("/accounts/login/").content.decode()
    assert 'action="/accounts/oidc/egov/login/?process=login"' in html
    assert ">eGov ID</button>" in html
    # Local accounts stay the default: the password form is still there.
    assert 'name="password"' in html


@pytest.mark.django_db
def test_no_provider_without_its_variables(client, settings, monkeypatch, tmp_path):
    loaded = settings_from_environment(monkeypatch, tmp_path)
    assert loaded.SOCIALACCOUNT_PROVIDERS == {}
    settings.SOCIALACCOUNT_PROVIDERS = loaded.SOCIALACCOUNT_PROVIDERS
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in html
    assert "eGov ID" not in html
    assert 'name="password"' in html


@pytest.mark.django_db
def test_only_a_client_id_is_not_enough(settings, monkeypatch, tmp_path):
    loaded = settings_from_environment(monkeypatch, tmp_path, OIDC_CLIENT_ID="x")
    assert loaded.SOCIALACCOUNT_PROVIDERS == {}


@pytest.mark.django_db
def test_the_iin_claim_is_kept_hashed_and_encrypted(egov):
    request = make_request()
    with context.request_context(request):
        sociallogin = sociallogin_from_claims(request, iin="061 211 600 012")
    user = sociallogin.user
    assert user.iin_hash == iin_tools.iin_hash(VALID_IINS[1])
    assert user.iin == VALID_IINS[1]
    assert (user.first_name, user.last_name) == ("Дана", "Омарова")


@pytest.mark.django_db
def test_the_claim_name_is_configurable(egov, settings):
    settings.OIDC_IIN_CLAIM = "personal_number"
    request = make_request()
    with context.request_context(request):
        ignored = sociallogin_from_claims(request, iin=VALID_IINS[1])
        kept = sociallogin_from_claims(request, personal_number=VALID_IINS[1])
    assert not ignored.user.iin_hash
    assert kept.user.iin == VALID_IINS[1]


@pytest.mark.django_db
def test_an_invalid_iin_claim_is_not_stored(egov, caplog):
    request = make_request()
    with context.request_context(request):
        sociallogin = sociallogin_from_claims(request, iin="010101600586")
    assert not sociallogin.user.iin_hash
    assert "010101600586" not in caplog.text


@pytest.mark.django_db
def test_sign_up_through_the_provider_asks_consent_and_keeps_the_iin(client, egov):
    start_provider_sign_up(client, iin=VALID_IINS[1])

    page = client.get("/accounts/3rdparty/signup/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    assert 'name="consent"' in page.content.decode()

    refused = client.post(
        "/accounts/3rdparty/signup/",
        {"email": "dana@example.kz"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert refused.status_code == 200
    assert tr(CONSENT_REQUIRED, "ru") in unescape(refused.content.decode())
    assert User.objects.count() == 0

    response = client.post(
        "/accounts/3rdparty/signup/", {"email": "dana@example.kz", "consent": "on"}
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.iin == VALID_IINS[1]
    assert user.consent_at is not None
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user).uid == "egov-subject-1"


@pytest.mark.django_db
def test_an_iin_that_has_a_local_account_is_not_signed_up_twice(egov):
    UserFactory(iin=VALID_IINS[1])  # typed at sign-up: its holder may claim it
    request = make_request()
    with context.request_context(request):
        sociallogin = sociallogin_from_claims(request, iin=VALID_IINS[1])
        with pytest.raises(ImmediateHttpResponse) as refused:
            get_adapter().pre_social_login(request, sociallogin)
    assert refused.value.response.status_code == 302
    assert refused.value.response["Location"] == "/accounts/iin/claim/"
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 0


@pytest.mark.django_db
def test_provider_sign_up_refuses_an_iin_taken_meanwhile(client, egov):
    start_provider_sign_up(client, iin=VALID_IINS[1])
    UserFactory(iin=VALID_IINS[1], email="first@example.kz")

    response = client.post(
        "/accounts/3rdparty/signup/",
        {"email": "dana@example.kz", "consent": "on"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert tr(IIN_TAKEN, "ru") in unescape(response.content.decode())
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 0


@pytest.mark.django_db
def test_a_returning_provider_user_gets_the_iin_it_lacked(egov):
    user = UserFactory(email="dana@example.kz")
    SocialAccount.objects.create(user=user, provider="egov", uid="egov-subject-1")
    request = make_request()
    with context.request_context(request):
        sociallogin = sociallogin_from_claims(request, iin=VALID_IINS[1])
        sociallogin.lookup()
        assert sociallogin.is_existing
        get_adapter().pre_social_login(request, sociallogin)
    user.refresh_from_db()
    assert user.iin == VALID_IINS[1]


@pytest.mark.django_db
def test_the_iin_claim_is_not_stored_with_the_providers_data(client, egov):
    import json

    start_provider_sign_up(client, iin=VALID_IINS[1])
    client.post(
        "/accounts/3rdparty/signup/", {"email": "dana@example.kz", "consent": "on"}
    )
    user = User.objects.get()
    assert user.iin == VALID_IINS[1]

    # And again at a returning sign-in, which rewrites the provider's data.
    request = make_request()
    with context.request_context(request):
        returning = sociallogin_from_claims(request, iin=VALID_IINS[1])
        returning.lookup()
        assert returning.is_existing
        get_adapter().pre_social_login(request, returning)
    stored = SocialAccount.objects.filter(user=user).values_list(
        "extra_data", flat=True
    )
    (extra_data,) = stored
    assert extra_data["userinfo"]["given_name"] == "Дана"
    assert "iin" not in extra_data["userinfo"]
    assert VALID_IINS[1] not in json.dumps(extra_data)
