from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import TextSafeForm, TextSafeModelForm

from .models import Notice
from .permissions import in_newsroom


class NoticeForm(TextSafeModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Notice
        fields = ["language", "translation_of", "title", "source_organ", "dateline", "body"]
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
            "translation_of": _(
                "If this notice translates one in the other language, choose that one: each page then links "
                "to the other."
            ),
            "body": _(
                "Markdown: a blank line between paragraphs, '1.' for numbered points, "
                "![caption](image address) for an uploaded image."
            ),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["translation_of"]
        # The originals this notice may translate: notices of the same meeting (or, without one, of the same
        # organisation) in the newsroom that are no translation themselves; a short list, whatever the archive.
        instance = self.instance
        if instance.meeting_id:
            same = Q(meeting_id=instance.meeting_id)
        elif instance.organisation_id:
            same = Q(organisation_id=instance.organisation_id)
        else:
            same = Q(pk__in=[])
        allowed = same & Q(translation_of__isnull=True) & (in_newsroom(user) if user is not None else Q(pk__in=[]))
        if instance.translation_of_id:
            allowed |= Q(pk=instance.translation_of_id)
        choices = Notice.objects.filter(allowed).defer("body", "search_vector")
        if instance.pk:
            choices = choices.exclude(pk=instance.pk)
        field.queryset = choices.order_by("-id")
        field.label_from_instance = lambda n: f"{n.title} ({n.get_language_display()}, #{n.pk})"
        field.empty_label = _("None: this notice is an original")
        # A form sent without the language (an older page) keeps the notice's.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language or Notice.Language.ZH_HANS


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
