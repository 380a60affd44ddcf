"""Helpers for the meeting-record tests: an organisation's members and a filled-in meeting."""

import datetime

from meetings.models import Attendance, HeartToHeartTalk, KeyPoint, PreparationActivity, SolicitedOpinion
from members.models import Membership
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CriticismFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    SpeechFactory,
)


def add_members(org, n, prefix="Comrade"):
    members = [MemberFactory(name=f"{prefix} {i:03d}") for i in range(n)]
    for i, member in enumerate(members):
        MembershipFactory(member=member, organisation=org, role=Membership.Role.MEMBER, order=i)
    return members


def filled_meeting(org, n, **kwargs):
    """A meeting with n of everything: attendees, opinions, talks, criticisms, key points."""
    members = add_members(org, max(n, 2), prefix=f"M{org.pk}")
    meeting = MeetingFactory(organisation=org, presider=members[0], **kwargs)
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                member=m,
                role=Attendance.Role.PRESIDER if i == 0 else Attendance.Role.PARTICIPANT,
                status=Attendance.Status.PRESENT if i % 5 else Attendance.Status.ON_LEAVE,
                reason="" if i % 5 else "Official trip",
                order=i,
            )
            for i, m in enumerate(members[:n])
        ]
    )
    AttendanceFactory(meeting=meeting, member=None, name="Supervision group", role=Attendance.Role.OBSERVER)
    kinds = ["previous_rectification", "solicited_opinions", "individual_inspection", "concluding_speech"]
    items = [AgendaItemFactory(meeting=meeting, kind=k, title=f"Item {k}") for k in kinds]
    PreparationActivity.objects.bulk_create(
        [PreparationActivity(meeting=meeting, title=f"Study {i}", date=datetime.date(2023, 1, 1)) for i in range(n)]
    )
    SolicitedOpinion.objects.bulk_create(
        [SolicitedOpinion(meeting=meeting, source=f"Unit {i}", content=f"Opinion {i}") for i in range(n)]
    )
    HeartToHeartTalk.objects.bulk_create(
        [
            HeartToHeartTalk(
                meeting=meeting, member_a=members[i % len(members)], member_b=members[(i + 1) % len(members)]
            )
            for i in range(n)
        ]
    )
    for i in range(n):
        CriticismFactory(
            meeting=meeting,
            from_member=members[i % len(members)],
            to_member=members[(i + 1) % len(members)] if i % 2 else None,
            content=f"Criticism {i}",
            order=i,
        )
    speech = SpeechFactory(meeting=meeting, speaker=members[0], agenda_item=items[-1])
    KeyPoint.objects.bulk_create([KeyPoint(speech=speech, order=i + 1, text=f"Point {i + 1}") for i in range(n)])
    for i in range(3):
        other = SpeechFactory(meeting=meeting, kind="report", speaker=members[i % len(members)], title=f"Report {i}")
        KeyPoint.objects.bulk_create([KeyPoint(speech=other, order=j + 1, text=f"R{i}.{j}") for j in range(n // 3)])
    return meeting, members
