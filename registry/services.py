"""Rules of the registry API: clients and tokens, lookups, audit, rate limits, webhooks.

Called by ``registry.api`` (the endpoints), ``registry.tasks`` (webhook delivery),
the ``create_registry_client`` command and the certificates app, which reports
issued and revoked certificates through :func:`enqueue_certificate_event`.
"""

import datetime
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

import requests

from certificates.models import Certificate, CertificateStatus
from certificates.numbers import normalize_number
from lms import ratelimit
from lms.db import bound_cursor
from lms.iin import iin_hash, is_valid_iin, mask_iin, normalize_iin
from registry.models import (
    DeliveryStatus,
    RegistryCall,
    RegistryCallKind,
    RegistryClient,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)

EVENT_ISSUED = "certificate.issued"
EVENT_REVOKED = "certificate.revoked"
EVENTS = (EVENT_ISSUED, EVENT_REVOKED)

TOKEN_PREFIX_LENGTH = 8
CLIENT_CACHE_SECONDS = 5
LAST_USED_RESOLUTION_SECONDS = 60
RATE_WINDOW_SECONDS = 60

WEBHOOK_TIMEOUT = (3.05, 10)
# After this many failed attempts in a row each further failure is logged as a
# warning; the delivery is still retried until the client acknowledges it.
WEBHOOK_WARN_AFTER_ATTEMPTS = 12
WEBHOOK_FIRST_RETRY_SECONDS = 30
WEBHOOK_MAX_RETRY_SECONDS = 6 * 60 * 60
# A claimed delivery is left alone by other workers for this long; longer than the
# HTTP timeout, so only a worker that died mid-send lets the row be claimed again.
WEBHOOK_CLAIM_SECONDS = 60
WEBHOOK_SWEEP_BATCH = 100

_uuid_namespace = uuid.UUID("8a6c1f0e-4f59-4b0e-9a8e-5d7f0b2c9e11")


