from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import RecordAdminMixin, service_action

from . import services
from .models import OutboxMessage

retry_now = service_action(
    "retry_now",
    lambda message, user: services.message_retry(message=message, by=user),
    _("Retry now"),
    _("%(count)s email(s) will be sent at the worker's next pass."),
)
retry_now.allowed_permissions = ("retry",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Emails waiting, sent and failed, for superusers only: written by the services and the worker,
    read here; a failed one is retried with the action."""

    list_display = ["created_at", "status", "to", "subject", "kind", "attempts", "next_attempt", "last_error_short"]
    list_filter = ["status", "kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["to", "subject", "reference"]
    date_hierarchy = "created_at"
    actions = [retry_now]
    fields = [
        "status",
        "kind",
        "reference",
        "from_email",
        "to",
        "subject",
        "body",
        "created_at",
        "attempts",
        "next_attempt_at",
        "claimed_by",
        "last_error",
        "sent_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("next attempt"), ordering="next_attempt_at")
    def next_attempt(self, obj):
        return obj.next_attempt_at if obj.status in OutboxMessage.PENDING else None

    @admin.display(description=_("last error"))
    def last_error_short(self, obj):
        return obj.last_error[:120] + ("…" if len(obj.last_error) > 120 else "")

    def may_read(self, user) -> bool:
        return services.can_manage_outbox(user)

    def has_retry_permission(self, request):
        return services.can_manage_outbox(request.user)
