"""Throughput and latency of the registry API against a trivial JSON view.

Loads 10,000 certificates into one PostgreSQL database and 1,000,000 into another
(each recreated from one migrated template; users and certificates with INSERT …
SELECT generate_series, real numbers and keyed IIN hashes sent with COPY for the
5,000 asked about), runs the project with production settings under gunicorn once
per database (127.0.0.1:8161 and 8162, Redis db 6), and measures both servers side
by side in interleaved rounds, so that the machine's drifts fall on both sizes alike:

- ``GET /api/v1/progress/ping`` — the trivial view (same middleware, no database);
- ``POST /api/v1/registry/verify`` — 4 in 5 for a real number and its holder's IIN,
  1 in 5 for a real number with another person's IIN;
- ``POST /api/v1/registry/guide-status`` — a couple: two IINs per call.

- ``POST /api/v1/bench/bearer-floor`` — the floor (``bench/urls.py``): the
  ``verify`` body parsed by the registry's own parser behind the same bearer
  authentication, answering a constant; no registry call can be faster;
- ``floor+redis``, ``floor+postgres``, ``floor+both`` — the floor plus one round
  trip to Redis (a rate-limit count), to PostgreSQL (``SELECT 1``), or to each: what
  the round trips alone cost, before any lookup. A call that is rate-limited across
  processes and audited in the database makes at least one of each.

Every registry call goes through bearer authentication, the rate limit and the audit
insert, as in production. Targets: each registry endpoint at ≥ 0.7× the trivial
view's throughput, and the 1,000,000 figures within 1.2× of the 10,000 ones (the
median over rounds of the two servers' rates in the same round).

    .venv/bin/python bench/registry.py            # about 8 minutes
    .venv/bin/python bench/registry.py --round-seconds 3 --rounds 2 --sizes 10000

Not part of ``make test``. Uses only 127.0.0.1.
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import statistics
import sys
import time

import common

HOST, FIRST_PORT = common.HOST, 8161
DATABASE = "lms_bench_registry"  # one database per size: lms_bench_registry_10000, …
IIN_KEY = "bench-iin-hash-key-" + "x" * 24
# Certificates get real numbers and real keyed IIN hashes (computed here) for a
# sample of this many, spread over the table; the others get values of the same
# shape straight from SQL, so a million rows load in seconds.
SAMPLE = 5000
ENDPOINTS = (
    "ping",
    "floor",
    "floor+redis",
    "floor+postgres",
    "floor+both",
    "verify",
    "guide-status",
)
PATHS = {
    "ping": "/api/v1/progress/ping",
    "floor": "/api/v1/bench/bearer-floor",
    "floor+redis": "/api/v1/bench/bearer-floor/redis",
    "floor+postgres": "/api/v1/bench/bearer-floor/postgres",
    "floor+both": "/api/v1/bench/bearer-floor/both",
    "verify": "/api/v1/registry/verify",
    "guide-status": "/api/v1/registry/guide-status",
}


def database_for(size: int) -> str:
    return f"{DATABASE}_{size}"


def production_env(size: int = 10_000, port: int = FIRST_PORT) -> dict:
    return common.production_env(
        database=database_for(size),
        redis_db=6,
        cache_prefix=f"bench-registry-{size}",
        port=port,
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
    for century in "34":  # born in the 1900s: an IIN born in 2070 is refused
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


def setup_databases(sizes: list[int]) -> tuple[dict[str, int], str]:
    """A freshly migrated database per size, all with the same two courses and
    registry client; returns the courses' ids and the client's token.

    Django must be set up with settings pointing at the first size's database; it
    is left pointing there."""
    from django.db import connections

    from registry.services import create_client

    first = database_for(sizes[0])
    common.prepare_database(first, fresh=True)
    courses = make_courses()
    _client, token = create_client("Benchmark", rate_limit=10**9)
    connections.close_all()  # a template must have no other connections
    for size in sizes[1:]:
        name = database_for(size)
        common.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        common.psql(f"CREATE DATABASE {name} TEMPLATE {first}")
    return courses, token


def use_database(size: int) -> None:
    """Point this process's Django connection at the database of ``size``."""
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = database_for(size)


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


def load_certificates(start: int, stop: int, courses: dict[str, int]) -> None:
    """Users and certificates ``start``..``stop``-1 with INSERT … SELECT
    generate_series; then real numbers and IIN hashes for the sampled ones (COPY)."""
    from django.db import connection

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
    series = f"generate_series({start}, {stop - 1}) AS g"
    users = common.insert_select("lms_user", common.USER_COLUMNS, series)
    certificates = common.insert_select(
        "certificates_certificate",
        certificate_cols,
        f"{series} JOIN lms_user u ON u.email = 'bench' || g || '@example.kz'",
        unset=("completion_id",),
    )
    real = [i for i in sample(stop) if i >= start]
    with connection.cursor() as cursor:
        with common.bulk_mode(cursor, "lms_user"):
            cursor.execute(users)  # only our own literals in these statements
        with common.bulk_mode(cursor, "certificates_certificate"):
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


# Load generator ---------------------------------------------------------------


def request_bytes(
    method: str, path: str, token: str, body: dict | None, port: int
) -> bytes:
    payload = json.dumps(body).encode() if body is not None else b""
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        "Connection: keep-alive",
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


