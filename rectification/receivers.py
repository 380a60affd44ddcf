"""Reactions to meeting events (meetings never imports rectification)."""

from .services import report_back_snapshot


def take_report_back_snapshot(sender, meeting, by=None, **kwargs):
    """When a meeting is held, fix the status of the previous meeting's items as reported at it."""
    report_back_snapshot(meeting=meeting)


def plan_not_made(sender, meeting, **kwargs) -> list[str]:
    """A democratic life meeting closes once its rectification plan is made (a plan with at least one measure)."""
    from django.utils.translation import gettext as _

    from meetings.selectors import CHECKLIST_KINDS

    from .models import RectificationItem

    if meeting.kind not in CHECKLIST_KINDS:
        return []
    if not RectificationItem.objects.filter(plan__meeting=meeting).exists():
        return [_("The rectification plan is not made yet: record the problems found and their measures.")]
    return []
