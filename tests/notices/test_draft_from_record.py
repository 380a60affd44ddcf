"""The first draft written from the record: whole in the record's language, every speaker named once
with their posts, and its preview marked as a draft."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from meetings.models import Attendance, Meeting
from members.models import Member, Membership
from notices.draft import draft_for_meeting
from tests.factories import (
    AttendanceFactory,
    KeyPointFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    OrganisationFactory,
    SpeechFactory,
)

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def chinese_record():
    org = OrganisationFactory(name="中共重庆市人民政府党组", short_name="市政府党组", source_organ="重庆市人民政府")
    hu = MemberFactory(name="胡衡华", posts="市委副书记、市长、市政府党组书记")
    meeting = MeetingFactory(
        organisation=org,
        title="市政府党组2022年度民主生活会",
        status=Meeting.Status.HELD,
        held_on=datetime.date(2023, 1, 30),
        presider=hu,
        presider_posts=hu.posts,
    )
    AttendanceFactory(meeting=meeting, member=hu, role=Attendance.Role.PRESIDER)
    Attendance.objects.create(
        meeting=meeting, member=None, name="刘明", affiliation="市委督导组组长、市纪委副书记",
        role=Attendance.Role.OBSERVER,
    )  # fmt: skip
    SpeechFactory(meeting=meeting, kind="supervision", speaker=None, speaker_name="刘明",
                  summary="刘明指出，会议准备充分。")  # fmt: skip
    speech = SpeechFactory(meeting=meeting, kind="concluding", speaker=hu, summary="胡衡华指出，这次会议开得很好。")
    KeyPointFactory(speech=speech, order=1, text="一要旗帜鲜明讲政治。")
    return meeting


def test_the_supervision_groups_leader_is_named_with_their_post_and_once(chinese_record):
    draft = draft_for_meeting(chinese_record)
    assert "市委督导组组长、市纪委副书记刘明到会指导并作点评。会议准备充分。" in draft.body
    assert "胡衡华在总结讲话中指出，这次会议开得很好。" in draft.body
    assert draft.body.count("刘明") == 1
    assert "胡衡华指出" not in draft.body  # "胡衡华在总结讲话中指出，胡衡华指出，…" named him twice


def test_in_english_the_supervisor_keeps_their_post(org):
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.HELD, held_on=datetime.date(2023, 1, 30))
    Attendance.objects.create(
        meeting=meeting, member=None, name="Liu Ming", role=Attendance.Role.OBSERVER,
        affiliation="Leader of the Supervision Group of the Municipal Party Committee",
    )  # fmt: skip
    SpeechFactory(meeting=meeting, kind="supervision", speaker=None, speaker_name="Liu Ming",
                  summary="Liu Ming said that the meeting was well prepared.")  # fmt: skip
    with translation.override("zh-hans"):
        draft = draft_for_meeting(meeting)
    assert (
        "Liu Ming, Leader of the Supervision Group of the Municipal Party Committee, attended the meeting and made "
        "remarks. The meeting was well prepared." in draft.body
    )
    assert draft.body.count("Liu Ming") == 1
    assert not CJK.search(draft.title + draft.body), draft.body  # whole English on the Chinese site


def test_a_chinese_record_is_drafted_whole_in_chinese_on_the_english_site(chinese_record):
    with translation.override("en"):
        draft = draft_for_meeting(chinese_record)
    assert draft.language == "zh-hans"
    assert draft.title == "市政府党组召开2022年度民主生活会"
    assert draft.body.startswith(
        "1月30日，市政府党组召开2022年度民主生活会。市委副书记、市长、市政府党组书记胡衡华主持"
    )
    assert not re.search(r"[A-Za-z]", draft.title + draft.body), draft.body


def test_the_preview_of_a_draft_says_it_is_a_draft_not_published(client, secretary, chinese_record):
    MembershipFactory(
        member=Member.objects.get(user=secretary), organisation=chinese_record.organisation,
        role=Membership.Role.SECRETARY,
    )  # fmt: skip
    client.force_login(secretary)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("newsroom:draft", args=[chinese_record.pk])).content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'lang="zh-Hans"' in html  # the article is marked as Chinese, whatever the page
    assert 'class="notice-draft-flag"' in html  # says it is a draft ("Draft: not published")
    assert "已发布" not in html and "发布日期" not in html
