from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextSafeForm, TextSafeModelForm

from .models import Notice


class NoticeForm(TextSafeModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Notice
        fields = ["title", "source_organ", "dateline", "body"]
        widgets = {
            "dateline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "body": forms.Textarea(attrs={"rows": 22, "class": "font-monospace"}),
        }
        help_texts = {
            # Examples from the seed notice of 31 January 2023.
            "title": _(
                "As it will be published, e.g. “The party group of the municipal government held the 2022 "
                "democratic life meeting”."
            ),
            "source_organ": _("Who the notice names as its source, e.g. “Municipal government website”."),
            "dateline": _("The date at the head of the notice, usually the day after the meeting, e.g. 2023-01-31."),
            "body": _(
                "Markdown: a blank line between paragraphs, '1.' for numbered points, "
                "![caption](image address) for an uploaded image."
            ),
        }


class ScheduleForm(TextSafeForm):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
    )


class WithdrawForm(TextSafeForm):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": _("Give the reason for the withdrawal.")},
    )


class NoticeImageForm(TextSafeForm):
    image = forms.FileField(label=_("Image (JPEG, PNG, GIF or WebP, at most 5 MB)"))
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
