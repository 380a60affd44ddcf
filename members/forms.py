from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import TextSafeForm

MAX_IMPORT_SIZE = 2 * 1024 * 1024


class MemberImportForm(TextSafeForm):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_(
            "The first row names the columns: name, gender, posts, role (or 姓名, 性别, 职务, 角色). Then one member "
            "per row, e.g. “Hu Henghua | male | Deputy secretary of the municipal party committee, mayor | "
            "secretary”. Gender: male or female; role: secretary, deputy secretary or member (empty: member)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class SecondFactorForm(TextSafeForm):
    """A code from the authenticator app (or, when signing in, a recovery code)."""

    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none"}),
    )
