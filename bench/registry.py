"""Throughput and latency of the registry API against a trivial JSON view.

Runs the project with production settings under gunicorn on 127.0.0.1:8161, with
PostgreSQL (a dedicated database, recreated) and Redis (db 6), loads 10,000 and then
1,000,000 certificates (and their users) with INSERT … SELECT generate_series
(real numbers and keyed IIN hashes, sent with COPY, for the 5,000 asked about),
and measures, side by side in interleaved rounds:

- ``GET /api/v1/progress/ping`` — the trivial view (same middleware, no database);
- ``POST /api/v1/registry/verify`` — 4 in 5 for a real number and its holder's IIN,
  1 in 5 for a real number with another person's IIN;
- ``POST /api/v1/registry/guide-status`` — a couple: two IINs per call.

- ``POST /api/v1/bench/bearer-floor`` — the floor (``bench/urls.py``): the
  ``verify`` body parsed by the registry's own parser behind the same bearer
  authentication, answering a constant; no registry call can be faster.

Every registry call goes through bearer authentication, the rate limit and the audit
insert, as in production. Targets: each registry endpoint at ≥ 0.7× the trivial
view's throughput, and the 1,000,000 figures within 1.2× of the 10,000 ones.

    .venv/bin/python bench/registry.py            # 5 to 10 minutes
    .venv/bin/python bench/registry.py --round-seconds 3 --rounds 2 --sizes 10000

Not part of ``make test``. Uses only 127.0.0.1.
"""

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import random
import statistics
import sys
import time

import common

HOST, PORT = common.HOST, 8161
DATABASE = "lms_bench_registry"
IIN_KEY = "bench-iin-hash-key-" + "x" * 24
# Certificates get real numbers and real keyed IIN hashes (computed here) for a
# sample of this many, spread over the table; the others get values of the same
# shape straight from SQL, so a million rows load in seconds.
SAMPLE = 5000
ENDPOINTS = ("ping", "floor", "verify", "guide-status")
PATHS = {
    "ping": "/api/v1/progress/ping",
    "floor": "/api/v1/bench/bearer-floor",
    "verify": "/api/v1/registry/verify",
    "guide-status": "/api/v1/registry/guide-status",
}


def production_env() -> dict:
    return common.production_env(
        database=DATABASE,
        redis_db=6,
        cache_prefix="bench-registry",
        port=PORT,
        iin_key=IIN_KEY,
    )


# Test data -------------------------------------------------------------------


def iin_for(index: int) -> str:
    """A distinct valid IIN for every index: born on day index // 5000 after
    1 January 1970, a serial of 2 × (index % 5000) or the next one, and whichever
    century-and-sex digit first gives a check digit."""
    import datetime

    from lms.iin import check_digit

    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=index // 5000)
    serial = index % 5000 * 2
    for century in "3456":
        for candidate in (serial, serial + 1):
            digits = f"{born:%y%m%d}{century}{candidate:04d}"
            check = check_digit(digits)
            if check is not None:
                return digits + str(check)
    raise ValueError(f"no valid IIN for index {index}")


def number_for(index: int) -> str:
    """A real certificate number (with its check character) for every index."""
    from certificates.numbers import ALPHABET, format_number

    value = index * 2_654_435_761 % (1 << 55)  # odd multiplier: distinct values
    body = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(11)))
    return format_number(body)


def keyed_hash(iin: str) -> str:
    return hmac.new(IIN_KEY.encode(), iin.encode(), hashlib.sha256).hexdigest()


