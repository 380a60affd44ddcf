from django.contrib.sitemaps import Sitemap

from .models import Notice


class NoticeSitemap(Sitemap):
    changefreq = "never"
    priority = 0.6

    def items(self):
        return Notice.objects.published().order_by("-publish_at")

    def lastmod(self, obj):
        return obj.updated_at
