"""``manage.py rotate_registry_webhook_secret CLIENT_ID``."""

from django.core.management.base import CommandError

from lms.management.base import DatabaseCommand
from registry.models import RegistryClient
from registry.services import rotate_webhook_secret


class Command(DatabaseCommand):
    """Give a registry client a new webhook secret and print it as the last line.

    For a secret that was lost or leaked. Events sent from now on, including those
    still waiting to be retried, are signed with the new secret; the client's
    receiver must switch to it.
    """

    help = "Give a registry client a new webhook secret and print it (last line)."

    def add_arguments(self, parser):
        parser.add_argument("client_id", type=int, help="The client's id (admin).")

    def handle(self, *args, client_id, **options):
        try:
            client = rotate_webhook_secret(client_id)
        except RegistryClient.DoesNotExist:
            raise CommandError(f"No registry client with id {client_id}.") from None
        self.stdout.write(
            f"New webhook secret of registry client {client.name!r} (id {client.pk}):"
        )
        self.stdout.write(client.webhook_secret)
