from html import unescape

from django.core import mail
from django.utils import timezone

import pytest

from lms import iin as iin_tools
from lms.factories import VALID_IINS, UserFactory
from lms.models import User
from tests.lms.i18n import tr


@pytest.fixture
def staff_client(client, db):
    admin = UserFactory(
        email="admin@example.kz", is_staff=True, is_superuser=True, first_name="Admin"
    )
    client.force_login(admin)
    return client


@pytest.fixture
def learner_with_iin(db):
    return UserFactory(
        iin=VALID_IINS[0],
        email="aigerim@example.kz",
        consent_at=timezone.now(),
    )


def test_users_listing_shows_the_iin_masked(staff_client, learner_with_iin):
    response = staff_client.get("/admin/users/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "aigerim@example.kz" in html
    assert "79********28" in html
    assert VALID_IINS[0] not in html
    assert learner_with_iin.iin_hash not in html
    assert learner_with_iin.iin_encrypted not in html


def test_users_are_found_by_the_whole_iin(staff_client, learner_with_iin):
    UserFactory(email="other@example.kz", iin=VALID_IINS[1])
    response = staff_client.get("/admin/users/", {"q": "791 028 302 728"})
    html = response.content.decode()
    assert "aigerim@example.kz" in html
    assert "other@example.kz" not in html


def test_users_are_found_by_full_name_in_any_order(staff_client, learner_with_iin):
    UserFactory(email="other@example.kz", first_name="Нұрлан", last_name="Бекова")
    for typed in ("Айгерім Бекова", "Бекова Айгерім"):
        html = staff_client.get("/admin/users/", {"q": typed}).content.decode()
        assert "aigerim@example.kz" in html, typed
        assert "other@example.kz" not in html, typed


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_users_listing_has_no_export_of_blank_lines(
    staff_client, learner_with_iin, export
):
    for url in ("/admin/users/", "/admin/users/results/"):
        response = staff_client.get(url, {"export": export})
        assert response.status_code == 404
        assert "Content-Disposition" not in response
    assert staff_client.get("/admin/users/").status_code == 200


def test_edit_form_shows_the_iin_masked_and_cannot_change_it(
    staff_client, learner_with_iin
):
    url = f"/admin/users/edit/{learner_with_iin.pk}/"
    response = staff_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="79********28"' in html
    assert 'name="iin_confirmed"' in html
    assert VALID_IINS[0] not in html
    assert learner_with_iin.iin_hash not in html
    assert 'name="iin_hash"' not in html and 'name="iin_encrypted"' not in html

    response = staff_client.post(
        url,
        {
            "email": "aigerim@example.kz",
            "first_name": "Айгерім",
            "last_name": "Ахметова",
            "is_active": "on",
            "iin_masked": VALID_IINS[1],
            "iin_hash": iin_tools.iin_hash(VALID_IINS[1]),
            "iin_encrypted": "forged",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    learner = User.objects.get(pk=learner_with_iin.pk)
    assert learner.last_name == "Ахметова"
    assert learner.iin == VALID_IINS[0]
    assert learner.iin_hash == iin_tools.iin_hash(VALID_IINS[0])


def test_staff_can_add_a_user(staff_client):
    response = staff_client.post(
        "/admin/users/new/",
        {
            "email": "editor@example.kz",
            "first_name": "Editor",
            "last_name": "One",
            "password1": "Long-pass-phrase-42",
            "password2": "Long-pass-phrase-42",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.filter(email="editor@example.kz", iin_hash=None).exists()


def test_admin_pages_ask_no_outside_service(staff_client, learner_with_iin):
    edit_url = f"/admin/users/edit/{learner_with_iin.pk}/"
    for url in ("/admin/", "/admin/users/", edit_url):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "gravatar.com" not in html, url
        assert "releases.wagtail.org" not in html, url
        assert "data-w-upgrade" not in html, url


def test_a_closed_account_shows_when_and_cannot_be_made_active(
    staff_client, learner_with_iin
):
    from lms.account_closure import close_account

    close_account(learner_with_iin)
    learner = User.objects.get(pk=learner_with_iin.pk)
    url = f"/admin/users/edit/{learner.pk}/"
    html = staff_client.get(url).content.decode()
    assert 'name="account_closed_at"' in html

    response = staff_client.post(
        url, {"email": learner.email, "first_name": "Someone", "is_active": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("is_active")
    learner.refresh_from_db()
    assert not learner.is_active and learner.first_name == ""


def test_open_accounts_show_no_closing_time(staff_client, learner_with_iin):
    html = staff_client.get(f"/admin/users/edit/{learner_with_iin.pk}/").content
    assert b'name="account_closed_at"' not in html


def test_staff_close_an_account_on_its_holders_written_request(
    staff_client, learner_with_iin, guide_course, django_capture_on_commit_callbacks
):
    from certificates import services as certificates
    from progress.models import CourseCompletion

    certificate = certificates.issue_certificate(
        CourseCompletion.objects.create(
            user=learner_with_iin, course=guide_course, language="kk"
        )
    )
    edit = staff_client.get(f"/admin/users/edit/{learner_with_iin.pk}/")
    url = f"/admin/users/close/{learner_with_iin.pk}/"
    assert url in edit.content.decode()
    page = staff_client.get(url)
    assert page.status_code == 200

    refused = staff_client.post(url, {"request": "   "})
    assert refused.status_code == 200 and refused.context["form"].has_error("request")
    assert User.objects.get(pk=learner_with_iin.pk).closed_at is None

    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url, {"request": "Letter no. 17-04/112 of 1 Dec"})
    assert done["Location"] == f"/admin/users/edit/{learner_with_iin.pk}/"
    learner = User.objects.get(pk=learner_with_iin.pk)
    assert learner.closed_at is not None and learner.iin is None
    certificate.refresh_from_db()
    assert certificate.is_revoked and "17-04/112" in certificate.revocation_reason
    assert certificate.revoked_by.email == "admin@example.kz"
    notice = mail.outbox[-1]
    assert notice.to == ["aigerim@example.kz"]
    assert tr("Your account was closed at your request.", "kk") in notice.body
    assert tr("You closed your account.", "kk") not in notice.body
    # Closed: no button any more, and the page refuses.
    assert (
        url not in staff_client.get(f"/admin/users/edit/{learner.pk}/").content.decode()
    )
    assert staff_client.get(url).status_code == 302  # Wagtail's "no permission"


def test_staff_accounts_cannot_be_closed_this_way(staff_client):
    editor = UserFactory(email="editor@example.kz", is_staff=True)
    url = f"/admin/users/close/{editor.pk}/"
    assert (
        url not in staff_client.get(f"/admin/users/edit/{editor.pk}/").content.decode()
    )
    assert staff_client.post(url, {"request": "Letter"}).status_code == 302
    editor.refresh_from_db()
    assert editor.closed_at is None and editor.is_active


def test_only_those_who_edit_users_close_accounts(client, learner_with_iin):
    from django.contrib.auth.models import Permission

    moderator = UserFactory(email="moderator@example.kz", is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(moderator)
    url = f"/admin/users/close/{learner_with_iin.pk}/"
    assert client.post(url, {"request": "Letter"}).status_code == 302
    assert User.objects.get(pk=learner_with_iin.pk).closed_at is None


def test_staff_give_a_staff_member_a_sign_in_name(staff_client, db):
    editor = UserFactory(email="marat@example.kz", is_staff=True)
    other = UserFactory(email="dana@example.kz", is_staff=True)
    url = f"/admin/users/edit/{editor.pk}/"
    assert 'name="sign_in_name"' in staff_client.get(url).content.decode()
    data = {
        "email": editor.email,
        "first_name": "Марат",
        "last_name": "Оспанов",
        "is_active": "on",
    }
    response = staff_client.post(url, {**data, "sign_in_name": "791028302728"})
    assert response.status_code == 200  # never taken for an IIN
    message = (
        "Use Latin letters, digits, dots, hyphens and underscores, starting with "
        "a letter."
    )
    assert tr(message, "kk") in unescape(response.content.decode())
    assert staff_client.post(url, {**data, "sign_in_name": "marat"}).status_code == 302
    editor.refresh_from_db()
    assert editor.sign_in_name == "marat"
    # Staff without one keep none, however many.
    other_url = f"/admin/users/edit/{other.pk}/"
    response = staff_client.post(
        other_url, {**data, "email": other.email, "sign_in_name": ""}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.sign_in_name is None


def test_a_deactivated_staff_member_stays_staff_and_is_not_closed(staff_client):
    """Deactivating is how staff leave; their name stays with what they did."""
    from django.contrib.auth.models import Group, Permission

    officers = Group.objects.create(name="Officers")
    officers.permissions.add(Permission.objects.get(codename="access_admin"))
    officer = UserFactory(email="officer@example.kz", first_name="Дәурен")
    officer.groups.add(officers)
    officer.is_active = False
    officer.save()

    assert User.objects.get(pk=officer.pk).is_staff_member
    url = f"/admin/users/close/{officer.pk}/"
    assert (
        url not in staff_client.get(f"/admin/users/edit/{officer.pk}/").content.decode()
    )
    assert staff_client.post(url, {"request": "Letter"}).status_code == 302
    officer.refresh_from_db()
    assert officer.closed_at is None and officer.first_name == "Дәурен"


def test_a_closed_account_cannot_be_reopened_by_any_way(staff_client, learner_with_iin):
    from django.test import Client

    from lms.account_closure import close_account

    close_account(learner_with_iin)
    learner = User.objects.get(pk=learner_with_iin.pk)
    url = f"/admin/users/edit/{learner.pk}/"

    # No password through the form; its erased names are not asked for.
    response = staff_client.post(
        url,
        {
            "email": learner.email,
            "password1": "Reopen-pass-123",
            "password2": "Reopen-pass-123",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("password1")
    assert staff_client.post(url, {"email": learner.email})["Location"]  # saves
    learner.refresh_from_db()
    assert not learner.has_usable_password() and learner.first_name == ""

    # Nor made active in bulk.
    bulk = f"/admin/bulk/lms/user/set_active_state/?id={learner.pk}"
    staff_client.post(bulk, {"mark_as_active": "True"})
    learner.refresh_from_db()
    assert not learner.is_active

    # And were it active with a password, nobody signs in to it.
    learner.set_password("Reopen-pass-123")
    learner.is_active = True
    User.objects.filter(pk=learner.pk).update(is_active=True, password=learner.password)
    client = Client()
    signed_in = client.post(
        "/accounts/login/", {"login": learner.email, "password": "Reopen-pass-123"}
    )
    assert signed_in["Location"] == "/accounts/inactive/"
    assert "_auth_user_id" not in client.session
    client.force_login(learner)
    assert client.get("/kk/dashboard/").status_code == 302  # sent to sign in


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_staff_change_their_address_and_password_on_the_guarded_pages(
    staff_client, language
):
    """The admin's own account form would change them without asking for the
    password or telling anyone."""
    from wagtail.users.models import UserProfile

    admin = User.objects.get(email="admin@example.kz")
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = language
    profile.save()

    page = unescape(staff_client.get("/admin/account/").content.decode())
    assert 'href="/accounts/email/"' in page
    assert 'href="/accounts/password/change/"' in page
    assert (
        tr(
            "Changes ask for your password again, and your address is told of them.",
            language,
        )
        in page
    )
    assert 'name="name_email-email"' not in page
    assert 'name="password-old_password"' not in page

    staff_client.post(
        "/admin/account/",
        {"name_email-email": "taker@example.kz", "name_email-first_name": "Admin"},
    )
    admin.refresh_from_db()
    assert admin.email == "admin@example.kz"
