"""What one request costs the web process itself: CPU time per request of each
benchmarked endpoint, measured in one process without gunicorn or a load generator.

The throughput benchmarks (``heartbeats.py``, ``registry.py``) run everything on the
same CPUs, so their ratios mix the web process with PostgreSQL, Redis, gunicorn
and the load generator. This one calls the project's WSGI application directly,
one request after another, with production settings against the same PostgreSQL
and Redis, and reports for each endpoint the web process's CPU time per request
(``time.process_time``; what PostgreSQL and Redis spend is not in it) and the wall
time (which includes waiting for them):

- ``progress``: the trivial view, the session-authenticated floor and the
  heartbeat, on ``heartbeats.py``'s database (200 signed-in learners);
- ``registry``: the trivial view, the bearer floor, ``verify`` and
  ``guide-status``, on ``registry.py``'s 10,000-certificate database
  (recreated).

    .venv/bin/python bench/request_cpu.py                 # about a minute
    .venv/bin/python bench/request_cpu.py --api progress --requests 5000

Not part of ``make test``. Uses only 127.0.0.1.
"""

import argparse
import importlib.util
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import common

HERE = Path(__file__).resolve().parent
WARM_UP = 300


def _bench_module(name: str):
    # bench/registry.py shares its name with the project's registry app.
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def environ(raw: bytes) -> dict:
    """The WSGI environ of an HTTP/1.1 request as the load generators send it."""
    head, _, body = raw.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode().split("\r\n")
    method, path, _version = request_line.split(" ")
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": common.HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": common.HOST,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    for line in header_lines:
        name, _, value = line.partition(": ")
        name = name.upper().replace("-", "_")
        if name == "CONTENT_TYPE":
            env[name] = value
        elif name != "CONTENT_LENGTH":
            env[f"HTTP_{name}"] = value
    return env


def measure(application, requests: dict, count: int) -> dict:
    """CPU and wall milliseconds per request for each kind of request."""
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status[:3])

    def call(raw):
        response = application(environ(raw), start_response)
        b"".join(response)
        response.close()

    figures = {}
    for kind, make in requests.items():
        for i in range(WARM_UP):
            call(make(i))
        statuses.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(count):
            call(make(i))
        figures[kind] = {
            "cpu_ms": (time.process_time() - cpu) / count * 1000,
            "wall_ms": (time.perf_counter() - wall) / count * 1000,
            "non_200": sum(status != "200" for status in statuses),
        }
    return figures


def progress_requests() -> dict:
    heartbeats = _bench_module("heartbeats")
    os.environ.update(heartbeats.production_env())
    import django

    django.setup()
    heartbeats.setup_database()
    lesson, video = heartbeats.make_lesson()
    viewers = heartbeats.make_viewers(200)
    heartbeats.forget_cache()
    positions = {}

    def heartbeat(i):
        # Each viewer moves on by 2 ms of video per heartbeat: a credited step.
        viewer = viewers[i % len(viewers)]
        position = positions.get(viewer.user_id, 0.0)
        positions[viewer.user_id] = position + 0.002
        return heartbeats.heartbeat_request(viewer, lesson, video, position)

    return {
        "ping": lambda i: heartbeats.ping_request(viewers[i % len(viewers)]),
        "session floor": lambda i: heartbeats.heartbeat_request(
            viewers[i % len(viewers)], lesson, video, 0.0, path=heartbeats.FLOOR_PATH
        ),
        "heartbeat": heartbeat,
    }


def registry_requests() -> dict:
    registry = _bench_module("registry")
    os.environ.update(registry.production_env(10_000))
    import django

    django.setup()
    courses, token = registry.setup_databases([10_000])
    registry.load_certificates(0, 10_000, courses)
    built = {
        endpoint: registry.build_requests(endpoint, token, 10_000, count=2000)
        for endpoint in registry.ENDPOINTS
    }
    return {
        ("bearer floor" if endpoint == "floor" else endpoint): (
            lambda i, requests=requests: requests[i % len(requests)]
        )
        for endpoint, requests in built.items()
    }


def run(api: str, count: int) -> None:
    requests = progress_requests() if api == "progress" else registry_requests()
    from lms.wsgi import application

    figures = measure(application, requests, count)
    ping = figures["ping"]["cpu_ms"]
    print(f"\n{api}: {count} requests each, one process, production settings\n")
    print("| endpoint | CPU ms/request | wall ms/request | × ping's CPU | non-200 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind, row in figures.items():
        print(
            f"| {kind} | {row['cpu_ms']:.3f} | {row['wall_ms']:.3f} "
            f"| {row['cpu_ms'] / ping:.1f} | {row['non_200']} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", choices=("progress", "registry"))
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    if args.api:
        run(args.api, args.requests)
        return 0
    # Each API in a process of its own: they use different settings.
    for api in ("progress", "registry"):
        command = [sys.executable, __file__, "--api", api, "--requests"]
        subprocess.run([*command, str(args.requests)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
