"""Reads of the reports after the meeting: the one of a meeting, and the secretary's dashboard section."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Section
from meetings.models import Meeting
from meetings.selectors import CHECKLIST_KINDS, ENTRY_FIELDS, manages_meetings

from .models import MeetingReport, due_date


def report_for(meeting: Meeting) -> MeetingReport | None:
    return MeetingReport.objects.filter(meeting=meeting).select_related("drafted_by", "approved_by", "filed_by").first()


def history_entries(report: MeetingReport) -> list:
    return list(report.history.select_related("history_user").order_by("-history_date", "-history_id"))


def due_entry(meeting: Meeting, report: MeetingReport | None) -> dict:
    """A meeting whose report is not filed yet: its due date, and whether it is overdue."""
    due = due_date(meeting)
    today = timezone.localdate()
    meta = [meeting.organisation.name]
    if due is not None:
        if today > due:
            meta.append(
                _("Overdue: was due on %(date)s (%(days)s days ago)")
                % {"date": due.isoformat(), "days": (today - due).days}
            )
        else:
            meta.append(_("Due on %(date)s (15 days after the meeting)") % {"date": due.isoformat()})
    if report is None:
        meta.append(_("Not drafted yet."))
        action = _("Draft the report")
    else:
        meta.append(_("Report %(status)s.") % {"status": report.get_status_display()})
        action = _("Approve the report") if report.is_draft else _("File the report")
    return {
        "label": str(meeting),
        "url": reverse("reports:detail", args=[meeting.pk]),
        "meta": " · ".join(meta),
        "action": action,
    }


def dashboard_sections(user) -> list[Section]:
    """A secretary's meetings held whose report to the higher organisation is not filed yet, most urgent first."""
    if not manages_meetings(user):
        return []
    managed = Meeting.objects.managed_by(user)
    meetings = list(
        managed.filter(status__in=Meeting.TAKEN_PLACE, kind__in=CHECKLIST_KINDS)
        .filter(Q(situation_report__isnull=True) | ~Q(situation_report__status=MeetingReport.Status.FILED))
        .select_related("organisation", "situation_report")
        .only(*ENTRY_FIELDS, "situation_report__status")
        .order_by("held_on", "id")[:20]
    )
    return [
        {
            "title": _("Reports to the higher organisation"),
            "items": [due_entry(m, getattr(m, "situation_report", None)) for m in meetings],
            "empty": _("Every meeting held has its report filed."),
            "more_url": "",
        }
    ]
