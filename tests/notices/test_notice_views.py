"""The newsroom pages: drafting, editing with preview, conflicts, history, images, dashboard."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from notices import services
from notices.models import Notice
from tests.factories import KeyPointFactory, MeetingFactory, NoticeFactory, SpeechFactory

from .test_notice_services import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]


@pytest.fixture
def held(org):
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.HELD)
    KeyPointFactory(speech=SpeechFactory(meeting=meeting, summary="A good start."), order=1, text="First, unite.")
    return meeting


def _form(notice, **changes):
    data = {
        "title": notice.title,
        "source_organ": notice.source_organ,
        "dateline": notice.dateline.isoformat() if notice.dateline else "",
        "body": notice.body,
        "version": notice.version,
        "action": "save",
    }
    data.update(changes)
    return data


def test_secretary_drafts_a_notice_from_a_held_meeting(client, secretary, held):
    client.force_login(secretary)
    page = client.get(reverse("newsroom:draft", args=[held.pk]))
    assert page.status_code == 200
    assert "First, unite." in page.content.decode()  # the preview of the draft
    assert Notice.objects.count() == 0  # nothing is saved by looking
    response = client.post(reverse("newsroom:draft", args=[held.pk]))
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("newsroom:edit", args=[notice.pk])
    assert notice.author == secretary and notice.meeting == held and notice.status == Notice.Status.DRAFT
    listing = client.get(reverse("newsroom:list")).content.decode()
    assert notice.title in listing and "Draft a notice" in listing


def test_drafting_a_planned_meeting_shows_why_not(client, secretary, org):
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.PLANNED)
    client.force_login(secretary)
    response = client.post(reverse("newsroom:draft", args=[meeting.pk]), follow=True)
    assert "only once the meeting has been held" in response.content.decode()
    assert Notice.objects.count() == 0


def test_preview_shows_the_sanitised_text_without_saving(client, publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="Old body")
    client.force_login(publisher)
    body = "**Bold news**\n\n<script>alert(1)</script><img src=x onerror=alert(1)>"
    response = client.post(reverse("newsroom:edit", args=[notice.pk]), _form(notice, body=body, action="preview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Bold news</strong>" in html
    assert "<script>alert(1)</script>" not in html.split('id="preview"')[1]
    assert "onerror" not in html.split('id="preview"')[1]
    notice.refresh_from_db()
    assert notice.body == "Old body"


def test_publisher_edits_and_publishes(client, publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="Draft")
    client.force_login(publisher)
    response = client.post(reverse("newsroom:edit", args=[notice.pk]), _form(notice, body="Edited body"))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.body == "Edited body"
    response = client.post(reverse("newsroom:publish", args=[notice.pk]), follow=True)
    assert "published on the public site" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    client.logout()
    assert "Edited body" in client.get(notice.get_absolute_url()).content.decode()


def test_schedule_and_withdraw_from_the_editor(client, publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT)
    client.force_login(publisher)
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("newsroom:schedule", args=[notice.pk]), {"publish_at": when})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.SCHEDULED
    bad = client.post(reverse("newsroom:schedule", args=[notice.pk]), {"publish_at": "soon"}, follow=True)
    assert "valid date and time" in bad.content.decode()
    client.post(reverse("newsroom:withdraw", args=[notice.pk]), {"reason": "Cancelled"})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.WITHDRAWN


def test_secretary_cannot_publish(client, secretary, org):
    notice = NoticeFactory(organisation=org, status=Notice.Status.DRAFT)
    client.force_login(secretary)
    assert client.post(reverse("newsroom:publish", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_two_editors_the_stale_save_shows_both_texts(client, publisher, superuser):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="Original")
    opened = _form(notice)
    services.notice_update(
        notice=notice,
        by=superuser,
        expected_version=notice.version,
        title=notice.title,
        source_organ="",
        dateline=notice.dateline,
        body="Their saved text",
    )
    client.force_login(publisher)
    response = client.post(reverse("newsroom:edit", args=[notice.pk]), {**opened, "body": "My unsaved text"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this notice" in html
    assert "Their saved text" in html and "My unsaved text" in html
    notice.refresh_from_db()
    assert notice.body == "Their saved text"
    # Saving again from the conflict page (now at the current version) keeps the merged text.
    again = client.post(
        reverse("newsroom:edit", args=[notice.pk]),
        {**opened, "body": "Merged text", "version": notice.version},
    )
    assert again.status_code == 302
    notice.refresh_from_db()
    assert notice.body == "Merged text"


def test_history_shows_who_when_and_the_diff_against_the_published_text(client, publisher):
    notice = NoticeFactory(status=Notice.Status.DRAFT, body="Published sentence.")
    services.notice_publish(notice=notice, by=publisher)
    notice.refresh_from_db()
    services.notice_update(
        notice=notice,
        by=publisher,
        expected_version=notice.version,
        title=notice.title,
        source_organ="",
        dateline=notice.dateline,
        body="Published sentence.\n\nA corrected sentence.",
    )
    client.force_login(publisher)
    html = client.get(reverse("newsroom:history", args=[notice.pk])).content.decode()
    assert "Changes from version 2 to version 3" in html
    assert "+A corrected sentence." in html
    published_view = client.get(reverse("newsroom:history", args=[notice.pk]), {"compare": "published"})
    assert "Changes from version 2 to version 3 (the published version)" in published_view.content.decode()
    assert "This is the published version." in published_view.content.decode()
    assert "publisher" in html and "Published" in html


def test_image_upload_and_who_may_see_it(client, publisher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = NoticeFactory(status=Notice.Status.DRAFT)
    client.force_login(publisher)
    response = client.post(
        reverse("newsroom:image_upload", args=[notice.pk]),
        {"image": SimpleUploadedFile("hall.png", PNG, "image/png"), "caption": "The hall"},
        follow=True,
    )
    image = notice.images.get()
    url = reverse("public:image", args=[image.pk])
    assert f"![The hall]({url})" in response.content.decode()
    assert client.get(url)["Content-Type"] == "image/png"
    bad = client.post(
        reverse("newsroom:image_upload", args=[notice.pk]),
        {"image": SimpleUploadedFile("x.svg", b"<svg></svg>", "image/svg+xml")},
        follow=True,
    )
    assert "Only JPEG, PNG, GIF and WebP" in bad.content.decode()
    client.logout()
    assert client.get(url).status_code == 404  # the notice is not published yet
    notice.refresh_from_db()
    services.notice_update(
        notice=notice,
        by=publisher,
        expected_version=notice.version,
        title=notice.title,
        source_organ="",
        dateline=notice.dateline,
        body=f"Text.\n\n![The hall]({url})",
    )
    services.notice_publish(notice=notice, by=publisher)
    assert client.get(url).status_code == 200


def test_dashboard_and_nav_for_the_newsroom(client, publisher, secretary, member_user, held):
    NoticeFactory(title="Waiting draft", status=Notice.Status.DRAFT)
    NoticeFactory(
        title="Tomorrow's notice", status=Notice.Status.SCHEDULED, publish_at=timezone.now() + datetime.timedelta(1)
    )
    client.force_login(publisher)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Drafts to publish" in html and "Waiting draft" in html and "Tomorrow&#x27;s notice" in html
    assert 'href="/meetings/notices/">Newsroom' in html
    client.force_login(secretary)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Held meetings without a notice" in html and reverse("newsroom:draft", args=[held.pk]) in html
    client.force_login(member_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Newsroom" not in html
    assert client.get(reverse("newsroom:list")).status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_newsroom_list_runs_a_constant_number_of_queries(client, publisher, django_assert_max_num_queries, rows):
    for _ in range(rows):
        NoticeFactory(status=Notice.Status.DRAFT)
    client.force_login(publisher)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("newsroom:list")).status_code == 200


def test_the_draft_follows_the_records_language_not_the_readers(client, secretary, held):
    """An English record drafted on the Chinese site is English throughout (no "… 召开2022年度民主生活会")."""
    client.force_login(secretary)
    client.post(reverse("newsroom:draft", args=[held.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    notice = Notice.objects.get()
    assert notice.language == Notice.Language.EN
    assert notice.title.endswith("holds the 2022 democratic life meeting")
    assert "First, unite." in notice.body and "1. First" not in notice.body
    assert "In the concluding speech, the presider pointed out: A good start." in notice.body
    assert not re.search(r"[\u3400-\u9fff]", notice.title + notice.body), notice.body
