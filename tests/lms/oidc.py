"""The e-Government identity provider (OpenID Connect) in tests: switched on
through the environment as in production, and its answers as allauth builds them."""

import importlib.util
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from allauth.core import context
from allauth.socialaccount.adapter import get_adapter

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "lms" / "settings" / "base.py"
OIDC_VARIABLES = [
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_SERVER_URL",
    "OIDC_PROVIDER_ID",
    "OIDC_PROVIDER_NAME",
]


def settings_from_environment(monkeypatch, tmp_path, **variables):
    """lms.settings.base read afresh with the given environment variables."""
    monkeypatch.setenv("LMS_VAR_DIR", str(tmp_path))
    for name in OIDC_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_probe", BASE_SETTINGS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def switch_on_egov(
    settings,
    monkeypatch,
    tmp_path,
    server_url="https://idp.egov.example/realms/citizens",
):
    """The identity provider switched on through the environment, as in production."""
    loaded = settings_from_environment(
        monkeypatch,
        tmp_path,
        OIDC_CLIENT_ID="bakytty-otbasy",
        OIDC_CLIENT_SECRET="client-secret",
        OIDC_SERVER_URL=server_url,
    )
    settings.SOCIALACCOUNT_PROVIDERS = loaded.SOCIALACCOUNT_PROVIDERS
    return loaded


def make_request(path="/accounts/oidc/egov/login/callback/"):
    request = RequestFactory().get(path)
    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def sociallogin_from_claims(request, **claims):
    """What the provider's callback builds from the ID token and userinfo claims."""
    provider = get_adapter().get_provider(request, "egov")
    userinfo = {
        "sub": "egov-subject-1",
        "email": "dana@example.kz",
        "given_name": "Дана",
        "family_name": "Омарова",
        **claims,
    }
    return provider.sociallogin_from_response(
        request, {"userinfo": userinfo, "id_token": {"sub": userinfo["sub"]}}
    )


def start_provider_sign_up(client, **claims):
    """The provider has answered; the sign-up form waits for consent."""
    request = make_request()
    with context.request_context(request):
        sociallogin = sociallogin_from_claims(request, **claims)
    session = client.session
    session["socialaccount_sociallogin"] = sociallogin.serialize()
    session.save()