# Clients and tokens ------------------------------------------------------------


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token; tokens carry 256 random bits, so no salt is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_client(
    name: str, webhook_url: str = "", rate_limit: int | None = None
) -> tuple[RegistryClient, str]:
    """Create a client; returns it with its bearer token, which is not kept anywhere."""
    token = secrets.token_urlsafe(32)
    client = RegistryClient(
        name=name,
        token_prefix=token[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(token),
        webhook_url=webhook_url,
        webhook_secret=new_webhook_secret(),
    )
    if rate_limit is not None:
        client.rate_limit = rate_limit
    client.full_clean()
    client.save()
    return client, token


def issue_new_token(client_id: int) -> tuple[RegistryClient, str]:
    """Give an existing client a new bearer token and make it active; returns the
    client with the token, which is not kept anywhere.

    The old token stops working at once (on other processes within
    ``CLIENT_CACHE_SECONDS``): for a lost or leaked token, and the only way back
    for a deactivated client, whose old token stays revoked.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = RegistryClient.objects.select_for_update().get(pk=client_id)
        old_hash = client.token_hash
        client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
        client.token_hash = hash_token(token)
        client.is_active = True
        client.full_clean()
        client.save(update_fields=["token_prefix", "token_hash", "is_active"])
    _clients.pop(old_hash, None)  # the new hash is forgotten on save (apps.py)
    return client, token


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def rotate_webhook_secret(client_id: int) -> RegistryClient:
    """Give the client a new webhook secret. Events still waiting in the outbox
    are signed with it when they are next sent."""
    client = RegistryClient.objects.get(pk=client_id)
    client.webhook_secret = new_webhook_secret()
    client.save(update_fields=["webhook_secret"])
    return client


@dataclass(frozen=True)
class AuthenticatedClient:
    """What the API needs to know about the caller, cached by token hash."""

    id: int
    name: str
    rate_limit: int
    key: str  # identifies the client in cache keys; ids can be reused


# Token hash → (expiry, client or None), per process: most calls then need no
# lookup at all. An edit clears the entry here at once (see forget_client); other
# processes notice within CLIENT_CACHE_SECONDS.
_clients: dict[str, tuple[float, "AuthenticatedClient | None"]] = {}
_last_used: dict[str, float] = {}


def authenticate_token(token: str) -> AuthenticatedClient | None:
    """The active client holding ``token``, or None.

    The token is compared by looking up its hash, so the comparison takes the same
    time whatever the token.
    """
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    now = time.monotonic()
    expires, client = _clients.get(digest, (0.0, None))
    if expires < now:
        row = (
            RegistryClient.objects.filter(token_hash=digest, is_active=True)
            .values_list("id", "name", "rate_limit")
            .first()
        )
        client = AuthenticatedClient(*row, key=digest[:16]) if row else None
        if len(_clients) > 10_000:  # random tokens must not grow it without end
            _clients.clear()
        _clients[digest] = (now + CLIENT_CACHE_SECONDS, client)
    if client is not None and _last_used.get(client.key, 0.0) < now:
        _last_used[client.key] = now + LAST_USED_RESOLUTION_SECONDS
        RegistryClient.objects.filter(pk=client.id).update(last_used_at=timezone.now())
    return client


def forget_client(client: RegistryClient) -> None:
    """Drop the cached lookup so that an edit (a deactivation) applies at once."""
    _clients.pop(client.token_hash, None)


def deactivate_client(client: RegistryClient) -> None:
    """Revoke a client's token."""
    client.is_active = False
    client.save(update_fields=["is_active"])
    forget_client(client)


# Rate limits ---------------------------------------------------------------------


def check_rate_limit(client: AuthenticatedClient) -> int | None:
    """Count one call; None when allowed, else seconds until the window reopens.

    A fixed one-minute window per client, counted in the cache (Redis in production,
    where increments are atomic across processes).
    """
    hit = ratelimit.hit("registry", client.key, RATE_WINDOW_SECONDS)
    return hit.retry_after if hit.over(client.rate_limit) else None


# Audit ---------------------------------------------------------------------------


def record_call(
    *,
    client_id: int | None,
    kind: str,
    http_status: int,
    result: str = "",
    iin_hashes: list[str] | None = None,
    certificate_number: str = "",
) -> None:
    """Write one audit row. IINs are passed already hashed, never in clear."""
    values = {
        "client_id": client_id,
        "called_at": timezone.now(),
        "kind": kind,
        "http_status": http_status,
        "result": result[:200],
        "iin_hashes": iin_hashes or [],
        "certificate_number": certificate_number[:64],
    }
    try:
        if connection.vendor == "postgresql":
            _insert_relaxed(values)
        else:
            # bulk_create: one INSERT, no save signals (an audit row needs none).
            RegistryCall.objects.bulk_create([RegistryCall(**values)])
    except Exception:  # noqa: BLE001 - an audit failure must not hide the answer
        logger.exception("Could not record a registry call (%s, %s)", kind, http_status)


def _insert_relaxed(values: dict) -> None:
    # One statement, committed without waiting for the WAL flush
    # (synchronous_commit off for this transaction only): the row is written
    # within PostgreSQL's wal_writer_delay, and only a crash of the database
    # server in that fraction of a second could lose it. This keeps the audit
    # from costing a disk flush on every call.
    table = RegistryCall._meta.db_table
    columns = ", ".join(connection.ops.quote_name(name) for name in values)
    placeholders = ", ".join(
        "%s::jsonb" if name == "iin_hashes" else "%s" for name in values
    )
    params = [
        json.dumps(value) if name == "iin_hashes" else value
        for name, value in values.items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) "  # noqa: S608
            f"SELECT {placeholders} "
            "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed",
            params,
        )


