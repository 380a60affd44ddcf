from django.db import models
from django.db.models import Q

from members.permissions import member_for, secretary_organisation_ids


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
