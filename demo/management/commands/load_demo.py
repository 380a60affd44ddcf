"""Recreate the seed meeting (texts/notice-2023-01-31.zh-hans.txt, in Chinese as it was published, and its
English translation notice-2023-01-31.txt) and the demo accounts.

Idempotent: every object is found by its natural key and brought to the demo state,
so a second run changes nothing. Refused when DEBUG is off.
"""

import datetime
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.oversight import load_oversight_demo
from demo.readiness import load_readiness_demo
from demo.rectification import load_rectification_demo
from materials.models import InspectionMaterial, MaterialRevision
from meetings.models import (
    AgendaItem,
    Attendance,
    CriticismRecord,
    HeartToHeartTalk,
    KeyPoint,
    Meeting,
    PreparationActivity,
    SolicitedOpinion,
    Speech,
)
from members.models import Member, Membership, Organisation
from members.roles import PUBLISHERS_GROUP, SECRETARIES_GROUP, setup_role_groups
from notices.models import Notice
from notices.search import update_search_vectors

TEXTS = Path(__file__).resolve().parents[2] / "texts"
#: The notice as published, in Chinese: the original.
SEED_FILE = TEXTS / "notice-2023-01-31.zh-hans.txt"
#: Its English translation (the seed of ../shared/seed), published beside it and linked to it.
SEED_FILE_EN = TEXTS / "notice-2023-01-31.txt"
BEIJING = ZoneInfo("Asia/Shanghai")
SEED_ORDINALS = ["一要", "二要", "三要", "四要", "五要"]

MUNICIPAL = "中共重庆市人民政府党组"
DISTRICT = "中共重庆市渝中区人民政府党组"
COMMITTEE = "中共重庆市委员会"

#: Names the demo used while it was written in English: a rerun on such a database renames them
#: instead of adding the Chinese organisations and people beside them.
LEGACY_ORGANISATIONS = {
    "Chongqing Municipal Party Committee": COMMITTEE,
    "Party Group of the Chongqing Municipal Government": MUNICIPAL,
    "Party Group of the Yuzhong District Government": DISTRICT,
}
LEGACY_MEMBERS = {
    "Hu Henghua": "胡衡华",
    "Zhou Wei": "周伟",
    "Chen Jing": "陈静",
    "Li Qiang": "李明",
    "Wang Min": "王敏",
    "Zhao Gang": "赵刚",
    "Ma Lei": "马磊",
    "Sun Li": "孙丽",
    "He Jun": "何军",
}

THEME = "深入学习贯彻习近平新时代中国特色社会主义思想，维护党中央权威和集中统一领导，带头学习贯彻党的二十大精神"
ASPECTS = [
    "学习贯彻党的创新理论",
    "维护党中央权威和集中统一领导",
    "践行全心全意为人民服务根本宗旨",
    "推动高质量发展的本领",
    "工作作风：形式主义、官僚主义",
    "廉洁自律",
]

HU_POSTS = "市委副书记、市长、市政府党组书记"
#: The municipal party committee's supervision group and its leader (a demo person), who attends as an observer.
SUPERVISOR = "刘明"
SUPERVISOR_POSTS = "市委督导组组长、市纪委副书记、市监委副主任"


def seed_parts() -> tuple[datetime.date, str, list[str]]:
    """The seed notice in Chinese: its dateline, its body, and the five key points of the concluding speech
    (一要 … 五要)."""
    text = SEED_FILE.read_text(encoding="utf-8").strip()
    starts = [text.index(marker) for marker in SEED_ORDINALS]
    points = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        points.append(text[start:end].strip())
    return datetime.date(2023, 1, 31), text, points


def seed_english() -> str:
    """The English translation of the seed notice, without its "date 2023-01-31" line."""
    text = SEED_FILE_EN.read_text(encoding="utf-8").strip()
    prefix = "date 2023-01-31"
    return text[len(prefix) :].strip() if text.startswith(prefix) else text