def checks_record(user) -> list[dict]:
    """The registry's calls about ``user``, for the learner's own copy of their
    data (``lms.personal_data``): those that asked about their IIN or about one
    of their certificates, oldest first.

    Each says when, which service, what was asked and whether it was answered;
    a ``verify`` also says its answer, which concerns the learner's own IIN or
    certificate. Nothing of the other people asked about in the same call: not
    their IINs' hashes, nor how many of them had completed the guide.
    """
    numbers = list(
        Certificate.objects.filter(user=user).values_list("number", flat=True)
    )
    about = Q(certificate_number__in=numbers) if numbers else Q(pk__in=[])
    if user.iin_hash:
        about |= _asked_about(user.iin_hash)
    calls = (
        RegistryCall.objects.filter(about)
        .select_related("client")
        .order_by("called_at", "pk")
    )
    return [
        {
            "checked_at": call.called_at.isoformat(),
            "service": call.client.name if call.client else None,
            "kind": call.kind,
            "answered": call.http_status == 200,
            "certificate_number": call.certificate_number
            if call.certificate_number in numbers
            else None,
            "answer": call.result
            if call.kind == RegistryCallKind.VERIFY and call.http_status == 200
            else None,
        }
        for call in calls.iterator()
    ]


def _asked_about(hashed_iin: str) -> Q:
    """Calls whose hashed IINs include ``hashed_iin``. PostgreSQL tests the JSON
    list itself; other databases its text, in which a hash can only appear as
    one whole element (64 hex digits in quotes)."""
    if connection.features.supports_json_field_contains:
        return Q(iin_hashes__contains=[hashed_iin])
    return Q(iin_hashes__icontains=f'"{hashed_iin}"')


# Lookups ---------------------------------------------------------------------------


def normalize_certificate_number(value: str) -> str | None:
    """The canonical form of a certificate number, or None when it is malformed."""
    return normalize_number(value)


@dataclass(frozen=True)
class Audit:
    """Who asked what, for the audit row written with a successful lookup."""

    client_id: int | None
    kind: str


def verify_certificate(number: str, iin: str, audit: Audit | None = None) -> dict:
    """The registry's view of one certificate, given its number and holder's IIN.

    One indexed query, whatever the answer: a number held by someone else is
    indistinguishable from an unknown one. With ``audit`` the call is recorded.
    """
    digest = iin_hash(iin)
    rows = _lookup(
        lambda: Certificate.objects.filter(
            number=number, holder_iin_hash=digest
        ).values_list("number", "course_kind", "issued_at", "status")[:1],
        audit,
        select_sql=_VERIFY_SQL,
        select_params=[number, digest],
        result_sql="COALESCE((SELECT status FROM found LIMIT 1), 'not_found')",
        result_params=[],
        iin_hashes=[digest],
        certificate_number=number,
    )
    if not rows:
        answer = {
            "status": "not_found",
            "certificate_number": None,
            "course_kind": None,
            "issued_at": None,
        }
    else:
        number, course_kind, issued_at, status = rows[0]
        answer = {
            "status": "valid" if status == CertificateStatus.VALID else "revoked",
            "certificate_number": number,
            "course_kind": course_kind,
            "issued_at": issued_at,
        }
    if audit and connection.vendor != "postgresql":
        record_call(
            client_id=audit.client_id,
            kind=audit.kind,
            http_status=200,
            result=answer["status"],
            iin_hashes=[digest],
            certificate_number=number,
        )
    return answer


def guide_status(iins: list[str], audit: Audit | None = None) -> list[dict]:
    """For each IIN, in order: has the person a valid certificate of the guide?

    One query for all of them; revoked certificates and other courses do not
    count. With ``audit`` the call is recorded.
    """
    hashes = [iin_hash(iin) for iin in iins]
    rows = _lookup(
        lambda: (
            Certificate.objects.filter(
                holder_iin_hash__in=set(hashes),
                course_kind="guide",
                status=CertificateStatus.VALID,
            )
            .order_by("issued_at")
            .values_list("holder_iin_hash", "number", "issued_at")
        ),
        audit,
        select_sql=_GUIDE_STATUS_SQL,
        select_params=[sorted(set(hashes)), "guide", CertificateStatus.VALID.value],
        result_sql="(SELECT count(*) FROM unnest(%s::text[]) AS asked(h) "
        "WHERE h IN (SELECT holder_iin_hash FROM found))::text "
        "|| ' of ' || %s::text || ' completed'",
        result_params=[hashes, str(len(hashes))],
        iin_hashes=hashes,
    )
    found: dict[str, tuple[str, datetime.datetime]] = {}
    for digest, number, issued_at in rows:
        found.setdefault(digest, (number, issued_at))
    results = []
    for iin, digest in zip(iins, hashes, strict=True):
        number, issued_at = found.get(digest, (None, None))
        results.append(
            {
                "iin_masked": mask_iin(iin),
                "completed": number is not None,
                "certificate_number": number,
                "issued_at": issued_at,
            }
        )
    if audit and connection.vendor != "postgresql":
        completed = sum(1 for result in results if result["completed"])
        record_call(
            client_id=audit.client_id,
            kind=audit.kind,
            http_status=200,
            result=f"{completed} of {len(results)} completed",
            iin_hashes=hashes,
        )
    return results


