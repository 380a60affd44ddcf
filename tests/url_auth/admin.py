"""The admin's add and change POSTs × the two secretaries: every model registered in the admin.

tests/test_admin_scope.py builds one "world" per organisation (`build_world`: one row of every
model, all of that organisation), signs in as each organisation's staff secretary ("secretary"
of the shared fixture's organisation, "secretary2" of the other one) and, for every model:

- posts the add form with values from their own world (the control: it must work, or be refused
  with 403 when "secretary_adds" is False), then once for each relation in it with that one
  value taken from the other organisation's world: refused, nothing created;
- posts their own row's change form with each of its relations pointed at the other world:
  refused, the row unchanged; and posts to the other world's row: refused, unchanged;
- for each inline of the model's admin, posts a new row (and changes to the rows shown) with
  values from the other world: refused, nothing created or changed.

Key: "app_label.model_name". Value:
  "add": a function(world) -> the add form's values (rows for relations, lists for many-to-many,
         dates, True/False for a box, an upload); None for a model that is no organisation's
         (auth, the audit log, sign-in lockouts, second-factor devices): superusers only, 403.
  "secretary_adds": False when a staff secretary may not add the model here at all (records the
         services write, memberships): the add page answers 403. Default True.
A model registered in the admin without an entry fails `test_every_admin_model_has_an_entry`.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png():
    return SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")


def build_world(org, secretary) -> dict:
    """One row of every organisation's model, all of `org`; keyed by model label (and a few extras)."""
    from materials.models import InspectionMaterial, MaterialAttachment, MaterialRevision
    from meetings.models import HeartToHeartTalk, Meeting, PreparationActivity, SolicitedOpinion
    from members.models import Membership
    from notices.models import Notice, NoticeImage
    from rectification.models import Evidence, ProgressReport, ReminderLog, ReportBack, Verification
    from reports.models import MeetingReport
    from tests.factories import (
        AgendaItemFactory,
        AttendanceFactory,
        CriticismFactory,
        ItemFactory,
        KeyPointFactory,
        MaterialFactory,
        MeetingFactory,
        MemberFactory,
        MembershipFactory,
        NoticeFactory,
        PlanFactory,
        ProblemFactory,
        SpeechFactory,
        UserFactory,
    )

    tag = f"{org.pk}"
    members = []
    for n in (1, 2):
        user = UserFactory(username=f"world{tag}-member{n}")
        member = MemberFactory(name=f"Member {n} of organisation {tag}", user=user)
        MembershipFactory(member=member, organisation=org, role=Membership.Role.MEMBER)
        members.append(member)
    member, member2 = members
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.HELD, presider=member)
    meeting2 = MeetingFactory(
        organisation=org, status=Meeting.Status.PLANNED, held_on=datetime.date(2024, 1, 10), previous_meeting=meeting
    )
    agenda_item = AgendaItemFactory(meeting=meeting)
    activity = PreparationActivity.objects.create(meeting=meeting, kind="study", title=f"Study {tag}")
    opinion = SolicitedOpinion.objects.create(
        meeting=meeting, activity=activity, source="Grassroots units", content=f"Opinion {tag}", addressed_to=member
    )
    talk = HeartToHeartTalk.objects.create(meeting=meeting, member_a=member, member_b=member2, summary="Talked")
    speech = SpeechFactory(meeting=meeting, speaker=member)
    material = MaterialFactory(meeting=meeting, author=member, status=InspectionMaterial.Status.SUBMITTED)
    problem = ProblemFactory(meeting=meeting, about_member=member, material=material)
    plan = PlanFactory(meeting=meeting)
    item = ItemFactory(plan=plan, problem=problem, responsible_member=member)
    report = ProgressReport.objects.create(item=item, text="Half way", percent=50, author=member.user)
    notice = NoticeFactory(organisation=org, meeting=meeting, status=Notice.Status.DRAFT)
    world = {
        "members.organisation": org,
        "members.member": member,
        "members.membership": member.memberships.get(),
        "auth.user": member.user,
        "meetings.meeting": meeting,
        "meetings.agendaitem": agenda_item,
        "meetings.attendance": AttendanceFactory(meeting=meeting, member=member),
        "meetings.preparationactivity": activity,
        "meetings.solicitedopinion": opinion,
        "meetings.hearttohearttalk": talk,
        "meetings.criticismrecord": CriticismFactory(meeting=meeting, from_member=member, agenda_item=agenda_item),
        "meetings.speech": speech,
        "meetings.keypoint": KeyPointFactory(speech=speech),
        "materials.inspectionmaterial": material,
        "materials.materialrevision": MaterialRevision.objects.create(
            material=material, number=1, submitted_by=member.user, problems=material.problems
        ),
        "materials.materialattachment": MaterialAttachment.objects.create(
            material=material,
            file=f"materials/{tag}/a.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=9,
        ),
        "rectification.problem": problem,
        "rectification.rectificationplan": plan,
        "rectification.rectificationitem": item,
        "rectification.progressreport": report,
        "rectification.evidence": Evidence.objects.create(
            report=report, file=f"evidence/{tag}/e.png", original_name="e.png", content_type="image/png", size=9
        ),
        "rectification.verification": Verification.objects.create(
            item=item, confirmed=False, comment="Not yet", verified_by=secretary
        ),
        "rectification.reportback": ReportBack.objects.create(meeting=meeting2, item=item, status="open"),
        "rectification.reminderlog": ReminderLog.objects.create(
            member=member, sent_on=datetime.date(2023, 5, 1), item_count=1
        ),
        "reports.meetingreport": MeetingReport.objects.create(meeting=meeting, title=f"Report {tag}", body="Held."),
        "notices.notice": notice,
        "notices.noticeimage": NoticeImage.objects.create(notice=notice, image=f"notices/{tag}/p.png", caption="Photo"),
        # Not the canonical rows of a model, but named by the add forms below:
        "member2": member2,
        "meeting2": meeting2,
    }
    return world


