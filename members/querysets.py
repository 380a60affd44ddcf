from django.db import models
from django.db.models import Q
from django.utils import timezone


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships held on a day (today by default): started, and not yet ended.

        The one definition of a current membership; Membership.is_current says the same of one row."""
        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def secretaries(self):
        return self.filter(role__in=self.model.SECRETARY_ROLES)
