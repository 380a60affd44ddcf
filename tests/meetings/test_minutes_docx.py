"""The minutes (会议记录) as an official Word document: every line of the print view, in the GB/T 9704 layout."""

import re

import lxml.html
import pytest
from django.urls import reverse

from meetings.models import Attendance, SolicitedOpinion
from tests.factories import AgendaItemFactory, AttendanceFactory, CriticismFactory, KeyPointFactory, SpeechFactory

from ..docx_checks import assert_official_layout, needs_soffice, open_docx, response_bytes, soffice_pdf, texts
from .helpers import add_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(meeting, member_user):
    a, b = add_members(meeting.organisation, 2)
    AttendanceFactory(meeting=meeting, member=member_user.member, role=Attendance.Role.PARTICIPANT)
    AttendanceFactory(meeting=meeting, member=a, role=Attendance.Role.PARTICIPANT)
    AttendanceFactory(meeting=meeting, member=b, role=Attendance.Role.PARTICIPANT)
    opinions = AgendaItemFactory(meeting=meeting, kind="solicited_opinions", title="通报征求意见情况", order=1)
    inspection = AgendaItemFactory(meeting=meeting, kind="individual_inspection", title="个人对照检查", order=2)
    concluding = AgendaItemFactory(meeting=meeting, kind="concluding_speech", title="主持人总结讲话", order=3)
    SolicitedOpinion.objects.create(meeting=meeting, source="基层单位", content="调研不够深入。")
    CriticismFactory(meeting=meeting, from_member=a, to_member=b, content="到基层的次数偏少。", agenda_item=inspection)
    speech = SpeechFactory(meeting=meeting, speaker_name="胡衡华", agenda_item=concluding, summary="会议开得很成功。")
    for text in ("要强化理论武装。", "要狠抓整改落实。"):
        KeyPointFactory(speech=speech, text=text)
    assert opinions
    return meeting


def _print_view_lines(client, meeting) -> list[str]:
    html = client.get(reverse("meetings:print", args=[meeting.pk])).content.decode()
    article = lxml.html.fromstring(html).xpath("//article[contains(@class, 'minutes')]")[0]
    lines = []
    for text in article.itertext():
        text = re.sub(r"\s+", " ", text).strip()
        if text and not re.fullmatch(r"[\d.:·—–()（）,， ]*", text):
            lines.append(text)
    return lines


def test_the_minutes_carry_every_line_of_the_print_view(client, recorded, member_user, secretary):
    for user in (secretary, member_user):
        client.force_login(user)
        document = open_docx(response_bytes(client.get(reverse("meetings:docx", args=[recorded.pk]))))
        assert_official_layout(document)
        written = "".join(texts(document)).replace(" ", "")
        missing = [line for line in _print_view_lines(client, recorded) if line.replace(" ", "") not in written]
        assert missing == []
        assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == str(recorded)
        assert document.core_properties.author == str(recorded.organisation)
        for line in ("调研不够深入。", "到基层的次数偏少。", "会议开得很成功。"):
            assert line in written
        lines = texts(document)
        # The key points are a list of their own, counted from 1 (the agenda's list before it too).
        assert "1.要强化理论武装。" in lines and "2.要狠抓整改落实。" in lines
        assert "1.通报征求意见情况" in lines  # the agenda's summary list
        # The sections are the standard's first level; agenda items are numbered by it, not twice.
        first_level = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
        assert first_level[:3] == ["一、Attendance", "二、Preparation", "三、Agenda"]
        assert "四、通报征求意见情况" in first_level and "六、主持人总结讲话" in first_level
        assert "TOC" not in document.element.xml  # the minutes have no contents
        # The attendance table is a table, its header repeated on each page.
        names = [row.cells[0].text for row in document.tables[0].rows]
        assert names[0] == "Name" and member_user.member.name in names


def test_the_minutes_are_for_the_print_views_readers_only(client, recorded, other_secretary, publisher):
    for user in (other_secretary, publisher):
        client.force_login(user)
        assert client.get(reverse("meetings:docx", args=[recorded.pk])).status_code == 404


def test_the_meeting_page_offers_the_word_minutes_next_to_the_print_view(client, recorded, secretary):
    client.force_login(secretary)
    html = client.get(reverse("meetings:detail", args=[recorded.pk])).content.decode()
    assert reverse("meetings:print", args=[recorded.pk]) in html
    assert reverse("meetings:docx", args=[recorded.pk]) in html


@needs_soffice
def test_the_minutes_open_in_libreoffice_on_a4(client, recorded, secretary):
    client.force_login(secretary)
    _pdf, info = soffice_pdf(response_bytes(client.get(reverse("meetings:docx", args=[recorded.pk]))))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 1
