from datetime import timedelta

from django.core.management.base import CommandError

from certificates.services import finish_certificates
from lms.management.base import DatabaseCommand


class Command(DatabaseCommand):
    """Finish certificates left with a step undone (announcing to registry clients,
    the PDF, the e-mail; announcing a revocation) by a worker that died or a queue
    that was down. Idempotent: every step knows whether it was done."""

    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=10,
            help="Only certificates issued (or revoked) at least this long ago, so "
            "that work still on its way is left alone.",
        )

    def handle(self, *args, older_than_minutes: int, **options):
        if older_than_minutes < 0:
            raise CommandError("--older-than-minutes must be 0 or more.")
        swept = finish_certificates(timedelta(minutes=older_than_minutes))
        self.stdout.write(f"Took up {swept.taken_up} unfinished certificate(s).")
        if swept.failed:
            # Under cron, a catch-up that could not queue must not look done.
            raise CommandError(
                f"{swept.failed} unfinished certificate(s) could not be queued "
                "(is the queue at REDIS_URL reachable?); they stay unfinished for "
                "the next run."
            )
