"""Realistic bulk data for benchmarks: organisations, members, meetings, attendance, problems, plans, items, progress.

    python manage.py generate_data --meetings 10000 --items-per-meeting 10 [--notices 1000] [--seed 1]

Everything goes in with bulk_create in batches, so 100,000 items take well under a few minutes.
What it reports is what it made: the rows of each kind counted in the database before and after.
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.bulk import generate_notices
from meetings.models import Attendance, Meeting
from members.models import Member, Membership, Organisation
from notices.models import Notice
from rectification.models import Problem, ProgressReport, RectificationItem, RectificationPlan

BATCH = 5000
# What the report counts, in its order.
COUNTED = (
    ("organisations", Organisation),
    ("members", Member),
    ("meetings", Meeting),
    ("rectification plans", RectificationPlan),
    ("rectification items", RectificationItem),
    ("progress reports", ProgressReport),
    ("notices", Notice),
)
MEMBERS_PER_ORGANISATION = 7
MEETINGS_PER_ORGANISATION = 5

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红玉兰志斌海燕春雷波宁"
ASPECTS = [
    "理论学习方面",
    "贯彻落实党中央决策部署方面",
    "担当作为方面",
    "联系服务群众方面",
    "落实全面从严治党责任方面",
    "作风建设方面",
]
PROBLEMS = [
    "理论学习不够系统深入，学用结合不紧",
    "调查研究不够深入，到基层一线次数偏少",
    "文山会海问题仍然存在，基层负担较重",
    "抓工作落实跟踪问效不够，有的部署停留在会议上",
    "联系服务群众不够经常，解决群众急难愁盼问题力度不够",
    "执行民主集中制不够严格，批评与自我批评辣味不足",
    "整改台账更新不及时，整改成效不够明显",
    "= formula-looking text from an imported sheet",
]
MEASURES = [
    "每月开展一次专题学习研讨，形成学习成果清单",
    "每名班子成员每年到基层调研不少于20天，形成调研报告",
    "精简会议文件，会议数量压减20%，公布清单接受监督",
    "建立重点工作督办台账，每月通报进展",
    "落实领导干部接访下访制度，每季度至少下访一次",
    "严格执行民主集中制，重大事项集体研究决定",
    "每月更新整改台账并在支部会议上通报",
    "- keep monthly review (text that starts with a dash)",
]
NOTES = ["已制定工作方案", "按计划推进中", "已完成阶段性任务", "已全部完成，材料已归档"]


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _counts() -> dict[str, int]:
    return {label: model.objects.count() for label, model in COUNTED}


def _batches(objects, model, **kwargs):
    created = []
    for start in range(0, len(objects), BATCH):
        created.extend(model.objects.bulk_create(objects[start : start + BATCH], **kwargs))
    return created


class Command(BaseCommand):
    help = "Generate realistic bulk data (meetings, plans, rectification items…) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, required=True)
        parser.add_argument("--items-per-meeting", type=int, default=10)
        parser.add_argument("--notices", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, meetings, items_per_meeting, notices, seed, **options):
        if meetings < 1 or items_per_meeting < 0 or notices < 0:
            raise CommandError("--meetings must be at least 1; counts cannot be negative.")
        started = time.monotonic()
        before = _counts()
        rng = random.Random(seed)
        with transaction.atomic():
            organisations = self._organisations(meetings)
            members = self._members(rng, organisations)
            meeting_objs = self._meetings(rng, organisations, members, meetings)
            self._rectification(rng, meeting_objs, members, items_per_meeting)
        if notices:
            generate_notices(count=notices, organisations=organisations)
        after = _counts()
        made = ", ".join(f"{after[label] - before[label]} {label}" for label in after)
        self.stdout.write(f"Generated {made} in {time.monotonic() - started:.1f} s")

    def _organisations(self, meetings):
        count = max(1, -(-meetings // MEETINGS_PER_ORGANISATION))
        offset = Organisation.objects.count()
        parent = Organisation.objects.create(
            name=f"生成数据党委 {offset + 1:06d}", kind=Organisation.Kind.PARTY_COMMITTEE
        )
        objs = [
            Organisation(
                name=f"生成数据第{offset + i + 2:06d}党支部",
                kind=Organisation.Kind.BRANCH,
                parent=parent,
                source_organ="生成数据网站",
            )
            for i in range(count)
        ]
        return _batches(objs, Organisation)

    def _members(self, rng, organisations):
        people = []
        for _org in organisations:
            for _ in range(MEMBERS_PER_ORGANISATION):
                people.append(Member(name=_name(rng), gender=rng.choice("mf"), posts="党支部委员"))
        people = _batches(people, Member)
        by_org, memberships = {}, []
        for index, org in enumerate(organisations):
            group = people[index * MEMBERS_PER_ORGANISATION : (index + 1) * MEMBERS_PER_ORGANISATION]
            by_org[org.pk] = group
            for order, member in enumerate(group, start=1):
                role = Membership.Role.SECRETARY if order == 1 else Membership.Role.MEMBER
                memberships.append(Membership(member=member, organisation=org, role=role, order=order))
        _batches(memberships, Membership)
        return by_org

    def _meetings(self, rng, organisations, members, total):
        today = timezone.localdate()
        first_year = today.year - MEETINGS_PER_ORGANISATION
        created, previous = [], {}
        for round_ in range(MEETINGS_PER_ORGANISATION):
            batch = []
            for org in organisations:
                if len(created) + len(batch) >= total:
                    break
                year = first_year + round_
                held_on = datetime.date(year, 1, 15) + datetime.timedelta(days=rng.randrange(0, 60))
                batch.append(
                    Meeting(
                        organisation=org,
                        kind=Meeting.Kind.DEMOCRATIC_LIFE,
                        title=f"{org.name}{year - 1}年度民主生活会",
                        year=year - 1,
                        theme="深入学习贯彻党的二十大精神",
                        held_on=held_on if held_on <= today else None,
                        location="党员活动室",
                        presider=members[org.pk][0],
                        previous_meeting_id=previous.get(org.pk),
                        status=Meeting.Status.CLOSED if held_on <= today else Meeting.Status.PREPARING,
                    )
                )
            batch = _batches(batch, Meeting)
            for meeting in batch:
                previous[meeting.organisation_id] = meeting.pk
            created.extend(batch)
            if len(created) >= total:
                break
        attendance = [
            Attendance(
                meeting=m,
                member=member,
                role=Attendance.Role.PRESIDER if order == 0 else Attendance.Role.PARTICIPANT,
                order=order,
            )
            for m in created
            for order, member in enumerate(members[m.organisation_id])
        ]
        _batches(attendance, Attendance)
        return created

    def _rectification(self, rng, meeting_objs, members, per_meeting):
        if per_meeting == 0:
            return
        today = timezone.localdate()
        S, T = RectificationItem.Status, RectificationItem.Type
        plans = _batches(
            [
                RectificationPlan(meeting=m, organisation_id=m.organisation_id, title=f"{m.title}整改方案")
                for m in meeting_objs
            ],
            RectificationPlan,
        )
        sources = [s for s in Problem.Source.values]
        problems = []
        for m in meeting_objs:
            group = members[m.organisation_id]
            for _ in range(per_meeting):
                problems.append(
                    Problem(
                        meeting=m,
                        source=rng.choices(sources, weights=[6, 2, 2, 1, 1, 1])[0],
                        about_member=rng.choice(group + [None]),
                        aspect=rng.choice(ASPECTS),
                        description=rng.choice(PROBLEMS),
                    )
                )
        problems = _batches(problems, Problem)
        items = []
        for p_index, (m, plan) in enumerate(zip(meeting_objs, plans, strict=True)):
            group = members[m.organisation_id]
            base = m.held_on or today
            for n in range(per_meeting):
                type_ = rng.choices([T.IMMEDIATE, T.DEADLINE, T.LONG_TERM], weights=[2, 7, 1])[0]
                deadline = None if type_ == T.LONG_TERM else base + datetime.timedelta(days=rng.randrange(14, 365))
                due = deadline is not None and deadline < today
                roll = rng.random()
                if due:
                    status = S.VERIFIED if roll < 0.75 else S.IN_PROGRESS if roll < 0.88 else S.DONE
                    status = S.CANCELLED if roll > 0.985 else status
                else:
                    status = S.OPEN if roll < 0.3 else S.IN_PROGRESS if roll < 0.85 else S.DONE
                percent = {S.OPEN: 0, S.IN_PROGRESS: rng.randrange(10, 95, 5), S.DONE: 100, S.VERIFIED: 100}.get(
                    status, 30
                )
                completed = None
                if status in (S.DONE, S.VERIFIED):
                    end = min(today, (deadline or today) + datetime.timedelta(days=30))
                    span = max(1, (end - base).days)
                    completed = base + datetime.timedelta(days=rng.randrange(1, span + 1))
                items.append(
                    RectificationItem(
                        plan=plan,
                        problem=problems[p_index * per_meeting + n],
                        number=n + 1,
                        measure=rng.choice(MEASURES),
                        type=type_,
                        responsible_member=rng.choice(group),
                        responsible_leader=group[0],
                        deadline=deadline,
                        status=status,
                        progress_percent=percent,
                        completed_on=completed,
                        verified_at=timezone.now() if status == S.VERIFIED else None,
                        reopened_count=1 if rng.random() < 0.02 else 0,
                        status_reason="整改事项调整" if status == S.CANCELLED else "",
                    )
                )
        items = _batches(items, RectificationItem)
        reports = [
            ProgressReport(
                item=item,
                date=item.completed_on or today,
                text=rng.choice(NOTES),
                percent=item.progress_percent,
            )
            for item in items
            if item.progress_percent
        ]
        _batches(reports, ProgressReport)
