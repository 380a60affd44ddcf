"""Notices know their language: a notice and its translation link to each other on the page, in the
feed and in the sitemap; search finds either; the newsroom sets the language and the link."""

import datetime
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notices import services
from notices.cache import page_cache
from notices.models import Notice
from tests.factories import NoticeFactory

from .helpers import published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

ZH_BODY = "根据中央部署和市委要求，1月30日，市政府党组召开2022年度民主生活会。胡衡华主持会议并讲话。"
EN_BODY = "On January 30, the party group of the municipal government held the democratic life meeting."


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside each <a>."""

    def __init__(self, html):
        super().__init__()
        self.tags, self._link = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, **dict(attrs), "text": ""}
        self.tags.append(element)
        if tag == "a":
            self._link = element

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None

    def find(self, tag, **attrs):
        return [t for t in self.tags if t["tag"] == tag and all(t.get(k) == v for k, v in attrs.items())]


@pytest.fixture
def pair(org):
    original = published(
        title="市政府党组召开2022年度民主生活会",
        slug="shi-zheng-fu-dang-zu",
        body=ZH_BODY,
        language=Notice.Language.ZH_HANS,
        organisation=org,
    )
    translation = published(
        title="The party group of the municipal government holds the democratic life meeting",
        slug="party-group-holds",
        body=EN_BODY,
        language=Notice.Language.EN,
        translation_of=original,
        organisation=org,
    )
    return original, translation


def _page(client, notice):
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 200
    return Elements(response.content.decode())


def test_each_version_carries_its_language_and_links_the_other(client, pair):
    original, translation = pair
    zh_url = f"http://testserver{original.get_absolute_url()}"
    en_url = f"http://testserver{translation.get_absolute_url()}"
    for notice, other, lang, other_lang in ((original, translation, "zh-Hans", "en"),
                                            (translation, original, "en", "zh-Hans")):  # fmt: skip
        page = _page(client, notice)
        assert page.find("article", lang=lang), f"the article of {notice} is not marked {lang}"
        alternates = {(t["hreflang"], t["href"]) for t in page.find("link", rel="alternate") if "hreflang" in t}
        assert alternates == {("zh-Hans", zh_url), ("en", en_url), ("x-default", zh_url)}
        # A link a reader sees, in the other version's language, to the other version.
        visible = page.find("a", href=other.get_absolute_url(), hreflang=other_lang)
        assert len(visible) == 1 and visible[0]["lang"] == other_lang and other.title in visible[0]["text"]


def test_a_translation_not_yet_published_is_not_linked(client, org):
    original = published(title="仅有中文", body=ZH_BODY, organisation=org)
    NoticeFactory(title="English draft", language="en", translation_of=original, status=Notice.Status.DRAFT)
    page = _page(client, original)
    assert page.find("article", lang="zh-Hans")
    assert not [t for t in page.find("link", rel="alternate") if "hreflang" in t]
    assert not page.find("a", hreflang="en")


def test_the_feed_says_each_entrys_language_and_links_its_translation(client, pair):
    original, translation = pair
    lone = published(title="Only in English", body="An English notice.", language="en")
    feed = feedparser.parse(client.get("/notices/feed/").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.get("author")  # a feed-level author: entries without one keep the feed valid
    entries = {e.title: e for e in feed.entries}
    # xml:lang on each entry: its title and text are read in that language, whatever the feed's.
    assert feed.feed.title_detail.language == "en"  # the site's language in these tests
    for notice, lang in ((original, "zh-Hans"), (translation, "en"), (lone, "en")):
        entry = entries[notice.title]
        assert entry.title_detail.language == lang and entry.summary_detail.language == lang, notice.title

    def others(entry):
        return {(link.get("hreflang"), link.href) for link in entry.links if link.get("hreflang")}

    assert others(entries[original.title]) == {("en", f"http://testserver{translation.get_absolute_url()}")}
    assert others(entries[translation.title]) == {("zh-Hans", f"http://testserver{original.get_absolute_url()}")}
    assert others(entries[lone.title]) == set()


def test_the_sitemap_gives_hreflang_alternates_and_the_original_as_default(client, pair):
    original, translation = pair
    lone = published(title="Only in Chinese", body="只有中文。")
    root = ET.fromstring(client.get("/sitemap-notices.xml").content)
    urls = {u.find(f"{SITEMAP}loc").text: u for u in root.findall(f"{SITEMAP}url")}
    zh_url = f"http://testserver{original.get_absolute_url()}"
    en_url = f"http://testserver{translation.get_absolute_url()}"
    for loc in (zh_url, en_url):
        alternates = {(a.get("hreflang"), a.get("href")) for a in urls[loc].findall(f"{XHTML}link")}
        assert alternates == {("zh-Hans", zh_url), ("en", en_url), ("x-default", zh_url)}
    assert urls[f"http://testserver{lone.get_absolute_url()}"].findall(f"{XHTML}link") == []


def test_the_sitemap_runs_a_constant_number_of_queries(client, pair):
    def queries():
        page_cache.invalidate_local()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sitemap-notices.xml").status_code == 200
        return len(captured)

    few = queries()
    for i in range(6):
        original = published(title=f"原文{i}", body=ZH_BODY)
        published(title=f"Translation {i}", body=EN_BODY, language="en", translation_of=original)
    assert queries() == few


def test_search_finds_a_notice_in_either_language(client, pair):
    original, translation = pair

    def found(q):
        html = client.get(reverse("public:search"), {"q": q}).content.decode()
        return {n.title for n in (original, translation) if n.get_absolute_url() in html}

    assert found("民主生活会") == {original.title}
    assert found("胡衡华") == {original.title}
    assert found("democratic life") == {translation.title}
    assert found("municipal") == {translation.title}


def test_the_newsroom_sets_the_language_and_links_a_translation(client, publisher, pair, org):
    original, _translation = pair
    draft = NoticeFactory(title="A second English version", body=EN_BODY, organisation=org, language="zh-hans")
    client.force_login(publisher)
    url = reverse("newsroom:edit", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'name="language"' in page and 'name="translation_of"' in page
    data = {"version": draft.version, "title": draft.title, "source_organ": "", "dateline": "2023-01-31",
            "body": EN_BODY, "language": "en", "translation_of": original.pk, "action": "save"}  # fmt: skip
    # The original already has its translation: refused on the form, nothing saved.
    response = client.post(url, data)
    assert response.status_code == 200 and "That notice already has a translation." in response.content.decode()
    draft.refresh_from_db()
    assert draft.language == "zh-hans" and draft.translation_of is None

    other = NoticeFactory(title="另一篇原文", body=ZH_BODY, organisation=org)
    response = client.post(url, {**data, "translation_of": other.pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.language == "en" and draft.translation_of == other and other.other_version() == draft

    # The newsroom's list says each notice's language.
    listing = client.get(reverse("newsroom:list")).content.decode()
    rows = re.findall(
        r'<span lang="([^"]+)"><a href="[^"]+">([^<]+)</a></span> <span class="[^"]*notice-language">([^<]+)<', listing
    )
    assert ("en", draft.title, "English") in rows and ("zh-Hans", other.title, "Simplified Chinese") in rows

    # Sent without the field (an older page), the link stays.
    client.post(url, {k: v for k, v in data.items() if k != "translation_of"} | {"version": draft.version})
    draft.refresh_from_db()
    assert draft.translation_of == other


def test_a_translation_is_in_the_other_language_and_links_an_original(secretary, publisher, org, other_org):
    zh = NoticeFactory(title="原文", organisation=org)
    zh2 = NoticeFactory(title="另一篇", organisation=org)
    en = NoticeFactory(title="English", language="en", organisation=org)

    def link(notice, original, by=publisher, language=None):
        return services.notice_update(
            notice=notice, by=by, expected_version=Notice.objects.get(pk=notice.pk).version, title=notice.title,
            source_organ="", dateline=None, body="Text", language=language, translation_of=original,
        )  # fmt: skip

    with pytest.raises(ValidationError, match="other language"):
        link(zh2, zh)
    link(en, zh)
    assert zh.other_version() == en and Notice.objects.get(pk=en.pk).other_version() == zh
    with pytest.raises(ValidationError, match="itself a translation"):
        link(NoticeFactory(title="另一个"), en)
    with pytest.raises(ValidationError, match="Its translation is in this language"):
        link(zh, None, language="en")
    # A secretary links only to a notice of their own newsroom.
    foreign = NoticeFactory(title="别的组织", organisation=other_org)
    mine = NoticeFactory(title="Mine", language="en", organisation=org)
    with pytest.raises(PermissionDenied):
        link(mine, foreign, by=secretary)
    assert Notice.objects.get(pk=mine.pk).translation_of is None


def test_a_draft_is_saved_in_the_language_of_its_record(secretary, meeting):
    meeting.status = meeting.Status.HELD
    meeting.held_on = datetime.date(2023, 1, 30)
    meeting.save()
    notice = services.notice_draft_create(meeting=meeting, by=secretary)
    assert notice.language == Notice.Language.EN  # "Party Group of the Municipal Government"
    assert timezone.now()  # the draft is not public
    assert not notice.is_live


def test_notices_written_before_they_knew_their_language_are_guessed_by_their_text():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("notices.migrations.0003_language_and_translation")
    chinese = NoticeFactory(title="市政府党组召开民主生活会", body="会议强调。")
    english = NoticeFactory(title="The party group holds its meeting", body="The meeting stressed unity.")
    mixed = NoticeFactory(title="Notice", body="胡衡华主持会议。")
    migration.guess_languages(apps, None)
    languages = dict(Notice.objects.values_list("pk", "language"))
    assert languages == {chinese.pk: "zh-hans", english.pk: "en", mixed.pk: "zh-hans"}


def test_lists_mark_each_title_with_its_language(client, pair, django_assert_max_num_queries):
    original, translation = pair
    for url in ("/", "/notices/"):
        page = Elements(client.get(url).content.decode())
        assert page.find("a", href=original.get_absolute_url(), lang="zh-Hans"), url
        assert page.find("a", href=translation.get_absolute_url(), lang="en"), url
    sidebar = _page(client, original)  # the sidebar's latest notices
    assert sidebar.find("a", href=translation.get_absolute_url(), lang="en")
    for i in range(5):
        published(title=f"More {i}", body=EN_BODY, language="en")
    page_cache.invalidate_local()
    with django_assert_max_num_queries(8):  # the language comes with the list, not a query per title
        assert client.get("/notices/").status_code == 200
