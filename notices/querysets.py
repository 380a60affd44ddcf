from django.db import models
from django.db.models import Q
from django.utils import timezone

from members.permissions import is_publisher, secretary_organisation_ids


class NoticeQuerySet(models.QuerySet):
    def live(self, now=None):
        """What the public may see: published, or scheduled whose time has come (as Notice.is_live)."""
        now = now or timezone.now()
        return self.filter(status__in=self.model.LIVE, publish_at__lte=now)

    def visible_to(self, user):
        """The newsroom: publishers see all notices, secretaries those of their organisations."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser or is_publisher(user):
            return self
        return self.filter(
            Q(organisation_id__in=secretary_organisation_ids(user))
            | Q(meeting__organisation_id__in=secretary_organisation_ids(user))
            | Q(author=user)
        )
