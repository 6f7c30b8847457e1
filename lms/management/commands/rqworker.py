"""``manage.py rqworker``: django-rq's worker with RQ's scheduler on by default.

Tasks deferred with ``run_after`` (webhook retries with back-off) wait in RQ's
scheduled-job registry until a worker running the scheduler moves them to their
queue. Workers are started as ``rqworker --job-class django_tasks_rq.Job default``
(CONTRACTS.md §3), so this command schedules unless ``--without-scheduler`` is
given; several workers agree through a lock in Redis which of them does it.
"""

from django_rq.management.commands.rqworker import Command as RQWorkerCommand


class Command(RQWorkerCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--without-scheduler",
            action="store_false",
            dest="with_scheduler",
            help="Do not move deferred jobs to their queues from this worker.",
        )
        parser.set_defaults(with_scheduler=True)
