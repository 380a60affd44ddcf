"""The back office of materials. A material's text is its author's alone: the admin shows the
materials a secretary may read (materials.permissions.readable: never another member's draft,
nor its draft versions in the history), read-only; approving is an action that calls the
service. Revisions and attachments are records written by the services: read, not written."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LoadedVersionForm, ReadOnlyInlineMixin
from meetings.permissions import manageable
from members.admin import OrganisationScopedAdminMixin, service_action
from members.permissions import member_for

from . import permissions, services
from .models import InspectionMaterial, MaterialAttachment, MaterialRevision


def readable_materials(user) -> Q:
    """A filter on InspectionMaterial: what the user may read (materials.permissions.readable) of the
    meetings of the organisations they manage."""
    return permissions.readable(user, InspectionMaterial) & manageable(user, prefix="meeting__")


class MaterialRecordAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Records of a material the user may read: shown, never added or changed here."""

    def scope_filter(self, request):
        return Q(material__in=InspectionMaterial.objects.filter(readable_materials(request.user)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MaterialRevisionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = MaterialRevision
    extra = 0
    fields = ["number", "submitted_by", "submitted_at", "review_comments"]


class MaterialAttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = MaterialAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "is_source_document", "uploaded_by", "uploaded_at"]


@admin.register(InspectionMaterial)
class InspectionMaterialAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    organisation_path = "meeting__organisation"
    form = LoadedVersionForm
    list_display = ["__str__", "meeting", "author", "on_behalf_of_group", "status", "submitted_at", "version"]
    list_filter = ["status", "on_behalf_of_group", "meeting__organisation"]
    search_fields = ["title", "author__name", "meeting__title", "problems"]
    autocomplete_fields = ["meeting", "author"]
    readonly_fields = [
        "status",
        "review_comments",
        "version",
        "submitted_at",
        "approved_at",
        "reviewed_by",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["meeting", "author"]
    inlines = [MaterialRevisionInline, MaterialAttachmentInline]
    # The text is the author's: written on the material's page, never by someone else here.
    superuser_edits_only = True
    actions = [
        service_action(
            "approve",
            lambda m, by: services.material_approve(material=m, by=by),
            _("Approve the selected submitted materials"),
            _("%(count)d materials approved."),
        )
    ]

    def scope_filter(self, request):
        return readable_materials(request.user)

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.version += 1  # the author's open editor then sees the change instead of overwriting it
        super().save_model(request, obj, form, change)

    def history_scope(self, request):
        """A draft is its author's alone, and so are the versions it had while a draft."""
        member = member_for(request.user)
        own = Q(author_id=member.pk) if member is not None else Q(pk__in=[])
        return ~Q(status=InspectionMaterial.Status.DRAFT) | own


@admin.register(MaterialRevision)
class MaterialRevisionAdmin(MaterialRecordAdmin):
    list_display = ["material", "number", "submitted_by", "submitted_at"]
    search_fields = ["material__author__name"]
    list_select_related = ["material__author", "material__meeting", "submitted_by"]


@admin.register(MaterialAttachment)
class MaterialAttachmentAdmin(MaterialRecordAdmin):
    list_display = ["original_name", "material", "content_type", "size", "uploaded_at"]
    search_fields = ["original_name"]
    list_select_related = ["material__author", "material__meeting"]
