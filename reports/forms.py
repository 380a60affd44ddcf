from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextSafeForm, TextSafeModelForm

from .models import MeetingReport


class ReportForm(TextSafeModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MeetingReport
        fields = ["title", "addressed_to", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "class": "font-monospace"})}


class FileForm(TextSafeForm):
    filed_on = forms.DateField(
        label=_("Filed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(label=_("Filing reference"), required=False, max_length=200)
