"""The demo site in kk, ru and en, and the `admin` superuser (CONTRACTS.md §3)."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from home import demo
from lms.management.base import DatabaseCommand
from lms.roles import ensure_roles

ADMIN_EMAIL = "admin@example.kz"
ADMIN_NAME = "admin"  # its sign-in name (CONTRACTS.md §3)


class Command(DatabaseCommand):
    """Build the demo content; running it again changes nothing.

    The superuser's password comes from DEMO_ADMIN_PASSWORD; without it a password is
    generated on the first run, kept under var/ so that later runs can print it, and
    never changed by a re-run.
    """

    help = (
        "Load the demo content (home, help, centres, courses), the staff groups "
        "and the admin user."
    )

    def handle(self, *args, **options):
        demo.load(self.stdout)
        ensure_roles()
        password, note = self._admin()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(f"Admin: {settings.SITE_URL}/admin/")
        self.stdout.write(f"  login:    {ADMIN_NAME} (or {ADMIN_EMAIL})")
        self.stdout.write(f"  password: {password}" if password else f"  {note}")

    def _admin(self) -> tuple[str | None, str]:
        """Create or keep the superuser; return its password when it is known."""
        User = get_user_model()
        kept = settings.VAR_DIR / "demo_admin_password"
        from_env = os.environ.get("DEMO_ADMIN_PASSWORD", "")
        with transaction.atomic():
            user = User.objects.filter(email=ADMIN_EMAIL).first()
            if user is None:
                password = from_env or secrets.token_urlsafe(12)
                User.objects.create_superuser(
                    email=ADMIN_EMAIL,
                    sign_in_name=ADMIN_NAME,
                    password=password,
                    first_name="admin",
                    last_name="admin",  # the admin's account form requires both
                )
                if not from_env:
                    self._keep(kept, password)
                return password, ""
            if not user.sign_in_name:  # made by an earlier release
                user.sign_in_name = ADMIN_NAME
                user.save(update_fields=["sign_in_name"])
            if from_env:
                if not user.check_password(from_env):
                    user.set_password(from_env)
                    user.save(update_fields=["password"])
                return from_env, ""
        if kept.exists():
            password = kept.read_text().strip()
            if user.check_password(password):
                return password, ""
        return None, "password: unchanged (set DEMO_ADMIN_PASSWORD to set a new one)"

    @staticmethod
    def _keep(path, password: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password)
        path.chmod(0o600)
