"""What the task queue looks like from here: in-process or RQ on Redis."""

from django.conf import settings

from redis import ConnectionPool, Redis
from redis.exceptions import RedisError

# The health check must answer even when Redis hangs instead of refusing.
PROBE_TIMEOUT_SECONDS = 2.0


def queue_status() -> dict:
    """Backend name and, for RQ, whether Redis answers, how many jobs wait and how
    many workers listen on the default queue."""
    backend = settings.TASKS["default"]["BACKEND"]
    if "RQBackend" not in backend:
        return {"backend": "immediate", "state": "ok"}

    import django_rq
    from rq import Queue, Worker

    configured = django_rq.get_queue("default")
    pool = configured.connection.connection_pool
    probe_pool = ConnectionPool(
        connection_class=pool.connection_class,
        **{
            **pool.connection_kwargs,
            "socket_connect_timeout": PROBE_TIMEOUT_SECONDS,
            "socket_timeout": PROBE_TIMEOUT_SECONDS,
        },
    )
    probe = Redis(connection_pool=probe_pool)
    try:
        probe.ping()
        queue = Queue(configured.name, connection=probe)
        return {
            "backend": "rq",
            "state": "ok",
            "queued": queue.count,
            "workers": Worker.count(connection=probe, queue=queue),
        }
    except (RedisError, OSError):  # refused, timed out, unknown host
        return {"backend": "rq", "state": "unavailable"}
    finally:
        probe_pool.disconnect()
