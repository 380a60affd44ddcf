"""The public site: anonymous readers see published notices only.

A draft, a notice scheduled for later and a withdrawn notice never show on any of
these pages, in the feed, the sitemap or search: every read starts from
``Notice.objects.live()``. Pages are served through the page cache of
``meetings/cache.py`` and run a constant number of queries.
"""

import contextvars
import datetime
import mimetypes
import re
from urllib.parse import urlencode

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.markdown import render_markdown
from core.text import one_line, xml_safe

from . import permissions
from . import search as notice_search
from .cache import csrf_placeholder_context, page_cache, public_page
from .models import Notice, NoticeImage

PER_PAGE = 20
SEARCH_PER_PAGE = 10
LIST_FIELDS = (
    "id",
    "title",
    "slug",
    "language",
    "dateline",
    "publish_at",
    "created_at",
    "source_organ",
    "organisation",
)


def _published():
    return Notice.objects.live()


def _site_url(request, path: str) -> str:
    """An absolute address on the host the page is served from (like the feed and the sitemap)."""
    return request.build_absolute_uri(path)


def _render(request, template, context, status=200):
    return render(request, template, {**context, **csrf_placeholder_context(request)}, status=status)


class CountedPaginator(Paginator):
    """A paginator whose total is given (counted once per publication generation)."""

    def __init__(self, object_list, per_page, total):
        super().__init__(object_list, per_page)
        self._total = total

    @cached_property
    def count(self):
        return self._total


def _archives():
    """Years and organisations with their numbers of published notices (once per generation)."""

    def compute():
        qs = _published().order_by()
        years = list(qs.annotate(y=ExtractYear("publish_at")).values("y").annotate(n=Count("id")).order_by("-y"))
        orgs = list(
            qs.filter(organisation__isnull=False)
            .values("organisation_id", "organisation__name")
            .annotate(n=Count("id"))
            .order_by("organisation__name")
        )
        return {"years": years, "organisations": orgs}

    return page_cache.memo("archives", compute)


def _int_param(request, name):
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if 0 < value < 100000000 else None


@public_page
def home(request):
    notices = list(_published().select_related("organisation").only(*LIST_FIELDS, "organisation__name")[:10])
    return _render(
        request,
        "notices/public/home.html",
        {"notices": notices, "archives": _archives(), "canonical_url": _site_url(request, "/")},
    )


@public_page
def notice_list(request):
    year = _int_param(request, "year")
    org_id = _int_param(request, "organisation")
    qs = _published()
    if year and 1900 < year < 3000:
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, 1, 1, tzinfo=tz)
        qs = qs.filter(publish_at__gte=start, publish_at__lt=start.replace(year=year + 1))
    else:
        year = None
    if org_id:
        qs = qs.filter(organisation_id=org_id)
    # A filter that cannot name anything (a word, a huge or negative number) matches nothing,
    # rather than being dropped and showing every notice as if it had matched.
    invalid = any(request.GET.get(name, "") not in ("", None) and value is None for name, value in
                  (("organisation", org_id), ("year", year)))  # fmt: skip
    if invalid:
        qs = qs.none()
    total = page_cache.memo(f"count:{year}:{org_id}:{invalid}", qs.count)
    paginator = CountedPaginator(
        qs.select_related("organisation").only(*LIST_FIELDS, "organisation__name"), PER_PAGE, total
    )
    page = paginator.get_page(request.GET.get("page"))
    archives = _archives()
    org_name = next((o["organisation__name"] for o in archives["organisations"] if o["organisation_id"] == org_id), "")
    query = []
    if year:
        query.append(f"year={year}")
    if org_id:
        query.append(f"organisation={org_id}")
    return _render(
        request,
        "notices/public/notice_list.html",
        {
            "page_obj": page,
            "notices": page.object_list,
            "archives": archives,
            "year": year,
            "organisation_id": org_id,
            "organisation_name": org_name,
            "query_string": "&".join(query),
            "canonical_url": _site_url(request, request.path + (f"?{'&'.join(query)}" if query else "")),
        },
    )


#: The other language's version of a notice comes with it in one query; its text is not needed.
OTHER_VERSION = ("translation_of", "translation")
OTHER_VERSION_DEFERRED = [f"{rel}__{field}" for rel in OTHER_VERSION for field in ("body", "search_vector")]


def language_versions(request, notice) -> tuple[Notice | None, list[dict]]:
    """The notice's live version in the other language, and the hreflang alternates of both
    (each version, and x-default: the original) when there is one."""
    other = notice.other_version()
    if other is None or not other.is_live:
        return None, []
    original = other if notice.translation_of_id else notice
    alternates = [
        {"lang": version.lang_tag, "url": _site_url(request, version.get_absolute_url())}
        for version in sorted((notice, other), key=lambda v: v.language != Notice.Language.ZH_HANS)
    ]
    alternates.append({"lang": "x-default", "url": _site_url(request, original.get_absolute_url())})
    return other, alternates


