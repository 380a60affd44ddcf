"""The back office of rectification: states are read-only; verifying, cancelling and reopening
are actions that call the same services as the pages. Progress reports, verifications and
report-back snapshots are records of what happened: they are read, not written, here."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LoadedVersionForm, ReadOnlyInlineMixin, ScopedModelForm, ServiceRefused
from members.admin import OrganisationScopedAdminMixin, service_action

from . import permissions, services
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


class ProblemForm(ScopedModelForm):
    def clean(self):
        cleaned = super().clean()
        meeting = cleaned.get("meeting")
        for name in ("material", "criticism", "opinion", "talk"):
            linked = cleaned.get(name)
            if meeting is not None and linked is not None and linked.meeting_id != meeting.pk:
                self.add_error(name, _("The problem's source belongs to another meeting."))
        return cleaned


@admin.register(Problem)
class ProblemAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    form = ProblemForm
    list_display = ["__str__", "meeting", "source", "about_member", "severity"]
    list_filter = ["source", "severity", "meeting__organisation"]
    search_fields = ["description", "aspect", "about_member__name"]
    autocomplete_fields = ["meeting", "about_member", "material", "criticism", "opinion", "talk"]
    readonly_fields = ["created_by", "created_at"]
    list_select_related = ["meeting", "about_member"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class RectificationItemInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The plan's items, shown with a link to each: an item is added on the plan's page (through
    rectification.services), and changed on its own page, where its version and state are checked."""

    model = RectificationItem
    extra = 0
    fields = ["number", "measure", "type", "responsible_member", "deadline", "status", "progress_percent"]
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


class ProgressReportInline(ReadOnlyInlineMixin, admin.TabularInline):
    """A record of what was done to the item, written by its service: shown, never added or changed here."""

    model = ProgressReport
    extra = 0
    fields = ["date", "text", "percent", "author"]


class VerificationInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Verification
    extra = 0
    fields = ["confirmed", "comment", "verified_by", "verified_at"]


class ItemForm(LoadedVersionForm):
    def clean(self):
        cleaned = super().clean()
        plan, problem = cleaned.get("plan"), cleaned.get("problem")
        if plan is not None and problem is not None and problem.meeting_id != plan.meeting_id:
            self.add_error("problem", _("The problem was found at another meeting."))
        return cleaned


@admin.register(RectificationItem)
class RectificationItemAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    """Items are created and changed through rectification.services (item_create, item_update): the
    version is bumped, the history names who did it, a closed item is not changed (reopen it first)
    and a form loaded before someone else's save is refused."""

    organisation_path = "plan__organisation"
    form = ItemForm
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

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "number"]
        if obj is not None:
            readonly += ["plan", "problem"]  # item_update changes neither
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.is_closed or not permissions.can_edit(request.user, obj)):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                changes = {name: data[name] for name in services.EDITABLE_FIELDS if name in form.changed_data}
                saved = services.item_update(item=obj, by=request.user, version=data.get("loaded_version"), **changes)
            else:
                saved = services.item_create(
                    plan=obj.plan,
                    by=request.user,
                    measure=obj.measure,
                    type=obj.type,
                    responsible_member=obj.responsible_member,
                    responsible_leader=obj.responsible_leader,
                    deadline=obj.deadline,
                    problem=obj.problem,
                )
        except (ValidationError, PermissionDenied) as exc:
            raise ServiceRefused(exc) from exc
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False


class EvidenceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_at"]


class RecordAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """A record written by a service or a command: read here, never added or changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Reported on the item's page by the responsible member; here only the wording can be mended,
    by its author or a superuser (a secretary does not rewrite what a member wrote)."""

    organisation_path = "item__plan__organisation"
    list_display = ["__str__", "date", "percent", "author"]
    search_fields = ["text", "item__measure"]
    date_hierarchy = "date"
    readonly_fields = ["item", "date", "percent", "author", "created_at"]
    list_select_related = ["item", "author"]
    inlines = [EvidenceInline]

    def has_add_permission(self, request):
        return False

    def is_locked(self, request, obj) -> bool:
        return obj.author_id != request.user.pk


@admin.register(Evidence)
class EvidenceAdmin(RecordAdmin):
    """Uploaded with a progress report, through the upload validator: read only."""

    organisation_path = "report__item__plan__organisation"
    list_display = ["original_name", "report", "content_type", "size"]
    search_fields = ["original_name"]
    list_select_related = ["report__item"]


@admin.register(Verification)
class VerificationAdmin(RecordAdmin):
    """Recorded by the verify service (on the item's page, or the items' "verify" action): read only."""

    organisation_path = "item__plan__organisation"
    list_display = ["item", "confirmed", "verified_by", "verified_at"]
    list_filter = ["confirmed"]
    search_fields = ["item__measure", "comment"]
    list_select_related = ["item", "verified_by"]


@admin.register(ReportBack)
class ReportBackAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Snapshots taken when the next meeting is held: the status and progress stand as they were
    (a superuser may mend the note)."""

    organisation_path = "meeting__organisation"
    superuser_edits_only = True
    list_display = ["item", "meeting", "status", "progress_percent", "taken_at"]
    list_filter = ["status"]
    search_fields = ["item__measure", "meeting__title"]
    readonly_fields = ["meeting", "item", "status", "progress_percent", "taken_at"]
    list_select_related = ["item", "meeting"]

    def has_add_permission(self, request):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(RecordAdmin):
    """Written by the daily reminder command, so that it sends once a day: read only."""

    organisation_path = "member__memberships__organisation"
    list_display = ["member", "sent_on", "item_count"]
    search_fields = ["member__name"]
    date_hierarchy = "sent_on"
    list_select_related = ["member"]
