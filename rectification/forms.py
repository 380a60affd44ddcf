from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextSafeForm, TextSafeModelForm

from .models import Problem, RectificationItem


class ProblemForm(TextSafeModelForm):
    class Meta:
        model = Problem
        fields = ["meeting", "source", "about_member", "aspect", "description", "severity"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, meetings, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["about_member"].queryset = members
        self.fields["about_member"].empty_label = _("— the group as a whole —")
        # Examples where the right answer is not obvious, from the seed meeting.
        self.fields["aspect"].help_text = _(
            "The aspect of the meeting's theme it falls under, as the meeting names it, e.g. “Serving the people "
            "wholeheartedly”. Leave empty if none fits."
        )
        self.fields["description"].widget.attrs["placeholder"] = _(
            "e.g. Research at the grassroots was sometimes hurried"
        )
        # The aspect is chosen from the meeting's own aspects (Meeting.aspects), grouped by meeting
        # when the form offers more than one; clean() checks it belongs to the meeting chosen.
        offered = list(meetings[:50])
        groups = [(str(m), [(a, a) for a in m.aspect_list]) for m in offered if m.aspect_list]
        choices = [("", _("— none of the meeting's aspects —"))]
        if len(groups) == 1:
            choices += groups[0][1]
        else:
            choices += groups
        current = self.initial.get("aspect") or (self.instance.aspect if self.instance.pk else "")
        if current and all(current != value for _g, options in groups for value, _l in options):
            choices.append((current, current))
        self.fields["aspect"] = forms.ChoiceField(
            label=self.fields["aspect"].label,
            required=False,
            choices=choices,
            help_text=self.fields["aspect"].help_text,
        )

    def clean(self):
        cleaned = super().clean()
        meeting, aspect = cleaned.get("meeting"), cleaned.get("aspect")
        if meeting is not None and aspect and aspect not in meeting.aspect_list:
            self.add_error("aspect", _("Choose one of the aspects of the meeting chosen, or none."))
        return cleaned


class ItemForm(TextSafeModelForm):
    class Meta:
        model = RectificationItem
        fields = ["measure", "type", "responsible_member", "responsible_leader", "deadline"]
        widgets = {
            "measure": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisation's current members, and whoever the item already names (a member who has
        # since left stays selectable, so editing the deadline does not force a new responsible).
        named = [pk for pk in (self.instance.responsible_member_id, self.instance.responsible_leader_id) if pk]
        choices = (members | members.model.objects.filter(pk__in=named)).distinct() if named else members
        self.fields["responsible_member"].queryset = choices
        self.fields["responsible_leader"].queryset = choices
        self.fields["measure"].help_text = _(
            "What will be done, so that it can be checked, e.g. “Each member spends at least 20 days a year "
            "researching at the grassroots”."
        )
        self.fields["deadline"].help_text = _(
            "The day it is to be done by, e.g. 2023-06-30 for the end of June. Leave empty for a measure kept up "
            "long-term."
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ProgressForm(TextSafeForm):
    text = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("e.g. Ten days of research done in two townships, two reports written")}
        ),
    )
    # min and max: the browser's number field and the form say it at once (the service checks again).
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("From 0 to 100, e.g. 50 when half is done."),
        error_messages={
            "min_value": _("Progress is a percentage from 0 to 100."),
            "max_value": _("Progress is a percentage from 0 to 100."),
        },
    )
    done = forms.BooleanField(label=_("Finished: ask for verification"), required=False)
    evidence = MultipleFileField(
        label=_("Evidence (.pdf .docx .jpg .png, at most 20 MB each)"),
        required=False,
    )


class VerifyForm(TextSafeForm):
    confirmed = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("1", _("Confirmed: close the item")), ("0", _("Not confirmed: back to in progress"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (required when not confirmed)"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("e.g. The statistics are not yet published; publish them first.")}
        ),
    )


class ReasonForm(TextSafeForm):
    # Not required here: the service says why a reason is needed, in words the user understands.
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
