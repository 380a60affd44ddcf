from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports to the higher organisation")

    def ready(self):
        from meetings.signals import closing_checks

        from .receivers import report_not_filed

        closing_checks.connect(report_not_filed, dispatch_uid="reports_report_not_filed")
