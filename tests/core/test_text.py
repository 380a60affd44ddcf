"""core.text and core.forms: what a form accepts, by kind of field, and what an export can carry."""

import datetime

import pytest
from django import forms

from core.forms import TextSafeForm, TextSafeModelForm
from core.text import bounded_int, one_line, strip_control, xml_safe
from meetings.forms import KeyPointFormSet
from notices.forms import ScheduleForm, WithdrawForm
from rectification.forms import ProgressForm


class Sample(TextSafeForm):
    title = forms.CharField(max_length=50, required=False)
    body = forms.CharField(widget=forms.Textarea, required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late"] = forms.CharField(required=False)  # added after the base's __init__


def _errors(data):
    form = Sample(data)
    form.is_valid()
    return {name: " ".join(errors) for name, errors in form.errors.items()}


def test_xml_safe_keeps_text_and_line_breaks_and_drops_the_rest():
    assert xml_safe("a\x00b\x01c\x1bd\x7fe\x85f\x9fg\ufffeh\uffffi") == "abcdefghi"
    assert xml_safe("tab\tline\nreturn\r\n中文 👍🏽 ‮rtl") == "tab\tline\nreturn\r\n中文 👍🏽 ‮rtl"
    assert xml_safe(42) == 42 and xml_safe(None) is None


def test_strip_control_turns_word_breaks_into_line_breaks():
    assert strip_control("one\x0btwo\x0cthree\x00") == "one\ntwo\nthree"
    assert one_line("a\nb\r\nc\u2028d\x00") == "a b  c d"


def test_one_line_fields_refuse_line_breaks_tabs_and_control_characters():
    assert "one line" in _errors({"title": "Title\nsecond"})["title"]
    assert "U+2028" in _errors({"title": "Title\u2028second"})["title"]
    assert "tab" in _errors({"title": "Title\tsecond"})["title"]
    assert "U+0000" in _errors({"title": "Ti\x00tle"})["title"]
    assert "U+0085" in _errors({"title": "Ti\x85tle"})["title"]
    assert "U+0000" in _errors({"late": "x\x00"})["late"]  # a field added in a subclass's __init__
    assert "too long" in _errors({"late": "x" * 1001})["late"]
    assert _errors({"title": "标题 ‮RTL‬ 👍🏽 <script>"}) == {}


def test_multi_line_fields_strip_control_characters_and_keep_the_text():
    form = Sample({"body": "First\x00 line\x0bsecond\r\n\tindented\x1b"})
    assert form.is_valid()
    assert form.cleaned_data["body"] == "First line\nsecond\r\n\tindented"
    assert "too long" in _errors({"body": "x" * 100_001})["body"]


def test_dates_between_1921_and_2100():
    for value in ("1920-12-31", "2101-01-01", "0001-01-01", "9999-12-31"):
        assert "between 1921 and 2100" in _errors({"day": value})["day"], value
    assert Sample({"day": "1921-01-01"}).is_valid() and Sample({"day": "2100-12-31"}).is_valid()
    assert 'min="1921-01-01"' in str(Sample()["day"]) and 'max="2100-12-31"' in str(Sample()["day"])
    schedule = ScheduleForm({"publish_at": "2200-01-01T10:00"})
    assert not schedule.is_valid() and "between 1921 and 2100" in str(schedule.errors)


def test_numbers_and_choices():
    assert "whole number between" in _errors({"count": "99999999999999999999"})["count"]
    assert "whole number between" in _errors({"count": "-99999999999999999999"})["count"]
    assert "U+0000" in _errors({"count": "1\x00"})["count"]
    assert "U+0000" in _errors({"kind": "a\x00"})["kind"]
    assert Sample({"count": "2147483647", "kind": "a"}).is_valid()


def test_the_forms_of_the_apps_use_it():
    withdraw = WithdrawForm({"reason": "Wrong\x00 date"})
    assert not withdraw.is_valid() and "U+0000" in str(withdraw.errors)
    assert WithdrawForm({"reason": "   "}).errors["reason"] == ["Give the reason for the withdrawal."]
    progress = ProgressForm({"text": "Done\x00", "percent": "1" + "0" * 30})
    assert not progress.is_valid() and progress.cleaned_data["text"] == "Done"
    points = KeyPointFormSet(
        {"points-TOTAL_FORMS": "1", "points-INITIAL_FORMS": "0", "points-0-text": "First\x00 point"}, prefix="points"
    )
    assert points.is_valid() and points.key_points() == ["First point"]


def test_model_forms_inherit_it(db):
    from notices.models import Notice

    class NoticeTitle(TextSafeModelForm):
        class Meta:
            model = Notice
            fields = ["title", "dateline"]

    form = NoticeTitle({"title": "A\nB", "dateline": "1900-01-01"})
    assert not form.is_valid()
    assert set(form.errors) == {"title", "dateline"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12", 12),
        (" 7 ", 7),
        ("99999999999999999999", None),
        ("9223372036854775807", None),  # beyond the default bound (a 32-bit integer)
        ("0", None),
        ("-1", None),
        ("１２", None),  # full-width digits are not an id
        ("1e3", None),
        ("", None),
        (None, None),
        ("12\x00", None),
    ],
)
def test_bounded_int(value, expected):
    assert bounded_int(value) == expected


def test_bounded_int_takes_its_bounds():
    assert bounded_int("9223372036854775807", maximum=2**63 - 1) == 2**63 - 1
    assert bounded_int("1921", minimum=1921, maximum=2100) == 1921
    assert bounded_int(datetime.date.today().year + 200, minimum=1921, maximum=2100) is None
