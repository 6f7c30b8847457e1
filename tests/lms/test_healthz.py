import os

import pytest

REDIS_URL = os.environ.get("REDIS_URL", "")


def rq_settings(settings, url):
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }


@pytest.mark.django_db
def test_healthz_with_in_process_tasks(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "queue": {"backend": "immediate", "state": "ok"},
    }
    # Load balancers often probe with HEAD.
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_healthz_with_rq_on_redis(client, settings):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    from redis import Redis
    from rq import Queue, Worker

    # A database of its own, where no other test's worker is registered.
    url = REDIS_URL.rsplit("/", 1)[0] + "/15"
    connection = Redis.from_url(url)
    connection.flushdb()
    rq_settings(settings, url)

    body = client.get("/healthz").json()
    assert body["status"] == "degraded"  # queued work would wait for no one
    assert body["database"] == "ok"
    assert body["queue"] == {"backend": "rq", "state": "ok", "queued": 0, "workers": 0}

    worker = Worker([Queue("default", connection=connection)], connection=connection)
    worker.register_birth()
    try:
        body = client.get("/healthz").json()
        assert body["status"] == "ok"
        assert body["queue"]["workers"] == 1
    finally:
        worker.register_death()
        connection.flushdb()


@pytest.mark.django_db
def test_healthz_when_redis_is_unreachable(client, settings):
    # Port 1 on the loopback interface: nothing listens there, connecting fails.
    rq_settings(settings, "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "queue": {"backend": "rq", "state": "unavailable"},
    }


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_answers_when_redis_hangs(client, settings):
    """A server that accepts connections and never replies, like a stuck Redis."""
    import socket
    import time

    listener = socket.socket()
    for port in range(8111, 8120):
        try:
            listener.bind(("127.0.0.1", port))
            break
        except OSError:
            continue
    else:
        pytest.skip("no free port for a silent server")
    listener.listen(8)
    rq_settings(settings, f"redis://127.0.0.1:{port}/0")
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert response.status_code == 200
    assert response.json()["queue"] == {"backend": "rq", "state": "unavailable"}
    assert elapsed < 10
