"""The public site: anonymous readers see published notices only."""

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from .markdown import render_markdown
from .models import Notice


def home(request):
    notices = Notice.objects.published().select_related("organisation")[:10]
    return render(request, "meetings/public/home.html", {"notices": notices})


def notice_list(request):
    page = Paginator(Notice.objects.published().select_related("organisation"), 20).get_page(request.GET.get("page"))
    return render(request, "meetings/public/notice_list.html", {"page_obj": page, "notices": page.object_list})


def notice_detail(request, year, pk, slug):
    notice = get_object_or_404(Notice.objects.published().select_related("organisation"), pk=pk)
    if request.path != notice.get_absolute_url():
        return redirect(notice, permanent=True)
    return render(
        request, "meetings/public/notice_detail.html", {"notice": notice, "body_html": render_markdown(notice.body)}
    )


def search(request):
    q = (request.GET.get("q") or "").strip()[:200]
    results = Notice.objects.published().filter(body__icontains=q)[:50] if q else Notice.objects.none()
    return render(request, "meetings/public/search.html", {"q": q, "results": results})


class LatestNoticesFeed(Feed):
    title = _("Meeting notices")
    link = "/notices/"
    description = _("Notices of party life meetings")

    def items(self):
        return Notice.objects.published()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return render_markdown(item.body)

    def item_pubdate(self, item):
        return item.publish_at