# The lookups as PostgreSQL runs them with the audit insert (the querysets above
# say the same for other databases and for calls without an audit).
_VERIFY_SQL = (
    "SELECT number, course_kind, issued_at, status FROM {table} "
    "WHERE number = %s AND holder_iin_hash = %s LIMIT 1"
)
_GUIDE_STATUS_SQL = (
    "SELECT holder_iin_hash, number, issued_at FROM {table} "
    "WHERE holder_iin_hash = ANY(%s::text[]) AND course_kind = %s AND status = %s "
    "ORDER BY issued_at"
)


def _lookup(
    queryset: Callable[[], QuerySet],
    audit: Audit | None,
    *,
    select_sql: str,
    select_params: list,
    result_sql: str,
    result_params: list,
    iin_hashes: list[str],
    certificate_number: str = "",
) -> list[tuple]:
    """The rows of ``queryset()``; on PostgreSQL with ``audit``, the rows of
    ``select_sql`` (the same lookup) and the audit row written by the same
    statement, so a registry call costs one round trip to the database, bound on
    the server. ``result_sql`` sums the answer up from the CTE ``found``; the
    commit does not wait for the WAL flush (see :func:`_insert_relaxed`)."""
    if audit is None or connection.vendor != "postgresql":
        return list(queryset())
    quote = connection.ops.quote_name
    select_sql = select_sql.format(table=quote(Certificate._meta.db_table))
    table = quote(RegistryCall._meta.db_table)
    sql = (
        f"WITH found AS ({select_sql}), audit AS ("  # noqa: S608
        f"INSERT INTO {table} (client_id, called_at, kind, http_status, result, "
        "iin_hashes, certificate_number) "
        f"SELECT %s::integer, %s, %s, 200, {result_sql}, %s::jsonb, %s "
        "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"
        ") SELECT * FROM found"
    )
    params = [
        *select_params,
        audit.client_id,
        timezone.now(),
        audit.kind,
        *result_params,
        json.dumps(iin_hashes),
        certificate_number,
    ]
    with bound_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def clean_iin(value: str) -> str | None:
    """The IIN without separators, or None when it fails the checksum."""
    iin = normalize_iin(value)
    return iin if is_valid_iin(iin) else None


# Webhooks --------------------------------------------------------------------------


def event_payload(certificate: Certificate, event: str, event_id: uuid.UUID) -> dict:
    """The JSON body of an event: the certificate's public facts, no names or IINs."""
    return {
        "id": str(event_id),
        "type": event,
        "created_at": event_time(timezone.now()),
        "data": {
            "certificate_number": certificate.number,
            "course_kind": certificate.course_kind,
            "status": certificate.status,
            "issued_at": event_time(certificate.issued_at),
            "revoked_at": event_time(certificate.revoked_at),
        },
    }


