"""The public site: what anonymous readers see, and what they never see."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from notices import cache as page_cache_module
from notices import services
from notices.models import Notice
from tests.factories import NoticeFactory, OrganisationFactory

from .helpers import published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

PUBLIC_PAGES = ["/", "/notices/", "/notices/feed/", "/sitemap-notices.xml"]


@pytest.fixture
def hidden(db):
    """One notice in each state that must never reach the public."""
    now = timezone.now()
    return [
        NoticeFactory(title="Secret draft notice", status=Notice.Status.DRAFT, body="整改 draft body"),
        NoticeFactory(
            title="Scheduled later notice",
            status=Notice.Status.SCHEDULED,
            publish_at=now + datetime.timedelta(days=1),
            body="整改 scheduled body",
        ),
        NoticeFactory(
            title="Withdrawn old notice",
            status=Notice.Status.WITHDRAWN,
            publish_at=now - datetime.timedelta(days=3),
            withdrawn_at=now,
            body="整改 withdrawn body",
        ),
    ]


def test_drafts_scheduled_and_withdrawn_never_show(client, hidden):
    visible = published(title="Visible published notice", body="整改 published body")
    for url in PUBLIC_PAGES + ["/search/?q=整改", "/search/?q=notice"]:
        content = re.sub(r"</?mark>", "", client.get(url).content.decode())
        assert "Visible published notice" in content or url.startswith("/sitemap"), url
        for notice in hidden:
            assert notice.title not in content, (url, notice.title)
            assert f"/{notice.pk}-" not in content, (url, notice.title)
    assert visible.get_absolute_url() in client.get("/sitemap-notices.xml").content.decode()
    draft, scheduled, withdrawn = hidden
    assert client.get(f"/notices/2026/{draft.pk}-{draft.slug}/").status_code == 404
    assert client.get(f"/notices/2026/{scheduled.pk}-{scheduled.slug}/").status_code == 404
    gone = client.get(withdrawn.get_absolute_url())
    assert gone.status_code == 410
    assert "withdrawn" in gone.content.decode()


def test_notice_page_looks_like_a_news_page(client):
    notice = published(
        title="The party group holds the 2022 democratic life meeting",
        source_organ="Municipal People's Government",
        body="On January 30 the party group held its meeting.\n\n1. First point\n2. Second point",
    )
    response = client.get(notice.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="notice-title">The party group holds the 2022 democratic life meeting</h1>' in html
    assert "Municipal People&#x27;s Government" in html
    assert "2023-01-31" in html  # the dateline
    assert "data-print>" in html and "/static/css/article.css" in html  # the print button; the print layout
    assert f'<link rel="canonical" href="http://testserver{notice.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="The party group holds the 2022 democratic life meeting">' in html
    assert "<li>First point</li>" in html


def test_old_or_missing_slug_redirects_to_the_canonical_address(client):
    notice = published(title="渝中区政府党组召开2022年度民主生活会", slug="")
    services_slug = services.make_slug(notice.title)
    assert services_slug == "yu-zhong-qu-zheng-fu-dang-zu-zhao-kai-2022-nian-du-min-zhu-sheng-huo-hui"
    Notice.objects.filter(pk=notice.pk).update(slug=services_slug)
    notice.refresh_from_db()
    for wrong in (
        f"/notices/{notice.url_year}/{notice.pk}-old-slug/",
        f"/notices/1999/{notice.pk}-{notice.slug}/",
        f"/notices/{notice.url_year}/{notice.pk}/",
    ):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == notice.get_absolute_url()


def test_body_is_sanitised(client):
    body = (
        "Text before.\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        '<iframe src="https://evil.example"></iframe>\n\n[click](javascript:alert(1))\n\n'
        '<p style="display:none">hidden text</p>\n\nText after.'
    )
    notice = published(body=body)
    for url in (notice.get_absolute_url(), "/notices/feed/"):
        html = client.get(url).content.decode()
        assert "Text before." in html and "Text after." in html
        assert "<script>alert" not in html and "onerror" not in html and "<iframe" not in html
        assert "javascript:alert" not in html and "display:none" not in html


@pytest.mark.parametrize("q", ["x" * 10000, "'; DROP TABLE meetings_notice; --", "   ", "%_\\", "a & b | !c :*", "<b>"])
def test_odd_queries_get_a_normal_page(client, q):
    published(body="整改 something")
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert "<b>" not in response.content.decode().split('name="q"')[1][:300]


@pytest.mark.parametrize("term", ["整改", "民主生活会", "rectification"])
def test_chinese_and_english_search(client, term):
    published(
        title="市政府党组召开2022年度民主生活会", body="会议强调，要建立整改台账，抓好整改落实。Rectification first."
    )
    published(title="Unrelated notice", body="Weather report for the week.")
    html = client.get("/search/", {"q": term}).content.decode()
    plain = re.sub(r"</?mark>", "", html)
    assert "市政府党组召开2022年度民主生活会" in plain
    assert "Unrelated notice" not in plain
    assert re.search(r"<mark>" + re.escape(term) + "</mark>", html, re.IGNORECASE)


def test_search_ranks_title_matches_first(client):
    published(title="Weekly work report", body="We discussed 整改 among many other things.")
    published(title="整改 progress of the party group", body="整改 was reviewed.")
    html = re.sub(r"</?mark>", "", client.get("/search/", {"q": "整改"}).content.decode())
    assert html.index("整改 progress of the party group") < html.index("Weekly work report")


def test_list_has_archives_by_year_and_organisation(client):
    org = OrganisationFactory(name="District party group")
    published(title="Old notice", publish_at=timezone.make_aware(datetime.datetime(2021, 5, 1, 10)))
    published(title="New district notice", organisation=org)
    html = client.get("/notices/").content.decode()
    assert "?year=2021" in html and f"?organisation={org.pk}" in html
    by_year = client.get("/notices/", {"year": 2021}).content.decode()
    assert "Old notice" in by_year and "New district notice" not in by_year
    by_org = client.get("/notices/", {"organisation": org.pk}).content.decode()
    assert "New district notice" in by_org and "Old notice" not in by_org
    assert client.get("/notices/", {"year": "abc", "organisation": "x"}).status_code == 200
    # A filter that names nothing shows nothing, not every notice as if it had matched.
    for bad in [{"organisation": "99999999999999999999"}, {"organisation": "-1"}, {"year": "0"}]:
        html = client.get("/notices/", bad).content.decode()
        assert "Old notice" not in html and "New district notice" not in html


def test_feed_is_atom(client):
    notice = published(title="Feed notice")
    response = client.get("/notices/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "<feed" in response.content.decode() and notice.get_absolute_url() in response.content.decode()


def test_sitemap_index_and_robots(client):
    published()
    assert "sitemap-notices.xml" in client.get("/sitemap.xml").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()


@pytest.mark.parametrize("rows", [5, 40])
def test_public_pages_run_a_constant_number_of_queries(client, settings, django_assert_max_num_queries, rows):
    settings.PUBLIC_CACHE_ENABLED = False
    org = OrganisationFactory()
    notices = [published(organisation=org, body="整改 body") for _ in range(rows)]
    # Search: the count (on PostgreSQL through the GIN index: SET LOCAL in a savepoint, which a test's
    # transaction makes two more queries), the ranked page of ids, the page's rows.
    search = 6 if connection.vendor == "postgresql" else 3
    for url, limit in (("/", 5), ("/notices/", 6), (notices[0].get_absolute_url(), 5), ("/search/?q=整改", search)):
        page_cache_module.page_cache.invalidate_local()
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_cached_page_is_served_again_and_refreshed_when_a_notice_is_published(client, publisher):
    first = published(title="First notice")
    assert "First notice" in client.get("/").content.decode()
    draft = NoticeFactory(title="Freshly published notice", status=Notice.Status.DRAFT)
    again = client.get("/")
    assert again["X-Public-Cache"] == "hit"
    services.notice_publish(notice=draft, by=publisher)
    html = client.get("/").content.decode()
    assert "Freshly published notice" in html and first.title in html


def test_withdrawal_clears_the_cached_notice_page(client, publisher):
    notice = published(title="Soon withdrawn")
    assert client.get(notice.get_absolute_url()).status_code == 200
    services.notice_withdraw(notice=notice, by=publisher, reason="Published by mistake")
    assert client.get(notice.get_absolute_url()).status_code == 410
    assert "Soon withdrawn" not in client.get("/").content.decode()


def test_scheduled_notice_appears_on_time_without_a_cron_job(client, publisher, monkeypatch):
    notice = NoticeFactory(title="Scheduled notice", status=Notice.Status.DRAFT)
    when = timezone.now() + datetime.timedelta(minutes=30)
    services.notice_schedule(notice=notice, by=publisher, publish_at=when)
    assert "Scheduled notice" not in client.get("/").content.decode()
    assert client.get("/")["X-Public-Cache"] == "hit"
    # Half an hour later, within the cache's check interval: the page is not served stale.
    later = when + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(page_cache_module, "_now", lambda: later.timestamp())
    html = client.get("/").content.decode()
    assert "Scheduled notice" in html
    assert client.get(notice.get_absolute_url()).status_code == 200


def test_other_app_servers_see_a_change_within_the_check_interval(client, monkeypatch):
    published(title="Before")
    client.get("/")
    # Another server published a notice: it only changed the database.
    NoticeFactory(title="Published elsewhere", status=Notice.Status.PUBLISHED, publish_at=timezone.now())
    assert "Published elsewhere" not in client.get("/").content.decode()  # still within the interval
    start = page_cache_module._now()
    monkeypatch.setattr(page_cache_module, "_now", lambda: start + 3)
    assert "Published elsewhere" in client.get("/").content.decode()


def test_cached_pages_are_the_same_for_every_reader(client):
    """Nothing particular to one reader (no CSRF token, no cookie): a shared cache may keep them."""
    published()
    first = client.get("/")
    second = type(client)().get("/")
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies and not second.cookies and "Set-Cookie" not in second


def test_the_language_switcher_needs_no_csrf_token_but_refuses_other_sites():
    from django.test import Client

    reader = Client(enforce_csrf_checks=True)
    response = reader.post("/i18n/setlang/", {"language": "en", "next": "/notices/"})
    assert response.status_code == 302 and response["Location"] == "/notices/"
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in reader.get("/").content.decode()
    same_site = reader.post("/i18n/setlang/", {"language": "zh-hans"}, HTTP_ORIGIN="http://testserver")
    assert same_site.status_code == 302
    for headers in ({"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}):
        refused = Client().post("/i18n/setlang/", {"language": "en"}, **headers)
        assert refused.status_code == 403 and "django_language" not in refused.cookies
    assert Client().get("/i18n/setlang/").status_code == 405


def test_a_public_page_that_renders_a_csrf_token_is_never_cached(client, rf):
    from django.middleware.csrf import get_token
    from django.template import engines

    template = engines["django"].from_string("<form>{% csrf_token %}</form>")

    @page_cache_module.public_page
    def view(request):
        from django.http import HttpResponse

        get_token(request)
        return HttpResponse(template.render({}, request))

    response = view(rf.get("/some-public-page/"))
    assert response.status_code == 200
    assert "X-Public-Cache" not in response and "Cache-Control" not in response
    assert view(rf.get("/some-public-page/")).get("X-Public-Cache") is None


def test_signed_in_readers_get_their_own_page(client, publisher):
    published()
    client.get("/")
    client.force_login(publisher)
    response = client.get("/")
    assert "X-Public-Cache" not in response
    assert "publisher" in response.content.decode()


def test_language_is_part_of_the_cache_key(client):
    published()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="en"' in english and 'lang="zh-hans"' in chinese


def test_bench_view_is_not_routed_without_bench_flag(client):
    assert client.get("/bench/hello/").status_code == 404
    assert reverse("public:home") == "/"


def test_a_new_worker_takes_pages_from_the_shared_cache(client, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(page_cache_module, "_use_shared_cache", lambda: True)
    published(title="Shared notice")
    assert "Shared notice" in client.get("/notices/").content.decode()
    page_cache_module.page_cache._pages.clear()  # another process: its own memory is empty
    with django_assert_max_num_queries(0):
        response = client.get("/notices/")
    assert response["X-Public-Cache"] == "hit" and "Shared notice" in response.content.decode()


def test_search_snippets_and_index_leave_out_what_the_page_drops(client):
    published(title="Script notice", body="整改 visible words <script>hiddenword()</script> end")
    html = client.get("/search/", {"q": "整改"}).content.decode()
    assert "visible words" in html and "hiddenword" not in html
    assert "Script notice" not in client.get("/search/", {"q": "hiddenword"}).content.decode()
