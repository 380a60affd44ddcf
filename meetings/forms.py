"""Forms of the secretary's pages. They validate input and keep what the user typed;
the services do the writing (and validate again)."""

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import TextSafeForm, TextSafeModelForm
from members.models import Organisation
from members.selectors import current_members

from .models import (
    AgendaItem,
    Attendance,
    CriticismRecord,
    HeartToHeartTalk,
    Meeting,
    PreparationActivity,
    SolicitedOpinion,
    Speech,
    SupervisionAppointment,
)
from .services import GUEST_ROLES, MEETING_FIELDS, MEMBER_ROLES, standard_agenda


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _bootstrap(form, small=False, mark_errors=False):
    """Bootstrap classes for forms rendered field by field (tables), not through crispy."""
    size = "-sm" if small else ""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput) or name == "DELETE":
            continue
        base = "form-select" if isinstance(widget, forms.Select) else "form-control"
        css = f"{base} {base}{size}" if small else base
        if mark_errors and name in form.errors:
            css += " is-invalid"
        widget.attrs["class"] = css


class MeetingFilterForm(TextSafeForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("All")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *Meeting.Kind.choices], required=False)
    year = forms.IntegerField(label=_("Year covered"), required=False, min_value=1921, max_value=2200)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Meeting.Status.choices], required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        _bootstrap(self, small=True)

    def filter(self, queryset):
        """The meetings the filters ask for. A filter that is not valid (an id or a year out of range, a
        control character) is marked on the form and matches nothing, rather than being ignored."""
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            _bootstrap(self, small=True, mark_errors=True)
            return queryset.none()
        data = self.cleaned_data
        if data.get("organisation"):
            queryset = queryset.filter(organisation=data["organisation"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("year"):
            queryset = queryset.filter(year=data["year"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset


class MeetingForm(TextSafeModelForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    # The meeting's version when the form was loaded: the service refuses a stale save.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = {
            "held_on": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "theme": forms.Textarea(attrs={"rows": 2}),
            "aspects": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            org_ids = [self.instance.organisation_id]
            del self.fields["organisation"]
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
            org_ids = [o.pk for o in organisations]
            self.fields["organisation"].queryset = organisations
            if len(org_ids) == 1:
                self.fields["organisation"].initial = org_ids[0]
            self.order_fields(["organisation"])
        self.fields["presider"].queryset = current_members(org_ids)
        previous = Meeting.objects.filter(organisation_id__in=org_ids).select_related("organisation")
        if self.instance.pk:
            previous = previous.exclude(pk=self.instance.pk)
        self.fields["previous_meeting"].queryset = previous
        self.fields["presider_posts"].help_text = _(
            "Left empty, the presider's current posts are used. For example: Deputy secretary of the municipal "
            "party committee, mayor, secretary of the party group."
        )
        # Examples where the right answer is not obvious, from the seed notice's meeting.
        self.fields["title"].help_text = _(
            "Left empty, the title is made from the year and kind, e.g. “2022 democratic life meeting”."
        )
        self.fields["theme"].help_text = _(
            "As the higher level set it, e.g. “Deeply study and implement the spirit of the 20th National "
            "Congress of the Party”."
        )
        self.fields["aspects"].help_text = _(
            "One per line: the aspects the theme names; materials group their problems under them. For example:"
            " “Learning and applying the Party's innovative theory”, “Serving the people wholeheartedly”,"
            " “Style of work”."
        )
        self.fields["held_on"].help_text = _(
            "The day of the meeting, e.g. 2023-01-30. Members see it on their dashboard."
        )
        self.fields["location"].widget.attrs.setdefault("placeholder", _("e.g. Municipal Government Conference Room 1"))
        self.fields["previous_meeting"].help_text = _(
            "The meeting whose rectification is reported at this one, e.g. last year's democratic life meeting."
        )
        if "year" in self.fields:
            # The same bounds as the database constraint, so the browser refuses an implausible year at once.
            self.fields["year"].widget.attrs.update({"min": 1921, "max": 2200})

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation") or (self.instance.organisation if self.instance.pk else None)
        presider = data.get("presider")
        if organisation and presider and not presider.memberships.filter(organisation=organisation).exists():
            self.add_error("presider", _("The presider must be a member of the organisation."))
        previous = data.get("previous_meeting")
        if organisation and previous and previous.organisation_id != organisation.pk:
            self.add_error("previous_meeting", _("The previous meeting must belong to the same organisation."))
        held_on = data.get("held_on")
        if previous and previous.held_on and held_on and held_on <= previous.held_on:
            self.add_error(
                "held_on",
                _("The meeting must be held after its previous meeting (%(date)s).") % {"date": previous.held_on},
            )
        return data

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("organisation", "version")}


class AgendaItemForm(TextSafeModelForm):
    class Meta:
        model = AgendaItem
        fields = ["kind", "title", "presenter", "record"]
        widgets = {"record": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = current_members([meeting.organisation_id])
        # The standard agenda, shown as the example an empty agenda can start from.
        self.standard_agenda_titles = [title for _kind, title in standard_agenda()]
        self.fields["title"].help_text = _(
            "For example: “%(example)s”. An empty agenda can start from the standard agenda of a democratic "
            "life meeting."
        ) % {"example": self.standard_agenda_titles[0]}


# --- attendance ------------------------------------------------------------------------

MEMBER_ROLE_CHOICES = [(r.value, r.label) for r in MEMBER_ROLES]
GUEST_ROLE_CHOICES = [(r.value, r.label) for r in GUEST_ROLES]


class _AbsenceNeedsReason:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self, small=True)

    def full_clean(self):
        super().full_clean()
        _bootstrap(self, small=True, mark_errors=True)  # mark the rows with errors

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != Attendance.Status.PRESENT and not data.get("reason", "").strip():
            self.add_error("reason", _("An absence needs a reason."))
        return data


REASON_EXAMPLE = _("e.g. On a business trip, leave approved")


class AttendanceRowForm(_AbsenceNeedsReason, TextSafeForm):
    member_id = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=MEMBER_ROLE_CHOICES)
    status = forms.ChoiceField(label=_("Attendance"), choices=Attendance.Status.choices)
    reason = forms.CharField(
        label=_("Reason for absence"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": REASON_EXAMPLE}),
    )


class GuestForm(_AbsenceNeedsReason, TextSafeForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    affiliation = forms.CharField(
        label=_("Affiliation or post"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Supervision group of the municipal party committee")}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=GUEST_ROLE_CHOICES, initial=Attendance.Role.OBSERVER)
    status = forms.ChoiceField(
        label=_("Attendance"), choices=Attendance.Status.choices, initial=Attendance.Status.PRESENT
    )
    reason = forms.CharField(
        label=_("Reason for absence"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": REASON_EXAMPLE}),
    )


class BaseAttendanceSheet(BaseFormSet):
    """One row per current member of the organisation (the formset's `initial`): a posted sheet that
    claims more rows is refused, not built (a forged TOTAL_FORMS would otherwise cost a form per row)."""

    def __init__(self, *args, initial=None, **kwargs):
        super().__init__(*args, initial=initial, **kwargs)
        self.max_num = self.absolute_max = len(initial or [])


# Work per request stays bounded: at most this many guests or key points are built from one POST.
MAX_ROWS = 100

AttendanceFormSet = formset_factory(AttendanceRowForm, formset=BaseAttendanceSheet, extra=0)
GuestFormSet = formset_factory(GuestForm, extra=2, can_delete=True, max_num=MAX_ROWS, absolute_max=MAX_ROWS)


# --- preparation -----------------------------------------------------------------------


class StudySessionForm(TextSafeModelForm):
    class Meta:
        model = PreparationActivity
        fields = ["title", "date", "end_date", "summary"]
        widgets = {"date": DateInput(), "end_date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = _("e.g. Centralised study and seminar on the theme")
        self.fields["summary"].widget.attrs["placeholder"] = _(
            "e.g. Three days of centralised study and a seminar on the theme of the meeting."
        )


class OpinionForm(TextSafeModelForm):
    class Meta:
        model = SolicitedOpinion
        fields = ["source", "content", "addressed_to", "received_on"]
        widgets = {"received_on": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = current_members([meeting.organisation_id])
        self.fields["addressed_to"].empty_label = _("The group as a whole")
        self.fields["content"].widget.attrs["placeholder"] = _(
            "e.g. Research at the grassroots is sometimes hurried; stay longer and listen more."
        )


class TalkForm(TextSafeModelForm):
    class Meta:
        model = HeartToHeartTalk
        fields = ["member_a", "member_b", "date", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        members = current_members([meeting.organisation_id])
        self.fields["member_a"].queryset = members
        self.fields["member_b"].queryset = members


class ConsentForm(TextSafeModelForm):
    """The higher organisation's consent to hold the meeting."""

    class Meta:
        model = Meeting
        fields = ["consent_on", "consent_by", "consent_reference"]
        widgets = {"consent_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_on"].required = True
        self.fields["consent_by"].required = True
        self.fields["consent_by"].widget.attrs["placeholder"] = _(
            "e.g. Organisation Department of the municipal party committee"
        )
        self.fields["consent_reference"].widget.attrs["placeholder"] = _("e.g. reply no. 2023-5")


class HoldForm(TextSafeForm):
    """Mark the meeting held; the reason is needed only while the readiness checklist is open."""

    override_reason = forms.CharField(
        label=_("Reason for holding the meeting with open checklist items"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the meeting's history and printed in the minutes."),
    )


# --- in the meeting --------------------------------------------------------------------


class CriticismForm(TextSafeModelForm):
    class Meta:
        model = CriticismRecord
        fields = ["from_member", "to_member", "agenda_item", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        members = current_members([meeting.organisation_id])
        self.fields["from_member"].queryset = members
        self.fields["to_member"].queryset = members
        self.fields["to_member"].empty_label = _("Self-criticism")
        self.fields["content"].widget.attrs["placeholder"] = _(
            "e.g. Should go to the grassroots more often and follow each decision to the end."
        )
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()


class SpeechForm(TextSafeModelForm):
    class Meta:
        model = Speech
        fields = ["kind", "agenda_item", "speaker", "speaker_name", "title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = current_members([meeting.organisation_id])
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()

    def clean(self):
        data = super().clean()
        if not data.get("speaker") and not (data.get("speaker_name") or "").strip():
            self.add_error("speaker", _("Name the speaker: a member, or a name for someone who is not a member."))
        return data


class KeyPointForm(TextSafeForm):
    text = forms.CharField(label=_("Key point"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BaseKeyPointFormSet(BaseFormSet):
    """Ordered key points. Blank rows at the end are spare; a blank row before a written one,
    or an existing point emptied without ticking "remove", is a key point with no text."""

    def __init__(self, *args, existing_count=0, **kwargs):
        self.existing_count = existing_count
        super().__init__(*args, **kwargs)

    def _rows(self):
        return [
            (form, (form.cleaned_data.get("text") or "").strip())
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form))
        ]

    def clean(self):
        if any(self.errors):
            return
        rows = self._rows()
        written = [i for i, (_form, text) in enumerate(rows) if text]
        last = written[-1] if written else -1
        empty = []
        for i, (form, text) in enumerate(rows):
            original_index = self.forms.index(form)
            if not text and (i < last or original_index < self.existing_count):
                form.add_error("text", _("This key point has no text: write it or tick “remove”."))
                empty.append(str(i + 1))
        if empty:
            raise forms.ValidationError(_("Key point %(numbers)s has no text.") % {"numbers": ", ".join(empty)})

    def key_points(self) -> list[str]:
        return [text for _form, text in self._rows() if text]


KeyPointFormSet = formset_factory(
    KeyPointForm, formset=BaseKeyPointFormSet, extra=0, can_delete=True, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


class SupervisionForm(TextSafeModelForm):
    """A member of the higher organisation appointed to the meeting's supervision group."""

    class Meta:
        model = SupervisionAppointment
        fields = ["member", "role", "group_name"]

    def __init__(self, *args, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = current_members(organisation_ids)
