"""What the task queue looks like from here: in-process or RQ on Redis."""

from django.conf import settings

from redis.exceptions import RedisError


def queue_status() -> dict:
    """Backend name and, for RQ, whether Redis answers, how many jobs wait and how
    many workers listen on the default queue."""
    backend = settings.TASKS["default"]["BACKEND"]
    if "RQBackend" not in backend:
        return {"backend": "immediate", "state": "ok"}

    import django_rq
    from rq import Worker

    try:
        queue = django_rq.get_queue("default")
        queue.connection.ping()
        return {
            "backend": "rq",
            "state": "ok",
            "queued": queue.count,
            "workers": Worker.count(connection=queue.connection, queue=queue),
        }
    except (RedisError, OSError):  # refused, timed out, unknown host
        return {"backend": "rq", "state": "unavailable"}
