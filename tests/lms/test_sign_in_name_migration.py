"""Migration lms.0007 makes sign-in names unique whatever their case; names given
before that may clash ("admin" and "ADMIN"), and each stays with its first holder."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

BEFORE = [("lms", "0006_sign_in_name_format")]
AFTER = [("lms", "0007_sign_in_name_unique_in_any_case")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_names_clashing_in_case_stay_with_their_first_holder(capsys):
    old = _migrate(BEFORE)
    try:
        User = old.get_model("lms", "User")

        def user(email, name):
            return User.objects.create(email=email, password="!", sign_in_name=name)

        admin = user("admin@example.kz", "admin")
        copy = user("copy@example.kz", "ADMIN")
        other_copy = user("other-copy@example.kz", "Admin")
        marat = user("marat@example.kz", "marat")
        learners = [user(f"learner{n}@example.kz", None) for n in range(3)]
        capsys.readouterr()
    finally:
        new = _migrate(AFTER)

    names = dict(new.get_model("lms", "User").objects.values_list("pk", "sign_in_name"))
    assert names[admin.pk] == "admin"
    assert names[copy.pk] is None and names[other_copy.pk] is None
    assert names[marat.pk] == "marat"
    assert all(names[learner.pk] is None for learner in learners)
    report = capsys.readouterr().out
    assert f"user {copy.pk} lost the sign-in name 'ADMIN'" in report
    assert f"user {other_copy.pk} lost the sign-in name 'Admin'" in report
    assert "marat" not in report


@pytest.mark.django_db(transaction=True)
def test_without_clashes_the_migration_changes_nothing(capsys):
    old = _migrate(BEFORE)
    try:
        User = old.get_model("lms", "User")
        admin = User.objects.create(
            email="admin@example.kz", password="!", sign_in_name="admin"
        )
        capsys.readouterr()
    finally:
        new = _migrate(AFTER)
    user = new.get_model("lms", "User").objects.get(pk=admin.pk)
    assert user.sign_in_name == "admin"
    assert "lost the sign-in name" not in capsys.readouterr().out
