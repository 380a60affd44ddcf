"""The back office of notices, as the newsroom allows (notices.permissions): a user sees the notices
of the newsroom, edits what `can_edit` allows (a secretary: their organisation's drafts; nothing of
a notice once it is scheduled, live or withdrawn), and publishing and withdrawing are actions that
call the services. An image is accepted only through the one upload validator (core.uploads)."""

from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LoadedVersionForm, ScopedInlineMixin, ScopedModelForm
from core.uploads import JPEG, PNG, safe_name, validate_upload
from members.admin import OrganisationScopedAdminMixin, service_action
from members.permissions import is_publisher

from . import permissions, services
from .models import Notice, NoticeImage
from .services import notice_saved_elsewhere

IMAGE_TYPES = (JPEG, PNG)


class NoticeForm(LoadedVersionForm):
    def clean(self):
        cleaned = super().clean()
        user = self.admin_user
        if self.instance.pk is None and user is not None and not (user.is_superuser or is_publisher(user)):
            if cleaned.get("organisation") is None and cleaned.get("meeting") is None:
                # Without either, the notice would belong to no organisation of theirs: they could not edit it again.
                self.add_error("organisation", _("Choose the organisation (or the meeting) the notice is about."))
        return cleaned


class NoticeImageForm(ScopedModelForm):
    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            # A new upload: judged by its content, stored under a name that owes nothing to the one given.
            image.name = safe_name(validate_upload(image, allowed=IMAGE_TYPES))
        return image

    def clean(self):
        cleaned = super().clean()
        notice = cleaned.get("notice")
        if notice is not None and self.admin_user is not None and not permissions.can_edit(self.admin_user, notice):
            self.add_error("notice", _("You may not change this notice: only a publisher changes it now."))
        return cleaned


class NoticeImageInline(ScopedInlineMixin, admin.TabularInline):
    model = NoticeImage
    form = NoticeImageForm
    extra = 0

    def is_locked(self, request, parent) -> bool:
        return not permissions.can_edit(request.user, parent)


@admin.register(Notice)
class NoticeAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    form = NoticeForm
    list_display = ["title", "language", "organisation", "dateline", "status", "publish_at", "author"]
    list_filter = ["status", "language", "organisation"]
    search_fields = ["title", "body", "source_organ"]
    autocomplete_fields = ["meeting", "organisation", "author", "translation_of"]
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

    def scope_filter(self, request):
        return permissions.in_newsroom(request.user)

    def choice_queryset(self, request):
        """A notice named in a form (an image's) is one the user may change."""
        return self.get_queryset(request).filter(permissions.editable(request.user, Notice))

    def is_locked(self, request, obj) -> bool:
        return not permissions.can_edit(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else [*readonly, "author"]

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        notice_saved_elsewhere(obj)  # search vector, version, public page cache


@admin.register(NoticeImage)
class NoticeImageAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    form = NoticeImageForm
    list_display = ["__str__", "notice", "uploaded_at"]
    search_fields = ["caption", "notice__title"]
    autocomplete_fields = ["notice"]
    list_select_related = ["notice"]

    def scope_filter(self, request):
        return Q(notice__in=Notice.objects.filter(permissions.in_newsroom(request.user)))

    def is_locked(self, request, obj) -> bool:
        return not permissions.can_edit(request.user, obj.notice)
