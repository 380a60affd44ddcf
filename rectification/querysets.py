from django.db import models
from django.db.models import Q
from django.utils import timezone

from members.permissions import member_for, secretary_organisation_ids


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        q = Q(meeting__organisation_id__in=secretary_organisation_ids(user))
        member = member_for(user)
        if member is not None:
            q |= Q(about_member=member) | Q(items__responsible_member=member)
        return self.filter(q).distinct()


class RectificationPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        q = Q(organisation_id__in=secretary_organisation_ids(user))
        member = member_for(user)
        if member is not None:
            q |= Q(items__responsible_member=member)
        return self.filter(q).distinct()


def secretary_plan_ids(user) -> list[int]:
    """Ids of the plans of the organisations where the user is secretary (one query, cached on the user).

    Filtering items by plan id, not through a join to the plan's organisation, lets the database
    combine indexes (plan, responsible member, responsible leader) instead of scanning every item."""
    cached = getattr(user, "_rectification_plan_ids", None)
    if cached is None:
        org_ids = secretary_organisation_ids(user)
        cached = []
        if org_ids:
            from .models import RectificationPlan

            cached = list(RectificationPlan.objects.filter(organisation_id__in=org_ids).values_list("pk", flat=True))
        user._rectification_plan_ids = cached
    return cached


class RectificationItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members see their own items; secretaries their organisations' items."""
        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        q = Q(plan_id__in=secretary_plan_ids(user))
        member = member_for(user)
        if member is not None:
            q |= Q(responsible_member=member) | Q(responsible_leader=member)
        return self.filter(q)

    def open(self):
        return self.filter(status__in=self.model.OPEN)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)

    def closed(self):
        return self.filter(status__in=self.model.CLOSED)

    def awaiting_verification(self):
        return self.filter(status=self.model.Status.DONE)
