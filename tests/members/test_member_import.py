"""Importing an organisation's members from .xlsx or .csv: preview every row's errors, save all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from members.models import Member, Membership

pytestmark = pytest.mark.django_db

GOOD_CSV = "name,gender,posts,role\nLi Ming,male,Vice mayor,member\nWang Fang,女,Secretary-general,deputy secretary\n"


def _csv(text, name="members.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("members.xlsx", buffer.getvalue())


def _url(org):
    return reverse("members:import", args=[org.pk])


def test_a_valid_file_is_previewed_then_imported(client, org, secretary):
    client.force_login(secretary)
    before = Member.objects.count()
    response = client.post(_url(org), {"file": _csv(GOOD_CSV)})
    body = response.content.decode()
    assert "All 2 rows are ready to import." in body
    assert "Wang Fang" in body and "deputy secretary" in body
    assert Member.objects.count() == before  # nothing saved by the preview
    response = client.post(_url(org), {"payload": response.context["payload"]}, follow=True)
    assert "2 members imported" in response.content.decode()
    wang = Membership.objects.get(organisation=org, member__name="Wang Fang")
    assert wang.role == Membership.Role.DEPUTY_SECRETARY and wang.member.gender == "f"
    assert wang.member.posts == "Secretary-general"


def test_an_xlsx_file_is_read_with_chinese_headers(client, org, secretary):
    client.force_login(secretary)
    upload = _xlsx([["姓名", "性别", "职务", "角色"], ["胡衡华", "男", "市长", "书记"], ["张三", None, None, None]])
    response = client.post(_url(org), {"file": upload})
    rows = response.context["rows"]
    assert [(r["name"], r["role_value"], r["errors"]) for r in rows] == [
        ("胡衡华", "secretary", []),
        ("张三", "member", []),
    ]


def test_every_rows_error_is_shown_and_nothing_is_saved(client, org, secretary, member_user):
    client.force_login(secretary)
    text = (
        "name,gender,posts,role\n"
        ",male,,member\n"  # line 2: no name
        "Zhao Lei,robot,,member\n"  # line 3: bad gender
        "Qian Hu,male,,chairman\n"  # line 4: bad role
        "Zhao Lei,male,,member\n"  # line 5: duplicate of line 3
        "Member,male,,member\n"  # line 6: already a member (the member_user fixture is called "Member")
        "Sun Li,female,,member\n"  # line 7: fine
    )
    before = Member.objects.count()
    response = client.post(_url(org), {"file": _csv(text)})
    body = response.content.decode()
    assert "5 rows have errors. Nothing has been saved" in body
    for message in [
        "The name is missing.",
        "Unknown gender “robot”",
        "Unknown role “chairman”",
        "Zhao Lei is also on line 3.",
        "Member is already a member of this organisation.",
    ]:
        assert message in body
    assert "payload" not in response.context
    assert Member.objects.count() == before


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("members.xlsx", b"this is not a workbook"), "could not be read as an Excel workbook"),
        (SimpleUploadedFile("members.pdf", b"%PDF-1.4"), "Upload an .xlsx or .csv file."),
        (SimpleUploadedFile("members.csv", b"surname,age\nLi,40\n"), "a “name” column is required"),
        (SimpleUploadedFile("members.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("members.csv", b"name\n"), "no members"),
    ],
)
def test_a_malformed_file_gets_a_clear_message(client, org, secretary, upload, message):
    client.force_login(secretary)
    before = Member.objects.count()
    response = client.post(_url(org), {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Member.objects.count() == before


def test_an_altered_preview_is_refused(client, org, secretary):
    client.force_login(secretary)
    response = client.post(_url(org), {"file": _csv(GOOD_CSV)})
    payload = response.context["payload"]
    response = client.post(_url(org), {"payload": payload[:-3] + "abc"}, follow=True)
    assert "expired or was altered" in response.content.decode()
    assert not Member.objects.filter(name="Li Ming").exists()


def test_rows_that_became_invalid_since_the_preview_save_nothing(client, org, secretary):
    client.force_login(secretary)
    response = client.post(_url(org), {"file": _csv(GOOD_CSV)})
    payload = response.context["payload"]
    client.post(_url(org), {"payload": payload})  # imported once
    response = client.post(_url(org), {"payload": payload})  # the same preview again
    assert "Nothing was imported" in response.content.decode()
    assert Member.objects.filter(name="Li Ming").count() == 1


@pytest.mark.parametrize("who", ["other_secretary", "member_user"])
def test_only_the_organisations_secretaries_may_import(client, org, request, who):
    client.force_login(request.getfixturevalue(who))
    before = Member.objects.count()
    assert client.get(_url(org)).status_code == 404
    assert client.post(_url(org), {"file": _csv(GOOD_CSV)}).status_code == 404
    assert Member.objects.count() == before


def test_a_name_or_post_with_a_control_character_or_line_break_is_refused(client, org, secretary):
    """A spreadsheet cell may carry a line break or an invisible character: the row is refused, not stored."""
    client.force_login(secretary)
    text = (
        "name,gender,posts,role\n"
        "Li\u0007 Ming,male,Vice mayor,member\n"  # an invisible bell character
        'Wang Fang,female,"Secretary-general\nof the office",member\n'  # a line break inside the cell
    )
    before = Member.objects.count()
    body = client.post(_url(org), {"file": _csv(text)}).content.decode()
    assert "2 rows have errors. Nothing has been saved" in body
    assert "U+0007" in body
    assert Member.objects.count() == before
