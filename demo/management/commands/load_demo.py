"""Recreate the seed meeting (notice-2023-01-31.txt) and the demo accounts.

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

SEED_FILE = Path(__file__).resolve().parents[2] / "texts" / "notice-2023-01-31.txt"
BEIJING = ZoneInfo("Asia/Shanghai")
SEED_ORDINALS = ["First, we", "Second, we", "Third, we", "Fourth, we", "Fifth, we"]

MUNICIPAL = "Party Group of the Chongqing Municipal Government"
DISTRICT = "Party Group of the Yuzhong District Government"
COMMITTEE = "Chongqing Municipal Party Committee"

THEME = (
    "Deeply study Xi Jinping Thought on Socialism with Chinese Characteristics for a New Era, "
    "uphold the authority and centralised leadership of the Party Central Committee, and take the lead "
    "in implementing the spirit of the 20th National Congress of the Communist Party of China"
)
ASPECTS = [
    "Learning and applying the Party's innovative theory",
    "Upholding the authority and centralised leadership of the Party Central Committee",
    "Serving the people wholeheartedly",
    "Ability to promote high-quality development",
    "Style of work: formalism and bureaucracy",
    "Integrity and self-discipline",
]


def seed_parts() -> tuple[datetime.date, str, list[str]]:
    """The seed notice: its dateline, its body, and the five key points of the concluding speech."""
    text = SEED_FILE.read_text(encoding="utf-8").strip()
    prefix = "date 2023-01-31"
    if text.startswith(prefix):
        text = text[len(prefix) :].strip()
    starts = [text.index(marker) for marker in SEED_ORDINALS]
    points = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        points.append(text[start:end].strip())
    return datetime.date(2023, 1, 31), text, points


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
                f"Demo accounts admin, secretary, member, publisher, secretary2, member2; password: {password}"
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

    def run(self) -> int:
        dateline, body, points = seed_parts()

        # Accounts
        self.user("admin", first_name="Administrator", superuser=True)
        secretary_user = self.user("secretary", first_name="Zhou Wei", staff=True)
        member_user = self.user("member", first_name="Chen Jing")
        publisher_user = self.user("publisher", first_name="Liu Fang")
        secretary2_user = self.user("secretary2", first_name="Ma Lei", staff=True)
        member2_user = self.user("member2", first_name="Sun Li")
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
            defaults={"kind": Organisation.Kind.PARTY_COMMITTEE, "short_name": "Municipal Party Committee"},
        )
        municipal = self.get(
            Organisation,
            name=MUNICIPAL,
            defaults={
                "kind": Organisation.Kind.PARTY_GROUP,
                "parent": committee,
                "short_name": "Municipal government party group",
                "source_organ": "Chongqing Municipal People's Government",
            },
        )
        district = self.get(
            Organisation,
            name=DISTRICT,
            defaults={
                "kind": Organisation.Kind.PARTY_GROUP,
                "parent": committee,
                "short_name": "District government party group",
                "source_organ": "渝中区人民政府",
            },
        )

        # Members of the municipal government's party group (Hu Henghua is the seed's; the others are demo people)
        hu = self.member(
            "Hu Henghua",
            municipal,
            role=Membership.Role.SECRETARY,
            posts=(
                "Deputy Secretary of the Municipal Party Committee, Mayor of the Municipal Government, "
                "Secretary of the Party Group"
            ),
            order=1,
        )
        zhou = self.member(
            "Zhou Wei",
            municipal,
            role=Membership.Role.DEPUTY_SECRETARY,
            posts="Executive Vice Mayor, Deputy Secretary of the Party Group",
            user=secretary_user,
            order=2,
        )
        chen = self.member(
            "Chen Jing",
            municipal,
            posts="Vice Mayor, Member of the Party Group",
            gender="f",
            user=member_user,
            order=3,
        )
        li = self.member("Li Qiang", municipal, posts="Vice Mayor, Member of the Party Group", order=4)
        wang = self.member("Wang Min", municipal, posts="Vice Mayor, Member of the Party Group", gender="f", order=5)
        zhao = self.member(
            "Zhao Gang",
            municipal,
            posts="Secretary-General of the Municipal Government, Member of the Party Group",
            order=6,
        )
        group = [hu, zhou, chen, li, wang, zhao]

        # The previous meeting: the special democratic life meeting on party history learning and education
        previous = self.get(
            Meeting,
            organisation=municipal,
            kind=Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE,
            year=2021,
            defaults={
                "title": "Party history learning and education special democratic life meeting",
                "theme": "Study the Party's history, understand its theory, do practical things, open new prospects",
                "held_on": datetime.date(2022, 1, 20),
                "location": "Municipal Government Conference Room 1",
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
                "title": "2022 democratic life meeting of the party group of the municipal government",
                "theme": THEME,
                "aspects": "\n".join(ASPECTS),
                "held_on": datetime.date(2023, 1, 30),
                "start_time": datetime.time(9, 0),
                "end_time": datetime.time(17, 30),
                "location": "Municipal Government Conference Room 1",
                "presider": hu,
                "presider_posts": hu.posts,
                "previous_meeting": previous,
                "status": Meeting.Status.HELD,
                "summary": (
                    "The first democratic life meeting held by the party leadership of the new municipal government: "
                    "a profound ideological baptism, political physical examination and party spirit tempering."
                ),
            },
        )
        self.attendance(meeting, group, presider=hu)
        self.get(
            Attendance,
            meeting=meeting,
            member=None,
            name="Supervision Group of the Municipal Party Committee",
            defaults={
                "role": Attendance.Role.OBSERVER,
                "affiliation": "Municipal Commission for Discipline Inspection and Organisation Department",
                "order": 50,
            },
        )
        self.preparation(meeting, group, hu)
        self.agenda(meeting, hu, points)
        self.materials(meeting, group, hu)

        self.get(
            Notice,
            meeting=meeting,
            title="The party group of the municipal government holds the 2022 democratic life meeting",
            defaults={
                "organisation": municipal,
                "slug": "municipal-government-party-group-2022-democratic-life-meeting",
                "source_organ": "Chongqing Municipal People's Government",
                "dateline": dateline,
                "body": body,
                "status": Notice.Status.PUBLISHED,
                "publish_at": datetime.datetime(2023, 1, 31, 18, 0, tzinfo=BEIJING),
                "author": publisher_user,
            },
        )
        self.district(district, committee, secretary2_user, member2_user, publisher_user)
        self.rectification(previous, meeting, group, district)
        self.next_meeting(meeting, group, hu)
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
            title="2023 democratic life meeting of the municipal government party group",
            defaults={
                "theme": THEME,
                "aspects": "\n".join(ASPECTS[:4]),
                "location": "Municipal Government Conference Room 1",
                "presider": hu,
                "presider_posts": hu.posts,
                "previous_meeting": previous,
                "status": Meeting.Status.PREPARING,
            },
        )
        self.attendance(meeting, group, presider=hu)
        chen = self.m("Chen Jing")
        self.get(
            InspectionMaterial,
            meeting=meeting,
            author=chen,
            on_behalf_of_group=False,
            defaults={
                "title": "Personal comparison-inspection material of Chen Jing",
                "problem_sections": [
                    {"aspect": ASPECTS[0], "text": "- Study time was squeezed by daily affairs."},
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
            author=self.m("Li Qiang"),
            on_behalf_of_group=False,
            defaults={
                "title": "Personal comparison-inspection material of Li Qiang",
                "problem_sections": [
                    {"aspect": a, "text": "- Research at the grassroots was hurried."} for a in ASPECTS[:4]
                ],
                "causes": "Relaxed the tempering of party spirit.",
                "measures": "Spend at least 20 days a year at the grassroots.",
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
            title="Centralised study and seminars on the spirit of the 20th National Congress",
            defaults={
                "kind": PreparationActivity.Kind.STUDY,
                "date": datetime.date(2023, 1, 5),
                "end_date": datetime.date(2023, 1, 7),
                "summary": "Three days of centralised study and a seminar on the theme of the meeting.",
            },
        )
        study.participants.set(group)
        solicitation = self.get(
            PreparationActivity,
            meeting=meeting,
            title="Soliciting opinions and suggestions",
            defaults={
                "kind": PreparationActivity.Kind.OPINION_SOLICITATION,
                "date": datetime.date(2023, 1, 8),
                "end_date": datetime.date(2023, 1, 15),
                "summary": (
                    "Opinions solicited from district and county governments, municipal departments, "
                    "deputies to the people's congress, CPPCC members and grassroots units."
                ),
            },
        )
        opinions = [
            (
                "District and county governments",
                "Research at the grassroots should be deeper and less ceremonial.",
                None,
            ),
            ("Municipal departments", "Too many meetings and documents still burden grassroots units.", None),
            ("Deputies to the people's congress", "Follow-up on suggestions of deputies is sometimes slow.", None),
            ("Grassroots units", "Approval procedures for small enterprises remain cumbersome.", self.m("Li Qiang")),
            ("CPPCC members", "Coordination across departments on ecological protection should be stronger.", None),
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
            title="Heart-to-heart talks among members of the party group",
            defaults={
                "kind": PreparationActivity.Kind.HEART_TO_HEART,
                "date": datetime.date(2023, 1, 16),
                "end_date": datetime.date(2023, 1, 20),
                "summary": "The secretary talked with every member; members talked with each other.",
            },
        )
        talks.participants.set(group)
        for other in group[1:]:
            self.get(
                HeartToHeartTalk,
                meeting=meeting,
                member_a=hu,
                member_b=other,
                defaults={
                    "date": datetime.date(2023, 1, 17),
                    "summary": "Exchanged views frankly on each other's work.",
                },
            )
        self.get(
            HeartToHeartTalk,
            meeting=meeting,
            member_a=group[2],
            member_b=group[3],
            defaults={"date": datetime.date(2023, 1, 18), "summary": "Talked about coordination between portfolios."},
        )
        drafting = self.get(
            PreparationActivity,
            meeting=meeting,
            title="Writing comparison-inspection materials",
            defaults={
                "kind": PreparationActivity.Kind.MATERIAL_DRAFTING,
                "date": datetime.date(2023, 1, 20),
                "end_date": datetime.date(2023, 1, 27),
                "summary": "Each member wrote a comparison-inspection material closely related to the theme.",
            },
        )
        drafting.participants.set(group)

    def m(self, name):
        return Member.objects.get(name=name)

    def agenda(self, meeting, hu, points):
        items = [
            (
                AgendaItem.Kind.PREVIOUS_RECTIFICATION,
                "Report on the implementation of the rectification measures of the party history learning "
                "and education special democratic life meeting",
                self.m("Zhou Wei"),
            ),
            (
                AgendaItem.Kind.SOLICITED_OPINIONS,
                "Report on the opinions solicited for this meeting",
                self.m("Zhou Wei"),
            ),
            (
                AgendaItem.Kind.GROUP_INSPECTION,
                "Comparison inspection on behalf of the party group: problems, causes, rectification plan",
                hu,
            ),
            (
                AgendaItem.Kind.INDIVIDUAL_INSPECTION,
                "Individual comparison inspection, criticism and self-criticism",
                None,
            ),
            (AgendaItem.Kind.SUPERVISION_REMARKS, "Remarks of the supervision group", None),
            (AgendaItem.Kind.CONCLUDING_SPEECH, "Concluding speech", hu),
        ]
        agenda = {}
        for order, (kind, title, presenter) in enumerate(items, start=1):
            agenda[kind] = self.get(
                AgendaItem,
                meeting=meeting,
                kind=kind,
                defaults={"order": order, "title": title, "presenter": presenter},
            )
        group_speech = self.get(
            Speech,
            meeting=meeting,
            kind=Speech.Kind.INSPECTION,
            speaker=hu,
            defaults={
                "agenda_item": agenda[AgendaItem.Kind.GROUP_INSPECTION],
                "title": "Comparison inspection on behalf of the party group",
                "summary": (
                    "On behalf of the party group, Hu Henghua conducted a comparative inspection to find out the "
                    "problems, analyse the reasons and propose rectification plans. Hu Henghua spoke first."
                ),
                "order": 1,
            },
        )
        del group_speech
        concluding = self.get(
            Speech,
            meeting=meeting,
            kind=Speech.Kind.CONCLUDING,
            speaker=hu,
            defaults={
                "agenda_item": agenda[AgendaItem.Kind.CONCLUDING_SPEECH],
                "title": "Concluding speech",
                "summary": (
                    "This democratic life meeting is the first held by the party leadership of the new municipal "
                    "government. The effective promotion of rectification measures is a profound ideological baptism, "
                    "political physical examination and party spirit tempering, very helpful for the party group to "
                    "enhance unity, improve work and fulfil its missions. Take this meeting as a new starting point."
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
            speaker_name="Supervision Group of the Municipal Party Committee",
            defaults={
                "agenda_item": agenda[AgendaItem.Kind.SUPERVISION_REMARKS],
                "title": "Remarks of the supervision group",
                "summary": "The meeting was well prepared, the theme was clear and criticism was frank.",
                "order": 2,
            },
        )
        individual = agenda[AgendaItem.Kind.INDIVIDUAL_INSPECTION]
        criticisms = [
            ("Hu Henghua", None, "My research at the grassroots has not always gone deep enough."),
            ("Zhou Wei", "Chen Jing", "Comrade Chen Jing should spend more time at the grassroots units she oversees."),
            ("Chen Jing", "Zhou Wei", "Comrade Zhou Wei sometimes holds too many coordination meetings."),
            ("Li Qiang", None, "I have relaxed my study of theory under the pressure of daily work."),
            ("Wang Min", "Li Qiang", "Comrade Li Qiang should follow up the approvals reform more closely."),
            ("Zhao Gang", None, "Documents issued by the general office are still too many and too long."),
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
                "title": "Comparison-inspection material of the party group of the municipal government",
                "problem_sections": sections(
                    {
                        0: "- Study of the Party's innovative theory was not always linked closely enough to practice.",
                        4: "- Formalism persists in some meetings and documents; burdens on the grassroots remain.",
                    }
                ),
                "problems": "",
                "causes": "Theoretical study was not deep enough; the sense of purpose weakened under daily pressure.",
                "measures": "1. Strengthen theoretical study.\n2. Cut meetings and documents by a fifth.",
                "status": InspectionMaterial.Status.APPROVED,
                "submitted_at": now,
                "approved_at": now,
            },
        )
        states = {
            "Hu Henghua": InspectionMaterial.Status.APPROVED,
            "Zhou Wei": InspectionMaterial.Status.APPROVED,
            "Chen Jing": InspectionMaterial.Status.APPROVED,
            "Li Qiang": InspectionMaterial.Status.APPROVED,
            "Wang Min": InspectionMaterial.Status.APPROVED,
            "Zhao Gang": InspectionMaterial.Status.APPROVED,
        }
        for member in group:
            self.get(
                InspectionMaterial,
                meeting=meeting,
                author=member,
                on_behalf_of_group=False,
                defaults={
                    "title": f"Personal comparison-inspection material of {member.name}",
                    "problem_sections": sections(
                        {
                            1: "- Did not always follow up the implementation of decisions to the end.",
                            3: "- Research at the grassroots was sometimes hurried.",
                        }  # fmt: skip
                    ),
                    "causes": "Relaxed the tempering of party spirit.",
                    "measures": "Study first, go to the grassroots more often, and follow each decision to the end.",
                    "status": states[member.name],
                    "submitted_at": now,
                    "approved_at": now,
                },
            )

    def district(self, district, committee, secretary2_user, member2_user, publisher_user):
        ma = self.member(
            "Ma Lei",
            district,
            role=Membership.Role.SECRETARY,
            posts="District Head, Secretary of the Party Group",
            user=secretary2_user,
            order=1,
        )
        sun = self.member(
            "Sun Li",
            district,
            posts="Deputy District Head, Member of the Party Group",
            gender="f",
            user=member2_user,
            order=2,
        )
        he = self.member("He Jun", district, posts="Deputy District Head, Member of the Party Group", order=3)
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
                    "title": f"{author.name} 对照检查材料",
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
