"""The users admin refuses an e-mail address or a sign-in name that another
account has in another case: sign-in finds both whatever their case."""

from html import unescape

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction

from wagtail.users.models import UserProfile

import pytest
from allauth.account.models import EmailAddress

from lms.factories import UserFactory
from lms.forms import LoginForm
from lms.models import SIGN_IN_NAME_TAKEN, User
from lms.wagtail_hooks import EMAIL_TAKEN
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

NEW_USER = {
    "first_name": "Марат",
    "last_name": "Оспанов",
    "password1": "Long-pass-phrase-42",
    "password2": "Long-pass-phrase-42",
    "is_active": "on",
}


@pytest.fixture
def superuser():
    return UserFactory(
        email="admin@example.kz",
        sign_in_name="admin",
        is_staff=True,
        is_superuser=True,
        first_name="Admin",
    )


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def learner1():
    return UserFactory(email="learner1@example.kz")


def errors_of(response, field: str) -> list[str]:
    """The codes of the field's errors on the form sent back."""
    assert response.status_code == 200, response.get("Location")
    return [error.code for error in response.context["form"].errors.as_data()[field]]


def shows(response, message, language: str = "kk") -> bool:
    return tr(message, language) in unescape(response.content.decode())


def edit_data(user, **changes) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name or "Имя",
        "last_name": user.last_name or "Фамилия",
        "is_active": "on",
    }
    return {**data, **changes}


# E-mail addresses -------------------------------------------------------------


def test_a_new_user_cannot_take_an_address_in_another_case(staff_client, learner1):
    response = staff_client.post(
        "/admin/users/new/", {**NEW_USER, "email": "LEARNER1@EXAMPLE.KZ"}
    )
    assert errors_of(response, "email") == ["email_taken"]
    assert shows(response, EMAIL_TAKEN)
    assert User.objects.filter(email__iexact="learner1@example.kz").count() == 1


def test_a_new_user_cannot_take_the_same_address(staff_client, learner1):
    response = staff_client.post(
        "/admin/users/new/", {**NEW_USER, "email": "learner1@example.kz"}
    )
    assert errors_of(response, "email") == ["email_taken"]
    assert shows(response, EMAIL_TAKEN)


def test_a_new_user_cannot_take_an_address_another_account_confirmed(
    staff_client, learner1
):
    EmailAddress.objects.create(
        user=learner1, email="second@example.kz", verified=True, primary=False
    )
    response = staff_client.post(
        "/admin/users/new/", {**NEW_USER, "email": "Second@Example.kz"}
    )
    assert errors_of(response, "email") == ["email_taken"]
    assert shows(response, EMAIL_TAKEN)


def test_a_new_user_with_a_free_address_is_added(staff_client, learner1):
    response = staff_client.post(
        "/admin/users/new/", {**NEW_USER, "email": "marat@example.kz"}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.filter(email="marat@example.kz").exists()


def test_an_edit_cannot_take_an_address_in_another_case(staff_client, learner1):
    other = UserFactory(email="other@example.kz")
    url = f"/admin/users/edit/{other.pk}/"
    response = staff_client.post(url, edit_data(other, email="LEARNER1@example.KZ"))
    assert errors_of(response, "email") == ["email_taken"]
    assert shows(response, EMAIL_TAKEN)
    other.refresh_from_db()
    assert other.email == "other@example.kz"


def test_an_edit_may_keep_or_recase_the_users_own_address(staff_client, learner1):
    url = f"/admin/users/edit/{learner1.pk}/"
    response = staff_client.post(url, edit_data(learner1))
    assert response.status_code == 302
    response = staff_client.post(url, edit_data(learner1, email="Learner1@example.kz"))
    assert response.status_code == 302
    learner1.refresh_from_db()
    assert learner1.email == "Learner1@example.kz"


def test_the_message_comes_in_russian_too(staff_client, superuser, learner1):
    profile = UserProfile.get_for_user(superuser)
    profile.preferred_language = "ru"
    profile.save()
    response = staff_client.post(
        "/admin/users/new/", {**NEW_USER, "email": "LEARNER1@EXAMPLE.KZ"}
    )
    assert errors_of(response, "email") == ["email_taken"]
    assert shows(response, EMAIL_TAKEN, "ru")


# Sign-in names ----------------------------------------------------------------


def test_a_sign_in_name_in_another_case_is_refused(staff_client, superuser):
    editor = UserFactory(email="marat@example.kz", is_staff=True)
    url = f"/admin/users/edit/{editor.pk}/"
    for taken in ("ADMIN", "Admin", "admin"):
        response = staff_client.post(url, edit_data(editor, sign_in_name=taken))
        assert errors_of(response, "sign_in_name") == ["sign_in_name_taken"]
        assert shows(response, SIGN_IN_NAME_TAKEN)
    editor.refresh_from_db()
    assert editor.sign_in_name is None


def test_a_staff_member_may_recase_their_own_sign_in_name(staff_client):
    editor = UserFactory(email="marat@example.kz", is_staff=True, sign_in_name="marat")
    url = f"/admin/users/edit/{editor.pk}/"
    response = staff_client.post(url, edit_data(editor, sign_in_name="Marat"))
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.sign_in_name == "Marat"


def test_the_database_refuses_a_sign_in_name_in_another_case(superuser):
    editor = UserFactory(email="marat@example.kz", is_staff=True)
    editor.sign_in_name = "ADMIN"
    with pytest.raises(IntegrityError), transaction.atomic():
        editor.save(update_fields=["sign_in_name"])
    # Any number of accounts have none.
    UserFactory(email="a@example.kz")
    UserFactory(email="b@example.kz")
    assert User.objects.filter(sign_in_name=None).count() == 3


def test_model_validation_says_why(superuser):
    from django.core.exceptions import ValidationError

    editor = UserFactory(email="marat@example.kz", is_staff=True)
    editor.sign_in_name = "ADMIN"
    with pytest.raises(ValidationError) as error:
        editor.validate_constraints()
    assert tr(SIGN_IN_NAME_TAKEN, "kk") in error.value.messages


def test_sign_in_by_name_finds_the_one_account_in_any_case(superuser):
    assert LoginForm._email_for_sign_in_name("ADMIN") == "admin@example.kz"
    assert LoginForm._email_for_sign_in_name("admin") == "admin@example.kz"
    assert LoginForm._email_for_sign_in_name("nobody") == (
        "nobody@sign-in-name.invalid"
    )


# Wagtail's "no permission" ----------------------------------------------------

PERMISSION_DENIED = "Sorry, you do not have permission to access this area."


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_no_permission_is_said_in_the_admin_language(client, language):
    officers = Group.objects.create(name="Certificate officers")
    officers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_certificate"),
    )
    officer = UserFactory(email="officer@example.kz")
    officer.groups.add(officers)
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = language
    profile.save()
    client.force_login(officer)

    browser = "ru" if language == "en" else "en"
    response = client.get("/admin/users/", HTTP_ACCEPT_LANGUAGE=browser, follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    shown = [str(message).strip() for message in response.context["messages"]]
    if language == "en":
        expected = PERMISSION_DENIED
    else:
        expected = tr(PERMISSION_DENIED, language)
    assert shown == [expected]
    assert expected in unescape(response.content.decode())


def test_no_permission_without_a_profile_is_said_in_the_browsers_language(client):
    officer = UserFactory(email="officer@example.kz")
    officer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(officer)
    response = client.get("/admin/users/", HTTP_ACCEPT_LANGUAGE="ru", follow=True)
    shown = [str(message).strip() for message in response.context["messages"]]
    assert shown == [tr(PERMISSION_DENIED, "ru")]
