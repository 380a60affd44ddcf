from django.contrib.sitemaps import Sitemap

from .models import Notice


class NoticeSitemap(Sitemap):
    """Published notices only; 5,000 to a page so no page is slow to build."""

    changefreq = "never"
    priority = 0.6
    limit = 5000

    def items(self):
        return (
            Notice.objects.live()
            .only("id", "slug", "publish_at", "created_at", "updated_at")
            .order_by("-publish_at", "-id")
        )

    def lastmod(self, obj):
        return obj.updated_at
