from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from members.admin import OrganisationScopedAdminMixin

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
    inlines = [RectificationItemInline]


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    fields = ["date", "text", "percent", "author"]
    readonly_fields = ["author"]


class VerificationInline(admin.TabularInline):
    model = Verification
    extra = 0
    fields = ["confirmed", "comment", "verified_by", "verified_at"]
    readonly_fields = ["verified_by", "verified_at"]


@admin.register(RectificationItem)
class RectificationItemAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    organisation_path = "plan__organisation"
    list_display = ["__str__", "plan", "responsible_member", "type", "deadline", "status", "progress_percent"]
    list_filter = ["status", "type", "plan__organisation"]
    search_fields = ["measure", "responsible_member__name", "plan__title"]
    autocomplete_fields = ["plan", "problem", "responsible_member", "responsible_leader"]
    date_hierarchy = "deadline"
    readonly_fields = ["version", "reopened_count", "verified_at", "created_at", "updated_at"]
    list_select_related = ["plan", "responsible_member"]
    inlines = [ProgressReportInline, VerificationInline]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


@admin.register(ProgressReport)
class ProgressReportAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "item__plan__organisation"
    list_display = ["__str__", "date", "percent", "author"]
    search_fields = ["text", "item__measure"]
    autocomplete_fields = ["item"]
    date_hierarchy = "date"
    list_select_related = ["item", "author"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "report__item__plan__organisation"
    list_display = ["original_name", "report", "content_type", "size"]
    search_fields = ["original_name"]
    autocomplete_fields = ["report"]
    list_select_related = ["report__item"]


@admin.register(Verification)
class VerificationAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "item__plan__organisation"
    list_display = ["item", "confirmed", "verified_by", "verified_at"]
    list_filter = ["confirmed"]
    search_fields = ["item__measure", "comment"]
    autocomplete_fields = ["item"]
    list_select_related = ["item", "verified_by"]


@admin.register(ReportBack)
class ReportBackAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["item", "meeting", "status", "progress_percent", "taken_at"]
    list_filter = ["status"]
    search_fields = ["item__measure", "meeting__title"]
    autocomplete_fields = ["meeting", "item"]
    list_select_related = ["item", "meeting"]


@admin.register(ReminderLog)
class ReminderLogAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "member__memberships__organisation"
    list_display = ["member", "sent_on", "item_count"]
    search_fields = ["member__name"]
    date_hierarchy = "sent_on"
    list_select_related = ["member"]
