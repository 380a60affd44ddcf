"""Shared helpers of the publishing feature's tests (fixtures are imported by the test modules)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from notices.cache import GENERATION_KEY, page_cache
from notices.models import Notice
from tests.factories import NoticeFactory


@pytest.fixture
def fresh_page_cache(settings):
    """Every test starts with empty public caches (they outlive a test's rolled-back data)."""
    settings.PUBLIC_CACHE_CHECK_SECONDS = 2
    # WhiteNoise scans every static file (≈10k, 1 s) whenever a test client starts with finders on;
    # these tests do not fetch static files.
    settings.WHITENOISE_USE_FINDERS = False
    page_cache.invalidate_local()
    cache.delete(GENERATION_KEY)  # not clear(): with REDIS_URL set that would flush a shared Redis database
    yield
    page_cache.invalidate_local()
    cache.delete(GENERATION_KEY)


def published(**kwargs):
    kwargs.setdefault("status", Notice.Status.PUBLISHED)
    kwargs.setdefault("publish_at", timezone.now() - datetime.timedelta(hours=1))
    notice = NoticeFactory(**kwargs)
    from notices.search import update_search_vectors

    update_search_vectors(Notice.objects.filter(pk=notice.pk))
    return notice
