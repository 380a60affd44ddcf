"""A notice as an official Word document, from the newsroom."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import NoticeFactory

from ..docx_checks import assert_official_layout, open_docx, response_bytes, runs_with, texts

pytestmark = pytest.mark.django_db

BODY = """新华社重庆1月31日电 市政府党组1月30日召开2022年度民主生活会。

会议强调，要做到**五个带头**：

1. 带头深刻领悟"两个确立"的决定性意义
2. 带头*全面学习*贯彻党的二十大精神

会议要求，抓好整改落实。
"""


@pytest.fixture
def notice(org):
    return NoticeFactory(organisation=org, title="市政府党组召开2022年度民主生活会", body=BODY,
                         source_organ="新华社", dateline=datetime.date(2023, 1, 31))  # fmt: skip


def test_the_notice_is_an_official_document_with_its_whole_body(client, notice, secretary):
    client.force_login(secretary)
    document = open_docx(response_bytes(client.get(reverse("newsroom:docx", args=[notice.pk]))))
    assert_official_layout(document)
    assert document.paragraphs[0].text == "市政府党组召开2022年度民主生活会"
    assert document.paragraphs[0].style.name == "Title"
    assert document.core_properties.title == notice.title
    assert document.core_properties.author == "新华社"
    lines = texts(document)
    assert "新华社 · 2023-01-31" in lines
    for line in (
        "新华社重庆1月31日电 市政府党组1月30日召开2022年度民主生活会。",
        "会议强调，要做到五个带头：",
        '1.带头深刻领悟"两个确立"的决定性意义',
        "2.带头全面学习贯彻党的二十大精神",
        "会议要求，抓好整改落实。",
    ):
        assert line in lines  # fmt: skip
    assert [r.bold for r in runs_with(document, "五个带头")] == [True]
    assert [r.italic for r in runs_with(document, "全面学习")] == [True]
    assert "TOC" not in document.element.xml


def test_the_notice_document_is_for_the_newsroom_only(client, notice, member_user, other_secretary):
    for user in (member_user, other_secretary):
        client.force_login(user)
        assert client.get(reverse("newsroom:docx", args=[notice.pk])).status_code == 404


def test_the_notice_page_links_its_word_document(client, notice, secretary):
    client.force_login(secretary)
    html = client.get(reverse("newsroom:edit", args=[notice.pk])).content.decode()
    assert reverse("newsroom:docx", args=[notice.pk]) in html
