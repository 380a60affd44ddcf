from django.contrib.sitemaps import Sitemap
from django.db.models import Q

from .models import Notice

#: What a notice's address and language need (Notice.get_absolute_url, Notice.lang_tag).
LINK_FIELDS = ("id", "slug", "publish_at", "created_at", "language", "translation_of")


class NoticeSitemap(Sitemap):
    """Published notices only; 5,000 to a page so no page is slow to build.

    A notice with a live version in the other language lists both as hreflang alternates
    (xhtml:link, as Django's own i18n sitemaps write them), and the original as x-default."""

    changefreq = "never"
    priority = 0.6
    limit = 5000

    def items(self):
        return Notice.objects.live().only(*LINK_FIELDS, "updated_at").order_by("-publish_at", "-id")

    def lastmod(self, obj):
        return obj.updated_at

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        others = self._other_versions([url["item"] for url in urls])
        for url in urls:
            notice = url["item"]
            other = others.get(notice.pk)
            if other is None:
                continue
            original = other if notice.translation_of_id else notice
            for version in sorted((notice, other), key=lambda v: v.language != Notice.Language.ZH_HANS):
                url["alternates"].append(
                    {"location": f"{protocol}://{domain}{version.get_absolute_url()}", "lang_code": version.lang_tag}
                )
            url["alternates"].append(
                {"location": f"{protocol}://{domain}{original.get_absolute_url()}", "lang_code": "x-default"}
            )
        return urls

    @staticmethod
    def _other_versions(notices) -> dict:
        """Each notice's live version in the other language (one query for the page)."""
        ids = {n.pk for n in notices}
        originals = {n.translation_of_id for n in notices if n.translation_of_id}
        if not ids:
            return {}
        found = Notice.objects.live().filter(Q(translation_of_id__in=ids) | Q(pk__in=originals)).only(*LINK_FIELDS)
        others = {}
        by_original = {}
        for n in notices:
            if n.translation_of_id:
                by_original.setdefault(n.translation_of_id, []).append(n.pk)
        for other in found:
            if other.translation_of_id in ids:
                others[other.translation_of_id] = other
            for pk in by_original.get(other.pk, []):
                others[pk] = other
        return others
