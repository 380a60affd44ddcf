"""What the reports app answers when a meeting asks whether it may close (meetings never imports reports)."""

from django.utils.translation import gettext as _

from meetings.selectors import CHECKLIST_KINDS

from .models import MeetingReport


def report_not_filed(sender, meeting, **kwargs) -> list[str]:
    """A democratic life meeting closes once its report to the higher organisation is filed."""
    if meeting.kind not in CHECKLIST_KINDS:
        return []
    report = MeetingReport.objects.filter(meeting=meeting).only("status").first()
    if report is None:
        return [_("The report to the higher organisation is not drafted yet.")]
    if not report.is_filed:
        return [
            _("The report to the higher organisation is %(status)s, not yet filed.")
            % {"status": report.get_status_display()}
        ]
    return []
