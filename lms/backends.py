"""Authentication backends: Django's and allauth's, with a cheaper ``get_user``.

Every signed-in request loads its user by primary key. Django builds and compiles
that ORM query afresh each time, which costs several times what PostgreSQL needs
to answer it; here the statement is built once per database and the row is turned
into a user the way the ORM does (``Model.from_db`` after the fields' converters).
Everything else — password checks, permissions, allauth's login by e-mail or IIN —
is the parent backends' own.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from lms.db import bound_cursor


def user_by_pk(user_id):
    """The user with this primary key, or None."""
    User = get_user_model()
    alias = router.db_for_read(User)
    connection = connections[alias]
    sql, fields, converters = _statement(alias)
    try:
        pk = User._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a session holding garbage: nobody
        return None
    with bound_cursor(alias) as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, expression, functions in converters:
        for function in functions:
            values[index] = function(values[index], expression, connection)
    return User.from_db(alias, [field.attname for field in fields], values)


@cache
def _statement(alias):
    User = get_user_model()
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = list(User._meta.concrete_fields)
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"SELECT {columns} FROM {quote(User._meta.db_table)} "  # noqa: S608 - names from the model
        f"WHERE {quote(User._meta.pk.column)} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(User._meta.db_table)
        functions = connection.ops.get_db_converters(
            expression
        ) + field.get_db_converters(connection)
        if functions:
            converters.append((index, expression, functions))
    return sql, fields, converters


class FastGetUserMixin:
    def get_user(self, user_id):
        user = user_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user) -> bool:
        """A closed account is nobody's: however it was made active again, nobody
        signs in to it (docs/decisions/0008)."""
        if getattr(user, "closed_at", None):
            return False
        return super().user_can_authenticate(user)


class ModelBackend(FastGetUserMixin, DjangoModelBackend):
    """Django's ModelBackend (the Wagtail admin's password login)."""


class AuthenticationBackend(FastGetUserMixin, AllauthBackend):
    """allauth's backend (sign-in by e-mail or IIN, and OpenID Connect)."""
