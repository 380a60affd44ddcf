from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from members.admin import OrganisationScopedAdminMixin, service_action

from . import services
from .models import InspectionMaterial, MaterialAttachment, MaterialRevision


class MaterialRevisionInline(admin.TabularInline):
    model = MaterialRevision
    extra = 0
    fields = ["number", "submitted_by", "submitted_at", "review_comments"]
    readonly_fields = fields
    can_delete = False


class MaterialAttachmentInline(admin.TabularInline):
    model = MaterialAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "is_source_document", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(InspectionMaterial)
class InspectionMaterialAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    organisation_path = "meeting__organisation"
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
    actions = [
        service_action(
            "approve",
            lambda m, by: services.material_approve(material=m, by=by),
            _("Approve the selected submitted materials"),
            _("%(count)d materials approved."),
        )
    ]


@admin.register(MaterialRevision)
class MaterialRevisionAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "material__meeting__organisation"
    list_display = ["material", "number", "submitted_by", "submitted_at"]
    search_fields = ["material__author__name"]
    autocomplete_fields = ["material"]
    list_select_related = ["material__author", "material__meeting", "submitted_by"]


@admin.register(MaterialAttachment)
class MaterialAttachmentAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "material__meeting__organisation"
    list_display = ["original_name", "material", "content_type", "size", "uploaded_at"]
    search_fields = ["original_name"]
    autocomplete_fields = ["material"]
    list_select_related = ["material__author", "material__meeting"]
