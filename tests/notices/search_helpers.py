"""Builders shared by the search tests."""

import datetime

from django.utils import timezone

from notices.models import Notice
from notices.search import update_search_vectors
from tests.factories import NoticeFactory

BASE = timezone.make_aware(datetime.datetime(2024, 6, 1, 9))


def dated_notices(count: int, **kwargs) -> list[Notice]:
    """`count` published notices about 整改 titled 第NNN号通知, one a day back from BASE (newest first),
    indexed."""
    notices = Notice.objects.bulk_create(
        NoticeFactory.build(
            title=f"第{n:03d}号通知",
            slug=f"notice-{n:03d}",
            body=f"会议研究了第{n:03d}项整改措施的落实情况。",
            status=Notice.Status.PUBLISHED,
            publish_at=BASE - datetime.timedelta(days=n),
            organisation=None,
            **kwargs,
        )
        for n in range(count)
    )
    update_search_vectors(Notice.objects.filter(pk__in=[n.pk for n in notices]))
    return notices
