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
        defaults={"title": "市政府党组党史学习教育专题民主生活会整改方案"},
    )
    prev_items = [
        ("学习党史与推动实际工作结合不够紧密", "每月围绕当前重点任务开展一次党史专题学习", hu, S.VERIFIED, 100),
        ("会议和文件给基层单位带来负担", "市级会议和文件精简20%并公布清单", zhao, S.VERIFIED, 100),
        ("一些领域为群众办实事推进较慢", "完成全年15件重点民生实事", zhou, S.VERIFIED, 100),
        ("小微企业审批时间偏长", "企业审批时限压减至5个工作日以内", li, S.IN_PROGRESS, 70),
        ("生态环境保护跨部门协同不够有力", "建立长江保护联席会议机制", wang, S.DONE, 100),
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
            _get(
                Verification,
                counter,
                item=item,
                confirmed=True,
                defaults={"comment": "经核对台账和相关资料，确认已完成。"},
            )
        _get(
            ProgressReport,
            counter,
            item=item,
            date=datetime.date(2022, 11, 30),
            defaults={"text": "责任人报告整改进展。", "percent": pct},
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
        defaults={"title": "市政府党组2022年度民主生活会整改方案"},
    )
    group_material = InspectionMaterial.objects.filter(meeting=meeting, on_behalf_of_group=True).first()
    items = [
        ("一些会议和文件仍存在形式主义问题", "会议和文件精简五分之一，会议时长一般不超过两小时", zhao, S.IN_PROGRESS, 40, datetime.date(2023, 6, 30), RectificationItem.Type.DEADLINE),
        ("到基层调研有时来去匆匆", "每位党组成员每年到基层调研不少于20天", chen, S.OPEN, 0, datetime.date(2023, 12, 31), RectificationItem.Type.DEADLINE),
        ("理论学习与实际工作结合不够", "党组理论学习中心组每月围绕当前工作确定专题开展学习", hu, S.IN_PROGRESS, 60, None, RectificationItem.Type.LONG_TERM),
        ("对决策部署有时没有跟踪到底", "建立市政府常务会议决定事项跟踪落实台账", zhou, S.DONE, 100, datetime.date(2023, 3, 31), RectificationItem.Type.DEADLINE),
        ("审批制度改革跟进较慢", "每季度公布审批时限统计情况", li, S.VERIFIED, 100, datetime.date(2023, 3, 31), RectificationItem.Type.IMMEDIATE),
        ("生态保护协同机制尚未有效运转", "每季度召开一次河流保护联席会议", wang, S.IN_PROGRESS, 30, datetime.date(2023, 5, 31), RectificationItem.Type.DEADLINE),
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
                defaults={"text": "按计划推进整改。", "percent": pct},
            )
        if status == S.VERIFIED:
            _get(Verification, counter, item=item, confirmed=True, defaults={"comment": "经核实，整改到位。"})

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
