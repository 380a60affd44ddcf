from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from members.admin import OrganisationScopedAdminMixin, service_action

from . import services
from .models import Notice, NoticeImage
from .services import notice_saved_elsewhere


class NoticeImageInline(admin.TabularInline):
    model = NoticeImage
    extra = 0


@admin.register(Notice)
class NoticeAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    organisation_path = "organisation"
    list_display = ["title", "organisation", "dateline", "status", "publish_at", "author"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "body", "source_organ"]
    autocomplete_fields = ["meeting", "organisation", "author"]
    date_hierarchy = "publish_at"
    readonly_fields = [
        "status",
        "publish_at",
        "withdrawn_at",
        "withdrawn_reason",
        "version",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["organisation", "author"]
    inlines = [NoticeImageInline]
    actions = [
        service_action(
            "publish",
            lambda n, by: services.notice_publish(notice=n, by=by),
            _("Publish the selected notices now"),
            _("%(count)d notices published."),
        ),
        service_action(
            "withdraw",
            lambda n, by: services.notice_withdraw(notice=n, by=by, reason=str(_("Withdrawn in the back office."))),
            _("Withdraw the selected notices"),
            _("%(count)d notices withdrawn."),
        ),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        notice_saved_elsewhere(obj)  # search vector, version, public page cache


@admin.register(NoticeImage)
class NoticeImageAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "notice__organisation"
    list_display = ["__str__", "notice", "uploaded_at"]
    search_fields = ["caption", "notice__title"]
    autocomplete_fields = ["notice"]
    list_select_related = ["notice"]
