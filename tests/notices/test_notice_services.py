"""Notice services: drafting from the record, roles, states, conflicts, history, images."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from meetings.models import AgendaItem, HeartToHeartTalk, Meeting, PreparationActivity, SolicitedOpinion
from notices import services
from notices.models import Notice
from tests.factories import (
    AgendaItemFactory,
    CriticismFactory,
    KeyPointFactory,
    MaterialFactory,
    MeetingFactory,
    MemberFactory,
    NoticeFactory,
    SpeechFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def held_meeting(org):
    hu = MemberFactory(name="Hu Henghua", posts="Mayor")
    previous = MeetingFactory(
        organisation=org, title="Party history special meeting", held_on=datetime.date(2022, 1, 20)
    )
    meeting = MeetingFactory(
        organisation=org,
        status=Meeting.Status.HELD,
        presider=hu,
        presider_posts="Deputy Secretary of the Municipal Party Committee, Mayor",
        previous_meeting=previous,
    )
    for kind in (AgendaItem.Kind.PREVIOUS_RECTIFICATION, AgendaItem.Kind.SOLICITED_OPINIONS):
        AgendaItemFactory(meeting=meeting, kind=kind)
    PreparationActivity.objects.create(meeting=meeting, kind=PreparationActivity.Kind.STUDY, title="Study 1")
    PreparationActivity.objects.create(meeting=meeting, kind=PreparationActivity.Kind.STUDY, title="Study 2")
    for i in range(3):
        SolicitedOpinion.objects.create(meeting=meeting, source="Grassroots", content=f"SECRET OPINION {i}")
    other = MemberFactory()
    HeartToHeartTalk.objects.create(meeting=meeting, member_a=hu, member_b=other, summary="SECRET TALK")
    MaterialFactory(meeting=meeting, author=hu, on_behalf_of_group=True, status="approved", problems="SECRET PROBLEM")
    MaterialFactory(meeting=meeting, author=other, status="submitted", causes="SECRET CAUSE")
    MaterialFactory(meeting=meeting, author=MemberFactory(), status="draft")
    CriticismFactory(meeting=meeting, from_member=other, to_member=hu, content="SECRET CRITICISM")
    SpeechFactory(
        meeting=meeting,
        kind="supervision",
        speaker=None,
        speaker_name="The Supervision Group",
        summary="Well prepared.",
    )
    speech = SpeechFactory(meeting=meeting, kind="concluding", speaker=hu, summary="This meeting was a good start.")
    KeyPointFactory(speech=speech, order=1, text="First, talk about politics.")
    KeyPointFactory(speech=speech, order=2, text="Second, grasp learning.")
    return meeting


def test_draft_is_written_from_the_record_in_the_seed_style(held_meeting, secretary):
    notice = services.notice_draft_create(meeting=held_meeting, by=secretary)
    assert notice.status == Notice.Status.DRAFT
    assert notice.title == "Party Group of the Municipal Government holds the 2022 democratic life meeting"
    assert notice.slug.startswith("party-group-of-the-municipal-government-holds")
    assert notice.source_organ == held_meeting.organisation.source_organ
    body = notice.body
    assert body.startswith("On January 30, the Party Group of the Municipal Government held the 2022 democratic")
    assert "Hu Henghua, Deputy Secretary of the Municipal Party Committee, Mayor, presided over the meeting" in body
    assert "organised 2 study sessions" in body and "solicited 3 opinions" in body
    assert "held 1 heart-to-heart talk " in body and "wrote 2 comparison-inspection materials" in body
    assert "rectification measures of the Party history special meeting" in body
    assert "On behalf of the Party Group of the Municipal Government, Hu Henghua made the comparison inspection" in body
    assert "criticism and self-criticism" in body
    assert "The Supervision Group attended the meeting and made remarks. Well prepared." in body
    assert "Hu Henghua pointed out: This meeting was a good start." in body
    assert "First, talk about politics.\n\nSecond, grasp learning." in body  # not "1. First"
    assert "1. First" not in body
    assert "SECRET" not in body  # never the content of materials, talks, opinions or criticism


def test_draft_of_an_english_record_is_english_whole_even_on_the_chinese_site(held_meeting, secretary):
    """The record's language, not the page's: no "Party Group of the Municipal Government 召开…"."""
    with translation.override("zh-hans"):
        notice = services.notice_draft_create(meeting=held_meeting, by=secretary)
    assert notice.language == Notice.Language.EN
    assert notice.title == "Party Group of the Municipal Government holds the 2022 democratic life meeting"
    assert notice.body.startswith("On January 30, the Party Group of the Municipal Government held the 2022")
    assert "organised 2 study sessions" in notice.body and "Hu Henghua emphasised:" in notice.body
    assert not re.search(r"[\u3400-\u9fff]", notice.title + notice.body), notice.body
    assert "SECRET" not in notice.body


def test_draft_of_a_chinese_record_is_saved_as_chinese(held_meeting, secretary):
    org = held_meeting.organisation
    org.name, org.short_name = "中共重庆市人民政府党组", "市政府党组"
    org.save()
    held_meeting.presider.name = "胡衡华"
    held_meeting.presider.save()
    held_meeting.presider_posts = "市委副书记、市长、市政府党组书记"
    held_meeting.save()
    with translation.override("en"):
        notice = services.notice_draft_create(meeting=held_meeting, by=secretary)
    assert notice.language == Notice.Language.ZH_HANS
    # As the seed names it: the organisation by its short name, the posts before the name.
    assert notice.title == "市政府党组召开2022年度民主生活会"
    lead = "1月30日，市政府党组召开2022年度民主生活会。市委副书记、市长、市政府党组书记胡衡华主持会议并讲话。"
    assert notice.body.startswith(lead)
    assert "认真组织学习研讨2次，广泛征求意见建议3条" in notice.body
    assert "开展批评和自我批评" in notice.body and "胡衡华强调：" in notice.body
    assert not re.search(r"[A-Za-z]{4,}", notice.title), notice.title
    assert "SECRET" not in notice.body


def test_only_the_meetings_secretary_drafts_and_only_for_held_meetings(
    held_meeting, other_secretary, publisher, secretary
):
    for user in (other_secretary, publisher):
        with pytest.raises(PermissionDenied):
            services.notice_draft_create(meeting=held_meeting, by=user)
    planned = MeetingFactory(organisation=held_meeting.organisation, status=Meeting.Status.PLANNED)
    with pytest.raises(ValidationError, match="once the meeting has been held"):
        services.notice_draft_create(meeting=planned, by=secretary)
    assert Notice.objects.count() == 0


def _edit(notice, by, version, body="New body"):
    return services.notice_update(
        notice=notice,
        by=by,
        expected_version=version,
        title=notice.title,
        source_organ=notice.source_organ,
        dateline=notice.dateline,
        body=body,
    )


def test_secretary_edits_own_draft_but_only_publishers_publish(org, secretary, other_secretary, publisher):
    notice = NoticeFactory(organisation=org, status=Notice.Status.DRAFT)
    _edit(notice, secretary, notice.version, body="Secretary's text")
    with pytest.raises(PermissionDenied):
        _edit(notice, other_secretary, notice.version + 1)
    with pytest.raises(PermissionDenied):
        services.notice_publish(notice=notice, by=secretary)
    published = services.notice_publish(notice=notice, by=publisher)
    assert published.status == Notice.Status.PUBLISHED
    assert Notice.objects.live().filter(pk=notice.pk).exists()
    with pytest.raises(PermissionDenied):  # published: the secretary can no longer change it
        _edit(published, secretary, published.version)


def test_stale_save_is_refused_and_nothing_is_lost(publisher, superuser):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="Original")
    opened = notice.version
    _edit(notice, publisher, opened, body="First editor's text")
    with pytest.raises(services.NoticeConflict) as conflict:
        _edit(notice, superuser, opened, body="Second editor's text")
    assert conflict.value.current.body == "First editor's text"
    notice.refresh_from_db()
    assert notice.body == "First editor's text"
    assert notice.version == opened + 1


def test_every_save_is_a_revision_with_its_author(publisher, secretary, org):
    notice = NoticeFactory(organisation=org, status=Notice.Status.DRAFT)
    _edit(notice, secretary, notice.version, body="v2")
    services.notice_publish(notice=notice, by=publisher)
    records = list(notice.history.order_by("history_date"))
    assert [r.history_user for r in records[-2:]] == [secretary, publisher]
    assert records[-1].status == Notice.Status.PUBLISHED
    from core.history import render_reason  # stored as a message, read in the reader's language

    assert render_reason(records[-1].history_change_reason) == "Published"


def test_schedule_withdraw_and_return_to_draft(publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT)
    with pytest.raises(ValidationError, match="future"):
        services.notice_schedule(notice=notice, by=publisher, publish_at=timezone.now() - datetime.timedelta(hours=1))
    when = timezone.now() + datetime.timedelta(days=1)
    notice = services.notice_schedule(notice=notice, by=publisher, publish_at=when)
    assert notice.status == Notice.Status.SCHEDULED
    assert not Notice.objects.live().filter(pk=notice.pk).exists()
    assert Notice.objects.live(now=when + datetime.timedelta(seconds=1)).filter(pk=notice.pk).exists()
    notice = services.notice_unschedule(notice=notice, by=publisher)
    assert notice.status == Notice.Status.DRAFT and notice.publish_at is None
    with pytest.raises(ValidationError, match="Only a published"):
        services.notice_withdraw(notice=notice, by=publisher, reason="x")
    notice = services.notice_publish(notice=notice, by=publisher)
    with pytest.raises(ValidationError, match="reason"):
        services.notice_withdraw(notice=notice, by=publisher, reason="  ")
    notice = services.notice_withdraw(notice=notice, by=publisher, reason="Wrong date")
    assert notice.status == Notice.Status.WITHDRAWN and notice.withdrawn_reason == "Wrong date"
    assert not Notice.objects.live().filter(pk=notice.pk).exists()


def test_publishing_needs_a_title_and_body(publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="   ")
    with pytest.raises(ValidationError):
        services.notice_publish(notice=notice, by=publisher)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_images_are_judged_by_their_content(publisher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = NoticeFactory(status=Notice.Status.DRAFT)
    image = services.notice_image_add(
        notice=notice, by=publisher, upload=SimpleUploadedFile("photo.svg", PNG, "image/svg+xml"), caption="Hall"
    )
    assert image.image.name.endswith(".png")
    for name, data in (("evil.png", SVG), ("notes.png", b"just text"), ("x.gif", b"")):
        with pytest.raises(ValidationError, match="Only JPEG, PNG, GIF and WebP"):
            services.notice_image_add(notice=notice, by=publisher, upload=SimpleUploadedFile(name, data, "image/png"))
    assert notice.images.count() == 1


def test_slugs_are_readable_pinyin():
    assert services.make_slug("渝中区政府党组召开2022年度民主生活会") == (
        "yu-zhong-qu-zheng-fu-dang-zu-zhao-kai-2022-nian-du-min-zhu-sheng-huo-hui"
    )
    assert services.make_slug("The Party Group holds its meeting") == "the-party-group-holds-its-meeting"
    assert services.make_slug("!!!") == "notice"


def test_admin_saves_bump_the_version_so_an_open_editor_gets_a_conflict(client, publisher, superuser):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="Original")
    opened = notice.version
    client.force_login(superuser)
    notice.body = "Changed in the back office"
    notice.save()
    services.notice_saved_elsewhere(notice)  # what NoticeAdmin.save_model calls
    with pytest.raises(services.NoticeConflict):
        _edit(notice, publisher, opened, body="Editor's text")
    notice.refresh_from_db()
    assert notice.body == "Changed in the back office"
