"""Database helpers for hot paths."""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def bound_cursor(using: str = DEFAULT_DB_ALIAS):
    """A cursor for the database ``using`` whose parameters PostgreSQL binds itself.

    Django's psycopg cursors bind parameters on the client and send each statement
    as literal SQL text, which PostgreSQL has to parse afresh; for a short statement
    that costs about twice the CPU of server-side binding, on both ends. The
    project-wide ``server_side_binding`` option would switch every query over,
    including framework queries that do not support it; this cursor is for the
    few hand-written statements on hot paths (heartbeats, the signed-in user).
    Other databases get Django's ordinary cursor.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        cursor = connection.make_debug_cursor(raw)
    else:
        cursor = connection.make_cursor(raw)
    with cursor:
        yield cursor
