from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import TextSafeForm

from .services import MaterialText

MARKDOWN_HELP = _("Markdown: a blank line starts a new paragraph, “- ” a list item, “1. ” a numbered item.")


def _markdown_area(label, rows=6, help_text=MARKDOWN_HELP):
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "font-monospace markdown-input"}),
    )


class MaterialForm(TextSafeForm):
    """The material editor: opening paragraphs, problems under each aspect of the theme, other problems,
    causes, measures.

    `version` is the version the editor was loaded with; the service refuses a stale one.
    The file fields belong to the same form so that an upload never loses the typed text.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)

    def __init__(self, *args, aspects: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.aspects = aspects
        self.fields["preamble"] = _markdown_area(
            _("Opening paragraphs"),
            rows=3,
            help_text=format_lazy(
                "{} {}",
                _(
                    "Optional: the paragraphs before “一、”, saying on whose request and how the material was "
                    "written. Not required to submit."
                ),
                MARKDOWN_HELP,
            ),
        )
        self.fields["preamble"].widget.attrs["placeholder"] = _(
            "e.g. In accordance with the requirements of the notice on holding this meeting, I studied the theme, "
            "solicited opinions and held heart-to-heart talks. The situation is reported as follows."
        )
        for i, aspect in enumerate(aspects):
            self.fields[f"aspect_{i}"] = _markdown_area(aspect, rows=5, help_text="")
        self.fields["problems"] = _markdown_area(
            _("Other problems") if aspects else _("Problems found"),
            help_text=_("Problems that fall under none of the aspects above.") if aspects else MARKDOWN_HELP,
        )
        self.fields["causes"] = _markdown_area(
            _("Causes"),
            rows=6,
            help_text=format_lazy(
                "{} {}",
                _(
                    "Causes in your own thinking, e.g. “I relaxed the tempering of party spirit, and my study of "
                    "theory was not linked to practice.”"
                ),
                MARKDOWN_HELP,
            ),
        )
        self.fields["measures"] = _markdown_area(
            _("Rectification measures"),
            rows=6,
            help_text=format_lazy(
                "{} {}",
                _(
                    "One numbered measure per line, each one that can be checked, e.g. “1. Spend at least 20 days "
                    "a year researching at the grassroots.”"
                ),
                MARKDOWN_HELP,
            ),
        )
        self.fields["attachment"] = forms.FileField(
            label=_("Attach a file"),
            required=False,
            help_text=_("PDF, Word (.docx), JPEG or PNG, at most 20 MB. It is attached when you save."),
        )
        self.fields["import_file"] = forms.FileField(
            label=_("Import from Word"),
            required=False,
            help_text=_(
                "A .docx drafted offline: its text fills the empty boxes of the editor for you to check, then save; "
                "boxes you have typed in keep your text. The document is kept as an attachment."
            ),
        )

    @property
    def aspect_fields(self):
        return [self[f"aspect_{i}"] for i in range(len(self.aspects))]

    @staticmethod
    def initial_for(material, aspects: list[str]) -> dict:
        texts = {s.get("aspect"): s.get("text", "") for s in material.problem_sections or []}
        initial = {
            "version": material.version,
            "title": material.title,
            "preamble": material.preamble,
            "problems": material.problems,
            "causes": material.causes,
            "measures": material.measures,
        }
        for i, aspect in enumerate(aspects):
            initial[f"aspect_{i}"] = texts.get(aspect, "")
        return initial

    def material_text(self) -> MaterialText:
        data = self.cleaned_data
        return MaterialText(
            title=data.get("title") or "",
            preamble=data.get("preamble") or "",
            problem_sections=[
                {"aspect": aspect, "text": data.get(f"aspect_{i}") or ""} for i, aspect in enumerate(self.aspects)
            ],
            problems=data.get("problems") or "",
            causes=data.get("causes") or "",
            measures=data.get("measures") or "",
        )

    def data_with_import(self, text: MaterialText, *, start_title: str = "") -> tuple:
        """The submitted data with a Word file's text put into the boxes that are still empty.

        A box the author has typed in keeps its text: returns (data, labels of the boxes kept),
        so the page can say which parts of the file were not taken in. The document's title replaces
        the title the material started with (`start_title`), not one the author wrote.
        """
        data = self.data.copy()
        kept = []
        title = (text.title or "").strip()
        current = (data.get("title") or "").strip()
        if title and (not current or current == start_title.strip()):
            data["title"] = title
        elif title and current != title:
            kept.append(str(self.fields["title"].label))
        sections = {s["aspect"]: s["text"] for s in text.problem_sections or []}
        imported = {"preamble": text.preamble}  # in the editor's order
        imported.update({f"aspect_{i}": sections.get(aspect, "") for i, aspect in enumerate(self.aspects)})
        imported.update({name: getattr(text, name) for name in ("problems", "causes", "measures")})
        for name, value in imported.items():
            if not (value or "").strip():
                continue
            if (data.get(name) or "").strip():
                kept.append(str(self.fields[name].label))
            else:
                data[name] = value
        return data, kept


class ReviewForm(TextSafeForm):
    comments = forms.CharField(
        label=_("Comments for the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required to return the material; optional when approving."),
    )


class SignOffForm(TextSafeForm):
    """The higher organisation's (or the supervision group's) sign-off before the meeting."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("agreed", _("agreed")), ("needs_changes", _("needs changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when changes are needed: say what should change."),
    )
