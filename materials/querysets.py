from django.db import models
from django.db.models import Q

from members.permissions import member_for, secretary_organisation_ids


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
