"""What the task queue looks like from here: in-process or RQ on Redis."""

from django.conf import settings


def queue_status() -> dict:
    """Backend name and, for RQ, whether Redis answers and how many jobs wait."""
    backend = settings.TASKS["default"]["BACKEND"]
    if "RQBackend" not in backend:
        return {"backend": "immediate", "state": "ok"}
    try:
        import django_rq

        queue = django_rq.get_queue("default")
        queue.connection.ping()
        workers = len(django_rq.get_worker_class().all(connection=queue.connection))
        return {"backend": "rq", "state": "ok", "queued": len(queue), "workers": workers}
    except Exception:  # noqa: BLE001 - Redis down, refused, timed out
        return {"backend": "rq", "state": "unavailable"}
