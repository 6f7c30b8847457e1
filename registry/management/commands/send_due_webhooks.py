"""``manage.py send_due_webhooks``: send the webhook deliveries that are due."""

from django.core.management.base import CommandError

from lms.management.base import DatabaseCommand
from registry.services import send_due_webhooks


class Command(DatabaseCommand):
    """Attempt every due webhook delivery once; meant for cron, every minute.

    Safe to run in several places at once: each delivery is claimed by one run.
    """

    help = "Send the registry webhook deliveries whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit, **options):
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        delivered = send_due_webhooks(limit=limit)
        self.stdout.write(f"{delivered} delivered")