class Command(BaseCommand):
    help = "Load the demo: the 2022 democratic life meeting of the seed notice, a second organisation, demo accounts."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo creates accounts with a known password: it runs only with DEBUG on.")
        password = os.environ.get("DEMO_PASSWORD")
        printed = False
        if not password:
            password = self._stored_password()
            printed = True
        with transaction.atomic():
            created = Loader(self.stdout, password).run()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new objects)."))
        if printed:
            self.stdout.write(
                "Demo accounts admin, secretary, member, publisher, secretary2, member2, committee (the municipal "
                f"committee above both groups), supervisor (its supervision group); password: {password}"
            )

    def _stored_password(self) -> str:
        """A random demo password, kept next to the database so reruns keep it."""
        path = Path(settings.BASE_DIR) / ".demo-password"
        if path.exists():
            return path.read_text().strip()
        password = "demo-" + secrets.token_urlsafe(6)
        path.write_text(password + "\n")
        return password


class Loader:
    def __init__(self, stdout, password: str):
        self.stdout = stdout
        self.password = password
        self.created = 0

    def get(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.created += 1
        else:
            changed = [k for k, v in (defaults or {}).items() if getattr(obj, k) != v]
            if changed:
                for k in changed:
                    setattr(obj, k, (defaults or {})[k])
                obj.save()
        return obj

    def user(self, username, *, first_name="", last_name="", superuser=False, staff=False, email=""):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            self.created += 1
        user.first_name, user.last_name = first_name, last_name
        user.email = email or f"{username}@example.org"
        user.is_staff = superuser or staff
        user.is_superuser = superuser
        if not user.has_usable_password() or not user.check_password(self.password):
            user.set_password(self.password)
        user.save()
        return user

    def member(
        self, name, org, *, role=Membership.Role.MEMBER, posts="", post_title="", gender="m", user=None, order=100
    ):
        member = self.get(Member, name=name, defaults={"posts": posts, "gender": gender, "user": user})
        self.get(
            Membership,
            member=member,
            organisation=org,
            end_date=None,
            defaults={"role": role, "post_title": post_title or posts, "order": order},
        )
        return member

    def rename_legacy(self):
        """A database loaded while the demo was in English: its organisations and people take their
        Chinese names (found by those, the rest of the demo is then brought up to date in place)."""
        for old, new in LEGACY_ORGANISATIONS.items():
            if not Organisation.objects.filter(name=new).exists():
                Organisation.objects.filter(name=old).update(name=new)
        for old, new in LEGACY_MEMBERS.items():
            if not Member.objects.filter(name=new).exists():
                Member.objects.filter(name=old).update(name=new)

    def run(self) -> int:
        dateline, body, points = seed_parts()
        self.rename_legacy()

        # Accounts (user names stay ASCII: the docs and tests sign in with them)
        self.user("admin", first_name="管理员", superuser=True)
        secretary_user = self.user("secretary", first_name="周伟", staff=True)
        member_user = self.user("member", first_name="陈静")
        publisher_user = self.user("publisher", first_name="刘芳")
        secretary2_user = self.user("secretary2", first_name="马磊", staff=True)
        member2_user = self.user("member2", first_name="孙丽")
        setup_role_groups(Group, Permission)  # made by members' data migration; kept whole here
        publishers = Group.objects.get(name=PUBLISHERS_GROUP)
        publisher_user.groups.add(publishers)
        # Secretaries may use the back office for their own organisations (the admin is scoped), never delete.
        secretaries = Group.objects.get(name=SECRETARIES_GROUP)
        secretary_user.groups.add(secretaries)
        secretary2_user.groups.add(secretaries)

        # Organisations
        committee = self.get(
            Organisation,
            name=COMMITTEE,
            defaults={"kind": Organisation.Kind.PARTY_COMMITTEE, "short_name": "市委", "source_organ": ""},
        )
        municipal = self.get(
            Organisation,
            name=MUNICIPAL,
            defaults={
                "kind": Organisation.Kind.PARTY_GROUP,
                "parent": committee,
                "short_name": "市政府党组",
                "source_organ": "重庆市人民政府",
            },
        )
        district = self.get(
            Organisation,
            name=DISTRICT,
            defaults={
                "kind": Organisation.Kind.PARTY_GROUP,
                "parent": committee,
                "short_name": "区政府党组",
                "source_organ": "渝中区人民政府",
            },
        )

        # Members of the municipal government's party group (胡衡华 is the seed's; the others are demo people)
        hu = self.member("胡衡华", municipal, role=Membership.Role.SECRETARY, posts=HU_POSTS, order=1)
        zhou = self.member(
            "周伟",
            municipal,
            role=Membership.Role.DEPUTY_SECRETARY,
            posts="常务副市长、市政府党组副书记",
            user=secretary_user,
            order=2,
        )
        chen = self.member("陈静", municipal, posts="副市长、市政府党组成员", gender="f", user=member_user, order=3)
        li = self.member("李明", municipal, posts="副市长、市政府党组成员", order=4)
        wang = self.member("王敏", municipal, posts="副市长、市政府党组成员", gender="f", order=5)
        zhao = self.member("赵刚", municipal, posts="市政府秘书长、市政府党组成员", order=6)
        group = [hu, zhou, chen, li, wang, zhao]

        # The previous meeting: the special democratic life meeting on party history learning and education
        previous = self.get(
            Meeting,
            organisation=municipal,
            kind=Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE,
            year=2021,
            defaults={
                "title": "市政府党组党史学习教育专题民主生活会",
                "theme": "学史明理、学史增信、学史崇德、学史力行",
                "held_on": datetime.date(2022, 1, 20),
                "location": "市政府第一会议室",
                "presider": hu,
                "presider_posts": hu.posts,
                "status": Meeting.Status.CLOSED,
            },
        )
        self.attendance(previous, group, presider=hu)

        meeting = self.get(
            Meeting,
            organisation=municipal,
            kind=Meeting.Kind.DEMOCRATIC_LIFE,
            year=2022,
            defaults={
                "title": "市政府党组2022年度民主生活会",
                "theme": THEME,
                "aspects": "\n".join(ASPECTS),
                "held_on": datetime.date(2023, 1, 30),
                "start_time": datetime.time(9, 0),
                "end_time": datetime.time(17, 30),
                "location": "市政府第一会议室",
                "presider": hu,
                "presider_posts": hu.posts,
                "previous_meeting": previous,
                "status": Meeting.Status.HELD,
                "summary": (
                    "这次民主生活会是新一届市政府领导班子召开的第一次民主生活会，"
                    "是一次深刻的思想洗礼、政治体检和党性锤炼。"
                ),
            },
        )
        self.attendance(meeting, group, presider=hu)
        self.get(
            Attendance,
            meeting=meeting,
            member=None,
            role=Attendance.Role.OBSERVER,
            defaults={"name": SUPERVISOR, "affiliation": SUPERVISOR_POSTS, "order": 50},
        )
        self.preparation(meeting, group, hu)
        self.agenda(meeting, hu, points)
        self.materials(meeting, group, hu)

        original = self.get(
            Notice,
            meeting=meeting,
            language=Notice.Language.ZH_HANS,
            defaults={
                "title": "市政府党组召开2022年度民主生活会",
                "organisation": municipal,
                "slug": "shi-zheng-fu-dang-zu-zhao-kai-2022-nian-du-min-zhu-sheng-huo-hui",
                "source_organ": "重庆市人民政府",
                "dateline": dateline,
                "body": body,
                "status": Notice.Status.PUBLISHED,
                "publish_at": datetime.datetime(2023, 1, 31, 18, 0, tzinfo=BEIJING),
                "author": publisher_user,
            },
        )
        self.get(
            Notice,
            meeting=meeting,
            language=Notice.Language.EN,
            defaults={
                "title": "The party group of the municipal government holds the 2022 democratic life meeting",
                "translation_of": original,
                "organisation": municipal,
                "slug": "municipal-government-party-group-2022-democratic-life-meeting",
                "source_organ": "Chongqing Municipal People's Government",
                "dateline": dateline,
                "body": seed_english(),
                "status": Notice.Status.PUBLISHED,
                "publish_at": datetime.datetime(2023, 1, 31, 18, 30, tzinfo=BEIJING),
                "author": publisher_user,
            },
        )
        self.district(district, committee, secretary2_user, member2_user, publisher_user)
        self.rectification(previous, meeting, group, district)
        self.next_meeting(meeting, group, hu)
        load_oversight_demo(
            self, committee=committee, meeting=meeting, supervisor_name=SUPERVISOR, supervisor_posts=SUPERVISOR_POSTS
        )
        load_readiness_demo(self, meeting=meeting, secretary_user=secretary_user)
        # Notices were written with the ORM: bring their search vectors up to date.
        update_search_vectors(Notice.objects.all())
        return self.created

    def next_meeting(self, previous, group, hu):
        """The next year's meeting, being prepared: members have drafts to write, and the
        2022 plan will be reported at it."""
        meeting = self.get(
            Meeting,
            organisation=previous.organisation,
            kind=Meeting.Kind.DEMOCRATIC_LIFE,
            year=2023,
            defaults={
                "title": "市政府党组2023年度民主生活会",
                "theme": THEME,
                "aspects": "\n".join(ASPECTS[:4]),
                "location": "市政府第一会议室",
                "presider": hu,
                "presider_posts": hu.posts,
                "previous_meeting": previous,
                "status": Meeting.Status.PREPARING,
            },
        )
        self.attendance(meeting, group, presider=hu)
        chen = self.m("陈静")
        self.get(
            InspectionMaterial,
            meeting=meeting,
            author=chen,
            on_behalf_of_group=False,
            defaults={
                "title": "陈静同志个人对照检查材料",
                "problem_sections": [
                    {"aspect": ASPECTS[0], "text": "- 学习时间有时被日常事务挤占。"},
                    {"aspect": ASPECTS[1], "text": ""},
                    {"aspect": ASPECTS[2], "text": ""},
                    {"aspect": ASPECTS[3], "text": ""},
                ],
                "causes": "",
                "measures": "",
                "status": InspectionMaterial.Status.DRAFT,
            },
        )
        submitted = self.get(
            InspectionMaterial,
            meeting=meeting,
            author=self.m("李明"),
            on_behalf_of_group=False,
            defaults={
                "title": "李明同志个人对照检查材料",
                "preamble": "根据市政府党组关于召开2023年度民主生活会的要求，本人认真学习，对照检查。现将有关情况报告如下。",
                "problem_sections": [{"aspect": a, "text": "- 基层调研有时来去匆匆。"} for a in ASPECTS[:4]],
                "causes": "党性锻炼有所放松。",
                "measures": "每年到基层调研不少于20天。",
                "status": InspectionMaterial.Status.SUBMITTED,
            },
        )
        if submitted.submitted_at is None:
            submitted.submitted_at = timezone.now()
            submitted.save(update_fields=["submitted_at"])
        # Every submission is kept as a revision: the reviewer compares against it.
        self.get(
            MaterialRevision,
            material=submitted,
            number=1,
            defaults={
                "preamble": submitted.preamble,
                "problem_sections": submitted.problem_sections,
                "causes": submitted.causes,
                "measures": submitted.measures,
            },
        )

    def attendance(self, meeting, members, *, presider):
        for i, m in enumerate(members):
            self.get(
                Attendance,
                meeting=meeting,
                member=m,
                defaults={
                    "role": Attendance.Role.PRESIDER if m == presider else Attendance.Role.PARTICIPANT,
                    "status": Attendance.Status.PRESENT,
                    "affiliation": m.posts,
                    "order": i + 1,
                },
            )

    def preparation(self, meeting, group, hu):
        study = self.get(
            PreparationActivity,
            meeting=meeting,
            kind=PreparationActivity.Kind.STUDY,
            defaults={
                "title": "集中学习研讨党的二十大精神",
                "date": datetime.date(2023, 1, 5),
                "end_date": datetime.date(2023, 1, 7),
                "summary": "围绕会议主题集中学习3天，并开展专题研讨。",
            },
        )
        study.participants.set(group)
        solicitation = self.get(
            PreparationActivity,
            meeting=meeting,
            kind=PreparationActivity.Kind.OPINION_SOLICITATION,
            defaults={
                "title": "广泛征求意见建议",
                "date": datetime.date(2023, 1, 8),
                "end_date": datetime.date(2023, 1, 15),
                "summary": "向各区县政府、市政府各部门、人大代表、政协委员和基层单位征求意见建议。",
            },
        )
        opinions = [
            ("区县政府", "基层调研要更深入，少一些形式。", None),
            ("市政府部门", "会议和文件仍然偏多，基层负担较重。", None),
            ("人大代表", "代表建议办理有时跟进不及时。", None),
            ("基层单位", "小微企业审批手续仍然繁琐。", self.m("李明")),
            ("政协委员", "生态环境保护跨部门协同还需加强。", None),
        ]
        for source, content, to in opinions:
            self.get(
                SolicitedOpinion,
                meeting=meeting,
                content=content,
                defaults={"source": source, "activity": solicitation, "addressed_to": to},
            )
        talks = self.get(
            PreparationActivity,
            meeting=meeting,
            kind=PreparationActivity.Kind.HEART_TO_HEART,
            defaults={
                "title": "党组成员之间开展谈心谈话",
                "date": datetime.date(2023, 1, 16),
                "end_date": datetime.date(2023, 1, 20),
                "summary": "党组书记与每位党组成员谈心谈话，党组成员之间相互谈心谈话。",
            },
        )
        talks.participants.set(group)
        for other in group[1:]:
            self.get(
                HeartToHeartTalk,
                meeting=meeting,
                member_a=hu,
                member_b=other,
                defaults={"date": datetime.date(2023, 1, 17), "summary": "坦诚交换了对彼此工作的意见。"},
            )
        self.get(
            HeartToHeartTalk,
            meeting=meeting,
            member_a=group[2],
            member_b=group[3],
            defaults={"date": datetime.date(2023, 1, 18), "summary": "就分管领域之间的协调配合交换了意见。"},
        )
        drafting = self.get(
            PreparationActivity,
            meeting=meeting,
            kind=PreparationActivity.Kind.MATERIAL_DRAFTING,
            defaults={
                "title": "撰写对照检查材料",
                "date": datetime.date(2023, 1, 20),
                "end_date": datetime.date(2023, 1, 27),
                "summary": "每位党组成员紧扣会议主题撰写个人对照检查材料。",
            },
        )
        drafting.participants.set(group)

    def m(self, name):
        return Member.objects.get(name=name)

    def agenda(self, meeting, hu, points):
        zhou = self.m("周伟")
        items = [
            (
                AgendaItem.Kind.PREVIOUS_RECTIFICATION,
                "通报市政府党组党史学习教育专题民主生活会整改措施落实情况",
                zhou,
            ),
            (AgendaItem.Kind.SOLICITED_OPINIONS, "通报本次民主生活会征求意见情况", zhou),
            (
                AgendaItem.Kind.GROUP_INSPECTION,
                "代表市政府党组作对照检查：查摆问题、剖析原因、提出整改措施",
                hu,
            ),
            (AgendaItem.Kind.INDIVIDUAL_INSPECTION, "党组成员逐一对照检查，开展批评和自我批评", None),
            (AgendaItem.Kind.SUPERVISION_REMARKS, "市委督导组点评", None),
            (AgendaItem.Kind.CONCLUDING_SPEECH, "总结讲话", hu),
        ]
        agenda = {}
        for order, (kind, title, presenter) in enumerate(items, start=1):
            agenda[kind] = self.get(
                AgendaItem,
                meeting=meeting,
                kind=kind,
                defaults={"order": order, "title": title, "presenter": presenter},
            )
        self.get(
            Speech,
            meeting=meeting,
            kind=Speech.Kind.INSPECTION,
            speaker=hu,
            defaults={
                "agenda_item": agenda[AgendaItem.Kind.GROUP_INSPECTION],
                "title": "代表市政府党组作对照检查",
                "summary": (
                    "胡衡华代表市政府党组作对照检查，查摆问题、剖析原因、提出整改措施。"
                    "胡衡华带头发言，其他党组成员逐一进行对照检查，相互批评帮助。"
                ),
                "order": 1,
            },
        )
        concluding = self.get(
            Speech,
            meeting=meeting,
            kind=Speech.Kind.CONCLUDING,
            speaker=hu,
            defaults={
                "agenda_item": agenda[AgendaItem.Kind.CONCLUDING_SPEECH],
                "title": "总结讲话",
                "summary": (
                    "这次民主生活会是新一届市政府领导班子召开的第一次民主生活会，整改措施推进有力有效，"
                    "是一次深刻的思想洗礼、政治体检和党性锤炼，对市政府党组增进团结、改进工作、"
                    "履职尽责很有帮助。要以这次民主生活会为新起点。"
                ),
                "order": 3,
            },
        )
        for order, text in enumerate(points, start=1):
            self.get(KeyPoint, speech=concluding, order=order, defaults={"text": text})
        self.get(
            Speech,
            meeting=meeting,
            kind=Speech.Kind.SUPERVISION,
            speaker=None,
            defaults={
                "speaker_name": SUPERVISOR,
                "agenda_item": agenda[AgendaItem.Kind.SUPERVISION_REMARKS],
                "title": "市委督导组点评",
                "summary": "会议准备充分，主题鲜明，批评和自我批评开诚布公、严肃认真。",
                "order": 2,
            },
        )
        individual = agenda[AgendaItem.Kind.INDIVIDUAL_INSPECTION]
        criticisms = [
            ("胡衡华", None, "我到基层调查研究有时还不够深入。"),
            ("周伟", "陈静", "陈静同志要多到分管领域的基层单位走一走。"),
            ("陈静", "周伟", "周伟同志有时召开协调会议偏多。"),
            ("李明", None, "在日常工作压力下，我对理论学习有所放松。"),
            ("王敏", "李明", "李明同志要更紧地跟进审批制度改革。"),
            ("赵刚", None, "市政府办公厅印发的文件仍然偏多、偏长。"),
        ]
        for order, (frm, to, content) in enumerate(criticisms, start=1):
            self.get(
                CriticismRecord,
                meeting=meeting,
                from_member=self.m(frm),
                to_member=self.m(to) if to else None,
                defaults={"content": content, "agenda_item": individual, "order": order},
            )

    def materials(self, meeting, group, hu):
        now = datetime.datetime(2023, 1, 28, 2, 0, tzinfo=datetime.UTC)  # fixed: a rerun changes nothing
        section = [{"aspect": a, "text": ""} for a in ASPECTS]

        def sections(text_by_index):
            out = [dict(s) for s in section]
            for i, text in text_by_index.items():
                out[i]["text"] = text
            return out

        self.get(
            InspectionMaterial,
            meeting=meeting,
            author=hu,
            on_behalf_of_group=True,
            defaults={
                "title": "市政府党组2022年度民主生活会对照检查材料",
                "preamble": "根据市委关于召开2022年度民主生活会的通知要求，市政府党组认真开展学习研讨，广泛征求意见，"
                "深入查摆问题。现将对照检查情况报告如下。",
                "problem_sections": sections(
                    {
                        0: "- 学习党的创新理论与推动实际工作结合得还不够紧密。",
                        4: "- 一些会议和文件仍存在形式主义问题，基层负担依然存在。",
                    }
                ),
                "problems": "",
                "causes": "理论学习不够深入，在日常工作压力下宗旨意识有所淡化。",
                "measures": "1. 加强理论学习。\n2. 会议和文件精简五分之一。",
                "status": InspectionMaterial.Status.APPROVED,
                "submitted_at": now,
                "approved_at": now,
            },
        )
        for member in group:
            self.get(
                InspectionMaterial,
                meeting=meeting,
                author=member,
                on_behalf_of_group=False,
                defaults={
                    "title": f"{member.name}同志个人对照检查材料",
                    "preamble": "根据市委关于召开2022年度民主生活会的通知要求，本人认真学习，广泛征求意见，"
                    "深入查找问题。现将个人对照检查情况报告如下。",
                    "problem_sections": sections(
                        {
                            1: "- 对决策部署的落实有时没有一抓到底。",
                            3: "- 到基层调研有时来去匆匆。",
                        }  # fmt: skip
                    ),
                    "causes": "党性锻炼有所放松。",
                    "measures": "坚持学习在先，多到基层，对每项决策一抓到底。",
                    "status": InspectionMaterial.Status.APPROVED,
                    "submitted_at": now,
                    "approved_at": now,
                },
            )

    def district(self, district, committee, secretary2_user, member2_user, publisher_user):
        ma = self.member(
            "马磊",
            district,
            role=Membership.Role.SECRETARY,
            posts="区长、区政府党组书记",
            user=secretary2_user,
            order=1,
        )
        sun = self.member("孙丽", district, posts="副区长、区政府党组成员", gender="f", user=member2_user, order=2)
        he = self.member("何军", district, posts="副区长、区政府党组成员", order=3)
        d_meeting = self.get(
            Meeting,
            organisation=district,
            kind=Meeting.Kind.DEMOCRATIC_LIFE,
            year=2022,
            defaults={
                "title": "渝中区政府党组2022年度民主生活会",
                "theme": "深入学习贯彻党的二十大精神",
                "aspects": "学习贯彻党的创新理论\n为民服务解难题\n工作作风",
                "held_on": datetime.date(2023, 2, 8),
                "location": "区政府第一会议室",
                "presider": ma,
                "presider_posts": ma.posts,
                "status": Meeting.Status.HELD,
            },
        )
        self.attendance(d_meeting, [ma, sun, he], presider=ma)
        for author, status in (
            (ma, InspectionMaterial.Status.APPROVED),
            (sun, InspectionMaterial.Status.SUBMITTED),
            (he, InspectionMaterial.Status.DRAFT),
        ):
            self.get(
                InspectionMaterial,
                meeting=d_meeting,
                author=author,
                on_behalf_of_group=False,
                defaults={
                    "title": f"{author.name}同志个人对照检查材料",
                    "preamble": "根据区委要求，本人认真对照检查。现将有关情况报告如下。",
                    "problems": "- 调查研究不够深入，对基层情况掌握不全面。",
                    "causes": "党性锻炼有所放松。",
                    "measures": "坚持每月到基层调研，建立问题整改台账。",
                    "status": status,
                },
            )
        speech = self.get(
            Speech,
            meeting=d_meeting,
            kind=Speech.Kind.CONCLUDING,
            speaker=ma,
            defaults={"title": "总结讲话", "summary": "以此次民主生活会为新起点，抓好整改落实。", "order": 1},
        )
        for order, text in enumerate(["一要坚定政治方向。", "二要抓好整改落实。", "三要改进工作作风。"], start=1):
            self.get(KeyPoint, speech=speech, order=order, defaults={"text": text})
        self.get(
            Notice,
            meeting=d_meeting,
            title="渝中区政府党组召开2022年度民主生活会",
            defaults={
                "language": Notice.Language.ZH_HANS,
                "organisation": district,
                "slug": "yu-zhong-qu-zheng-fu-dang-zu-zhao-kai-2022-nian-du-min-zhu-sheng-huo-hui",
                "source_organ": "渝中区人民政府",
                "dateline": datetime.date(2023, 2, 9),
                "body": (
                    "2月8日，区政府党组召开2022年度民主生活会。会议通报了上一年度民主生活会整改落实情况"
                    "和征求意见情况，党组成员逐一进行对照检查，开展批评与自我批评。\n\n"
                    "会议强调，要以此次民主生活会为新起点，建立整改台账，抓好整改落实。"
                ),
                "status": Notice.Status.PUBLISHED,
                "publish_at": datetime.datetime(2023, 2, 9, 10, 0, tzinfo=BEIJING),
                "author": publisher_user,
            },
        )

    def rectification(self, previous, meeting, group, district):
        """Problems and items: the previous meeting's plan (reported at this one) and this meeting's plan."""
        self.created += load_rectification_demo(previous=previous, meeting=meeting, group=group, district=district)