@public_page
def notice_detail(request, year, pk, slug):
    notice = (
        _published()
        .select_related("organisation", *OTHER_VERSION)
        .defer("search_vector", *OTHER_VERSION_DEFERRED)
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        gone = Notice.objects.filter(pk=pk, status=Notice.Status.WITHDRAWN).only("id", "title").first()
        if gone is not None:
            return _render(request, "notices/public/notice_gone.html", {"notice": gone}, status=410)
        raise Http404(_("No such notice."))
    canonical = notice.get_absolute_url()
    if request.path != canonical:
        return redirect(canonical, permanent=True)
    # The sidebar: the organisation's and the site's newest notices (once per publication generation).
    listed = _published().select_related("organisation").only(*LIST_FIELDS, "organisation__name")
    latest = [n for n in page_cache.memo("latest:6", lambda: list(listed[:6])) if n.pk != notice.pk][:5]
    related = []
    if notice.organisation_id:
        org_id = notice.organisation_id
        newest = page_cache.memo(f"org-latest:{org_id}", lambda: list(listed.filter(organisation_id=org_id)[:6]))
        related = [n for n in newest if n.pk != notice.pk][:5]
    other_version, alternates = language_versions(request, notice)
    return _render(
        request,
        "notices/public/notice_detail.html",
        {
            "related": related,
            "latest": latest,
            "notice": notice,
            "other_version": other_version,
            "alternates": alternates,
            "body_html": render_markdown(notice.body),
            "description": notice_search.plain_text(notice.body)[:160],
            "canonical_url": _site_url(request, canonical),
        },
    )


@public_page
def search(request):
    # A control character (NUL, which PostgreSQL refuses in a query) is no part of a search: left out.
    raw = xml_safe(request.GET.get("q") or "")
    q = " ".join(raw.split())[: notice_search.MAX_QUERY_CHARS]
    sort = request.GET.get("sort") if request.GET.get("sort") in notice_search.SORTS else "relevance"
    found = notice_search.SearchResults(q, sort=sort)
    terms = found.terms
    # Every match counted, and paged through a page of ids at a time (by relevance or by date).
    page = found.page(request.GET.get("page"), SEARCH_PER_PAGE)
    rows = _published().select_related("organisation").defer("search_vector").in_bulk(list(page.object_list))
    results = [rows[pk] for pk in page.object_list if pk in rows]
    for notice in results:
        notice.snippet = notice_search.highlight(xml_safe(notice.body), terms + [q])
        notice.title_html = notice_search.mark_terms(one_line(notice.title), terms + [q])
    return _render(
        request,
        "notices/public/search.html",
        {
            "q": q,
            "terms": terms,
            "page_obj": page,
            "results": results,
            "total": found.total,
            "sort": sort,
            "query_string": urlencode({"q": q, "sort": sort}) if q else "",
        },
    )


def _body_uses_image(body: str, pk: int) -> bool:
    url = reverse("public:image", args=[pk])
    return re.search(re.escape(url) + r"(?![0-9])", body or "") is not None


def notice_image(request, pk):
    """An image of a notice: public once the notice is published; before that only to
    those who may see the notice in the newsroom."""
    image = get_object_or_404(NoticeImage.objects.select_related("notice"), pk=pk)
    # Only an image the published body shows is public: uploads never used stay private.
    public = image.notice.is_live and _body_uses_image(image.notice.body, pk)
    if not public and not permissions.can_read(request.user, image.notice):
        raise Http404
    try:
        handle = image.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(image.image.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


_feed_site: contextvars.ContextVar[tuple[str, bool]] = contextvars.ContextVar("feed_site")


class LanguageAtomFeed(Atom1Feed):
    """Atom whose entries say their own language (xml:lang), for a feed with notices in both."""

    def item_attributes(self, item):
        attrs = super().item_attributes(item)
        if item.get("language"):
            attrs["xml:lang"] = item["language"]
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for alternate in item.get("alternates") or []:
            handler.addQuickElement("link", "", {"rel": "alternate", **alternate})


class LatestNoticesFeed(Feed):
    """The newest published notices as Atom. Stored text passes through `core.text` on its way out:
    a control character in a title or body (saved before the forms refused them, or through the
    admin) is left out rather than making the whole feed unreadable to every subscriber.

    Each entry says its language (xml:lang) and links its live version in the other language
    (a link rel="alternate" with hreflang); the feed has an author of its own, so that an entry
    without one still makes a valid feed."""

    feed_type = LanguageAtomFeed
    title = gettext_lazy("Meeting notices")
    author_name = gettext_lazy("Meeting notices")
    link = "/notices/"
    subtitle = gettext_lazy("Notices of party life meetings")
    description = subtitle

    def items(self):
        return list(
            _published()
            .select_related("organisation", *OTHER_VERSION)
            .defer("search_vector", *OTHER_VERSION_DEFERRED)[:20]
        )

    def item_extra_kwargs(self, item):
        other = item.other_version()
        alternates = []
        if other is not None and other.is_live:
            domain, secure = _feed_site.get()
            url = add_domain(domain, other.get_absolute_url(), secure)
            alternates.append({"hreflang": other.lang_tag, "href": url, "type": "text/html"})
        return {"language": item.lang_tag, "alternates": alternates}

    def get_feed(self, obj, request):
        # The address of an entry's other version is made as the entry's own is (the request's host);
        # one instance serves every request, so the host is kept per request, not on the instance.
        token = _feed_site.set((get_current_site(request).domain, request.is_secure()))
        try:
            return super().get_feed(obj, request)
        finally:
            _feed_site.reset(token)

    def item_title(self, item):
        return one_line(item.title)

    def item_description(self, item):
        return xml_safe(render_markdown(item.body))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item):
        return one_line(item.source_organ or (item.organisation.name if item.organisation_id else "")) or None

    def item_categories(self, item):
        return [one_line(item.organisation.name)] if item.organisation_id else []


latest_notices_feed = public_page(LatestNoticesFeed())


def bench_hello(request):
    """A trivial view for bench/bench_public.py's comparison (only routed with BENCH=1)."""
    return HttpResponse(b"hello", content_type="text/plain")
