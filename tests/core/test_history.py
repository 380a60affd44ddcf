"""History entries read in the reader's language: what happened is stored (a message and its parameters),
not a sentence in the language of whoever made the change; entries written before stay readable."""

import pytest
from django.urls import reverse
from django.utils import translation

from core import history
from meetings import services as meeting_services
from meetings.models import Meeting
from rectification import services as item_services
from tests.factories import ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _page(client, url, language):
    client.cookies["django_language"] = language
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_change_made_on_the_chinese_site_reads_in_english_on_the_english_site(client, org, secretary):
    meeting = MeetingFactory(organisation=org, location="Room 3")
    with translation.override("zh-hans"):  # the secretary works on the Chinese site
        meeting_services.agenda_item_create(meeting=meeting, by=secretary, data={"title": "Report on rectification"})
        meeting_services.meeting_update(meeting=meeting, by=secretary, data={"location": "Room 5"})
    client.force_login(secretary)
    url = reverse("meetings:history", args=[meeting.pk])

    english = _page(client, url, "en")
    assert "Agenda item added: Report on rectification" in english
    assert "Details changed: location" in english
    assert "已添加议程" not in english and "修改了详细信息" not in english

    chinese = _page(client, url, "zh-hans")
    assert "已添加议程：Report on rectification" in chinese
    assert "修改了详细信息：地点" in chinese  # the field's name too, in the reader's language
    assert "i18n:" not in english + chinese


def test_a_list_of_fields_is_joined_as_the_readers_language_joins_a_list():
    stored = history.reason("Details changed: %(fields)s", {"fields": [Meeting._meta.get_field(f).verbose_name
                                                                       for f in ("location", "theme")]})  # fmt: skip
    with translation.override("en"):
        assert history.render_reason(stored) == "Details changed: location, theme"
    with translation.override("zh-hans"):
        assert history.render_reason(stored) == "修改了详细信息：地点、主题"


def test_entries_written_before_stay_readable_and_known_phrases_follow_the_reader(client, org, secretary):
    meeting = MeetingFactory(organisation=org)
    meeting_services.meeting_start_preparation(meeting=meeting, by=secretary)
    # Rows as the old code left them: a Chinese phrase, an English one, a free text with a title in it.
    rows = list(meeting.history.order_by("history_id"))
    Meeting.history.filter(pk=rows[-1].pk).update(history_change_reason="已标记为已召开")
    meeting_services.meeting_update(meeting=meeting, by=secretary, data={"location": "Hall"})
    Meeting.history.filter(pk=meeting.history.latest().pk).update(history_change_reason="已添加议程：旧的议程")
    client.force_login(secretary)
    english = _page(client, reverse("meetings:history", args=[meeting.pk]), "en")
    assert "Marked held" in english  # a fixed phrase: now in the reader's language
    assert "已添加议程：旧的议程" in english  # a sentence with its own words: shown as it was written
    with translation.override("zh-hans"):
        assert history.render_reason("Marked held") == "已标记为已召开"
        assert history.render_reason("i18n:{broken") == "i18n:{broken"
        assert history.render_reason(None) == ""


def test_rectification_and_back_office_history_read_in_the_readers_language(client, org, secretary, superuser):
    item = ItemFactory(plan__meeting__organisation=org, plan__organisation=org)
    with translation.override("zh-hans"):
        item_services.item_cancel(item=item, by=secretary, reason="已合并到另一项")
    client.force_login(secretary)
    page = _page(client, item.get_absolute_url(), "en")
    assert "Cancelled: 已合并到另一项" in page
    client.force_login(superuser)
    admin = _page(client, reverse("admin:rectification_rectificationitem_history", args=[item.pk]), "en")
    assert "Cancelled: 已合并到另一项" in admin and "i18n:" not in admin
