"""A learner closes their account: their identity is erased, their certificates
revoked, their sessions ended; the anonymous learning record stays."""

import json
from html import unescape

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.utils import timezone

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from certificates import services as certificates
from certificates.models import Certificate, CertificateStatus
from lms import account_closure
from lms.factories import VALID_IINS, UserFactory
from lms.forms import CloseAccountForm
from lms.models import User
from progress.models import CourseCompletion, Partnership, PartnershipStatus
from registry.models import WebhookDelivery
from registry.services import create_client
from tests.conftest import forget_cache_keys
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

PASSWORD = "Sunny-Steppe-2026"
IIN = VALID_IINS[0]


@pytest.fixture(autouse=True)
def fresh_attempts():
    forget_cache_keys("*ratelimit:account:close*")
    yield
    forget_cache_keys("*ratelimit:account:close*")


@pytest.fixture
def holder(guide_course, partner):
    """A learner who finished the guide, holds its certificate and is linked with a
    partner; signed in with a password."""
    user = UserFactory(
        iin=IIN,
        email="aliya@example.kz",
        first_name="Әлия",
        last_name="Қасымова",
        preferred_language="ru",
        region="almaty",
    )
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True)
    completion = CourseCompletion.objects.create(
        user=user, course=guide_course, language="kk"
    )
    certificate = certificates.issue_certificate(completion)
    assert certificate.pdf and certificate.credential
    Partnership.objects.create(
        inviter=user,
        invitee=partner,
        invitee_iin_hash=partner.iin_hash,
        status=PartnershipStatus.ACTIVE,
    )
    mail.outbox.clear()
    return user, certificate


@pytest.fixture
def signed_in(client, holder):
    client.force_login(holder[0])
    return client


def close(client, **data):
    body = {"password": PASSWORD, "understood": "on", **data}
    return client.post("/accounts/close/", {k: v for k, v in body.items() if v})


def test_the_page_says_what_is_erased_and_what_stays(signed_in):
    page = signed_in.get("/accounts/close/", HTTP_ACCEPT_LANGUAGE="ru")
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert tr("What is erased", "ru") in html and tr("What stays", "ru") in html
    assert 'name="password"' in html and 'name="iin"' not in html
    assert 'name="understood"' in html
    assert "/accounts/close/" in signed_in.get("/kk/dashboard/").content.decode()


def test_closing_erases_the_identity_and_revokes_the_certificates(
    signed_in, holder, partner, django_capture_on_commit_callbacks
):
    user, certificate = holder
    pdf = certificate.pdf
    hooked, _token = create_client(
        "ЗАГС", webhook_url="https://registry.example.kz/hooks"
    )
    other_session = Client()
    other_session.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = close(signed_in)

    assert response.status_code == 302 and response["Location"] == "/"
    assert SESSION_KEY not in signed_in.session
    user.refresh_from_db()
    assert user.closed_at is not None and not user.is_active
    assert user.email == f"closed-{user.pk}@accounts.invalid"
    assert (user.first_name, user.last_name, user.iin_hash, user.iin) == (
        "",
        "",
        None,
        None,
    )
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revocation_reason
    assert (certificate.holder_name, certificate.credential, certificate.pdf.name) == (
        "",
        "",
        "",
    )
    assert not pdf.storage.exists(pdf.name)
    (event,) = WebhookDelivery.objects.filter(client=hooked)
    assert event.payload["type"] == "certificate.revoked"
    assert event.payload["data"]["certificate_number"] == certificate.number

    partnership = Partnership.objects.get()
    assert partnership.status == PartnershipStatus.ENDED
    # The anonymous learning record stays for the statistics.
    assert CourseCompletion.objects.filter(user=user).exists()
    assert user.region == "almaty"

    (notice,) = mail.outbox
    assert notice.to == ["aliya@example.kz"]
    site = settings.SITE_URL.split("://")[1]
    assert notice.subject == f"[{site}] " + tr("Your account has been closed", "ru")
    assert notice.body.rstrip().endswith(site)  # the footer names the site
    assert IIN not in notice.body
    assert tr("You closed your account.", "ru") in notice.body
    # Bad news for some: where to find help, and how to come back.
    assert "150 — " + tr("Domestic violence, 24/7", "ru") in notice.body
    assert "111 — " + tr("Family and children's rights", "ru") in notice.body
    assert f"{settings.SITE_URL}/accounts/signup/?lang=ru" in notice.body

    # Every other session of the account has ended.
    assert other_session.get("/kk/dashboard/").status_code == 302
    assert "/accounts/login/" in other_session.get("/kk/dashboard/")["Location"]


