"""The holder of an IIN, confirmed through eGov, claims it from an account that only
typed it at sign-up; an IIN eGov confirmed stays with its account."""

from html import unescape

from django.core import mail

import pytest
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount

from certificates import services as certificates
from certificates.models import CertificateStatus
from lms import iin as iin_tools
from lms.adapters import CONFIRMED_IIN_TAKEN
from lms.factories import VALID_IINS, UserFactory
from lms.models import User
from progress.models import CourseCompletion, Partnership, PartnershipStatus
from tests.lms.i18n import tr
from tests.lms.oidc import make_request, sociallogin_from_claims

pytestmark = pytest.mark.django_db

IIN = VALID_IINS[2]


def provider_answers(client, user=None, **claims):
    """The provider's callback for someone signing in (or, signed in as ``user``,
    connecting the provider), in the client's session; the response the flow
    gives, or None when it goes on as usual."""
    request = make_request()
    request.session = client.session
    if user is not None:
        request.user = user
    with context.request_context(request):
        sociallogin = sociallogin_from_claims(request, **claims)
        sociallogin.lookup()
        try:
            get_adapter().pre_social_login(request, sociallogin)
        except ImmediateHttpResponse as stopped:
            stopped.response.messages = [str(m) for m in request._messages]
            return stopped.response
        finally:
            request.session.save()
    return None


@pytest.fixture
def squatter(guide_course, partner):
    """An account that typed someone else's IIN, finished the guide on it, and
    linked with a partner."""
    account = UserFactory(iin=IIN, email="squatter@example.kz", first_name="Бөтен")
    completion = CourseCompletion.objects.create(
        user=account, course=guide_course, language="kk"
    )
    certificate = certificates.issue_certificate(completion)
    Partnership.objects.create(
        inviter=partner,
        invitee=account,
        invitee_iin_hash=account.iin_hash,
        status=PartnershipStatus.ACTIVE,
    )
    mail.outbox.clear()
    return account, certificate


def test_the_confirmed_holder_claims_the_iin_and_signs_up(
    client, egov, squatter, django_capture_on_commit_callbacks
):
    account, certificate = squatter

    stopped = provider_answers(client, iin=IIN)
    assert stopped["Location"] == "/accounts/iin/claim/"

    page = client.get("/accounts/iin/claim/", HTTP_ACCEPT_LANGUAGE="ru")
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert iin_tools.mask_iin(IIN) in html and IIN not in html
    assert tr("Claim my IIN and sign up", "ru") in html
    assert "/accounts/login/?next=%2Faccounts%2F3rdparty%2F" in html
    account.refresh_from_db()
    assert account.iin == IIN  # nothing changes before the claim

    claimed = client.post("/accounts/iin/claim/")
    assert claimed["Location"] == "/accounts/3rdparty/signup/"
    account.refresh_from_db()
    assert account.iin == IIN  # taken only with the new account

    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post(
            "/accounts/3rdparty/signup/", {"email": "dana@example.kz", "consent": "on"}
        )
    assert signed_up.status_code == 302
    holder = User.objects.get(email="dana@example.kz")
    assert holder.iin == IIN and holder.iin_confirmed_at is not None
    assert SocialAccount.objects.get(user=holder).uid == "egov-subject-1"

    account.refresh_from_db()
    assert account.iin_hash is None and account.iin is None
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert "eGov" in certificate.revocation_reason
    assert not Partnership.objects.filter(status=PartnershipStatus.ACTIVE).exists()
    # The holder is asked to confirm the new address; the one who typed the IIN
    # is told it went to its holder.
    (notice,) = [m for m in mail.outbox if m.to == ["squatter@example.kz"]]
    assert [m.to for m in mail.outbox if m is not notice] == [["dana@example.kz"]]
    assert "eGov" in notice.body and IIN not in notice.body
    assert client.get("/accounts/iin/claim/")["Location"] == "/accounts/login/"


def unchanged(account, certificate) -> bool:
    account.refresh_from_db()
    certificate.refresh_from_db()
    return (
        account.iin == IIN
        and certificate.status == CertificateStatus.VALID
        and Partnership.objects.filter(status=PartnershipStatus.ACTIVE).exists()
        and mail.outbox == []
    )


def test_a_claim_left_before_signing_up_changes_nothing(client, egov, squatter):
    provider_answers(client, iin=IIN)
    client.post("/accounts/iin/claim/")
    refused = client.post("/accounts/3rdparty/signup/", {"email": "dana@example.kz"})
    assert refused.status_code == 200  # no consent: no account, no claim
    assert unchanged(*squatter)
    assert User.objects.filter(email="dana@example.kz").count() == 0