def event_time(moment: datetime.datetime | None) -> str | None:
    """A time in an event as the API answers ``issued_at``: UTC, whole seconds,
    ``2026-03-14T05:21:07Z``."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _event_id(certificate: Certificate, event: str) -> uuid.UUID:
    # The same certificate and event always get the same id, so reporting it twice
    # adds nothing; a revocation is told apart by its time.
    moment = certificate.revoked_at if event == EVENT_REVOKED else None
    stamp = moment.isoformat() if moment else ""
    return uuid.uuid5(_uuid_namespace, f"{certificate.number}|{event}|{stamp}")


def enqueue_certificate_event(certificate: Certificate, event: str) -> None:
    """Queue ``event`` about ``certificate`` for every active client with a webhook.

    Writes one outbox row per client in the caller's transaction (a repeated call for
    the same certificate and event writes nothing new) and hands the new rows to the
    queue once the transaction commits. Rows the queue never got are sent by
    :func:`send_due_webhooks`.
    """
    if event not in EVENTS:
        raise ValueError(f"Unknown certificate event {event!r}")
    event_id = _event_id(certificate, event)
    clients = RegistryClient.objects.filter(is_active=True).exclude(webhook_url="")
    created_ids = []
    for client in clients:
        try:
            with transaction.atomic():
                delivery, created = WebhookDelivery.objects.get_or_create(
                    client=client,
                    event_id=event_id,
                    defaults={
                        "event_type": event,
                        "certificate_number": certificate.number,
                        "payload": event_payload(certificate, event, event_id),
                        "next_attempt_at": timezone.now(),
                    },
                )
        except IntegrityError:
            continue  # written by a concurrent call for the same event
        if created:
            created_ids.append(delivery.pk)
    for delivery_id in created_ids:
        transaction.on_commit(lambda pk=delivery_id: _enqueue_delivery(pk))


def _enqueue_delivery(
    delivery_id: int, run_after: datetime.datetime | None = None
) -> bool:
    """Queue the delivery's attempt; False when the queue could not be reached
    (``send_due_webhooks`` sends it once it is back)."""
    from registry.tasks import deliver_webhook

    try:
        if run_after is not None:
            if not deliver_webhook.get_backend().supports_defer:
                return True  # picked up by send_due_webhooks when it is due
            run_after = _whole_second_from(run_after)
            deliver_webhook.using(run_after=run_after).enqueue(delivery_id)
        else:
            deliver_webhook.enqueue(delivery_id)
    except Exception:  # noqa: BLE001 - queue down: the sweep sends it later
        logger.exception("Could not enqueue webhook delivery %s", delivery_id)
        return False
    return True


def _whole_second_from(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` rounded up to a whole second: RQ keeps a scheduled job's time in
    whole seconds, dropping the fraction, and would start it before it is due."""
    if not moment.microsecond:
        return moment
    return moment.replace(microsecond=0) + datetime.timedelta(seconds=1)


