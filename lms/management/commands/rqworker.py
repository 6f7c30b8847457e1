"""``manage.py rqworker``: django-rq's worker, made to run Django tasks.

- ``--job-class`` defaults to ``django_tasks_rq.Job``, the job class that runs a
  Django task (the queue holds ``Task`` objects, which RQ's own job class would
  call, failing every job with "'Task' object is not callable"). An explicit
  ``--job-class`` is still accepted; ``manage.py rqworker default`` is enough.
- RQ's scheduler runs by default: tasks deferred with ``run_after`` (webhook
  retries with back-off) wait in RQ's scheduled-job registry until a worker
  running the scheduler moves them to their queue; several workers agree through
  a lock in Redis which of them does it. ``--without-scheduler`` opts one out.
- The worker refuses to start when the certificate signing keys cannot be read
  (it issues the certificates), as the web processes do.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

from django_rq.management.commands.rqworker import Command as RQWorkerCommand

from certificates.checks import require_readable_keys

JOB_CLASS = "django_tasks_rq.Job"


class Command(RQWorkerCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--without-scheduler",
            action="store_false",
            dest="with_scheduler",
            help="Do not move deferred jobs to their queues from this worker.",
        )
        parser.set_defaults(with_scheduler=True, job_class=JOB_CLASS)
        for action in parser._actions:
            if action.dest == "job_class":
                action.help = f"RQ job class to use (default: {JOB_CLASS})."

    def handle(self, *args, **options):
        try:
            require_readable_keys()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        return super().handle(*args, **options)
