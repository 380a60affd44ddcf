"""The demo in Chinese, as the original: the municipal government's party group, its people and posts,
the meeting's record and the notice as published in Chinese, with the English notice as its translation.
What a reader types in Chinese about the seed meeting finds it on the public site."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings.models import AgendaItem, Attendance, Meeting, PreparationActivity, Speech
from members.models import Member, Organisation
from notices import services
from notices.models import Notice
from rectification.models import RectificationItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def demo(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Meeting.objects.get(organisation__name="中共重庆市人民政府党组", year=2022)


def test_the_party_group_and_its_people_are_named_as_the_original_names_them(demo):
    group = Organisation.objects.get(name="中共重庆市人民政府党组")
    assert group.short_name == "市政府党组" and group.source_organ == "重庆市人民政府"
    assert group.parent.name == "中共重庆市委员会"
    hu = Member.objects.get(name="胡衡华")
    assert hu.posts == "市委副书记、市长、市政府党组书记"
    assert demo.presider == hu and demo.presider_posts == hu.posts
    # Every person, post, title and text of the record is Chinese; no English names are left.
    for name, posts in Member.objects.values_list("name", "posts"):
        assert CJK.search(name) and CJK.search(posts), (name, posts)
    for text in [demo.title, demo.theme, demo.location, demo.previous_meeting.title, *demo.aspect_list]:
        assert CJK.search(text), text
    texts = {AgendaItem: ["title"], PreparationActivity: ["title", "summary"], Speech: ["title", "summary"]}
    for model, fields in texts.items():
        for row in model.objects.filter(meeting=demo).values_list(*fields):
            assert all(CJK.search(value) for value in row), row
    for item in RectificationItem.objects.select_related("problem", "plan"):
        assert CJK.search(item.measure) and CJK.search(item.problem.description) and CJK.search(item.plan.title)


def test_the_supervision_group_and_its_leaders_post(demo):
    guest = Attendance.objects.get(meeting=demo, member=None, role=Attendance.Role.OBSERVER)
    assert "督导组组长" in guest.affiliation and guest.affiliation.startswith("市委督导组")
    remarks = Speech.objects.get(meeting=demo, kind=Speech.Kind.SUPERVISION)
    assert remarks.speaker_name == guest.name and "督导组" in remarks.title


def test_the_notice_is_published_in_chinese_with_its_english_translation(client, demo):
    original = Notice.objects.get(meeting=demo, language=Notice.Language.ZH_HANS)
    english = original.other_version()
    assert english.language == Notice.Language.EN and english.translation_of == original
    assert original.is_live and english.is_live
    html = client.get(original.get_absolute_url()).content.decode()
    assert '<h1 class="notice-title">市政府党组召开2022年度民主生活会</h1>' in html
    assert 'hreflang="en"' in html and english.get_absolute_url() in html
    # The five key points of the concluding speech, as the original writes them.
    for ordinal in (
        "一要旗帜鲜明讲政治",
        "二要全面系统抓学习",
        "三要尽职尽责强本领",
        "四要团结奋进促发展",
        "五要持之以恒转作风",
    ):
        assert ordinal in original.body


@pytest.mark.parametrize(
    "q", ["胡衡华", "民主生活会", "市政府党组", "整改", "整改措施", "对照检查", "党史学习教育", "市委副书记", "批评"]
)
def test_what_a_reader_types_in_chinese_finds_the_seed_notice(client, demo, q):
    original = Notice.objects.get(meeting=demo, language=Notice.Language.ZH_HANS)
    html = client.get(reverse("public:search"), {"q": q}).content.decode()
    assert original.get_absolute_url() in html, q


def test_english_words_find_the_english_version(client, demo):
    english = Notice.objects.get(meeting=demo, language=Notice.Language.EN)
    html = client.get(reverse("public:search"), {"q": "Hu Henghua democratic life meeting"}).content.decode()
    assert english.get_absolute_url() in html


def test_a_notice_drafted_from_the_record_names_the_supervision_group_and_is_found_by_it(client, demo):
    """The supervision group is in the record, not in the seed notice: the notice drafted from the
    record says it came, and once published the public search finds 督导组 there."""
    from django.contrib.auth import get_user_model

    secretary = get_user_model().objects.get(username="secretary")
    publisher = get_user_model().objects.get(username="publisher")
    draft = services.notice_draft_create(meeting=demo, by=secretary)
    assert draft.language == Notice.Language.ZH_HANS and draft.title == "市政府党组召开2022年度民主生活会"
    assert "市委督导组组长" in draft.body and "到会指导" in draft.body
    assert not re.search(r"[A-Za-z]{3,}", draft.body), draft.body  # whole Chinese, nothing in English
    services.notice_publish(notice=draft, by=publisher)
    html = client.get(reverse("public:search"), {"q": "督导组"}).content.decode()
    assert draft.get_absolute_url() in html


def test_the_seed_minutes_in_chinese_use_chinese_punctuation(demo, client):
    """Labels, lists and counts in the minutes read "征求意见：…", "已核验 3 项，…", not "征求意见: …, …"."""
    from django.contrib.auth import get_user_model
    from django.utils.html import strip_tags

    client.force_login(get_user_model().objects.get(username="secretary"))
    page = client.get(reverse("meetings:print", args=[demo.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    text = strip_tags(page.split("<main", 1)[1])
    assert "征求意见" in text and "督导组" in text
    western = re.findall(r"[\u3400-\u9fff][:,;] ?.{0,12}", text)
    assert western == []
    # Posts and affiliations in full-width brackets: 胡衡华（市委副书记、市长、市政府党组书记）
    assert f"胡衡华（{demo.presider_posts}）" in text
    assert not re.search(r"[\u3400-\u9fff] \([\u3400-\u9fff]", text)
