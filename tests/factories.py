import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Max

from materials.models import InspectionMaterial
from meetings.models import AgendaItem, Attendance, CriticismRecord, KeyPoint, Meeting, Speech
from members.models import Member, Membership, Organisation
from members.roles import PUBLISHERS_GROUP, setup_role_groups
from notices.models import Notice
from rectification.models import Problem, ProgressReport, RectificationItem, RectificationPlan


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def publisher(obj, create, extracted, **kwargs):
        if extracted:
            setup_role_groups(Group, Permission)  # a transactional test's flush removes them
            obj.groups.add(Group.objects.get(name=PUBLISHERS_GROUP))
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Party group {n}")
    kind = Organisation.Kind.PARTY_GROUP
    source_organ = factory.LazyAttribute(lambda o: f"{o.name} press office")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"Member {n}")
    gender = Member.Gender.MALE
    posts = "Member of the Party Group"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Meeting.Kind.DEMOCRATIC_LIFE
    year = 2022
    theme = "Study and implement the spirit of the 20th National Congress"
    held_on = datetime.date(2023, 1, 30)
    location = "Conference Room 1"
    status = Meeting.Status.PLANNED


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class SpeechFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speech

    meeting = factory.SubFactory(MeetingFactory)
    kind = Speech.Kind.CONCLUDING
    title = "Concluding speech"


class KeyPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPoint

    speech = factory.SubFactory(SpeechFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Key point {n}")


class CriticismFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriticismRecord

    meeting = factory.SubFactory(MeetingFactory)
    from_member = factory.SubFactory(MemberFactory)
    content = "Should go to the grassroots more often."


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionMaterial

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.SubFactory(MemberFactory)
    problems = "- Research not deep enough."
    causes = "Relaxed study."
    measures = "Study more."


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"The party group holds meeting {n}")
    slug = factory.Sequence(lambda n: f"notice-{n}")
    body = "The party group held its democratic life meeting."
    dateline = datetime.date(2023, 1, 31)


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    meeting = factory.SubFactory(MeetingFactory)
    description = factory.Sequence(lambda n: f"Problem {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationPlan

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.LazyAttribute(lambda o: o.meeting.organisation)
    title = factory.Sequence(lambda n: f"Rectification plan {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RectificationItem

    plan = factory.SubFactory(PlanFactory)
    problem = factory.SubFactory(ProblemFactory, meeting=factory.SelfAttribute("..plan.meeting"))
    # The plan's next free number: numbers are unique per plan (a database constraint).
    number = factory.LazyAttribute(
        lambda o: (o.plan.items.aggregate(last=Max("number"))["last"] or 0) + 1 if o.plan.pk else 1
    )
    measure = factory.Sequence(lambda n: f"Measure {n}")
    responsible_member = factory.SubFactory(MemberFactory)
    deadline = datetime.date(2023, 6, 30)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    item = factory.SubFactory(ItemFactory)
    text = "Progress"
    percent = 50
