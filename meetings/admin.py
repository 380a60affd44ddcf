from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from members.admin import OrganisationScopedAdminMixin, service_action

from . import services
from .models import (
    AgendaItem,
    Attendance,
    CriticismRecord,
    HeartToHeartTalk,
    KeyPoint,
    Meeting,
    PreparationActivity,
    SolicitedOpinion,
    Speech,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "kind", "title", "presenter"]
    autocomplete_fields = ["presenter"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["member", "name", "affiliation", "role", "status", "reason", "order"]
    autocomplete_fields = ["member"]


class SpeechInline(admin.TabularInline):
    model = Speech
    extra = 0
    fields = ["order", "kind", "speaker", "title"]
    autocomplete_fields = ["speaker"]
    show_change_link = True


class PreparationInline(admin.TabularInline):
    model = PreparationActivity
    extra = 0
    fields = ["kind", "title", "date", "end_date"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    organisation_path = "organisation"
    list_display = ["display_title", "organisation", "kind", "year", "held_on", "presider", "status"]
    list_filter = ["status", "kind", "year", "organisation"]
    search_fields = ["title", "theme", "organisation__name", "presider__name"]
    autocomplete_fields = ["organisation", "presider", "previous_meeting"]
    date_hierarchy = "held_on"
    list_select_related = ["organisation", "presider"]
    readonly_fields = ["status", "concluding_key_points", "created_by", "created_at", "updated_at"]
    inlines = [AgendaItemInline, AttendanceInline, PreparationInline, SpeechInline]
    actions = [
        service_action(
            "start_preparation",
            lambda m, by: services.meeting_start_preparation(meeting=m, by=by),
            _("Start preparation of the selected meetings"),
            _("%(count)d meetings are being prepared."),
        ),
        service_action(
            "mark_held",
            lambda m, by: services.meeting_mark_held(meeting=m, by=by),
            _("Mark the selected meetings held"),
            _("%(count)d meetings marked held."),
        ),
        service_action(
            "close_meeting",
            lambda m, by: services.meeting_close(meeting=m, by=by),
            _("Close the selected meetings"),
            _("%(count)d meetings closed."),
        ),
    ]

    @admin.display(description=_("key points of the concluding speech"))
    def concluding_key_points(self, obj):
        points = KeyPoint.objects.filter(speech__meeting=obj, speech__kind=Speech.Kind.CONCLUDING).order_by("order")
        return format_html_join(
            "", '<p class="key-point"><strong>{}.</strong> {}</p>', ((p.order, p.text) for p in points)
        )


@admin.register(AgendaItem)
class AgendaItemAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["title", "meeting", "order", "kind", "presenter"]
    list_filter = ["kind"]
    search_fields = ["title", "meeting__title", "record"]
    autocomplete_fields = ["meeting", "presenter"]
    list_select_related = ["meeting", "presenter"]


@admin.register(Attendance)
class AttendanceAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["display_name", "meeting", "role", "status", "reason"]
    list_filter = ["role", "status"]
    search_fields = ["member__name", "name", "meeting__title"]
    autocomplete_fields = ["meeting", "member"]
    list_select_related = ["meeting", "member"]


class SolicitedOpinionInline(admin.TabularInline):
    model = SolicitedOpinion
    extra = 0
    fields = ["source", "content", "addressed_to", "received_on"]
    autocomplete_fields = ["addressed_to"]


@admin.register(PreparationActivity)
class PreparationActivityAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["title", "meeting", "kind", "date"]
    list_filter = ["kind"]
    search_fields = ["title", "summary", "meeting__title"]
    autocomplete_fields = ["meeting", "participants"]
    date_hierarchy = "date"
    list_select_related = ["meeting"]
    inlines = [SolicitedOpinionInline]


@admin.register(SolicitedOpinion)
class SolicitedOpinionAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["__str__", "meeting", "source", "addressed_to", "received_on"]
    search_fields = ["content", "source"]
    autocomplete_fields = ["meeting", "activity", "addressed_to"]
    list_select_related = ["meeting", "addressed_to"]


@admin.register(HeartToHeartTalk)
class HeartToHeartTalkAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["__str__", "meeting", "date"]
    search_fields = ["member_a__name", "member_b__name", "summary"]
    autocomplete_fields = ["meeting", "member_a", "member_b"]
    date_hierarchy = "date"
    list_select_related = ["meeting", "member_a", "member_b"]


@admin.register(CriticismRecord)
class CriticismRecordAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["__str__", "meeting", "from_member", "to_member"]
    search_fields = ["content", "from_member__name", "to_member__name"]
    autocomplete_fields = ["meeting", "agenda_item", "from_member", "to_member"]
    list_select_related = ["meeting", "from_member", "to_member"]


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 0
    fields = ["order", "text"]


@admin.register(Speech)
class SpeechAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "meeting__organisation"
    list_display = ["__str__", "meeting", "kind", "speaker"]
    list_filter = ["kind"]
    search_fields = ["title", "summary", "speaker__name"]
    autocomplete_fields = ["meeting", "agenda_item", "speaker"]
    list_select_related = ["meeting", "speaker"]
    inlines = [KeyPointInline]


@admin.register(KeyPoint)
class KeyPointAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "speech__meeting__organisation"
    list_display = ["__str__", "speech", "order"]
    search_fields = ["text"]
    autocomplete_fields = ["speech"]
    list_select_related = ["speech__meeting", "speech__speaker"]
