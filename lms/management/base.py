"""What the project's management commands share.

``DatabaseCommand``: a command run while the database cannot be reached (from
cron, during an outage) ends with one line saying so — which database, and what
the driver said — and exit status 1, instead of a traceback through the ORM. The
database is named as ``DATABASE_URL`` would give it, without its password.
Other database errors keep their traceback (``lms.outage.is_connection_failure``).
"""

from urllib.parse import quote

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from lms import outage


class DatabaseCommand(BaseCommand):
    """A ``BaseCommand`` that reports an unreachable database as a CommandError."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except Exception as exc:
            if not outage.is_connection_failure(exc):
                raise
            raise CommandError(unreachable_message(exc)) from exc


def unreachable_message(exc: BaseException, alias: str = DEFAULT_DB_ALIAS) -> str:
    """ "The database cannot be reached (DATABASE_URL postgres://lms@db:5432/lms):
    connection failed: …", without the password."""
    text = outage.reason(exc)
    password = connections[alias].settings_dict.get("PASSWORD")
    if password:
        text = text.replace(str(password), "***")
    return f"The database cannot be reached (DATABASE_URL {described(alias)}): {text}"


def described(alias: str = DEFAULT_DB_ALIAS) -> str:
    """The database's address in DATABASE_URL's form, without a password."""
    database = connections[alias].settings_dict
    name = str(database.get("NAME") or "")
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    user = quote(str(database.get("USER") or ""), safe="")
    host = str(database.get("HOST") or "")
    if host.startswith("/"):
        host = quote(host, safe="")  # a socket's directory
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{user + '@' if user else ''}{host}{port}/{name}"
