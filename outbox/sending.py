"""The worker's pass: claim one due message in a short transaction, send it, record what happened.

Each message is sent once however many workers run: a worker claims a row (on PostgreSQL with
`SELECT … FOR UPDATE SKIP LOCKED`, on SQLite inside the IMMEDIATE transaction that holds the write
lock) and marks it `sending` until its claim runs out, so no other worker picks it; only the claim's
holder may mark it sent. The one gap no outbox closes: a worker killed after the mail server
accepted a message and before the database heard of it sends that message again once its claim runs
out; the message keeps its Message-ID, so mail clients show it once.

While the mail server cannot be reached the pass stops at the first message that fails (the others
stay queued and untouched); each failure waits 1, 2, 4 … minutes (at most an hour) before the next
attempt, and after OUTBOX_MAX_ATTEMPTS the message is marked failed. A message the server refuses
for good (a 5xx answer) is marked failed at once. Failed messages are retried from the admin.
"""

import datetime
import logging
import os
import smtplib
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger("meeting_records.outbox")

RETRY_FIRST_SECONDS = 60
RETRY_MAX_SECONDS = 60 * 60
DEFAULT_EMAIL_TIMEOUT = 10
ERROR_LENGTH = 2000


def max_attempts() -> int:
    return max(1, int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 10)))


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long a message waits after its `attempts`-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    exponent = min(max(attempts - 1, 0), 30)
    return datetime.timedelta(seconds=min(RETRY_FIRST_SECONDS * 2**exponent, RETRY_MAX_SECONDS))


def claim_duration() -> datetime.timedelta:
    """How long a claimed message is left to its worker: ample for one message's SMTP exchange,
    each step of which waits at most EMAIL_TIMEOUT."""
    timeout = settings.EMAIL_TIMEOUT or DEFAULT_EMAIL_TIMEOUT
    return datetime.timedelta(seconds=max(60, 10 * timeout))


def _worker_token() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_next() -> OutboxMessage | None:
    """The next due message, now `sending` under a claim of this call's own; None when none is due."""
    for _ in range(10):
        now = timezone.now()
        due = OutboxMessage.objects.filter(status__in=OutboxMessage.PENDING, next_attempt_at__lte=now)
        with transaction.atomic():
            row = due.select_for_update(skip_locked=True).order_by("next_attempt_at", "id").values("pk").first()
            if row is None:
                return None
            token = _worker_token()
            # The condition is checked again by the UPDATE itself, so even a database that locks
            # nothing lets only one worker have the row.
            claimed = due.filter(pk=row["pk"]).update(
                status=OutboxMessage.Status.SENDING,
                claimed_by=token,
                attempts=F("attempts") + 1,
                next_attempt_at=now + claim_duration(),
            )
            if claimed:
                return OutboxMessage.objects.get(pk=row["pk"])
    return None


def _message_id(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt, so a message sent twice is recognised as one."""
    return f"<outbox.{message.pk}.{int(message.created_at.timestamp())}@{DNS_NAME}>"


def _deliver(message: OutboxMessage, connection) -> None:
    email = EmailMessage(
        message.subject,
        message.body,
        message.from_email,
        [message.to],
        connection=connection,
        headers={"Message-ID": _message_id(message)},
    )
    connection.open()  # kept open for the pass: send_messages closes only a connection it opened
    if connection.send_messages([email]) != 1:
        raise smtplib.SMTPException("the mail backend sent nothing")


def classify(error: Exception) -> tuple[bool, bool]:
    """(refused for good, server unreachable) for an error raised while sending."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes), False
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPHeloError | smtplib.SMTPAuthenticationError):
        return False, True  # the server, or our account on it, is not working: not this message's fault
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500, False
    if isinstance(error, OSError):  # refused, timed out, disconnected, TLS (smtplib's errors are OSErrors too)
        return False, True
    return False, False


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_LENGTH]


def mark_sent(message: OutboxMessage) -> bool:
    return bool(
        OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_by=message.claimed_by
        ).update(status=OutboxMessage.Status.SENT, sent_at=timezone.now())
    )


def mark_failed(message: OutboxMessage, error: Exception, *, permanent: bool = False) -> str:
    """Record a failed attempt; returns the message's new status (queued again, or failed)."""
    gave_up = permanent or message.attempts >= max_attempts()
    now = timezone.now()
    status = OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.QUEUED
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_by=message.claimed_by
    ).update(
        status=status,
        last_error=_error_text(error),
        next_attempt_at=now if gave_up else now + retry_delay(message.attempts),
        claimed_by="",
    )
    log = logger.error if gave_up else logger.warning
    log(
        "outbox: %s to %s (%s, attempt %s) %s: %s",
        message.kind,
        message.to,
        message.reference or "-",
        message.attempts,
        "gave up" if gave_up else "failed, will retry",
        _error_text(error),
    )
    return status


@dataclass
class PassResult:
    sent: int = 0
    retrying: int = 0
    gave_up: int = 0
    unreachable: str = ""

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.gave_up


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # a connection that is already broken is closed enough
        logger.debug("outbox: closing the mail connection failed", exc_info=True)


def send_due(*, limit: int | None = None, should_stop: Callable[[], bool] = lambda: False) -> PassResult:
    """One pass: send every message that is due (at most `limit`), through EMAIL_BACKEND."""
    result = PassResult()
    connection = get_connection(fail_silently=False)
    try:
        while (limit is None or result.attempted < limit) and not should_stop():
            message = claim_next()
            if message is None:
                break
            try:
                _deliver(message, connection)
            except Exception as error:  # every failure is recorded on the message
                permanent, unreachable = classify(error)
                if mark_failed(message, error, permanent=permanent) == OutboxMessage.Status.FAILED:
                    result.gave_up += 1
                else:
                    result.retrying += 1
                _close(connection)
                if unreachable:
                    result.unreachable = _error_text(error)
                    break
                continue
            mark_sent(message)
            result.sent += 1
    finally:
        _close(connection)
    return result
