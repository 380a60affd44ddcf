import os

from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import public_views
from .cache import public_page
from .sitemaps import NoticeSitemap

app_name = "public"

SITEMAPS = {"notices": NoticeSitemap}

urlpatterns = [
    path("", public_views.home, name="home"),
    path("notices/", public_views.notice_list, name="list"),
    path("notices/<int:year>/<int:pk>-<str:slug>/", public_views.notice_detail, name="detail"),
    # Without its slug: answered with a redirect to the canonical address.
    path("notices/<int:year>/<int:pk>/", public_views.notice_detail, {"slug": ""}, name="detail_noslug"),
    path("notices/images/<int:pk>/", public_views.notice_image, name="image"),
    path("notices/feed/", public_views.latest_notices_feed, name="feed"),
    path("search/", public_views.search, name="search"),
    path(
        "sitemap.xml",
        public_page(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "public:sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap_section"),
]

if os.environ.get("BENCH") == "1":
    # bench/bench_public.py compares the public pages with this trivial view; never routed otherwise.
    urlpatterns.append(path("bench/hello/", public_views.bench_hello))
