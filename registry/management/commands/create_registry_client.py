"""``manage.py create_registry_client NAME [--webhook-url URL]`` (CONTRACTS.md §3)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from registry.services import create_client


class Command(BaseCommand):
    """Create an API client for the marriage registration service.

    Prints the webhook secret (events are signed with it once a webhook URL is
    set, here or later in the admin) and then, as the last line, the bearer token.
    Only a hash of the token is stored: it is shown once.
    """

    help = "Create a registry API client and print its bearer token (last line)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--webhook-url", default="")
        parser.add_argument(
            "--rate-limit", type=int, default=None, help="Requests per minute."
        )

    @no_translations  # its messages are for operators, in English like the rest
    def handle(self, *args, name, webhook_url, rate_limit, **options):
        if not name.strip():
            raise CommandError("NAME must not be empty.")
        if rate_limit is not None and rate_limit < 1:
            raise CommandError("--rate-limit must be at least 1.")
        try:
            client, token = create_client(
                name.strip(), webhook_url=webhook_url, rate_limit=rate_limit
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created registry client {client.name!r} (id {client.pk}, "
            f"token prefix {client.token_prefix}). The token is shown only once."
        )
        self.stdout.write(f"Webhook secret: {client.webhook_secret}")
        self.stdout.write(token)