def build_requests(
    endpoint: str, token: str, size: int, port: int = FIRST_PORT, count: int = 4000
):
    rng = random.Random(size * 31 + len(endpoint))
    asked = sample(size)
    requests = []
    for _ in range(count):
        if endpoint == "ping":
            requests.append(request_bytes("GET", PATHS["ping"], token, None, port))
            continue
        index = rng.choice(asked)
        if endpoint != "guide-status":
            holder = index if rng.random() < 0.8 else rng.choice(asked)
            body = {"certificate_number": number_for(index), "iin": iin_for(holder)}
        else:
            body = {"iins": [iin_for(index), iin_for(rng.choice(asked))]}
        requests.append(request_bytes("POST", PATHS[endpoint], token, body, port))
    return requests


async def _connection(conn, requests, deadline, latencies, failures, offset):
    """Requests one after another on ``conn`` until ``deadline``."""
    port = conn[1].get_extra_info("peername")[1]
    i = offset
    while time.perf_counter() < deadline:
        request = requests[i % len(requests)]
        i += 1
        started = time.perf_counter()
        status, _body, conn = await common.exchange(conn, request, port)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            failures.append(str(status))
        if conn is None:
            raise SystemExit("the server closed a keep-alive connection")
    return conn


async def measure(conns, requests, seconds: float) -> tuple[list[float], list]:
    """Every connection busy for ``seconds``; latencies and non-200 answers."""
    latencies, failures = [], []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(
            _connection(conn, requests, deadline, latencies, failures, k * 97)
            for k, conn in enumerate(conns)
        )
    )
    return latencies, failures


# Server -------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench(servers: dict[int, int], token: str, args):
    """Interleaved rounds over every endpoint of every server (size → port), each
    server on its own ``args.concurrency`` connections, kept through the run.

    Returns, per size, each endpoint's figures and, per endpoint, the rate of each
    round, so that sizes and endpoints are compared within the same round."""
    requests = {
        size: {e: build_requests(e, token, size, port) for e in ENDPOINTS}
        for size, port in servers.items()
    }
    conns = {
        size: await common.balanced_connections(
            port, args.concurrency, args.workers, requests[size]["ping"][0]
        )
        for size, port in servers.items()
    }
    for size in servers:  # warm caches
        for endpoint in ENDPOINTS:
            await measure(conns[size], requests[size][endpoint], 1.0)
    rates = {size: {e: [] for e in ENDPOINTS} for size in servers}
    latencies = {size: {e: [] for e in ENDPOINTS} for size in servers}
    failures = {size: {e: [] for e in ENDPOINTS} for size in servers}
    for _ in range(args.rounds):
        for endpoint in ENDPOINTS:
            for size in servers:
                lat, fail = await measure(
                    conns[size], requests[size][endpoint], args.round_seconds
                )
                rates[size][endpoint].append(len(lat) / args.round_seconds)
                latencies[size][endpoint] += lat
                failures[size][endpoint] += fail
    figures = {
        size: {
            endpoint: {
                "rps": statistics.median(rates[size][endpoint]),
                # Each round's rate over the trivial view's in the same round:
                # drifts of the machine's speed between rounds cancel out.
                "x_ping": statistics.median(
                    rate / ping
                    for rate, ping in zip(
                        rates[size][endpoint], rates[size]["ping"], strict=True
                    )
                ),
                "p50_ms": percentile(latencies[size][endpoint], 0.50) * 1000,
                "p99_ms": percentile(latencies[size][endpoint], 0.99) * 1000,
                "requests": len(latencies[size][endpoint]),
                "non_200": len(failures[size][endpoint]),
            }
            for endpoint in ENDPOINTS
        }
        for size in servers
    }
    for size_conns in conns.values():
        for _reader, writer in size_conns:
            writer.close()
    return figures, rates


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
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round-seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    ports = {size: FIRST_PORT + i for i, size in enumerate(sizes)}

    os.environ.update(production_env(sizes[0], ports[sizes[0]]))
    import django

    django.setup()

    started = time.perf_counter()
    courses, token = setup_databases(sizes)
    print(f"migrated in {time.perf_counter() - started:.0f} s")
    for size in sizes:
        started = time.perf_counter()
        use_database(size)
        load_certificates(0, size, courses)
        print(f"loaded {size:,} certificates in {time.perf_counter() - started:.0f} s")

    servers = []
    try:
        for size, port in ports.items():
            env = production_env(size, port)
            servers.append(common.start_server(env, port, args.workers, args.threads))
        figures, rates = asyncio.run(bench(ports, token, args))
    finally:
        for server in servers:
            common.stop_server(server)

    print(
        f"\n{args.rounds} rounds × {args.round_seconds:g} s per endpoint and size, "
        f"{args.concurrency} connections, gunicorn {args.workers}×{args.threads} "
        "gthread per size"
    )
    ok = True
    for size in sizes:
        report(size, figures[size])
        for endpoint in ("verify", "guide-status"):
            ok &= figures[size][endpoint]["x_ping"] >= 0.7
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"\n{large:,} vs {small:,} certificates, in the same rounds:")
        for endpoint in ENDPOINTS:
            # > 1: the large table is slower (its throughput is lower).
            slowdown = statistics.median(
                a / b
                for a, b in zip(
                    rates[small][endpoint], rates[large][endpoint], strict=True
                )
            )
            p50 = (
                figures[large][endpoint]["p50_ms"] / figures[small][endpoint]["p50_ms"]
            )
            print(f"  {endpoint:<14} time per call ×{slowdown:.2f}, p50 ×{p50:.2f}")
            if endpoint in ("verify", "guide-status"):
                ok &= slowdown <= 1.2
    print("\ntargets met" if ok else "\ntargets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
