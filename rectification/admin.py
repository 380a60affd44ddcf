"""The back office of rectification: states are read-only; verifying, cancelling and reopening
are actions that call the same services as the pages. Progress reports, verifications and
report-back snapshots are records of what happened: they are read, not written, here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from members.admin import OrganisationScopedAdminMixin, service_action

from . import services
from .models import (
    Evidence,
    Problem,
    ProgressReport,
    RectificationItem,
    RectificationPlan,
    ReminderLog,
    ReportBack,
    Verification,
)


@admin.register(Problem)
class ProblemAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["__str__", "meeting", "source", "about_member", "severity"]
    list_filter = ["source", "severity", "meeting__organisation"]
    search_fields = ["description", "aspect", "about_member__name"]
    autocomplete_fields = ["meeting", "about_member", "material", "criticism", "opinion", "talk", "created_by"]
    list_select_related = ["meeting", "about_member"]


class RectificationItemInline(admin.TabularInline):
    model = RectificationItem
    extra = 0
    fields = ["number", "measure", "type", "responsible_member", "deadline", "status", "progress_percent"]
    readonly_fields = ["status", "progress_percent"]
    autocomplete_fields = ["responsible_member"]
    show_change_link = True


@admin.register(RectificationPlan)
class RectificationPlanAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "organisation"
    list_display = ["title", "meeting", "organisation", "status"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "meeting__title"]
    autocomplete_fields = ["meeting", "organisation"]
    list_select_related = ["meeting", "organisation"]
    readonly_fields = ["status"]
    inlines = [RectificationItemInline]


class RecordInline(admin.TabularInline):
    """A record of what was done to the item, written by its service: shown, never added or changed here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ProgressReportInline(RecordInline):
    model = ProgressReport
    fields = ["date", "text", "percent", "author"]


class VerificationInline(RecordInline):
    model = Verification
    fields = ["confirmed", "comment", "verified_by", "verified_at"]


@admin.register(RectificationItem)
class RectificationItemAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    organisation_path = "plan__organisation"
    list_display = ["__str__", "plan", "responsible_member", "type", "deadline", "status", "progress_percent"]
    list_filter = ["status", "type", "plan__organisation"]
    search_fields = ["measure", "responsible_member__name", "plan__title"]
    autocomplete_fields = ["plan", "problem", "responsible_member", "responsible_leader"]
    date_hierarchy = "deadline"
    readonly_fields = [
        "status",
        "progress_percent",
        "status_reason",
        "completion_note",
        "completed_on",
        "verified_at",
        "reopened_count",
        "version",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["plan", "responsible_member"]
    inlines = [ProgressReportInline, VerificationInline]
    actions = [
        service_action(
            "verify",
            lambda item, by: services.item_verify(item=item, by=by, confirmed=True),
            _("Verify the selected items reported done"),
            _("%(count)d items verified."),
        ),
        service_action(
            "reopen",
            lambda item, by: services.item_reopen(item=item, by=by, reason=str(_("Reopened in the back office."))),
            _("Reopen the selected items"),
            _("%(count)d items reopened."),
        ),
        service_action(
            "cancel",
            lambda item, by: services.item_cancel(item=item, by=by, reason=str(_("Cancelled in the back office."))),
            _("Cancel the selected items"),
            _("%(count)d items cancelled."),
        ),
    ]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(ProgressReport)
class ProgressReportAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Reported on the item's page by the responsible member; here only the wording can be mended."""

    organisation_path = "item__plan__organisation"
    list_display = ["__str__", "date", "percent", "author"]
    search_fields = ["text", "item__measure"]
    date_hierarchy = "date"
    readonly_fields = ["item", "date", "percent", "author", "created_at"]
    list_select_related = ["item", "author"]
    inlines = [EvidenceInline]

    def has_add_permission(self, request):
        return False


@admin.register(Evidence)
class EvidenceAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "report__item__plan__organisation"
    list_display = ["original_name", "report", "content_type", "size"]
    search_fields = ["original_name"]
    autocomplete_fields = ["report"]
    list_select_related = ["report__item"]


@admin.register(Verification)
class VerificationAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Recorded by the verify service (on the item's page, or the items' "verify" action): read only."""

    organisation_path = "item__plan__organisation"
    list_display = ["item", "confirmed", "verified_by", "verified_at"]
    list_filter = ["confirmed"]
    search_fields = ["item__measure", "comment"]
    list_select_related = ["item", "verified_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportBack)
class ReportBackAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Snapshots taken when the next meeting is held: the status and progress stand as they were."""

    organisation_path = "meeting__organisation"
    list_display = ["item", "meeting", "status", "progress_percent", "taken_at"]
    list_filter = ["status"]
    search_fields = ["item__measure", "meeting__title"]
    readonly_fields = ["meeting", "item", "status", "progress_percent", "taken_at"]
    list_select_related = ["item", "meeting"]

    def has_add_permission(self, request):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "member__memberships__organisation"
    list_display = ["member", "sent_on", "item_count"]
    search_fields = ["member__name"]
    date_hierarchy = "sent_on"
    list_select_related = ["member"]
