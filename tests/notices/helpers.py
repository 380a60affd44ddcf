"""Helpers of the notices tests."""

import datetime

from django.utils import timezone

from notices.models import Notice
from tests.factories import NoticeFactory


def published(**kwargs):
    kwargs.setdefault("status", Notice.Status.PUBLISHED)
    kwargs.setdefault("publish_at", timezone.now() - datetime.timedelta(hours=1))
    notice = NoticeFactory(**kwargs)
    from notices.search import update_search_vectors

    update_search_vectors(Notice.objects.filter(pk=notice.pk))
    return notice
