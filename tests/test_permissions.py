"""Each permission question is answered once: on the demo data, for every role, the list
filter (the queryset) and the single-object check give the same answer for every row."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.management import call_command

from materials import permissions as material_permissions
from materials.models import InspectionMaterial
from meetings import permissions as meeting_permissions
from meetings.models import Attendance, Meeting
from members.models import Membership
from members.permissions import is_publisher, is_secretary_of, member_for, secretary_organisation_ids
from members.roles import PUBLISHERS_GROUP, SECRETARIES_GROUP, setup_role_groups
from members.selectors import current_members, organisations_managed_by
from notices import permissions as notice_permissions
from notices.models import Notice
from rectification import permissions as rectification_permissions
from rectification.models import Problem, RectificationItem, RectificationPlan

from .factories import AttendanceFactory, MaterialFactory, MemberFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "secretary", "member", "publisher", "secretary2", "member2", None]


@pytest.fixture
def demo_users(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=open("/dev/null", "w"))
    users = {name: get_user_model().objects.get(username=name) for name in ROLES if name}
    users[None] = AnonymousUser()
    return users


def _fresh(user):
    """The same user without the answers cached on the object by an earlier check."""
    if not user.is_authenticated:
        return user
    return get_user_model().objects.get(pk=user.pk)


CHECKS = [
    # (model, the list filter, the single-object check)
    (Meeting, lambda user: Meeting.objects.visible_to(user), meeting_permissions.can_read_meeting),
    (Meeting, lambda user: Meeting.objects.managed_by(user), meeting_permissions.can_manage_meeting),
    (
        Meeting,
        lambda user: Meeting.objects.attended_by(member_for(user)),
        lambda user, meeting: meeting_permissions.is_attendee(member_for(user), meeting),
    ),
    (InspectionMaterial, lambda user: InspectionMaterial.objects.visible_to(user), material_permissions.can_read),
    (Notice, lambda user: Notice.objects.visible_to(user), notice_permissions.can_read),
    (
        RectificationItem,
        lambda user: RectificationItem.objects.visible_to(user),
        rectification_permissions.can_read_item,
    ),
    (
        RectificationPlan,
        lambda user: RectificationPlan.objects.visible_to(user),
        rectification_permissions.can_read_plan,
    ),
    (Problem, lambda user: Problem.objects.visible_to(user), rectification_permissions.can_read_problem),
]


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_every_queryset_filter_agrees_with_its_instance_check(demo_users, role):
    user = demo_users[role]
    disagreements = []
    for number, (model, listed, check) in enumerate(CHECKS):
        in_list = set(listed(_fresh(user)).values_list("pk", flat=True))
        for obj in model.objects.all():
            if (obj.pk in in_list) != bool(check(_fresh(user), obj)):
                disagreements.append((number, model.__name__, obj.pk, obj.pk in in_list))
    assert disagreements == []


def test_the_demo_roles_see_what_their_role_gives_them(demo_users):
    """The agreement above is not agreement on nothing: each role sees its own share."""
    secretary, member, secretary2 = demo_users["secretary"], demo_users["member"], demo_users["secretary2"]
    municipal = set(Meeting.objects.managed_by(secretary).values_list("organisation__name", flat=True))
    district = set(Meeting.objects.managed_by(secretary2).values_list("organisation__name", flat=True))
    assert municipal and district and not municipal & district
    assert Meeting.objects.visible_to(member).exists()
    assert not Meeting.objects.managed_by(member).exists()
    assert not Meeting.objects.visible_to(AnonymousUser()).exists()
    assert InspectionMaterial.objects.visible_to(secretary).exists()
    assert (
        not InspectionMaterial.objects.visible_to(secretary2)
        .filter(meeting__in=Meeting.objects.managed_by(secretary))
        .exists()
    )
    assert Meeting.objects.visible_to(demo_users["admin"]).count() == Meeting.objects.count()


def test_the_presider_reads_the_approved_materials_of_the_meeting_they_presided(meeting, secretary, member_user):
    """Who attends a meeting is written once: the attendance sheet, or the presider."""
    presider_user = UserFactory(username="presider")
    presider = MemberFactory(name="Presider", user=presider_user)
    MembershipFactory(member=presider, organisation=meeting.organisation)
    meeting.presider = presider
    meeting.save()
    AttendanceFactory(meeting=meeting, member=member_user.member, role=Attendance.Role.PARTICIPANT)
    approved = MaterialFactory(meeting=meeting, author=member_user.member, status=InspectionMaterial.Status.APPROVED)
    other = MemberFactory(name="Colleague")
    AttendanceFactory(meeting=meeting, member=other, role=Attendance.Role.PARTICIPANT)
    draft = MaterialFactory(meeting=meeting, author=other, status=InspectionMaterial.Status.DRAFT)

    assert not Attendance.objects.filter(meeting=meeting, member=presider).exists()
    visible = set(InspectionMaterial.objects.visible_to(presider_user))
    assert approved in visible and draft not in visible
    assert material_permissions.can_read(presider_user, approved)
    assert not material_permissions.can_read(presider_user, draft)
    assert meeting in Meeting.objects.visible_to(presider_user)


def test_a_secretary_is_not_a_publisher_but_the_permission_makes_one(secretary):
    setup_role_groups(Group, Permission)
    secretary.groups.add(Group.objects.get(name=SECRETARIES_GROUP))
    assert not is_publisher(_fresh(secretary))
    secretary.user_permissions.add(Permission.objects.get(codename="publish_notice"))
    assert is_publisher(_fresh(secretary))


def test_the_publishers_group_carries_the_publish_permission(db):
    setup_role_groups(Group, Permission)
    user = UserFactory(username="someone")
    assert not is_publisher(user)
    user.groups.add(Group.objects.get(name=PUBLISHERS_GROUP))
    assert is_publisher(_fresh(user))
    assert _fresh(user).has_perm("notices.publish_notice")


def test_a_membership_is_current_from_its_start_to_its_end(org, settings):
    """Membership.is_current and Membership.objects.current() say the same of every row."""
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    dates = [
        (None, None),
        (today - day, None),
        (today + day, None),
        (None, today - day),
        (None, today),
        (today - day, today + day),
    ]
    rows = []
    for number, (start, end) in enumerate(dates):
        member = MemberFactory(name=f"Member {number}")
        rows.append(MembershipFactory(member=member, organisation=org, start_date=start, end_date=end))
    current = set(Membership.objects.filter(pk__in=[r.pk for r in rows]).current())
    assert {r for r in rows if r.is_current} == current
    assert [r.is_current for r in rows] == [True, True, False, False, True, True]


def test_a_future_secretary_does_not_manage_yet(org):
    import datetime

    from django.utils import timezone

    user = UserFactory(username="incoming")
    member = MemberFactory(name="Incoming", user=user)
    MembershipFactory(
        member=member,
        organisation=org,
        role=Membership.Role.SECRETARY,
        start_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    assert secretary_organisation_ids(user) == set()
    assert not is_secretary_of(user, org.pk)
    assert not organisations_managed_by(user).exists()
    assert member not in current_members([org.pk])


def test_secretaries_hold_no_permission_on_the_audit_log_or_feed_keys(demo_users):
    group = Group.objects.get(name=SECRETARIES_GROUP)
    held = set(group.permissions.values_list("content_type__model", flat=True))
    assert "meeting" in held and "inspectionmaterial" in held
    assert not held & {"auditevent", "feedkey"}
    assert not group.permissions.filter(codename="publish_notice").exists()


def _reads_material(user, material) -> bool:
    """The materials rule in plain words: the author always; the meeting's secretaries once it is
    submitted; everyone on the attendance sheet, and the presider, once it is approved."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    member = member_for(user)
    meeting = material.meeting
    if member is not None and material.author_id == member.pk:
        return True
    manages = Membership.objects.current().secretaries().filter(member__user=user, organisation=meeting.organisation)
    if manages.exists() and material.status != InspectionMaterial.Status.DRAFT:
        return True
    attends = member is not None and (
        meeting.presider_id == member.pk or meeting.attendances.filter(member=member).exists()
    )
    return attends and material.status == InspectionMaterial.Status.APPROVED


