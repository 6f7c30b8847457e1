"""What the benchmarks share: production settings for a server on 127.0.0.1, a
PostgreSQL database of their own, gunicorn started and stopped around a run, and
keep-alive connections spread evenly over its workers."""

import asyncio
import collections
import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

HOST = "127.0.0.1"
PING_PATH = "/api/v1/progress/ping"


def production_env(
    *, database: str, redis_db: int, cache_prefix: str, port: int, iin_key: str
) -> dict:
    """Environment for production settings against local services (plain HTTP, a
    fresh signing key); ``bench.settings`` adds the floor endpoints."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{database}",
        "REDIS_URL": f"redis://{HOST}:6379/{redis_db}",
        "CACHE_KEY_PREFIX": cache_prefix,
        "IIN_HASH_KEY": iin_key,
        "CERTIFICATE_SIGNING_KEY": pem,
        "SITE_URL": f"http://{HOST}:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def psql(sql: str) -> str:
    """Run one statement as the ``postgres`` user; its output, unaligned."""
    return subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-q", "-tAc", sql],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def prepare_database(name: str, *, fresh: bool) -> None:
    """Create the database (dropped first when ``fresh``) and migrate it; Django
    must be set up with settings pointing at it."""
    if fresh:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608
    if not exists:
        psql(f"CREATE DATABASE {name}")
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def start_server(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn (gthread) serving the project on ``port``, once it answers."""
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv/bin/gunicorn"),
            "lms.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "600",  # connections stay open through every round
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env={**os.environ, **env},
        start_new_session=True,
    )
    for _ in range(150):
        try:
            with urllib.request.urlopen(
                f"http://{HOST}:{port}{PING_PATH}", timeout=1
            ) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# Connections ------------------------------------------------------------------


async def exchange(conn, request: bytes, port: int):
    """Send one request on a keep-alive connection (opened when ``conn`` is None);
    return (status, body, conn), conn None once the server has closed it."""
    if conn is None:
        conn = await asyncio.open_connection(HOST, port)
    reader, writer = conn
    writer.write(request)
    status_line = await reader.readline()
    if not status_line:
        writer.close()
        return None, b"", None
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            close = True
    body = await reader.readexactly(length)
    if close:
        writer.close()
        conn = None
    return int(status_line[9:12]), body, conn


def connections_per_worker(port: int) -> collections.Counter:
    """How many established connections each gunicorn worker holds on ``port``."""
    listing = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return collections.Counter(int(pid) for pid in re.findall(r"pid=(\d+)", listing))


async def balanced_connections(port: int, count: int, workers: int, request: bytes):
    """``count`` keep-alive connections, spread over the server's ``workers`` as
    evenly as they divide.

    Which worker accepts a connection is a race; left to it, all of a round's
    connections may end up in one worker, one process on one CPU, and that round
    measures half the machine. A connection that lands on a worker already holding
    its share is closed and opened again. ``request`` (answered 200) is sent on
    each so that a worker has accepted it."""
    share = -(-count // workers)  # ceiling
    conns = []
    for _attempt in range(count * 50):
        if len(conns) == count:
            return conns
        status, _body, conn = await exchange(None, request, port)
        if status != 200 or conn is None:
            raise SystemExit(f"the server on port {port} answered {status}")
        if max(connections_per_worker(port).values()) <= share:
            conns.append(conn)
        else:
            conn[1].close()
            await conn[1].wait_closed()
            await asyncio.sleep(0.01)  # let the worker see the close
    raise SystemExit(f"could not spread {count} connections over {workers} workers")


# Loading many rows ---------------------------------------------------------------


# The bench learners: ``g`` is the number of each row of a generate_series.
USER_COLUMNS = {
    "email": "'bench' || g || '@example.kz'",
    "password": "'!'",
    "first_name": "'Айгерім'",
    "last_name": "'Бекова'",
    "is_superuser": "false",
    "is_staff": "false",
    "is_active": "true",
    "date_joined": "now()",
    "iin_encrypted": "''",
    "preferred_language": "'kk'",
}


def insert_select(
    table: str, columns: dict[str, str], source: str, unset: tuple[str, ...] = ()
) -> str:
    """``INSERT INTO table (…) SELECT … FROM source``, the columns ``columns``
    names filled with their SQL expressions, and every other NOT NULL column
    without a default, except those in ``unset``, with a plain value (``filler``)."""
    columns = {**columns, **filler(table, set(columns) | set(unset))}
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(columns.values())} FROM {source}"
    )


def filler(table: str, given: set[str]) -> dict[str, str]:
    """SQL literals for NOT NULL columns without a default that we do not set."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        )
        rows = cursor.fetchall()
    literals = {"boolean": "false", "integer": "0", "bigint": "0", "jsonb": "'{}'"}
    return {
        name: literals.get(kind, "now()" if "timestamp" in kind else "''")
        for name, kind in rows
        if name not in given and name != "id"
    }


@contextlib.contextmanager
def bulk_mode(cursor, table: str):
    """Load ``table`` without maintaining its plain indexes row by row (they are
    rebuilt afterwards from their own definitions) and without per-row foreign-key
    triggers (the rows reference users and courses made just before)."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = origin")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
