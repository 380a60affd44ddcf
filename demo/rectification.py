"""Demo rectification data for load_demo: idempotent, keyed on natural keys."""

import datetime

from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Meeting
from members.models import Member
from rectification.models import Problem, ProgressReport, RectificationItem, RectificationPlan, ReportBack, Verification


def _get(model, counter, defaults=None, **lookup):
    obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
    counter[0] += int(created)
    return obj


def load_rectification_demo(*, previous: Meeting, meeting: Meeting, group: list[Member], district) -> int:
    counter = [0]
    hu, zhou, chen, li, wang, zhao = group
    S = RectificationItem.Status

    # The previous meeting's plan: its items are reported at the 2022 meeting.
    prev_plan = _get(
        RectificationPlan,
        counter,
        meeting=previous,
        organisation=previous.organisation,
        defaults={"title": "Rectification plan of the party history learning and education special meeting"},
    )
    prev_items = [
        ("Study of the Party's history was not linked closely to practical work", "Hold a monthly study session linking the Party's history to current tasks", hu, S.VERIFIED, 100),
        ("Burdens on grassroots units from meetings and documents", "Cut municipal meetings and documents by 20% and publish the list", zhao, S.VERIFIED, 100),
        ("Doing practical things for the masses moved slowly in some areas", "Complete the 15 'practical things for the people' projects of the year", zhou, S.VERIFIED, 100),
        ("Approvals for small enterprises take too long", "Bring enterprise approval times under 5 working days", li, S.IN_PROGRESS, 70),
        ("Cross-department coordination on ecological protection is weak", "Set up a joint conference mechanism for the Yangtze river protection", wang, S.DONE, 100),
    ]  # fmt: skip
    for number, (problem_text, measure, who, status, pct) in enumerate(prev_items, start=1):
        problem = _get(
            Problem,
            counter,
            meeting=previous,
            description=problem_text,
            defaults={"source": Problem.Source.SELF_INSPECTION, "about_member": None},
        )
        item = _get(
            RectificationItem,
            counter,
            plan=prev_plan,
            number=number,
            defaults={
                "problem": problem,
                "measure": measure,
                "type": RectificationItem.Type.DEADLINE,
                "responsible_member": who,
                "responsible_leader": hu,
                "deadline": datetime.date(2022, 12, 31),
                "status": status,
                "progress_percent": pct,
                "completed_on": datetime.date(2022, 11, 30) if status in (S.DONE, S.VERIFIED) else None,
                "verified_at": timezone.now() if status == S.VERIFIED else None,
            },
        )
        if status == S.VERIFIED:
            _get(Verification, counter, item=item, confirmed=True, defaults={"comment": "Checked against the records."})
        _get(
            ProgressReport,
            counter,
            item=item,
            date=datetime.date(2022, 11, 30),
            defaults={"text": "Progress as reported by the responsible member.", "percent": pct},
        )
        _get(
            ReportBack,
            counter,
            meeting=meeting,
            item=item,
            defaults={"status": status, "progress_percent": pct},
        )

    # This meeting's plan: items in every state, one overdue.
    plan = _get(
        RectificationPlan,
        counter,
        meeting=meeting,
        organisation=meeting.organisation,
        defaults={"title": "Rectification plan of the 2022 democratic life meeting"},
    )
    group_material = InspectionMaterial.objects.filter(meeting=meeting, on_behalf_of_group=True).first()
    items = [
        ("Formalism persists in some meetings and documents", "Cut meetings and documents by a fifth; no meeting longer than two hours", zhao, S.IN_PROGRESS, 40, datetime.date(2023, 6, 30), RectificationItem.Type.DEADLINE),
        ("Research at the grassroots was sometimes hurried", "Each member spends at least 20 days a year researching at the grassroots", chen, S.OPEN, 0, datetime.date(2023, 12, 31), RectificationItem.Type.DEADLINE),
        ("Study of theory not always linked to practice", "Party group theory study centre meets monthly with a topic tied to current work", hu, S.IN_PROGRESS, 60, None, RectificationItem.Type.LONG_TERM),
        ("Decisions not always followed up to the end", "Keep a follow-up ledger of every decision of the executive meetings", zhou, S.DONE, 100, datetime.date(2023, 3, 31), RectificationItem.Type.DEADLINE),
        ("Approvals reform follow-up is slow", "Publish the approval-time statistics every quarter", li, S.VERIFIED, 100, datetime.date(2023, 3, 31), RectificationItem.Type.IMMEDIATE),
        ("Ecological coordination mechanism not yet effective", "Hold the joint conference on river protection quarterly", wang, S.IN_PROGRESS, 30, datetime.date(2023, 5, 31), RectificationItem.Type.DEADLINE),
    ]  # fmt: skip
    for number, (problem_text, measure, who, status, pct, deadline, type_) in enumerate(items, start=1):
        problem = _get(
            Problem,
            counter,
            meeting=meeting,
            description=problem_text,
            defaults={
                "source": Problem.Source.SELF_INSPECTION if number != 2 else Problem.Source.CRITICISM,
                "about_member": None if number in (1, 3) else who,
                "material": group_material if number in (1, 3) else None,
            },
        )
        item = _get(
            RectificationItem,
            counter,
            plan=plan,
            number=number,
            defaults={
                "problem": problem,
                "measure": measure,
                "type": type_,
                "responsible_member": who,
                "responsible_leader": hu,
                "deadline": deadline,
                "status": status,
                "progress_percent": pct,
                "completed_on": datetime.date(2023, 3, 20) if status in (S.DONE, S.VERIFIED) else None,
                "verified_at": timezone.now() if status == S.VERIFIED else None,
            },
        )
        if pct:
            _get(
                ProgressReport,
                counter,
                item=item,
                date=datetime.date(2023, 3, 20),
                defaults={"text": "Work under way as planned.", "percent": pct},
            )
        if status == S.VERIFIED:
            _get(Verification, counter, item=item, confirmed=True, defaults={"comment": "Confirmed."})

    # The district's plan: its own items, for scoping.
    d_meeting = Meeting.objects.filter(organisation=district).order_by("-held_on").first()
    if d_meeting is not None:
        d_plan = _get(
            RectificationPlan,
            counter,
            meeting=d_meeting,
            organisation=district,
            defaults={"title": "渝中区政府党组2022年度民主生活会整改方案"},
        )
        d_members = list(Member.objects.filter(memberships__organisation=district).order_by("memberships__order"))
        for number, (text, measure) in enumerate(
            [("调查研究不够深入", "每月到基层调研不少于2次"), ("整改台账更新不及时", "每月更新整改台账并通报")], start=1
        ):
            problem = _get(Problem, counter, meeting=d_meeting, description=text)
            _get(
                RectificationItem,
                counter,
                plan=d_plan,
                number=number,
                defaults={
                    "problem": problem,
                    "measure": measure,
                    "responsible_member": d_members[min(number, len(d_members) - 1)],
                    "responsible_leader": d_members[0],
                    "deadline": datetime.date(2023, 6, 30),
                    "status": S.IN_PROGRESS,
                    "progress_percent": 50,
                },
            )
    return counter[0]
