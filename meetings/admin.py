from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import LoadedVersionForm, ScopedInlineMixin, ScopedModelForm
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


def _is_closed(meeting) -> bool:
    return meeting is not None and meeting.is_closed


CLOSED_MESSAGE = _("This meeting is closed: its record can no longer be changed.")


class MeetingPartForm(ScopedModelForm):
    """A part of a meeting's record (agenda, attendance, preparation, criticism, speeches): a user who
    is not a superuser adds none to a closed meeting, as the services refuse."""

    #: The form field that leads to the meeting, and the attribute from there ("" for the meeting itself).
    meeting_field = "meeting"
    meeting_attribute = ""

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get(self.meeting_field)
        meeting = getattr(parent, self.meeting_attribute) if parent and self.meeting_attribute else parent
        if _is_closed(meeting) and not (self.admin_user and self.admin_user.is_superuser):
            self.add_error(self.meeting_field, CLOSED_MESSAGE)
        return cleaned


class KeyPointForm(MeetingPartForm):
    meeting_field = "speech"
    meeting_attribute = "meeting"


class MeetingPartInline(ScopedInlineMixin):
    """The rows of a closed meeting are shown, not changed."""

    def is_locked(self, request, parent) -> bool:
        return _is_closed(parent if isinstance(parent, Meeting) else parent.meeting)


class MeetingPartAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """A part of the record of a meeting the user manages; read-only once the meeting is closed."""

    organisation_path = "meeting__organisation"
    form = MeetingPartForm

    def is_locked(self, request, obj) -> bool:
        return _is_closed(obj.meeting)


class AgendaItemInline(MeetingPartInline, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "kind", "title", "presenter"]
    autocomplete_fields = ["presenter"]


class AttendanceInline(MeetingPartInline, admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["member", "name", "affiliation", "role", "status", "reason", "order"]
    autocomplete_fields = ["member"]


class SpeechInline(MeetingPartInline, admin.TabularInline):
    model = Speech
    extra = 0
    fields = ["order", "kind", "speaker", "title"]
    autocomplete_fields = ["speaker"]
    show_change_link = True


class PreparationInline(MeetingPartInline, admin.TabularInline):
    model = PreparationActivity
    extra = 0
    fields = ["kind", "title", "date", "end_date"]
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    """The meeting's details; its version moves on with each save here, as with the meeting form,
    so neither overwrites the other unseen. Moving it along its states is an action (the services)."""

    organisation_path = "organisation"
    form = LoadedVersionForm
    list_display = ["title_shown", "organisation", "kind", "year", "held_on", "presider", "status"]
    list_filter = ["status", "kind", "year", "organisation"]
    search_fields = ["title", "theme", "organisation__name", "presider__name"]
    autocomplete_fields = ["organisation", "presider", "previous_meeting"]
    date_hierarchy = "held_on"
    list_select_related = ["organisation", "presider"]
    readonly_fields = ["status", "concluding_key_points", "created_by", "created_at", "updated_at"]
    inlines = [AgendaItemInline, AttendanceInline, PreparationInline, SpeechInline]

    @admin.display(description=_("title"), ordering="title")
    def title_shown(self, obj):
        return obj.display_title

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

    def is_locked(self, request, obj) -> bool:
        return _is_closed(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)

    @admin.display(description=_("key points of the concluding speech"))
    def concluding_key_points(self, obj):
        points = KeyPoint.objects.filter(speech__meeting=obj, speech__kind=Speech.Kind.CONCLUDING).order_by("order")
        return format_html_join(
            "", '<p class="key-point"><strong>{}.</strong> {}</p>', ((p.order, p.text) for p in points)
        )


@admin.register(AgendaItem)
class AgendaItemAdmin(MeetingPartAdmin):
    list_display = ["title", "meeting", "order", "kind", "presenter"]
    list_filter = ["kind"]
    search_fields = ["title", "meeting__title", "record"]
    autocomplete_fields = ["meeting", "presenter"]
    list_select_related = ["meeting", "presenter"]


@admin.register(Attendance)
class AttendanceAdmin(MeetingPartAdmin):
    list_display = ["name_shown", "meeting", "role", "status", "reason"]
    list_filter = ["role", "status"]
    search_fields = ["member__name", "name", "meeting__title"]
    autocomplete_fields = ["meeting", "member"]
    list_select_related = ["meeting", "member"]

    @admin.display(description=_("name"))
    def name_shown(self, obj):
        return obj.display_name


class SolicitedOpinionInline(MeetingPartInline, admin.TabularInline):
    model = SolicitedOpinion
    extra = 0
    fields = ["source", "content", "addressed_to", "received_on"]
    autocomplete_fields = ["addressed_to"]


@admin.register(PreparationActivity)
class PreparationActivityAdmin(MeetingPartAdmin):
    list_display = ["title", "meeting", "kind", "date"]
    list_filter = ["kind"]
    search_fields = ["title", "summary", "meeting__title"]
    autocomplete_fields = ["meeting", "participants"]
    date_hierarchy = "date"
    list_select_related = ["meeting"]
    inlines = [SolicitedOpinionInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is SolicitedOpinion:
            for opinion in formset.save(commit=False):
                opinion.meeting_id = form.instance.meeting_id  # an opinion belongs to its solicitation's meeting
                opinion.save()
            for opinion in formset.deleted_objects:
                opinion.delete()
            return
        super().save_formset(request, form, formset, change)


@admin.register(SolicitedOpinion)
class SolicitedOpinionAdmin(MeetingPartAdmin):
    list_display = ["__str__", "meeting", "source", "addressed_to", "received_on"]
    search_fields = ["content", "source"]
    autocomplete_fields = ["meeting", "activity", "addressed_to"]
    list_select_related = ["meeting", "addressed_to"]


@admin.register(HeartToHeartTalk)
class HeartToHeartTalkAdmin(MeetingPartAdmin):
    list_display = ["__str__", "meeting", "date"]
    search_fields = ["member_a__name", "member_b__name", "summary"]
    autocomplete_fields = ["meeting", "member_a", "member_b"]
    date_hierarchy = "date"
    list_select_related = ["meeting", "member_a", "member_b"]


@admin.register(CriticismRecord)
class CriticismRecordAdmin(MeetingPartAdmin):
    list_display = ["__str__", "meeting", "from_member", "to_member"]
    search_fields = ["content", "from_member__name", "to_member__name"]
    autocomplete_fields = ["meeting", "agenda_item", "from_member", "to_member"]
    list_select_related = ["meeting", "from_member", "to_member"]


class KeyPointInline(MeetingPartInline, admin.TabularInline):
    model = KeyPoint
    extra = 0
    fields = ["order", "text"]


@admin.register(Speech)
class SpeechAdmin(MeetingPartAdmin):
    list_display = ["__str__", "meeting", "kind", "speaker"]
    list_filter = ["kind"]
    search_fields = ["title", "summary", "speaker__name"]
    autocomplete_fields = ["meeting", "agenda_item", "speaker"]
    list_select_related = ["meeting", "speaker"]
    inlines = [KeyPointInline]


@admin.register(KeyPoint)
class KeyPointAdmin(MeetingPartAdmin):
    organisation_path = "speech__meeting__organisation"
    form = KeyPointForm
    list_display = ["__str__", "speech", "order"]
    search_fields = ["text"]
    autocomplete_fields = ["speech"]
    list_select_related = ["speech__meeting", "speech__speaker"]

    def is_locked(self, request, obj) -> bool:
        return _is_closed(obj.speech.meeting)
