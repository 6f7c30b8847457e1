"""Create or complete the staff groups of ``lms.roles``; safe to run again."""

from django.contrib.auth.models import Permission
from django.core.management.base import CommandError

from lms.management.base import DatabaseCommand
from lms.roles import ROLES, ensure_roles


class Command(DatabaseCommand):
    help = (
        "Create the staff groups (ministry analysts, learner support, certificate "
        "officers, registry administrators) or give them the permissions they lack."
    )

    def handle(self, *args, **options):
        try:
            given = ensure_roles()
        except Permission.DoesNotExist as exc:
            raise CommandError(
                f"{exc} Run `manage.py migrate` first: it creates the permissions."
            ) from exc
        for name in ROLES:
            added = ", ".join(given[name]) or "nothing missing"
            self.stdout.write(f"{name}: {added}")
        self.stdout.write(
            "Add staff to these groups in the admin (Settings → Users); permissions "
            "added to a group by hand are kept."
        )
