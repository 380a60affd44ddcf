from django.db import models
from django.utils import timezone

from . import permissions


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """rectification.permissions.readable_problems"""
        return self.filter(permissions.readable_problems(user)).distinct()


class RectificationPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """rectification.permissions.readable_plans"""
        return self.filter(permissions.readable_plans(user)).distinct()

    def managed_ids(self, user) -> list[int]:
        """Ids of the plans of the organisations the user manages (cached on the user)."""
        return permissions.managed_plan_ids(user, self.model)


class RectificationItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """rectification.permissions.readable_items"""
        return self.filter(permissions.readable_items(user, self.model))

    def open(self):
        return self.filter(status__in=self.model.OPEN)

    def closed(self):
        return self.filter(status__in=self.model.CLOSED)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(deadline__lt=today)

    def awaiting_verification(self):
        return self.filter(status=self.model.Status.DONE)
