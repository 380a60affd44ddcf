"""What a new user found in the newsroom: effective state of due scheduled notices, the
first draft's wording, who saved last, the history's direction, title conflicts and
what the sanitiser removes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import Meeting, PreparationActivity
from notices import services
from notices.draft import draft_for_meeting
from notices.models import Notice
from tests.factories import (
    KeyPointFactory,
    MeetingFactory,
    MemberFactory,
    NoticeFactory,
    OrganisationFactory,
    SpeechFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]


def _rows(html):
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r'<a href="/meetings/notices/\d+/">([^<]+)</a>(.*?)</tr>', html, re.S)
    }


def _save(notice, by, **changes):
    notice.refresh_from_db()
    values = {"title": notice.title, "source_organ": notice.source_organ, "dateline": notice.dateline}
    values["body"] = notice.body
    values.update(changes)
    return services.notice_update(notice=notice, by=by, expected_version=notice.version, **values)


# -- 1. a scheduled notice whose time has come is published everywhere in the newsroom ----


def test_due_scheduled_notice_shows_as_published_in_list_filter_and_editor(client, publisher):
    now = timezone.now()
    due = NoticeFactory(title="Due notice", status=Notice.Status.SCHEDULED, publish_at=now - datetime.timedelta(1))
    NoticeFactory(title="Future notice", status=Notice.Status.SCHEDULED, publish_at=now + datetime.timedelta(1))
    NoticeFactory(title="Live notice", status=Notice.Status.PUBLISHED, publish_at=now - datetime.timedelta(2))
    client.force_login(publisher)
    url = reverse("newsroom:list")

    rows = _rows(client.get(url).content.decode())
    assert "status-published" in rows["Due notice"] and "scheduled" not in rows["Due notice"]
    assert "status-scheduled" in rows["Future notice"]

    published = _rows(client.get(url, {"status": "published"}).content.decode())
    assert set(published) == {"Due notice", "Live notice"}
    scheduled = _rows(client.get(url, {"status": "scheduled"}).content.decode())
    assert set(scheduled) == {"Future notice"}

    editor = client.get(reverse("newsroom:edit", args=[due.pk])).content.decode()
    assert "status-published" in editor and "View on the public site" in editor
    assert "Return to draft" not in editor and "Publish now" not in editor


# -- 2. the automatic first draft ---------------------------------------------------------


@pytest.fixture
def chinese_meeting():
    org = OrganisationFactory(name="中共渝中区委", source_organ="渝中区委办公室")
    ma = MemberFactory(name="马雷", posts="区委副书记")
    meeting = MeetingFactory(
        organisation=org, status=Meeting.Status.HELD, presider=ma, presider_posts="区委副书记，区长"
    )
    PreparationActivity.objects.create(meeting=meeting, kind=PreparationActivity.Kind.STUDY, title="学习")
    speech = SpeechFactory(meeting=meeting, kind="concluding", speaker=ma, summary="会议开得很好。")
    KeyPointFactory(speech=speech, order=1, text="一要强化政治建设。")
    KeyPointFactory(speech=speech, order=2, text="二要抓好整改落实。")
    return meeting


def test_draft_of_a_chinese_record_is_chinese_news_style_even_in_english(chinese_meeting):
    with translation.override("en"):
        draft = draft_for_meeting(chinese_meeting)
    assert draft.title == "中共渝中区委召开2022年度民主生活会"
    assert "区委副书记、区长马雷主持会议并讲话。" in draft.body
    assert "一要强化政治建设。\n\n二要抓好整改落实。" in draft.body
    assert "1. 一要" not in draft.body


def test_english_names_in_a_chinese_draft_are_separated(chinese_meeting):
    ma = MemberFactory(name="Ma Lei")
    chinese_meeting.presider, chinese_meeting.presider_posts = ma, "区长"
    chinese_meeting.save()
    with translation.override("zh-hans"):
        draft = draft_for_meeting(chinese_meeting)
    assert "区长 Ma Lei 主持会议" in draft.body
    assert "区长Ma" not in draft.body and "Lei主持" not in draft.body


@pytest.fixture
def held_english(org):
    ma = MemberFactory(name="Ma Lei")
    meeting = MeetingFactory(
        organisation=org,
        status=Meeting.Status.HELD,
        presider=ma,
        presider_posts="District Head, Secretary of the Party Group",
    )
    PreparationActivity.objects.create(meeting=meeting, kind=PreparationActivity.Kind.STUDY, title="Study")
    speech = SpeechFactory(meeting=meeting, kind="concluding", speaker=ma, summary="Good.")
    KeyPointFactory(speech=speech, order=1, text="Unite.")
    KeyPointFactory(speech=speech, order=2, text="Act.")
    return meeting


def test_english_draft_counts_in_the_singular_and_numbers_plain_key_points(held_english):
    with translation.override("en"):
        draft = draft_for_meeting(held_english)
    assert "organised 1 study session or seminar" in draft.body
    assert "1 study sessions" not in draft.body
    assert "1. Unite.\n2. Act." in draft.body


def test_draft_preview_has_no_print_button_but_the_public_page_has(client, secretary, held_english):
    client.force_login(secretary)
    html = client.get(reverse("newsroom:draft", args=[held_english.pk])).content.decode()
    assert "Ma Lei" in html and "data-print" not in html
    # Nothing is published yet: the preview gives the dateline, not a publication date.
    assert "Dateline:" in html and "Published:" not in html


# -- 4. last editor, history direction, title conflicts -----------------------------------


def test_last_saved_names_the_last_editor_with_constant_queries(
    client, publisher, secretary, django_assert_max_num_queries
):
    editor = UserFactory(username="editor_wang", first_name="Wang", last_name="Fang", publisher=True)
    for rows in (3, 15):
        Notice.objects.all().delete()
        for i in range(rows):
            notice = NoticeFactory(title=f"Notice {i}", author=secretary, status=Notice.Status.DRAFT)
            _save(notice, editor, body=f"Edited {i}")
        client.force_login(publisher)
        with django_assert_max_num_queries(12):
            html = client.get(reverse("newsroom:list")).content.decode()
        row = _rows(html)["Notice 0"]
        assert "Wang Fang" in row
        assert secretary.username not in row


def test_history_compares_with_the_previous_revision_by_default(client, publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="One.", version=1)
    _save(notice, publisher, body="One.\n\nTwo.")
    _save(notice, publisher, body="One.\n\nTwo.\n\nThree.")
    client.force_login(publisher)
    html = client.get(reverse("newsroom:history", args=[notice.pk])).content.decode()
    assert "Changes from version 2 to version 3" in html and "Changes from version 1 to version 2" in html
    newest = html.split("Changes from version 2 to version 3")[1].split("Changes from version 1")[0]
    assert "+Three." in newest and "+Two." not in newest  # only what changed in that step
    assert "the previous revision" in html


def test_conflict_page_shows_a_title_conflict(client, publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT, title="Original title")
    client.force_login(publisher)
    opened = notice.version
    _save(notice, UserFactory(publisher=True), title="Their new title")
    response = client.post(
        reverse("newsroom:edit", args=[notice.pk]),
        {
            "title": "My new title",
            "source_organ": "",
            "dateline": "2023-01-31",
            "body": notice.body,
            "version": opened,
            "action": "save",
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "The title differs" in html
    assert "Their new title" in html and "My new title" in html


# -- 5. the editor is told what the sanitiser removed ------------------------------------


def test_preview_warns_about_what_sanitising_removes(client, publisher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = NoticeFactory(status=Notice.Status.DRAFT)
    client.force_login(publisher)
    body = (
        "Hello <script>alert(1)</script>\n\n"
        '<iframe src="https://evil.example"></iframe>\n\n'
        '<p onclick="steal()" style="color:red">Click</p>\n\n'
        "[link](javascript:alert(1))\n\n"
        "![photo](/notices/images/999/)"
    )
    response = client.post(
        reverse("newsroom:edit", args=[notice.pk]),
        {
            "title": notice.title,
            "source_organ": "",
            "dateline": "2023-01-31",
            "body": body,
            "version": notice.version,
            "action": "preview",
        },
    )
    html = response.content.decode()
    warnings = html.split('id="sanitiser-warnings"')[1].split("</div>")[0]
    for expected in (
        "&lt;script&gt;",
        "&lt;iframe&gt;",
        "onclick",
        "Inline styles",
        "javascript:alert(1)",
        "/notices/images/999/",
    ):
        assert expected in warnings, expected
    clean = client.post(
        reverse("newsroom:edit", args=[notice.pk]),
        {
            "title": notice.title,
            "source_organ": "",
            "dateline": "2023-01-31",
            "body": "Plain **text**.",
            "version": notice.version,
            "action": "preview",
        },
    )
    assert "sanitiser-warnings" not in clean.content.decode()