def _next_order(speech) -> str:
    """A key point's order not yet taken in the speech (key points are unique by speech and order)."""
    return str(max(speech.key_points.values_list("order", flat=True), default=0) + 1)


NOT_AN_ORGANISATIONS = {"add": None}

TABLE = {
    # Django's, and the sign-in apps': superusers only.
    "auth.user": NOT_AN_ORGANISATIONS,
    "auth.group": NOT_AN_ORGANISATIONS,
    "members.auditevent": NOT_AN_ORGANISATIONS,
    "outbox.outboxmessage": NOT_AN_ORGANISATIONS,  # every organisation's emails: superusers only
    "axes.accessattempt": NOT_AN_ORGANISATIONS,
    "axes.accesslog": NOT_AN_ORGANISATIONS,
    "axes.accessfailurelog": NOT_AN_ORGANISATIONS,
    "otp_totp.totpdevice": NOT_AN_ORGANISATIONS,
    "otp_static.staticdevice": NOT_AN_ORGANISATIONS,
    # members
    "members.organisation": {"add": lambda w: {"name": f"New branch under {w['members.organisation']}"}},
    "members.member": {"add": lambda w: {"name": "New member", "gender": "f"}},
    "members.membership": {
        # The critical finding: secretary2 making themselves secretary of the other organisation.
        "add": lambda w: {
            "member": w["member2"],
            "organisation": w["members.organisation"],
            "role": "secretary",
            "order": "1",
        },
        "secretary_adds": False,
    },
    # meetings
    "meetings.meeting": {
        "add": lambda w: {
            "organisation": w["members.organisation"],
            "kind": "democratic_life",
            "year": "2024",
            "held_on": datetime.date(2024, 3, 1),
            "presider": w["members.member"],
            "previous_meeting": w["meetings.meeting"],
        }
    },
    "meetings.agendaitem": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "order": "9",
            "kind": "other",
            "title": "An added item",
            "presenter": w["members.member"],
        }
    },
    "meetings.attendance": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "member": w["member2"],
            "role": "participant",
            "status": "present",
            "order": "5",
        }
    },
    "meetings.preparationactivity": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "kind": "study",
            "title": "An added study session",
            "participants": [w["members.member"], w["member2"]],
        }
    },
    "meetings.solicitedopinion": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "activity": w["meetings.preparationactivity"],
            "source": "Retired cadres",
            "content": "An added opinion",
            "addressed_to": w["members.member"],
        }
    },
    "meetings.hearttohearttalk": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "member_a": w["member2"],
            "member_b": w["members.member"],
            "summary": "An added talk",
        }
    },
    "meetings.criticismrecord": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "agenda_item": w["meetings.agendaitem"],
            "from_member": w["member2"],
            "to_member": w["members.member"],
            "content": "An added criticism",
            "order": "3",
        }
    },
    "meetings.speech": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "agenda_item": w["meetings.agendaitem"],
            "speaker": w["member2"],
            "kind": "other",
            "title": "An added speech",
            "order": "2",
        }
    },
    "meetings.keypoint": {
        "add": lambda w: {"speech": w["meetings.speech"], "order": _next_order(w["meetings.speech"]), "text": "A point"}
    },
    # materials: the text is the author's; revisions and attachments are written by the services
    "materials.inspectionmaterial": {
        "add": lambda w: {"meeting": w["meetings.meeting"], "author": w["member2"], "title": "Written for them"},
        "secretary_adds": False,
    },
    "materials.materialrevision": {
        "add": lambda w: {"material": w["materials.inspectionmaterial"], "number": "9"},
        "secretary_adds": False,
    },
    "materials.materialattachment": {
        "add": lambda w: {"material": w["materials.inspectionmaterial"], "original_name": "x.pdf"},
        "secretary_adds": False,
    },
    # rectification
    "rectification.problem": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "source": "criticism",
            "about_member": w["members.member"],
            "description": "An added problem",
            "severity": "medium",
            "material": w["materials.inspectionmaterial"],
            "criticism": w["meetings.criticismrecord"],
            "opinion": w["meetings.solicitedopinion"],
            "talk": w["meetings.hearttohearttalk"],
        }
    },
    "rectification.rectificationplan": {
        "add": lambda w: {
            "meeting": w["meeting2"],
            "organisation": w["members.organisation"],
            "title": "An added plan",
        }
    },
    "rectification.rectificationitem": {
        "add": lambda w: {
            "plan": w["rectification.rectificationplan"],
            "problem": w["rectification.problem"],
            "measure": "An added measure",
            "type": "deadline",
            "responsible_member": w["member2"],
            "responsible_leader": w["members.member"],
            "deadline": datetime.date(2023, 12, 31),
        }
    },
    "rectification.progressreport": {
        "add": lambda w: {"item": w["rectification.rectificationitem"], "text": "Done it", "percent": "100"},
        "secretary_adds": False,
    },
    "rectification.evidence": {
        "add": lambda w: {"report": w["rectification.progressreport"], "original_name": "x.png"},
        "secretary_adds": False,
    },
    "rectification.verification": {
        "add": lambda w: {"item": w["rectification.rectificationitem"], "confirmed": True},
        "secretary_adds": False,
    },
    "rectification.reportback": {
        "add": lambda w: {"meeting": w["meeting2"], "item": w["rectification.rectificationitem"], "status": "verified"},
        "secretary_adds": False,
    },
    "rectification.reminderlog": {
        "add": lambda w: {"member": w["members.member"], "sent_on": datetime.date(2023, 6, 1), "item_count": "1"},
        "secretary_adds": False,
    },
    # reports: written on their own pages (reports.services); the back office only reads them
    "reports.meetingreport": {
        "add": lambda w: {"meeting": w["meeting2"], "title": "An added report", "body": "Held."},
        "secretary_adds": False,
    },
    # notices
    "notices.notice": {
        "add": lambda w: {
            "meeting": w["meetings.meeting"],
            "organisation": w["members.organisation"],
            "title": "An added notice",
            "slug": "an-added-notice",
            "body": "The group met.",
        }
    },
    "notices.noticeimage": {
        "add": lambda w: {"notice": w["notices.notice"], "image": png(), "caption": "An added photo"},
    },
}
