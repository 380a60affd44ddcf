"""Writes to the report after the meeting: each checks the actor's permission, validates, changes
state and leaves an entry in the report's history (django-simple-history, who and why)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import history
from meetings.models import Meeting

from . import drafting, permissions
from .models import MeetingReport

S = MeetingReport.Status


class ReportConflict(ValidationError):
    """The report was saved by someone else since the form was loaded. Nothing was written."""

    def __init__(self, current: MeetingReport):
        super().__init__(
            _(
                "Someone else saved this report while you were editing it. Nothing was overwritten: your text is "
                "still in the form. Save again to replace theirs with yours (theirs stays in the history)."
            ),
            code="conflict",
        )
        self.current = current


def _require_writer(meeting: Meeting, by) -> None:
    if not permissions.can_write_report(by, meeting):
        raise PermissionDenied(_("Only the secretaries of this meeting's organisation may write its report."))


def _save(report: MeetingReport, by, reason: str) -> MeetingReport:
    report._history_user = by
    report._change_reason = reason
    report.save()
    return report


def _locked(report: MeetingReport) -> MeetingReport:
    return MeetingReport.objects.select_for_update().select_related("meeting__organisation").get(pk=report.pk)


@transaction.atomic
def report_draft(*, meeting: Meeting, by) -> MeetingReport:
    """Draft the report from the meeting's record (once the meeting is held)."""
    _require_writer(meeting, by)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("organisation__parent").get(pk=meeting.pk)
    if not meeting.has_taken_place:
        raise ValidationError(_("The report is drafted once the meeting has been held."))
    if MeetingReport.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("This meeting already has its report."))
    text = drafting.draft(meeting)
    report = MeetingReport(meeting=meeting, drafted_by=by, **text)
    report.full_clean()
    return _save(report, by, history.reason(gettext_noop("Report drafted from the record")))


@transaction.atomic
def report_update(*, report: MeetingReport, by, data: dict, version: int | None = None) -> MeetingReport:
    """Save the text. Only a draft is edited; a form loaded before someone else's save raises ReportConflict."""
    _require_writer(report.meeting, by)
    report = _locked(report)
    if not report.is_draft:
        raise ValidationError(
            _("The report is %(status)s: return it to draft to change it.") % {"status": report.get_status_display()}
        )
    if version is not None and int(version) != report.version:
        if any(getattr(report, f) != v for f, v in data.items()):
            raise ReportConflict(report)
    changed = [f for f in ("title", "addressed_to", "body") if f in data and getattr(report, f) != data[f]]
    for field in changed:
        setattr(report, field, data[field])
    if not report.title.strip():
        raise ValidationError({"title": _("The report needs a title.")})
    report.full_clean()
    if changed:
        report.version += 1
        labels = [MeetingReport._meta.get_field(f).verbose_name for f in changed]
        _save(report, by, history.reason(gettext_noop("Report edited: %(fields)s"), {"fields": labels}))
    return report


@transaction.atomic
def report_approve(*, report: MeetingReport, by) -> MeetingReport:
    _require_writer(report.meeting, by)
    report = _locked(report)
    if not report.is_draft:
        raise ValidationError(_("Only a draft report can be approved."))
    if not report.body.strip():
        raise ValidationError(_("The report has no text yet."))
    report.status = S.APPROVED
    report.approved_by = by
    report.approved_at = timezone.now()
    return _save(report, by, history.reason(gettext_noop("Report approved")))


@transaction.atomic
def report_return_to_draft(*, report: MeetingReport, by) -> MeetingReport:
    """An approved report goes back to draft for a correction (a filed one stays as it was sent)."""
    _require_writer(report.meeting, by)
    report = _locked(report)
    if not report.is_approved:
        raise ValidationError(_("Only an approved report, not yet filed, can go back to draft."))
    report.status = S.DRAFT
    report.approved_by = None
    report.approved_at = None
    return _save(report, by, history.reason(gettext_noop("Report returned to draft")))


@transaction.atomic
def report_file(*, report: MeetingReport, by, reference: str = "", filed_on=None) -> MeetingReport:
    """Record that the approved report was sent to the higher organisation."""
    _require_writer(report.meeting, by)
    report = _locked(report)
    if not report.is_approved:
        raise ValidationError(_("Approve the report before filing it."))
    filed_on = filed_on or timezone.localdate()
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": _("The report cannot be filed on a date still to come.")})
    if report.meeting.held_on and filed_on < report.meeting.held_on:
        raise ValidationError({"filed_on": _("The report cannot be filed before the meeting was held.")})
    report.status = S.FILED
    report.filed_by = by
    report.filed_on = filed_on
    report.filed_reference = (reference or "").strip()
    return _save(
        report,
        by,
        history.reason(gettext_noop("Report filed with the higher organisation on %(date)s"), {"date": str(filed_on)}),
    )
