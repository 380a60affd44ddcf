"""Reactions to meeting events (meetings never imports rectification)."""

from .services import report_back_snapshot


def take_report_back_snapshot(sender, meeting, by=None, **kwargs):
    """When a meeting is held, fix the status of the previous meeting's items as reported at it."""
    report_back_snapshot(meeting=meeting)
