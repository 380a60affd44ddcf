"""The base of every form of the app: input that is text stays text, dates and numbers stay plausible.

Inherit `TextSafeForm` or `TextSafeModelForm` (or put `TextSafeMixin` first among the bases) and
every field of the form — those declared, those a model gives and those added in `__init__` —
is checked before its own cleaning, by kind:

- multi-line text (a `CharField` shown as a `Textarea`: a material's sections, a notice's body,
  a summary): control characters are STRIPPED, NUL included (they are invisible and come from
  pasting out of Word or a PDF; refusing a long pasted text for a character nobody can see would
  lose the user's work). Tab, line feed and carriage return stay; a vertical tab or form feed
  becomes a line break. At most `MAX_TEXT_CHARS` characters unless the field says otherwise.
- one-line text (any other `CharField`: a title, a name, a place, a reason, a caption):
  a line break, a tab or a control character, NUL included, is REFUSED with a message naming
  the character. At most `MAX_LINE_CHARS` unless the field sets its own `max_length`.
- anything else typed or chosen (numbers, dates, times, choices, ids): a control character in
  the raw value is REFUSED (NUL always); whole numbers without bounds of their own must fit
  a database integer (`INT_MIN`..`INT_MAX`); dates, and the dates of dates and times, must lie
  between 1921 and 2100 (the date inputs say so to the browser too).
- files: the uploaded file's name loses its control characters (it is shown and stored).

How: on first use each field's class is swapped for a subclass whose `clean()` runs these
checks around the field's own (`_safe_class`); the field keeps its type for `isinstance`,
widgets and templates. Formsets get it through their forms' classes.
`tests/test_hostile_input.py` fails for a form of the project that does not inherit it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .text import (
    DATE_MAX,
    DATE_MIN,
    INT_MAX,
    INT_MIN,
    MAX_LINE_CHARS,
    MAX_TEXT_CHARS,
    check_date,
    check_no_control,
    check_one_line,
    strip_control,
    xml_safe,
)


def is_multiline(field) -> bool:
    return isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea)


def _too_long(limit: int, length: int) -> ValidationError:
    return ValidationError(
        _("This text is too long: at most %(limit)s characters (it has %(length)s).")
        % {"limit": f"{limit:,}", "length": f"{length:,}"},
        code="max_length",
    )


def _each_string(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, str):
                yield item


class _SafeField:
    """Mixed in before a field's own class: the checks of this module around its `clean()`."""

    def clean(self, value, *args):
        if isinstance(self, forms.FileField):
            return _safe_file_names(super().clean(value, *args))
        if is_multiline(self):
            if isinstance(value, str):
                value = strip_control(value)
                limit = self.max_length or MAX_TEXT_CHARS
                if len(value) > limit:
                    raise _too_long(limit, len(value))
        elif isinstance(self, forms.CharField) and not isinstance(self, forms.ChoiceField):
            for text in _each_string(value):
                check_one_line(text)
                limit = self.max_length or MAX_LINE_CHARS
                if len(text) > limit:
                    raise _too_long(limit, len(text))
        else:
            for text in _each_string(value):
                check_no_control(text)
        cleaned = super().clean(value, *args)
        if isinstance(self, forms.DateField | forms.DateTimeField) and cleaned is not None:
            check_date(cleaned)
        if isinstance(self, forms.IntegerField) and isinstance(cleaned, int):
            low = INT_MIN if self.min_value is None else self.min_value
            high = INT_MAX if self.max_value is None else self.max_value
            if not low <= cleaned <= high:
                raise ValidationError(
                    _("Enter a whole number between %(min)s and %(max)s.") % {"min": low, "max": high},
                    code="out_of_range",
                )
        return cleaned


def _safe_file_names(cleaned):
    for upload in cleaned if isinstance(cleaned, list) else [cleaned]:
        name = getattr(upload, "name", None)
        if isinstance(name, str):
            upload.name = xml_safe(name).replace("\n", "").replace("\r", "").replace("\t", " ")
    return cleaned


_SAFE_CLASSES: dict[type, type] = {}


def _safe_class(cls: type) -> type:
    if issubclass(cls, _SafeField):
        return cls
    if cls not in _SAFE_CLASSES:
        _SAFE_CLASSES[cls] = type(cls.__name__, (_SafeField, cls), {"__module__": cls.__module__})
    return _SAFE_CLASSES[cls]


def harden(fields) -> None:
    """Give every field of a form (its `fields` dict) the checks of this module. Idempotent."""
    for field in fields.values():
        if isinstance(field, _SafeField):
            continue
        field.__class__ = _safe_class(type(field))
        widget = field.widget
        if isinstance(field, forms.DateField) and getattr(widget, "input_type", "") == "date":
            widget.attrs.setdefault("min", DATE_MIN.isoformat())
            widget.attrs.setdefault("max", DATE_MAX.isoformat())
        elif isinstance(field, forms.DateTimeField) and getattr(widget, "input_type", "") == "datetime-local":
            widget.attrs.setdefault("min", f"{DATE_MIN.isoformat()}T00:00")
            widget.attrs.setdefault("max", f"{DATE_MAX.isoformat()}T23:59")


class TextSafeMixin:
    """Put first among a form's bases (or inherit TextSafeForm / TextSafeModelForm)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        harden(self.fields)

    def full_clean(self):
        harden(self.fields)  # fields a subclass added after __init__ ran
        super().full_clean()


class TextSafeForm(TextSafeMixin, forms.Form):
    pass


class TextSafeModelForm(TextSafeMixin, forms.ModelForm):
    pass
