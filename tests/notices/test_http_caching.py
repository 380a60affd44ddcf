"""HTTP caching of the public pages: what a browser, nginx or a CDN is told, and the 304s it gets."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from notices import cache as page_cache_module
from notices import public_views, services
from notices.models import Notice
from tests.factories import NoticeFactory

from .helpers import published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]


@pytest.fixture
def notice(db):
    """A notice published an hour ago and not touched since (nor the generation bumped)."""
    cache.delete(page_cache_module.GENERATION_BUMPED_AT_KEY)
    notice = published(title="Published an hour ago", body="整改 body")
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Notice.objects.filter(pk=notice.pk).update(updated_at=an_hour_ago, publish_at=an_hour_ago)
    notice.refresh_from_db()
    yield notice
    cache.delete(page_cache_module.GENERATION_BUMPED_AT_KEY)


def public_urls(notice):
    return ["/", "/notices/", notice.get_absolute_url(), "/search/?q=整改", "/notices/feed/", "/sitemap.xml",
            "/sitemap-notices.xml"]  # fmt: skip


def test_public_pages_tell_shared_caches_how_long_to_keep_them(client, notice):
    for url in public_urls(notice):
        for _ in range(2):  # rendered, then from the page cache: the same headers
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "public, max-age=60, s-maxage=300, stale-while-revalidate=600", url
            assert response["ETag"].startswith('W/"'), url
            assert parse_http_date(response["Last-Modified"]) == int(notice.updated_at.timestamp()), url
            vary = {v.strip() for v in response["Vary"].split(",")}
            assert {"Accept-Language", "Cookie"} <= vary, url
            assert "Set-Cookie" not in response, url


def test_the_lifetimes_come_from_the_settings(client, notice, settings):
    settings.PUBLIC_HTTP_MAX_AGE = 5
    settings.PUBLIC_HTTP_S_MAXAGE = 30
    settings.PUBLIC_HTTP_STALE_WHILE_REVALIDATE = 90
    assert client.get("/")["Cache-Control"] == "public, max-age=5, s-maxage=30, stale-while-revalidate=90"


def test_signed_in_readers_get_private_no_store_pages(client, notice, publisher):
    client.get("/")
    client.force_login(publisher)
    for url in public_urls(notice):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" not in response["Cache-Control"], url
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"], url
        assert "ETag" not in response, url
    # Their If-None-Match is not answered from the public generation either.
    etag = type(client)().get("/")["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_matching_etag_gets_304_without_a_body_or_any_rendering(client, notice, monkeypatch,
                                                                  django_assert_num_queries):  # fmt: skip
    first = client.get("/")
    etag = first["ETag"]

    def no_rendering(*args, **kwargs):
        raise AssertionError("a 304 renders nothing")

    monkeypatch.setattr(public_views, "render", no_rendering)
    page_cache_module.page_cache._pages.clear()  # not even a cached page is looked up
    with django_assert_num_queries(0):
        response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == first["Cache-Control"]
    assert response["Last-Modified"] == first["Last-Modified"]
    # The strong form of the same tag, and a list holding it, match too (weak comparison).
    assert client.get("/", HTTP_IF_NONE_MATCH=etag.removeprefix("W/")).status_code == 304
    assert client.get("/", HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert client.head("/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_other_etags_and_star_get_the_page(client, notice):
    etag = client.get("/")["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH='W/"something-else"').status_code == 200
    assert client.get("/", HTTP_IF_NONE_MATCH="*").status_code == 200
    # Another page's tag does not validate this one.
    assert client.get("/notices/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/notices/?page=2", HTTP_IF_NONE_MATCH=client.get("/notices/")["ETag"]).status_code == 200


def test_if_modified_since_without_an_etag(client, notice):
    last_modified = client.get("/notices/")["Last-Modified"]
    assert client.get("/notices/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    earlier = http_date(parse_http_date(last_modified) - 60)
    assert client.get("/notices/", HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    # When both are sent, the ETag decides (RFC 9110).
    response = client.get("/notices/", HTTP_IF_MODIFIED_SINCE=last_modified, HTTP_IF_NONE_MATCH='W/"old"')
    assert response.status_code == 200


def test_publishing_changes_every_etag_and_last_modified(client, notice, publisher):
    urls = public_urls(notice)
    before = {url: client.get(url) for url in urls}
    draft = NoticeFactory(title="Freshly published notice", status=Notice.Status.DRAFT, body="整改 new")
    services.notice_publish(notice=draft, by=publisher)
    for url in urls:
        response = client.get(
            url, HTTP_IF_NONE_MATCH=before[url]["ETag"], HTTP_IF_MODIFIED_SINCE=before[url]["Last-Modified"]
        )
        assert response.status_code == 200, url
        assert response["ETag"] != before[url]["ETag"], url
        assert parse_http_date(response["Last-Modified"]) > parse_http_date(before[url]["Last-Modified"]), url
        # An If-Modified-Since alone sees the publication too.
        alone = client.get(url, HTTP_IF_MODIFIED_SINCE=before[url]["Last-Modified"])
        assert alone.status_code == 200, url
    assert "Freshly published notice" in client.get("/").content.decode()


def test_a_scheduled_notice_going_live_moves_last_modified(client, notice, publisher, monkeypatch):
    draft = NoticeFactory(title="Scheduled notice", status=Notice.Status.DRAFT)
    when = timezone.now() + datetime.timedelta(minutes=30)
    services.notice_schedule(notice=draft, by=publisher, publish_at=when)
    before = client.get("/")
    later = when + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(page_cache_module, "_now", lambda: later.timestamp())
    response = client.get("/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert response.status_code == 200 and "Scheduled notice" in response.content.decode()
    assert parse_http_date(response["Last-Modified"]) == int(when.timestamp())


def test_a_deletion_moves_last_modified(client, notice):
    before = client.get("/")["Last-Modified"]
    Notice.objects.filter(pk=notice.pk).delete()
    page_cache_module.bump_generation()
    response = client.get("/", HTTP_IF_MODIFIED_SINCE=before)
    assert response.status_code == 200 and notice.title not in response.content.decode()


def test_no_304_across_languages(client, notice):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english["ETag"] != chinese["ETag"]
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_IF_NONE_MATCH=english["ETag"])
    assert response.status_code == 200 and 'lang="zh-hans"' in response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 304


def test_error_pages_and_redirects_are_not_marked_public(client, notice):
    for url in ("/notices/2023/99999999-missing/", f"/notices/{notice.url_year}/{notice.pk}/"):
        response = client.get(url)
        assert response.status_code in (301, 404), url
        assert "public" not in response.get("Cache-Control", ""), url
        assert "ETag" not in response, url


def test_while_the_database_is_down_the_last_etag_still_gets_304_but_nothing_is_kept_longer(
    client, notice, monkeypatch
):
    from django.db import OperationalError

    first = client.get("/")

    def down(cache):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(page_cache_module.PageCache, "_read_token", down)
    later = page_cache_module._now() + 3  # past the check interval: the token is read again, and fails
    monkeypatch.setattr(page_cache_module, "_now", lambda: later)
    response = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304 and response["Cache-Control"] == "no-cache"
    stale = client.get("/")
    assert stale.status_code == 200 and stale["X-Public-Cache"] == "stale"
    assert stale["Cache-Control"] == "no-cache" and stale["ETag"] == first["ETag"]
    assert "Last-Modified" not in stale
