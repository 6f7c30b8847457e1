"""The marriage registration service as an API client: tokens, audit, webhooks."""

import re
import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def validate_webhook_url(url: str) -> None:
    """Events travel over TLS; plain http only to this machine (development,
    tests, or a TLS proxy beside the web process)."""
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if url and parts.scheme != "https" and not local:
        raise ValidationError(
            _(
                "The webhook URL must start with https://. Plain http:// is "
                "accepted only for this machine (localhost)."
            ),
            code="insecure_webhook_url",
        )


class RegistryClient(models.Model):
    """A system allowed to call the registry API with a bearer token.

    Only the SHA-256 of the token is kept; ``token_prefix`` lets staff recognise a
    token in the admin without being able to use it. Deactivating a client revokes
    its token at once.
    """

    name = models.CharField(_("name"), max_length=200)
    token_prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    webhook_url = models.URLField(
        _("webhook URL"),
        max_length=500,
        blank=True,
        validators=[validate_webhook_url],
        help_text=_("Where certificate events are sent (https); empty for none."),
    )
    webhook_secret = models.CharField(max_length=128, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"),
        default=120,
        validators=[MinValueValidator(1)],
        help_text=_("Per client, per minute."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registry client")
        verbose_name_plural = _("registry clients")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.token_prefix}…)"

    def clean(self):
        """Deactivating revokes the token for good: a deactivated client becomes
        active again only with a new token (``create_registry_client
        --new-token``), never with the old one."""
        super().clean()
        if self.pk is None or not self.is_active:
            return
        stored = (
            RegistryClient.objects.filter(pk=self.pk)
            .values_list("is_active", "token_hash")
            .first()
        )
        if stored and not stored[0] and stored[1] == self.token_hash:
            raise ValidationError(
                {
                    "is_active": _(
                        "A deactivated client cannot be made active again with "
                        "its old token. Give it a new token with manage.py "
                        "create_registry_client --new-token."
                    )
                },
                code="token_revoked",
            )


class RegistryCallKind(models.TextChoices):
    VERIFY = "verify", _("Verify a certificate")
    GUIDE_STATUS = "guide-status", _("Guide status")


# What the API records as a call's result, in English (``registry.api``,
# ``registry.auth``, ``registry.services``), and how staff read it.
RESULT_CONTEXT = "registry call result"
RESULT_LABELS = {
    "valid": pgettext_lazy(RESULT_CONTEXT, "valid"),
    "revoked": pgettext_lazy(RESULT_CONTEXT, "revoked"),
    "not_found": pgettext_lazy(RESULT_CONTEXT, "not found"),
    "invalid IIN": pgettext_lazy(RESULT_CONTEXT, "invalid IIN"),
    "malformed number": pgettext_lazy(RESULT_CONTEXT, "malformed number"),
    "rate limited": pgettext_lazy(RESULT_CONTEXT, "over the rate limit"),
    "unauthorized": pgettext_lazy(RESULT_CONTEXT, "no or wrong token"),
    "unauthorized; further calls from this address this minute not recorded": (
        pgettext_lazy(
            RESULT_CONTEXT,
            "no or wrong token; further calls from this address this minute not "
            "recorded",
        )
    ),
}
RESULT_PATTERNS = [
    (
        re.compile(r"(?P<completed>\d+) of (?P<total>\d+) completed"),
        pgettext_lazy(RESULT_CONTEXT, "completed: %(completed)s of %(total)s"),
    ),
    (
        re.compile(r"invalid IIN at (?P<index>\d+)"),
        pgettext_lazy(RESULT_CONTEXT, "invalid IIN: iins.%(index)s"),
    ),
    (
        re.compile(r"method (?P<method>[A-Z]+) not allowed"),
        pgettext_lazy(RESULT_CONTEXT, "method %(method)s not allowed"),
    ),
]


def result_label(result: str) -> str:
    """A recorded result in the active language; what is not one of the API's own
    results (pydantic's messages, say) stays as recorded."""
    if result in RESULT_LABELS:
        return str(RESULT_LABELS[result])
    for pattern, label in RESULT_PATTERNS:
        if found := pattern.fullmatch(result):
            return str(label) % found.groupdict()
    return gettext(result)  # a refusal's message is one of the API's msgids


class RegistryCall(models.Model):
    """One call to the registry API, kept as an audit trail; never edited.

    IINs appear only as keyed hashes (``lms.iin.iin_hash``).
    """

    client = models.ForeignKey(
        RegistryClient,
        on_delete=models.PROTECT,
        related_name="calls",
        null=True,
        blank=True,
        verbose_name=_("client"),
    )
    called_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RegistryCallKind.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"))
    result = models.CharField(_("result"), max_length=200, blank=True)
    iin_hashes = models.JSONField(_("IIN hashes"), default=list, blank=True)
    certificate_number = models.CharField(
        _("certificate number"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("registry call")
        verbose_name_plural = _("registry calls")
        ordering = ["-called_at"]

    def __str__(self):
        called_at = timezone.localtime(self.called_at)  # as the admin shows times
        when = f"{formats.date_format(called_at, 'SHORT_DATE_FORMAT')} {called_at:%T}"
        return f"{self.get_kind_display()} — {self.http_status} — {when}"

    def get_result_display(self) -> str:
        """The result in the staff member's language (the admin's listing, page
        and exports); the record itself keeps the API's English."""
        return result_label(self.result)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")


class WebhookDelivery(models.Model):
    """An event waiting for, or given to, one client's webhook (transactional outbox).

    Written in the same transaction as the change it reports; sent after commit and
    retried with back-off (at most ``WEBHOOK_MAX_RETRY_SECONDS`` apart) until the
    client answers 2xx.
    """

    client = models.ForeignKey(
        RegistryClient,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("client"),
    )
    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4)
    event_type = models.CharField(_("event type"), max_length=64)
    certificate_number = models.CharField(
        _("certificate number"), max_length=64, blank=True
    )
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "event_id"], name="registry_delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="registry_delivery_due"
            )
        ]

    def __str__(self):
        return f"{self.event_type} → {self.client.name} ({self.get_status_display()})"
