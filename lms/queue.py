"""The task queue: RQ on Redis (or in-process), and what it looks like from here."""

import logging

from django.conf import settings

from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_rq import RQBackend as DjangoTasksRQBackend
from redis import ConnectionPool, Redis
from redis.exceptions import RedisError

from lms.cache import UNREACHABLE

logger = logging.getLogger(__name__)

# Wagtail queues index updates from post_save, inside the editor's transaction and
# with no sweep behind them: when Redis cannot take them they run in the request.
RUN_HERE_WHEN_UNREACHABLE = ("wagtail.", "modelsearch.")


class RQBackend(DjangoTasksRQBackend):
    """django-tasks-rq's backend, except for other packages' tasks when Redis
    cannot be reached: those run in the request, so that saving a page in the
    admin does not fail with the queue.

    The project's own tasks still raise: each caller keeps in the database what
    is left to do, and the sweeps (``request_pending_certificates``,
    ``finish_certificates``, ``send_due_webhooks``) queue it later.
    """

    def enqueue(self, task, args, kwargs):
        try:
            return super().enqueue(task, args, kwargs)
        except UNREACHABLE:
            if not task.module_path.startswith(RUN_HERE_WHEN_UNREACHABLE):
                raise
            logger.warning("Queue unreachable: running %s here", task.module_path)
            here = ImmediateBackend(self.alias, {"QUEUES": list(self.queues)})
            return here.enqueue(task, args, kwargs)


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
