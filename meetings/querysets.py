from django.db import models

from . import permissions


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings the user may read (meetings.permissions.readable)."""
        return self.filter(permissions.readable(user)).distinct()

    def managed_by(self, user):
        """Meetings the user may change (meetings.permissions.manageable)."""
        return self.filter(permissions.manageable(user))

    def attended_by(self, member):
        """Meetings the member attends or presides (meetings.permissions.attends)."""
        return self.filter(permissions.attends(member)).distinct()
