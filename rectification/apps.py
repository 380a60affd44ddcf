from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from meetings.signals import meeting_held

        from .receivers import take_report_back_snapshot

        meeting_held.connect(take_report_back_snapshot, dispatch_uid="rectification_report_back_snapshot")