def test_an_iin_confirmed_through_egov_cannot_be_claimed(client, egov):
    owner = UserFactory(iin=IIN)
    owner.confirm_iin()
    owner.save()

    stopped = provider_answers(client, iin=IIN)
    assert stopped["Location"] == "/accounts/login/"
    assert stopped.messages == [tr(CONFIRMED_IIN_TAKEN, "kk")]
    assert client.get("/accounts/iin/claim/")["Location"] == "/accounts/login/"
    owner.refresh_from_db()
    assert owner.iin == IIN


def test_a_claim_confirmed_meanwhile_by_the_account_changes_nothing(
    client, egov, squatter
):
    account, certificate = squatter
    provider_answers(client, iin=IIN)
    assert client.get("/accounts/iin/claim/").status_code == 200
    account.confirm_iin()  # its owner signed in with eGov in between
    account.save()

    refused = client.post("/accounts/iin/claim/")
    assert refused["Location"] == "/accounts/login/"
    assert unchanged(account, certificate)


@pytest.mark.parametrize("when", ["before the form", "while the form saves"])
def test_an_iin_confirmed_before_the_sign_up_ends_is_not_taken(
    client, egov, squatter, monkeypatch, when
):
    from lms.forms import IIN_TAKEN

    account, certificate = squatter
    provider_answers(client, iin=IIN)
    client.post("/accounts/iin/claim/")
    if when == "before the form":
        account.confirm_iin()
        account.save()
    else:  # after the form's check, before the account is written
        from lms import iin_claims

        release = iin_claims.release_iin

        def confirmed_first(iin):
            User.objects.filter(pk=account.pk).update(
                iin_confirmed_at=account.date_joined
            )
            return release(iin)

        monkeypatch.setattr(iin_claims, "release_iin", confirmed_first)

    refused = client.post(
        "/accounts/3rdparty/signup/",
        {"email": "dana@example.kz", "consent": "on"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert refused.status_code == 200
    assert tr(IIN_TAKEN, "ru") in unescape(refused.content.decode())
    account.refresh_from_db()
    certificate.refresh_from_db()
    assert account.iin == IIN and certificate.status == CertificateStatus.VALID
    assert User.objects.filter(email="dana@example.kz").count() == 0


def test_the_claim_page_needs_a_pending_provider_sign_up(client):
    assert client.get("/accounts/iin/claim/")["Location"] == "/accounts/login/"
    assert client.post("/accounts/iin/claim/")["Location"] == "/accounts/login/"
    session = client.session
    session["lms_iin_claim"] = {"broken": True}
    session.save()
    assert client.get("/accounts/iin/claim/")["Location"] == "/accounts/login/"


def test_a_returning_provider_user_has_the_iin_confirmed(client, egov):
    user = UserFactory(iin=IIN, email="dana@example.kz")
    SocialAccount.objects.create(user=user, provider="egov", uid="egov-subject-1")
    assert provider_answers(client, iin=IIN) is None
    user.refresh_from_db()
    assert user.iin_confirmed_at is not None


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_sign_up_with_a_typed_iin_taken_points_to_egov(client, egov, language):
    from lms.forms import IIN_CLAIM_HINT, IIN_TAKEN
    from tests.lms.test_signup import SIGNUP_URL, field_errors, signup_data

    holder = UserFactory(iin=IIN, email="first@example.kz")
    form = signup_data(iin=IIN, email="second@example.kz")
    response = client.post(SIGNUP_URL, form, HTTP_ACCEPT_LANGUAGE=language)
    hint = tr(IIN_CLAIM_HINT, language) % {"provider": "eGov ID"}
    assert field_errors(response, "iin") == [tr(IIN_TAKEN, language), hint]

    holder.confirm_iin()
    holder.save()
    response = client.post(SIGNUP_URL, form, HTTP_ACCEPT_LANGUAGE=language)
    assert field_errors(response, "iin") == [tr(IIN_TAKEN, language)]
    assert User.objects.count() == 1


def test_the_dashboard_offers_to_confirm_a_typed_iin(client, egov, learner, settings):
    client.force_login(learner)
    url = "/ru/dashboard/"
    html = unescape(client.get(url).content.decode())
    invitation = tr(
        "Your IIN was typed in, not confirmed. Confirm it through %(provider)s: "
        "then no one else can claim it.",
        "ru",
    ) % {"provider": "eGov ID"}
    assert invitation in html
    assert (
        'action="/accounts/oidc/egov/login/?process=connect&next=%2Fru%2Fdashboard%2F"'
        in html
    )

    learner.confirm_iin()
    learner.save()
    assert invitation not in unescape(client.get(url).content.decode())

    learner.iin_confirmed_at = None
    learner.save()
    settings.SOCIALACCOUNT_PROVIDERS = {}  # no eGov to confirm it with
    assert invitation not in unescape(client.get(url).content.decode())