def sample(size: int) -> list[int]:
    """The certificates the load asks about, spread evenly over all of them."""
    return list(range(0, size, max(1, size // SAMPLE)))


def setup_database():
    common.prepare_database(DATABASE, fresh=True)


def make_courses() -> dict[str, int]:
    from wagtail.models import Page

    from courses.models import CoursePage

    root = Page.get_first_root_node()
    ids = {}
    for kind in ("guide", "couples"):
        page = CoursePage(title=f"Bench {kind}", slug=f"bench-{kind}", kind=kind)
        root.add_child(instance=page)
        ids[kind] = page.pk
    return ids


def _filler(table: str, given: set[str]) -> dict[str, str]:
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


def load_certificates(start: int, stop: int, courses: dict[str, int]) -> None:
    """Users and certificates ``start``..``stop``-1 with INSERT … SELECT
    generate_series; then real numbers and IIN hashes for the sampled ones (COPY)."""
    from django.db import connection

    user_cols = {
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
    user_cols.update(_filler("lms_user", set(user_cols)))
    certificate_cols = {
        "number": "'BKO-' || substr(lpad(g::text, 11, '0'), 1, 4) || '-' "
        "|| substr(lpad(g::text, 11, '0'), 5, 4) || '-' "
        "|| substr(lpad(g::text, 11, '0'), 9, 3) || 'x'",
        "user_id": "u.id",
        "course_id": f"CASE WHEN g % 20 = 13 THEN {courses['couples']} "
        f"ELSE {courses['guide']} END",
        "course_kind": "CASE WHEN g % 20 = 13 THEN 'couples' ELSE 'guide' END",
        "holder_name": "'Айгерім Бекова'",
        "holder_iin_hash": "encode(sha256(('bench' || g)::bytea), 'hex')",
        "identity_salt": "md5(g::text)",
        "language": "'kk'",
        "issued_at": "'2026-01-15 09:00:00+05'",
        "kid": "'bench'",
        "credential": "''",
        "pdf": "''",
        "status": "CASE WHEN g % 20 = 7 THEN 'revoked' ELSE 'valid' END",
        "revoked_at": "CASE WHEN g % 20 = 7 THEN timestamptz '2026-02-01 10:00+05' END",
        "revocation_reason": "''",
    }
    certificate_cols.update(
        _filler("certificates_certificate", set(certificate_cols) | {"completion_id"})
    )
    users = (
        f"INSERT INTO lms_user ({', '.join(user_cols)}) "  # noqa: S608
        f"SELECT {', '.join(user_cols.values())} "
        f"FROM generate_series({start}, {stop - 1}) AS g"
    )
    certificates = (
        f"INSERT INTO certificates_certificate ({', '.join(certificate_cols)}) "  # noqa: S608
        f"SELECT {', '.join(certificate_cols.values())} "
        f"FROM generate_series({start}, {stop - 1}) AS g "
        "JOIN lms_user u ON u.email = 'bench' || g || '@example.kz'"
    )
    real = [i for i in sample(stop) if i not in _real]
    with connection.cursor() as cursor:
        with _bulk_mode(cursor, "lms_user"):
            cursor.execute(users)  # only our own literals in these statements
        with _bulk_mode(cursor, "certificates_certificate"):
            cursor.execute(certificates)
        cursor.execute(
            "CREATE TEMP TABLE bench_real (g bigint, number text, iin_hash text)"
        )
        with cursor.copy("COPY bench_real FROM STDIN") as copy:
            for index in real:
                copy.write_row((index, number_for(index), keyed_hash(iin_for(index))))
        cursor.execute(
            "UPDATE certificates_certificate c "
            "SET number = r.number, holder_iin_hash = r.iin_hash FROM bench_real r "
            "WHERE c.number = 'BKO-' || substr(lpad(r.g::text, 11, '0'), 1, 4) "
            "|| '-' || substr(lpad(r.g::text, 11, '0'), 5, 4) || '-' "
            "|| substr(lpad(r.g::text, 11, '0'), 9, 3) || 'x'"
        )
        cursor.execute("DROP TABLE bench_real")
        cursor.execute("VACUUM ANALYZE lms_user")
        cursor.execute("VACUUM ANALYZE certificates_certificate")
        # Write the loaded pages out now, not in the background while measuring.
        cursor.execute("CHECKPOINT")
    _real.update(real)


_real: set[int] = set()


@contextlib.contextmanager
def _bulk_mode(cursor, table: str):
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


# Load generator ---------------------------------------------------------------


def request_bytes(method: str, path: str, token: str, body: dict | None) -> bytes:
    payload = json.dumps(body).encode() if body is not None else b""
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{PORT}",
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        "Connection: keep-alive",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


def build_requests(endpoint: str, token: str, size: int, count: int = 4000):
    rng = random.Random(size * 31 + len(endpoint))
    asked = sample(size)
    requests = []
    for _ in range(count):
        if endpoint == "ping":
            requests.append(request_bytes("GET", PATHS["ping"], token, None))
            continue
        index = rng.choice(asked)
        if endpoint in ("verify", "floor"):
            holder = index if rng.random() < 0.8 else rng.choice(asked)
            body = {"certificate_number": number_for(index), "iin": iin_for(holder)}
        else:
            body = {"iins": [iin_for(index), iin_for(rng.choice(asked))]}
        requests.append(request_bytes("POST", PATHS[endpoint], token, body))
    return requests


async def _connection(requests, deadline, latencies, failures, offset):
    reader = writer = None
    i = offset
    while time.perf_counter() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(HOST, PORT)
        request = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        writer.write(request)
        status_line = await reader.readline()
        if not status_line:
            writer.close()
            writer = None
            continue
        length, close = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        if status_line[9:12] != b"200":
            failures.append(status_line[9:12].decode())
        if close:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


def measure(requests, seconds: float, concurrency: int) -> tuple[list[float], list]:
    latencies, failures = [], []

    async def run():
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(
                _connection(requests, deadline, latencies, failures, k * 97)
                for k in range(concurrency)
            )
        )

    asyncio.run(run())
    return latencies, failures


# Server -------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_size(size, token, rounds, round_seconds, concurrency) -> dict:
    requests = {e: build_requests(e, token, size) for e in ENDPOINTS}
    for endpoint in ENDPOINTS:  # warm caches and connections
        measure(requests[endpoint], 1.0, concurrency)
    rates = {e: [] for e in ENDPOINTS}
    latencies = {e: [] for e in ENDPOINTS}
    failures = {e: [] for e in ENDPOINTS}
    for _ in range(rounds):
        for endpoint in ENDPOINTS:
            lat, fail = measure(requests[endpoint], round_seconds, concurrency)
            rates[endpoint].append(len(lat) / round_seconds)
            latencies[endpoint] += lat
            failures[endpoint] += fail
    return {
        endpoint: {
            "rps": statistics.median(rates[endpoint]),
            # Each round's rate over the trivial view's in the same round: drifts of
            # the machine's speed between rounds cancel out.
            "x_ping": statistics.median(
                rate / ping
                for rate, ping in zip(rates[endpoint], rates["ping"], strict=True)
            ),
            "p50_ms": percentile(latencies[endpoint], 0.50) * 1000,
            "p99_ms": percentile(latencies[endpoint], 0.99) * 1000,
            "requests": len(latencies[endpoint]),
            "non_200": len(failures[endpoint]),
        }
        for endpoint in ENDPOINTS
    }


def report(size: int, figures: dict) -> None:
    print(f"\n{size:,} certificates")
    print(
        f"{'endpoint':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'× ping':>8}"
        f"{'non-200':>9}"
    )
    for endpoint, f in figures.items():
        print(
            f"{endpoint:<14}{f['rps']:>9.0f}{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}"
            f"{f['x_ping']:>8.2f}{f['non_200']:>9}"
        )
    sys.stdout.flush()


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round-seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    env = production_env()
    os.environ.update(env)
    import django

    django.setup()
    from registry.services import create_client

    started = time.perf_counter()
    setup_database()
    courses = make_courses()
    _client, token = create_client("Benchmark", rate_limit=10**9)
    print(f"migrated in {time.perf_counter() - started:.0f} s")

    results, loaded, server = {}, 0, None
    try:
        for size in sizes:
            started = time.perf_counter()
            load_certificates(loaded, size, courses)
            loaded = size
            print(
                f"loaded {size:,} certificates in {time.perf_counter() - started:.0f} s"
            )
            if server is None:
                server = common.start_server(env, PORT, args.workers, args.threads)
            results[size] = bench_size(
                size, token, args.rounds, args.round_seconds, args.concurrency
            )
            report(size, results[size])
    finally:
        if server is not None:
            common.stop_server(server)

    ok = True
    for figures in results.values():
        for endpoint in ("verify", "guide-status"):
            ok &= figures[endpoint]["x_ping"] >= 0.7
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(f"\n{sizes[-1]:,} vs {sizes[0]:,} certificates:")
        for endpoint in ("verify", "guide-status"):
            # > 1: the large table is slower (throughput there is lower).
            slowdown = small[endpoint]["rps"] / large[endpoint]["rps"]
            p50 = large[endpoint]["p50_ms"] / small[endpoint]["p50_ms"]
            # The same ratio with each size's figure taken relative to the trivial
            # view of the same rounds: it cancels changes in the machine's load.
            relative = small[endpoint]["x_ping"] / large[endpoint]["x_ping"]
            print(
                f"  {endpoint:<14} time per call ×{slowdown:.2f} "
                f"(×{relative:.2f} relative to ping), p50 ×{p50:.2f}"
            )
            ok &= slowdown <= 1.2
    print("\ntargets met" if ok else "\ntargets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
