from datetime import timedelta

from django.core.management.base import CommandError

from lms.management.base import DatabaseCommand
from progress.services import request_pending_certificates


class Command(DatabaseCommand):
    """Request certificates for course completions whose request never went out
    (the queue was down), and re-request old requests that produced no
    certificate. Idempotent: issuing is once per learner and course."""

    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=60,
            help="Re-request completions requested this long ago that still have "
            "no certificate (0: only those never requested).",
        )

    def handle(self, *args, stale_minutes: int, **options):
        if stale_minutes < 0:
            raise CommandError("--stale-minutes must be 0 or more.")
        stale_after = timedelta(minutes=stale_minutes) if stale_minutes > 0 else None
        requested = request_pending_certificates(stale_after=stale_after)
        self.stdout.write(f"Requested {requested.enqueued} certificate(s).")
        if requested.failed:
            # Under cron, a catch-up that could not queue must not look done.
            raise CommandError(
                f"{requested.failed} certificate request(s) could not be queued "
                "(is the queue at REDIS_URL reachable?); they stay pending for "
                "the next run."
            )