def sign_webhook(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Signature`` header value for ``body`` sent at ``timestamp``."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential back-off after ``attempts`` failed attempts: 30 s, 1 min, 2 min…"""
    seconds = WEBHOOK_FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return datetime.timedelta(seconds=min(seconds, WEBHOOK_MAX_RETRY_SECONDS))


def _due(now: datetime.datetime) -> Q:
    # Only the row's own columns: a conditional UPDATE filtering through a join
    # becomes "id IN (subquery)", which PostgreSQL does not re-check after waiting
    # for a concurrent claim, and two workers could then both win.
    return (
        Q(status=DeliveryStatus.PENDING)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def _sendable() -> Q:
    return Q(client__is_active=True) & ~Q(client__webhook_url="")


def claim_delivery(delivery_id: int) -> WebhookDelivery | None:
    """Take a due delivery for one attempt, or None if it is not due or taken.

    A conditional UPDATE, so of several workers racing for the same row exactly
    one wins; the claim lapses after ``WEBHOOK_CLAIM_SECONDS``.
    """
    if not WebhookDelivery.objects.filter(_sendable(), pk=delivery_id).exists():
        return None
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(_due(now), pk=delivery_id).update(
        claimed_until=now + datetime.timedelta(seconds=WEBHOOK_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("client").get(pk=delivery_id)


def attempt_delivery(delivery: WebhookDelivery) -> bool:
    """POST a claimed delivery to its client; record the outcome. True on 2xx."""
    client = delivery.client
    body = json.dumps(_as_sent_now(delivery), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "bakytty-otbasy-registry-webhooks/1",
        "X-Event-Id": str(delivery.event_id),
        "X-Event-Type": delivery.event_type,
        "X-Signature": sign_webhook(client.webhook_secret, body, int(time.time())),
    }
    error = ""
    try:
        response = requests.post(
            client.webhook_url,
            data=body,
            headers=headers,
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
        if 200 <= response.status_code < 300:
            now = timezone.now()
            WebhookDelivery.objects.filter(
                pk=delivery.pk, status=DeliveryStatus.PENDING
            ).update(
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                claimed_until=None,
                next_attempt_at=None,
                last_error="",
            )
            return True
        error = f"HTTP {response.status_code}: {response.text[:300]}"
    except Exception as exc:  # noqa: BLE001 - refused, timed out, bad URL…
        error = f"{type(exc).__name__}: {exc}"[:500]
    _record_failure(delivery, error)
    return False


def _as_sent_now(delivery: WebhookDelivery) -> dict:
    """The event with its ``data`` read at this attempt: a retried
    ``certificate.issued`` arriving after the ``certificate.revoked`` it came
    before says ``revoked`` too, so the latest event received about a certificate
    always tells its state."""
    # Rows queued before times were whole seconds keep milliseconds in created_at.
    created_at = event_time(parse_datetime(delivery.payload["created_at"]))
    sent = {**delivery.payload, "created_at": created_at}
    certificate = Certificate.objects.filter(number=delivery.certificate_number).first()
    if certificate is None:
        return sent
    current = event_payload(certificate, delivery.event_type, delivery.event_id)
    return {**sent, "data": current["data"]}


def _record_failure(delivery: WebhookDelivery, error: str) -> None:
    if delivery.attempts >= WEBHOOK_WARN_AFTER_ATTEMPTS:
        logger.warning(
            "Webhook delivery %s to %s still failing after %s attempts: %s",
            delivery.pk,
            delivery.client.name,
            delivery.attempts,
            error,
        )
    next_at = timezone.now() + retry_delay(delivery.attempts)
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING
    ).update(claimed_until=None, next_attempt_at=next_at, last_error=error)
    _enqueue_delivery(delivery.pk, run_after=next_at)


def deliver(delivery_id: int) -> bool:
    """Claim and attempt one delivery; False when it was not due or failed."""
    delivery = claim_delivery(delivery_id)
    if delivery is None:
        _requeue_if_early(delivery_id)
        return False
    return attempt_delivery(delivery)


def _requeue_if_early(delivery_id: int) -> None:
    """A job that ran before its delivery's next attempt was due (a clock ahead
    of the database's, say) leaves a job for that time, not nothing."""
    now = timezone.now()
    due_at = (
        WebhookDelivery.objects.filter(
            _sendable(),
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__gt=now,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if due_at is not None:
        _enqueue_delivery(delivery_id, run_after=due_at)


def send_due_webhooks(limit: int = WEBHOOK_SWEEP_BATCH) -> int:
    """Attempt every due delivery (up to ``limit``); returns how many were delivered.

    Rows are picked with ``SELECT … FOR UPDATE SKIP LOCKED`` and claimed in the same
    transaction, so sweeps running side by side never take the same row; the HTTP
    calls happen after the claim is committed, with no lock held.
    """
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=WEBHOOK_CLAIM_SECONDS)
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_due(now), _sendable())
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(
                claimed_until=lease, attempts=F("attempts") + 1
            )
    delivered = 0
    for delivery in WebhookDelivery.objects.filter(pk__in=ids).select_related("client"):
        delivered += attempt_delivery(delivery)
    return delivered


@dataclass
class Retried:
    """What ``retry_deliveries`` did: how many deliveries are due now, and those
    of them the queue could not take (known once the transaction commits)."""

    count: int
    unqueued: list[int] = field(default_factory=list)


def retry_deliveries(deliveries) -> Retried:
    """Attempt failing deliveries now instead of at their next back-off time (after
    the receiving side is fixed, say). Deliveries to a client that is deactivated
    or has no webhook URL any more are not sent."""
    ids = list(
        deliveries.filter(
            _sendable(), status=DeliveryStatus.PENDING, attempts__gt=0
        ).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=ids).update(
        next_attempt_at=timezone.now(), claimed_until=None
    )
    retried = Retried(count=len(ids))

    def enqueue(pk):
        if not _enqueue_delivery(pk):
            retried.unqueued.append(pk)

    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue(pk))
    return retried
