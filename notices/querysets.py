from django.db import models
from django.utils import timezone

from . import permissions


class NoticeQuerySet(models.QuerySet):
    def live(self, now=None):
        """What the public may see: published, or scheduled whose time has come (as Notice.is_live)."""
        now = now or timezone.now()
        return self.filter(status__in=self.model.LIVE, publish_at__lte=now)

    def visible_to(self, user):
        """The newsroom's view (notices.permissions.in_newsroom)."""
        return self.filter(permissions.in_newsroom(user))
