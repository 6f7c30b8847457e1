from django.core.management.base import CommandError

from courses import mux
from courses.services import REPLACED_ASSET_KEPT, delete_due_replaced_assets
from lms.management.base import DatabaseCommand


class Command(DatabaseCommand):
    """Delete from Mux the assets no video plays any more (a new upload took over,
    or the video was deleted) once they have been kept for a while, for pages
    loaded before the switch. Idempotent."""

    help = __doc__

    def handle(self, *args, **options):
        if not mux.is_configured():
            self.stdout.write("Mux is not configured: nothing to delete.")
            return
        deleted, failed = delete_due_replaced_assets()
        self.stdout.write(
            f"Deleted {deleted} Mux asset(s) replaced more than "
            f"{REPLACED_ASSET_KEPT.days} days ago."
        )
        if failed:
            raise CommandError(
                f"Mux did not delete {len(failed)} asset(s): {', '.join(failed)}. "
                "They are tried again on the next run."
            )
