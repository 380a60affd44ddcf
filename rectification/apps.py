from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from meetings.signals import closing_checks, meeting_held

        from .receivers import plan_not_made, take_report_back_snapshot

        meeting_held.connect(take_report_back_snapshot, dispatch_uid="rectification_report_back_snapshot")
        closing_checks.connect(plan_not_made, dispatch_uid="rectification_plan_not_made")

        from django.db.models.signals import post_delete, post_save

        from .models import RectificationItem, RectificationPlan
        from .selectors import bump_version

        # Cache invalidation only (no business logic): cached ledger overviews go stale on any change.
        for model in (RectificationItem, RectificationPlan):
            post_save.connect(bump_version, sender=model, dispatch_uid=f"ledger_version_save_{model.__name__}")
            post_delete.connect(bump_version, sender=model, dispatch_uid=f"ledger_version_delete_{model.__name__}")