def _reads_item(user, item) -> bool:
    """The items rule in plain words: the plan's secretaries, the responsible member and leader."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    member = member_for(user)
    if member is not None and member.pk in (item.responsible_member_id, item.responsible_leader_id):
        return True
    return (
        Membership.objects.current()
        .secretaries()
        .filter(member__user=user, organisation_id=item.plan.organisation_id)
        .exists()
    )


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_the_filters_say_what_the_rules_say_in_plain_words(demo_users, role):
    """Checked against the rule written out by hand, not against the filter itself."""
    user = demo_users[role]
    for model, listed, rule in [
        (InspectionMaterial, InspectionMaterial.objects.visible_to, _reads_material),
        (RectificationItem, RectificationItem.objects.visible_to, _reads_item),
    ]:
        rows = list(model.objects.all())
        assert rows, f"the demo has no {model.__name__}"
        expected = {obj.pk for obj in rows if rule(_fresh(user), obj)}
        assert set(listed(_fresh(user)).values_list("pk", flat=True)) == expected, model.__name__


def test_every_checked_model_has_demo_rows_and_no_role_but_admin_sees_all(demo_users):
    """The agreement test above runs over real rows, and the rules do keep something from someone."""
    for model, listed, _check in CHECKS:
        total = model.objects.count()
        assert total, f"the demo has no {model.__name__}"
        for role in ["member", "member2", "secretary2"]:
            assert listed(_fresh(demo_users[role])).count() < total, (model.__name__, role)
