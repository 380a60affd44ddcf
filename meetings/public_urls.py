from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import public_views
from .sitemaps import NoticeSitemap

app_name = "notices"

urlpatterns = [
    path("", public_views.home, name="home"),
    path("notices/", public_views.notice_list, name="list"),
    path("notices/<int:year>/<int:pk>-<str:slug>/", public_views.notice_detail, name="detail"),
    path("notices/feed/", public_views.LatestNoticesFeed(), name="feed"),
    path("search/", public_views.search, name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": {"notices": NoticeSitemap}}, name="sitemap"),
]
