"""The reports after the meeting in the back office: read with their history; written on their own pages
(reports.services), where the state and the secretaries' permission are checked."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from members.admin import OrganisationScopedAdminMixin

from .models import MeetingReport


@admin.register(MeetingReport)
class MeetingReportAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["title", "meeting", "status", "filed_on"]
    list_filter = ["status"]
    search_fields = ["title", "body"]
    list_select_related = ["meeting"]
    readonly_fields = [f.name for f in MeetingReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
