"""What a new user found on the public site: absolute links on the serving host, a news
page look on every page, search snippets and hints, slugs, and unused images kept private."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notices import services
from notices.models import Notice
from notices.search import highlight
from notices.services import make_slug
from tests.factories import NoticeFactory, OrganisationFactory

from .helpers import published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_canonical_and_og_url_use_the_host_the_page_is_served_from(client, settings):
    settings.ALLOWED_HOSTS = ["news.example.org", "other.example.org", "testserver"]
    notice = published(title="Host notice")
    html = client.get(notice.get_absolute_url(), HTTP_HOST="news.example.org").content.decode()
    expected = f"http://news.example.org{notice.get_absolute_url()}"
    assert f'<link rel="canonical" href="{expected}">' in html
    assert f'<meta property="og:url" content="{expected}">' in html
    assert "127.0.0.1:8000" not in html
    # The page cache keeps hosts apart: the other host never gets the first host's links.
    other = client.get(notice.get_absolute_url(), HTTP_HOST="other.example.org").content.decode()
    assert f"http://other.example.org{notice.get_absolute_url()}" in other and "news.example.org" not in other
    home = client.get("/", HTTP_HOST="news.example.org").content.decode()
    assert '<link rel="canonical" href="http://news.example.org/">' in home


def test_every_public_page_has_masthead_breadcrumb_and_feed_link(client, publisher):
    notice = published(title="A notice", organisation=OrganisationFactory())
    gone = published(title="Gone notice")
    services.notice_withdraw(notice=gone, by=publisher, reason="Mistake")
    pages = ["/", "/notices/", notice.get_absolute_url(), "/search/?q=notice", "/search/", gone.get_absolute_url()]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'class="public-masthead' in html, url
        assert 'class="breadcrumb' in html, url
        assert '<link rel="alternate" type="application/atom+xml"' in html, url
        assert "css/public.css" in html, url
        assert 'name="q" maxlength="200"' in html, url  # the search box (long queries would get 414 from servers)


def test_og_title_matches_the_title_on_every_public_page(client):
    notice = published(title="Matching titles")
    for url in ("/", "/notices/", notice.get_absolute_url(), "/search/?q=titles"):
        html = client.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
        og = re.search(r'<meta property="og:title" content="([^"]*)">', html).group(1)
        assert og == title, url


def test_notice_page_has_date_source_line_and_related_and_latest_sidebar(client):
    org = OrganisationFactory(name="District party group")
    sibling = published(title="Earlier notice of the district", organisation=org)
    elsewhere = published(title="Notice of another organisation")
    notice = published(title="Main notice", organisation=org, source_organ="District press office")
    html = client.get(notice.get_absolute_url()).content.decode()
    assert 'class="notice-date">Published: 2023-01-31' in html
    assert 'class="notice-source">Source: District press office' in html
    related = html.split('class="list-unstyled related-notices"')[1].split("</ul>")[0]
    latest = html.split('class="list-unstyled latest-notices"')[1].split("</ul>")[0]
    assert "More from District party group" in html
    assert sibling.title in related and elsewhere.title not in related and "Main notice" not in related
    assert elsewhere.title in latest and "Main notice" not in latest
    assert '<a href="/notices/?year=' in html  # the breadcrumb's year


def test_search_snippet_cuts_english_at_word_boundaries():
    text = " ".join(f"word{i:03d}" for i in range(80)) + " democratic " + " ".join(f"tail{i:03d}" for i in range(80))
    snippet = str(highlight(text, ["democratic"]))
    inner = snippet.strip("…")
    words = inner.replace("<mark>", "").replace("</mark>", "").split()
    assert all(re.fullmatch(r"(word|tail)\d{3}|democratic", w) for w in words), words
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>democratic</mark>" in snippet


def test_empty_or_blank_query_shows_a_hint(client):
    published(title="Something")
    for query in ("", "?q=", "?q=%20%20%20"):
        html = client.get("/search/" + query).content.decode()
        assert 'id="search-hint"' in html and "Type one or more words" in html
        assert "search-summary" not in html
    found = client.get("/search/?q=Something").content.decode()
    assert "search-hint" not in found and "search-summary" in found


def test_slug_is_cut_at_a_word_boundary_and_old_addresses_redirect(client):
    title = "The party group of the municipal government holds the democratic life meeting on rectification work"
    slug = make_slug(title)
    assert len(slug) <= 80
    assert title.lower().replace(" ", "-").startswith(slug)
    assert title.lower().replace(" ", "-")[len(slug)] == "-"  # ends where a word ends
    notice = published(title=title, slug=slug)
    old = f"/notices/{notice.url_year}/{notice.pk}-{slug[:-3]}/"
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == notice.get_absolute_url()


def test_only_images_the_published_body_shows_are_public(client, publisher, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    notice = NoticeFactory(status=Notice.Status.DRAFT)
    used = services.notice_image_add(notice=notice, by=publisher, upload=SimpleUploadedFile("a.png", PNG))
    unused = services.notice_image_add(notice=notice, by=publisher, upload=SimpleUploadedFile("b.png", PNG))
    used_url = reverse("public:image", args=[used.pk])
    services.notice_update(
        notice=notice,
        by=publisher,
        expected_version=notice.version,
        title=notice.title,
        source_organ="",
        dateline=notice.dateline,
        body=f"Text.\n\n![hall]({used_url})",
    )
    services.notice_publish(notice=notice, by=publisher)
    assert client.get(used_url).status_code == 200
    unused_url = reverse("public:image", args=[unused.pk])
    assert client.get(unused_url).status_code == 404  # uploaded but never used: not public
    client.force_login(publisher)
    response = client.get(unused_url)  # the newsroom still sees it, privately
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
