"""The readiness rules in the demo: the seed meeting's checklist complete, with the higher
organisation's consent on record, and its report after the meeting (情况报告) drafted from the record,
approved and filed within the 15 days."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_noop

from core import history
from meetings.models import Meeting
from reports import drafting
from reports.models import MeetingReport

CONSENT = {
    "consent_on": datetime.date(2023, 1, 10),
    "consent_by": "中共重庆市委组织部",
    "consent_reference": "渝委组函〔2023〕5号",
}
FILED_REFERENCE = "渝府党组〔2023〕6号"


def load_readiness_demo(loader, *, meeting: Meeting, secretary_user) -> None:
    """`loader` is load_demo's Loader (its get keeps a rerun from adding anything)."""
    meeting.refresh_from_db()
    if meeting.consent_on is None:
        for field, value in CONSENT.items():
            setattr(meeting, field, value)
        meeting._history_user = secretary_user
        meeting._change_reason = history.reason(
            gettext_noop("Consent to hold the meeting recorded: %(by)s, %(date)s"),
            {"by": CONSENT["consent_by"], "date": CONSENT["consent_on"].isoformat()},
        )
        meeting.save()
    if MeetingReport.objects.filter(meeting=meeting).exists():
        return
    text = drafting.draft(meeting)
    approved_at = datetime.datetime(2023, 2, 8, 10, 0, tzinfo=timezone.get_current_timezone())
    loader.get(
        MeetingReport,
        meeting=meeting,
        defaults={
            **text,
            "status": MeetingReport.Status.FILED,
            "drafted_by": secretary_user,
            "approved_by": secretary_user,
            "approved_at": approved_at,
            "filed_by": secretary_user,
            "filed_on": datetime.date(2023, 2, 10),
            "filed_reference": FILED_REFERENCE,
        },
    )
