"""Writes to the outbox: queue messages (in the caller's transaction) and retry them from the admin."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OutboxMessage


def enqueue(
    *,
    kind: str,
    subject: str,
    body: str,
    recipients: Iterable[str],
    reference: str = "",
    from_email: str | None = None,
) -> list[OutboxMessage]:
    """Queue one message per recipient (blank and repeated addresses left out).

    The rows are written in the caller's transaction: call it inside the service's
    `transaction.atomic` so the message exists exactly when the change it tells about does.
    Nothing here talks to the mail server; the worker does (`manage.py send_outbox`)."""
    addresses = list(dict.fromkeys(a.strip() for a in recipients if a and a.strip()))
    if not addresses:
        return []
    now = timezone.now()
    sender = from_email or settings.DEFAULT_FROM_EMAIL
    rows = [
        OutboxMessage(
            kind=kind,
            reference=reference,
            subject=" ".join(subject.split()),  # a header holds one line
            body=body,
            from_email=sender,
            to=address,
            created_at=now,
            next_attempt_at=now,
        )
        for address in addresses
    ]
    with transaction.atomic():
        return OutboxMessage.objects.bulk_create(rows)


def can_manage_outbox(user) -> bool:
    """Who sees the outbox and retries its messages: superusers (the messages hold addresses and
    the subjects of every organisation's business)."""
    return bool(user and user.is_active and user.is_superuser)


@transaction.atomic
def message_retry(*, message: OutboxMessage, by) -> OutboxMessage:
    """Send a waiting or failed message at the worker's next pass; a failed one gets its full
    number of attempts again."""
    if not can_manage_outbox(by):
        raise PermissionDenied
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == OutboxMessage.Status.SENT:
        raise ValidationError(_("This email was sent already."))
    if message.status == OutboxMessage.Status.SENDING and message.next_attempt_at > timezone.now():
        raise ValidationError(_("This email is being sent right now."))
    if message.status == OutboxMessage.Status.FAILED:
        message.attempts = 0
    message.status = OutboxMessage.Status.QUEUED
    message.next_attempt_at = timezone.now()
    message.claimed_by = ""
    message.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_by"])
    return message
