"""Helpers for the readiness checklist and the closing rules: a meeting made ready to be held, and a held
meeting's record completed up to its filed report."""

import datetime

from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Attendance, HeartToHeartTalk, PreparationActivity, SolicitedOpinion, Speech
from reports.models import MeetingReport
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CriticismFactory,
    ItemFactory,
    MaterialFactory,
    SpeechFactory,
)


def make_ready(meeting, members):
    """Every line of the checklist done: members[0] presides; each member on the sheet, with an approved
    material; a study session, an opinion, the presider's talk with each member, the group's material, consent."""
    presider = members[0]
    type(meeting).objects.filter(pk=meeting.pk).update(
        presider=presider,
        consent_on=meeting.held_on - datetime.timedelta(days=10),
        consent_by="Organisation Department of the municipal committee",
    )
    meeting.refresh_from_db()
    for m in members:
        if not meeting.attendances.filter(member=m).exists():
            AttendanceFactory(meeting=meeting, member=m, role=Attendance.Role.PARTICIPANT)
        MaterialFactory(meeting=meeting, author=m, status=InspectionMaterial.Status.APPROVED)
    MaterialFactory(
        meeting=meeting, author=presider, on_behalf_of_group=True, status=InspectionMaterial.Status.APPROVED
    )
    PreparationActivity.objects.create(meeting=meeting, kind=PreparationActivity.Kind.STUDY, title="Study of the theme")
    SolicitedOpinion.objects.create(meeting=meeting, source="Grassroots units", content="Listen more.")
    for m in members[1:]:
        HeartToHeartTalk.objects.create(meeting=meeting, member_a=m, member_b=presider)


def complete_record(meeting, members, *, filed=True):
    """The minutes complete (each member's self-criticism, the concluding speech), a plan with a measure and
    the report filed (or left in draft)."""
    if not meeting.agenda_items.exists():
        AgendaItemFactory(meeting=meeting, title="Each member's comparison inspection")
    for m in members:
        CriticismFactory(meeting=meeting, from_member=m, to_member=None)
    SpeechFactory(meeting=meeting, speaker=members[0], kind=Speech.Kind.CONCLUDING)
    ItemFactory(plan__meeting=meeting, responsible_member=members[-1])
    MeetingReport.objects.create(
        meeting=meeting,
        title="Report",
        body="## Preparation\n\nDone.",
        status=MeetingReport.Status.FILED if filed else MeetingReport.Status.DRAFT,
        filed_on=timezone.localdate() if filed else None,
    )
