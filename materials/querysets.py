from django.db import models

from . import permissions


class InspectionMaterialQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Materials the user may read (materials.permissions.readable). Never public."""
        return self.filter(permissions.readable(user, self.model)).distinct()
