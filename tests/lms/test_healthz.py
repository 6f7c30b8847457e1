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


@pytest.mark.django_db
def test_healthz_with_rq_on_redis(client, settings):
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    rq_settings(settings, REDIS_URL)
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    queue = body["queue"]
    assert queue["backend"] == "rq" and queue["state"] == "ok"
    assert isinstance(queue["queued"], int) and isinstance(queue["workers"], int)


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
