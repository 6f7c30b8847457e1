"""``manage.py create_registry_client NAME [--webhook-url URL] [--rate-limit N]``
(CONTRACTS.md §3), and ``manage.py create_registry_client --new-token CLIENT`` for
an existing client."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, no_translations

from lms.management.base import DatabaseCommand
from registry.models import RegistryClient
from registry.services import create_client, issue_new_token


class Command(DatabaseCommand):
    """Create an API client for the marriage registration service.

    Prints the webhook secret (events are signed with it once a webhook URL is
    set, here or later in the admin) and then, as the last line, the bearer token.
    Only a hash of the token is stored: it is shown once.

    With ``--new-token``, NAME is an existing client's id or exact name: it gets a
    new bearer token (the last line), its old token stops working, and it is made
    active. This is how a deactivated client is let in again (deactivating revokes
    its token for good), and what to do with a lost or leaked token.
    """

    help = (
        "Create a registry API client and print its bearer token (last line); "
        "with --new-token, give an existing client (id or name) a new token."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "name",
            help="The new client's name; with --new-token, a client's id or name.",
        )
        parser.add_argument("--webhook-url", default=None)
        parser.add_argument(
            "--rate-limit", type=int, default=None, help="Requests per minute."
        )
        parser.add_argument(
            "--new-token",
            action="store_true",
            help=(
                "Give the existing client NAME (its id or exact name) a new token, "
                "replacing the old one, and make it active again."
            ),
        )

    @no_translations  # its messages are for operators, in English like the rest
    def handle(self, *args, name, webhook_url, rate_limit, new_token, **options):
        if not name.strip():
            raise CommandError("NAME must not be empty.")
        if new_token:
            self._new_token(name.strip(), webhook_url, rate_limit)
            return
        if rate_limit is not None and rate_limit < 1:
            raise CommandError("--rate-limit must be at least 1.")
        if same := RegistryClient.objects.filter(name=name.strip()).first():
            # Two of one name could no longer be told apart by --new-token NAME.
            raise CommandError(
                f"A registry client is already named {same.name!r} (id {same.pk}). "
                f"Choose another name, or give that one a new token with "
                f"--new-token {same.pk}."
            )
        try:
            client, token = create_client(
                name.strip(), webhook_url=webhook_url or "", rate_limit=rate_limit
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created registry client {client.name!r} (id {client.pk}, "
            f"token prefix {client.token_prefix}). The token is shown only once."
        )
        self.stdout.write(f"Webhook secret: {client.webhook_secret}")
        self.stdout.write(token)

    def _new_token(self, which: str, webhook_url, rate_limit) -> None:
        if webhook_url is not None or rate_limit is not None:
            raise CommandError(
                "--new-token changes only the token; change the webhook URL or the "
                "rate limit in the admin (Registry API → Clients)."
            )
        client = _find_client(which)
        was_active = client.is_active
        try:
            client, token = issue_new_token(client.pk)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"New token for registry client {client.name!r} (id {client.pk}, "
            f"token prefix {client.token_prefix}). The old token no longer works"
            + ("" if was_active else "; the client is active again")
            + ". The token is shown only once."
        )
        self.stdout.write(token)


def _find_client(which: str) -> RegistryClient:
    """The client with this id or, failing that, this exact name."""
    if which.isascii() and which.isdigit():
        client = RegistryClient.objects.filter(pk=int(which)).first()
        if client is not None:
            return client
    named = list(RegistryClient.objects.filter(name=which)[:2])
    if len(named) == 1:
        return named[0]
    if named:
        raise CommandError(
            f"More than one registry client is named {which!r}: give its id "
            "(Registry API → Clients in the admin)."
        )
    raise CommandError(f"No registry client with id or name {which!r}.")
