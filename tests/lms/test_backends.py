"""The project's authentication backends load the signed-in user without the ORM's
query building, and must give exactly what the ORM gives."""

from django.contrib.auth import get_user_model
from django.test import Client

import pytest

from lms.backends import AuthenticationBackend, ModelBackend, user_by_pk
from lms.factories import UserFactory

User = get_user_model()


@pytest.mark.django_db
def test_user_by_pk_gives_what_the_orm_gives():
    user = UserFactory(first_name="Әйгерім", last_name="Нұрланқызы")
    loaded = user_by_pk(user.pk)
    expected = User.objects.get(pk=user.pk)
    assert type(loaded) is User
    assert not loaded._state.adding and loaded._state.db == "default"
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), (
            field.name
        )


@pytest.mark.django_db
@pytest.mark.parametrize("user_id", [0, 10**9, "x", None, "1; DROP TABLE lms_user"])
def test_unknown_or_malformed_ids_are_nobody(user_id):
    UserFactory()
    assert user_by_pk(user_id) is None


@pytest.mark.django_db
@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_inactive_users_are_not_signed_in(backend):
    user = UserFactory()
    assert backend().get_user(user.pk) == user
    user.is_active = False
    user.save()
    assert backend().get_user(user.pk) is None


@pytest.mark.django_db
def test_a_password_change_signs_out_other_sessions():
    user = UserFactory()
    client = Client()
    client.force_login(user, backend="lms.backends.AuthenticationBackend")
    assert client.get("/api/v1/progress/lessons/1").status_code != 401
    user.set_password("a new and long passphrase")
    user.save()
    assert client.get("/api/v1/progress/lessons/1").status_code == 401
