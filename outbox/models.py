from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxMessage(models.Model):
    """One email to one recipient, written with the change it tells about and sent by the worker.

    queued → sending (claimed by a worker until `next_attempt_at`) → sent; a failed attempt puts it
    back to queued with a later `next_attempt_at`; after OUTBOX_MAX_ATTEMPTS, or when the mail server
    refuses it for good, it is failed (an administrator may retry it)."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("email", "queued")
        SENDING = "sending", pgettext_lazy("email", "sending")
        SENT = "sent", pgettext_lazy("email", "sent")
        FAILED = "failed", pgettext_lazy("email", "failed")

    # Rows the worker may claim once their `next_attempt_at` has come (a `sending` row whose worker
    # died is claimed again when its claim runs out).
    PENDING = (Status.QUEUED, Status.SENDING)

    kind = models.CharField(_("kind"), max_length=50)
    reference = models.CharField(pgettext_lazy("email", "about"), max_length=100, blank=True)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    from_email = models.CharField(pgettext_lazy("email", "from"), max_length=254)
    to = models.CharField(pgettext_lazy("email", "to"), max_length=254)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_by = models.CharField(_("worker"), max_length=100, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed"]), name="outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="outbox_sent_at_iff_sent",
            ),
            models.CheckConstraint(condition=~Q(to=""), name="outbox_has_recipient"),
        ]
        indexes = [
            # What the worker asks for on every pass: the pending rows whose time has come.
            models.Index(
                fields=["next_attempt_at", "id"], condition=Q(status__in=["queued", "sending"]), name="outbox_due_idx"
            ),
            models.Index(fields=["status", "-created_at"], name="outbox_status_created_idx"),
            models.Index(fields=["kind", "reference"], name="outbox_kind_reference_idx"),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"
