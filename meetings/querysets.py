from django.db import models
from django.db.models import Q
from django.utils import timezone

from members.permissions import is_publisher, member_for, secretary_organisation_ids


class MeetingQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def visible_to(self, user):
        """Meetings of the organisations the user is secretary of, plus those they attend."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        q = Q(organisation_id__in=secretary_organisation_ids(user))
        member = member_for(user)
        if member is not None:
            q |= Q(attendances__member=member) | Q(presider=member)
        return self.filter(q).distinct()

    def managed_by(self, user):
        """Meetings the user may change: those of organisations where they are secretary."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(organisation_id__in=secretary_organisation_ids(user))


class InspectionMaterialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Own materials in any state; submitted ones to the meeting's secretaries; approved
        ones to the meeting's attendees. Never public."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member = member_for(user)
        q = Q(meeting__organisation_id__in=secretary_organisation_ids(user)) & ~Q(status="draft")
        if member is not None:
            q |= Q(author=member)
            q |= Q(status="approved", meeting__attendances__member=member)
        return self.filter(q).distinct()


class NoticeQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see: published, or scheduled whose time has come."""
        now = now or timezone.now()
        return self.filter(status__in=["published", "scheduled"], publish_at__lte=now)

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