def test_the_closed_account_cannot_sign_in_and_its_person_can_sign_up_again(
    client, signed_in, holder, settings, django_capture_on_commit_callbacks
):
    from lms.settings import base

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    forget_cache_keys("*allauth:rl:allauth.account:confirm_email:*")
    user, _certificate = holder
    # A confirmation e-mail went to the address a moment ago: allauth sends the
    # next one to it only minutes later, but not to a new account of the person.
    signed_in.post("/accounts/email/", {"email": user.email, "action_send": ""})
    assert [m.to for m in mail.outbox] == [[user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        close(signed_in)

    for login in ("aliya@example.kz", IIN):
        refused = client.post(
            "/accounts/login/", {"login": login, "password": PASSWORD}
        )
        assert refused.status_code == 200 and SESSION_KEY not in client.session

    again = client.post(
        "/accounts/signup/",
        {
            "iin": IIN,
            "first_name": "Әлия",
            "last_name": "Қасымова",
            "email": "aliya@example.kz",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "consent": "on",
        },
    )
    assert again.status_code == 302
    fresh = User.objects.get(email="aliya@example.kz")
    assert fresh.pk != user.pk and fresh.iin == IIN
    confirmations = [m for m in mail.outbox if "/accounts/confirm-email/" in m.body]
    assert len(confirmations) == 2 and confirmations[-1].to == [fresh.email]


def test_the_revoked_certificate_answers_revoked_to_checks(client, signed_in, holder):
    _user, certificate = holder
    _client, token = create_client("ЗАГС")
    close(signed_in)

    page = client.get(f"/certificates/verify/{certificate.number}/", follow=True)
    assert page.status_code == 200
    assert 'data-status="revoked"' in page.content.decode()

    def registry(path, body):
        return client.post(
            f"/api/v1/registry/{path}",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        ).json()

    checked = registry("verify", {"certificate_number": certificate.number, "iin": IIN})
    assert checked["status"] == "revoked"
    (status,) = registry("guide-status", {"iins": [IIN]})["results"]
    assert status["completed"] is False


@pytest.mark.parametrize(
    ("data", "field"),
    [({"password": "not-my-password"}, "password"), ({"understood": ""}, "understood")],
)
def test_a_wrong_password_or_no_acknowledgement_changes_nothing(
    signed_in, holder, data, field
):
    user, certificate = holder
    refused = close(signed_in, **data)
    assert refused.status_code == 400
    assert refused.context["form"].has_error(field)
    user.refresh_from_db()
    certificate.refresh_from_db()
    assert user.is_active and user.closed_at is None and user.iin == IIN
    assert certificate.status == CertificateStatus.VALID
    assert mail.outbox == []


def test_an_empty_form_says_what_is_missing(signed_in, holder):
    refused = signed_in.post("/accounts/close/", {})
    assert refused.status_code == 400
    assert refused.context["form"].has_error("password")
    assert refused.context["form"].has_error("understood")


def test_password_guesses_are_limited(signed_in, holder):
    user, _certificate = holder
    for _attempt in range(CloseAccountForm.ATTEMPTS):
        assert close(signed_in, password="guess").status_code == 400
    throttled = close(signed_in)
    assert throttled.status_code == 400
    assert throttled.context["form"].has_error("__all__", "throttled")
    user.refresh_from_db()
    assert user.closed_at is None


def test_an_account_without_a_password_confirms_with_its_iin(client, guide_course):
    user = UserFactory(iin=VALID_IINS[2], email="egov@example.kz")
    user.set_unusable_password()
    user.save()
    SocialAccount.objects.create(user=user, provider="openid_connect", uid="egov-1")
    client.force_login(user)

    page = client.get("/accounts/close/")
    assert 'name="iin"' in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    wrong = client.post("/accounts/close/", {"iin": VALID_IINS[0], "understood": "on"})
    assert wrong.status_code == 400 and wrong.context["form"].has_error("iin")

    closed = client.post("/accounts/close/", {"iin": VALID_IINS[2], "understood": "on"})
    assert closed.status_code == 302
    user.refresh_from_db()
    assert user.closed_at is not None
    assert not SocialAccount.objects.filter(user=user).exists()


def test_an_account_with_neither_password_nor_iin_closes_with_the_tick(client):
    user = UserFactory(email="egov@example.kz")
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    page = client.get("/accounts/close/").content.decode()
    assert 'name="iin"' not in page and 'name="password"' not in page
    refused = client.post("/accounts/close/", {})
    assert refused.status_code == 400
    assert client.post("/accounts/close/", {"understood": "on"}).status_code == 302
    user.refresh_from_db()
    assert user.closed_at is not None


def test_staff_accounts_are_closed_by_an_administrator(client):
    editor = UserFactory(is_staff=True)
    editor.set_password(PASSWORD)
    editor.save()
    client.force_login(editor)
    assert client.get("/accounts/close/").status_code == 403
    assert close(client).status_code == 403
    editor.refresh_from_db()
    assert editor.is_active and editor.closed_at is None
    with pytest.raises(account_closure.StaffAccount):
        account_closure.close_account(editor)


def test_closing_twice_changes_nothing_more(holder, django_capture_on_commit_callbacks):
    user, _certificate = holder
    with django_capture_on_commit_callbacks(execute=True):
        assert account_closure.close_account(user) is True
    closed_at = User.objects.get(pk=user.pk).closed_at
    with django_capture_on_commit_callbacks(execute=True):
        assert account_closure.close_account(user) is False
    assert User.objects.get(pk=user.pk).closed_at == closed_at
    assert len(mail.outbox) == 1
    assert Certificate.objects.get().status == CertificateStatus.REVOKED


def test_invitations_sent_are_withdrawn(client, guide_course):
    inviter = UserFactory(iin=VALID_IINS[0])
    Partnership.objects.create(
        inviter=inviter, invitee_iin_hash="0" * 64, status=PartnershipStatus.PENDING
    )
    account_closure.close_account(inviter)
    assert Partnership.objects.get().status == PartnershipStatus.CANCELLED


def test_signing_in_is_needed(client):
    response = client.get("/accounts/close/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_links_and_answers_no_longer_carry_the_closed_accounts_iin(guide_course):
    """The inviters stay named; the IIN hash that tied the closed account to
    them goes. An invitation not yet answered stays addressed to the IIN, for
    whoever holds it next (decision 0007)."""
    person = UserFactory(iin=VALID_IINS[0])
    linked, declined, waiting = UserFactory(), UserFactory(), UserFactory()
    Partnership.objects.create(
        inviter=linked,
        invitee=person,
        invitee_iin_hash=person.iin_hash,
        status=PartnershipStatus.ACTIVE,
    )
    Partnership.objects.create(
        inviter=declined,
        invitee_iin_hash=person.iin_hash,
        status=PartnershipStatus.DECLINED,
        responded_at=timezone.now(),
    )
    Partnership.objects.create(
        inviter=waiting,
        invitee_iin_hash=person.iin_hash,
        status=PartnershipStatus.PENDING,
    )
    iin_hash = person.iin_hash

    account_closure.close_account(person)

    left = dict(Partnership.objects.values_list("inviter", "invitee_iin_hash"))
    assert left == {linked.pk: "", declined.pk: "", waiting.pk: iin_hash}
    assert Partnership.objects.get(inviter=linked).status == PartnershipStatus.ENDED
