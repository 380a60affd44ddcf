"""The higher organisation and the supervision group (read-only oversight, sign-off, roll-up),
delegation (deputy, appointed staff, drafting for a presider without an account, who verifies),
rectification that follows from the record, and sign-in at the meeting with a QR code."""

import datetime
import time

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from materials import services as material_services
from materials.models import InspectionMaterial, MaterialSignOff
from meetings import services as meeting_services
from meetings.models import Attendance, Meeting, SupervisionAppointment
from meetings.sign_in import make_token
from members.models import Membership
from rectification import services as rectification_services
from rectification.models import Problem, RectificationItem

from .factories import (
    AgendaItemFactory,
    AttendanceFactory,
    ItemFactory,
    MaterialFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
)

S = InspectionMaterial.Status
I = RectificationItem.Status  # noqa: E741


def person(username, organisation, role=Membership.Role.MEMBER):
    user = UserFactory(username=username)
    member = MemberFactory(name=username.title(), user=user)
    MembershipFactory(member=member, organisation=organisation, role=role)
    return user


@pytest.fixture
def committee(db):
    return OrganisationFactory(name="Municipal Party Committee", kind="committee")


@pytest.fixture
def tree(committee, org, other_org):
    org.parent = committee
    org.save()
    other_org.parent = committee
    other_org.save()
    return committee


@pytest.fixture
def committee_secretary(tree):
    return person("committee", tree, Membership.Role.SECRETARY)


@pytest.fixture
def preparing(org):
    return MeetingFactory(organisation=org, status=Meeting.Status.PREPARING, aspects="Politics\nConduct")


# --- the higher organisation: read-only ------------------------------------------------------


def test_higher_organisation_reads_the_organisations_below_but_changes_nothing(
    client, committee_secretary, preparing, other_org, secretary
):
    submitted = MaterialFactory(meeting=preparing, status=S.SUBMITTED)
    draft = MaterialFactory(meeting=preparing, status=S.DRAFT)
    other_meeting = MeetingFactory(organisation=other_org)
    unrelated = MeetingFactory(organisation=OrganisationFactory(name="Elsewhere"))
    item = ItemFactory(plan=PlanFactory(meeting=preparing))
    client.force_login(committee_secretary)

    assert set(Meeting.objects.visible_to(committee_secretary)) == {preparing, other_meeting}
    assert client.get(preparing.get_absolute_url()).status_code == 200
    assert client.get(unrelated.get_absolute_url()).status_code == 404
    assert client.get(submitted.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404  # a draft is its author's alone
    assert client.get(item.get_absolute_url()).status_code == 200
    # Read-only: the secretary's pages and writes are refused.
    assert client.get(reverse("meetings:edit", args=[preparing.pk])).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_update(meeting=preparing, by=committee_secretary, data={"location": "Hall"})
    with pytest.raises(PermissionDenied):
        material_services.material_approve(material=submitted, by=committee_secretary)
    # The secretary below does not see up the tree.
    assert not Meeting.objects.visible_to(secretary).filter(organisation__name="Municipal Party Committee").exists()


def test_a_supervisor_reads_the_meeting_they_are_appointed_to_and_no_other(client, preparing, org):
    supervisor = UserFactory(username="supervisor")
    member = MemberFactory(name="Supervisor", user=supervisor)
    SupervisionAppointment.objects.create(meeting=preparing, member=member, role="leader", group_name="3rd group")
    other = MeetingFactory(organisation=org)
    material = MaterialFactory(meeting=preparing, status=S.SUBMITTED)
    client.force_login(supervisor)
    assert list(Meeting.objects.visible_to(supervisor)) == [preparing]
    page = client.get(preparing.get_absolute_url()).content.decode()
    assert "3rd group" in page
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(material.get_absolute_url()).status_code == 200


# --- sign-off --------------------------------------------------------------------------------


def test_the_higher_organisation_signs_off_a_material_before_the_meeting(client, committee_secretary, preparing):
    material = MaterialFactory(meeting=preparing, status=S.SUBMITTED, author__name="Wang")
    client.force_login(committee_secretary)
    response = client.post(reverse("materials:sign_off", args=[material.pk]), {"decision": "needs_changes"})
    assert response.status_code == 400
    assert "Say what needs to change." in response.content.decode()
    assert not MaterialSignOff.objects.exists()

    response = client.post(
        reverse("materials:sign_off", args=[material.pk]),
        {"decision": "needs_changes", "comment": "Name the problems more concretely."},
    )
    assert response.status_code == 302
    sign_off = MaterialSignOff.objects.get()
    assert sign_off.reviewer == committee_secretary and sign_off.capacity == "Municipal Party Committee"
    page = client.get(material.get_absolute_url()).content.decode()
    assert "Name the problems more concretely." in page and "needs changes" in page
    listing = client.get(reverse("materials:meeting_list", args=[preparing.pk])).content.decode()
    assert "needs changes" in listing and "Committee" in listing
    material.refresh_from_db()
    assert material.status == S.SUBMITTED  # the sign-off does not change the secretary's review


def test_sign_off_is_refused_to_members_and_after_the_meeting(client, committee_secretary, member_user, preparing):
    material = MaterialFactory(meeting=preparing, status=S.APPROVED)
    with pytest.raises(PermissionDenied):
        material_services.material_sign_off(material=material, by=member_user, decision="agreed")
    preparing.status = Meeting.Status.HELD
    preparing.save()
    with pytest.raises(PermissionDenied):
        material_services.material_sign_off(material=material, by=committee_secretary, decision="agreed")


# --- roll-up ---------------------------------------------------------------------------------


def _rollup_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("rectification:rollup"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def _organisation_with_a_meeting(parent, n):
    organisation = OrganisationFactory(name=f"Branch {n:02d}", parent=parent)
    meeting = MeetingFactory(organisation=organisation, status=Meeting.Status.PREPARING)
    for _ in range(2):
        AttendanceFactory(meeting=meeting, role=Attendance.Role.PARTICIPANT)
    MaterialFactory(meeting=meeting, status=S.APPROVED)
    MaterialFactory(meeting=meeting, status=S.SUBMITTED)
    plan = PlanFactory(meeting=meeting)
    ItemFactory(plan=plan, status=I.OPEN, deadline=datetime.date(2000, 1, 1))
    ItemFactory(plan=plan, status=I.VERIFIED)
    return organisation


def test_the_roll_up_counts_each_organisation_below_with_constant_queries(client, committee_secretary, tree):
    client.force_login(committee_secretary)
    _organisation_with_a_meeting(tree, 1)
    few, _ = _rollup_queries(client)
    for n in range(2, 8):
        _organisation_with_a_meeting(tree, n)
    many, response = _rollup_queries(client)
    assert few == many
    rows = {row.organisation.name: row for row in response.context["rows"]}
    row = rows["Branch 05"]
    assert (row.materials_approved, row.materials_expected) == (1, 3)
    assert (row.items_open, row.items_overdue, row.items_verified) == (1, 1, 1)
    assert row.meeting.status == Meeting.Status.PREPARING
    body = response.content.decode()
    assert "1 of 3" in body and "Branch 07" in body


def test_the_roll_up_is_not_for_a_plain_secretary_or_member(client, secretary, member_user):
    for user in (secretary, member_user):
        client.force_login(user)
        assert client.get(reverse("rectification:rollup")).status_code == 404


# --- delegation ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Membership.Role.DEPUTY_SECRETARY, Membership.Role.STAFF])
def test_a_deputy_or_appointed_staff_does_the_secretarys_work(role, org, preparing):
    helper = person("helper", org, role)
    meeting_services.meeting_update(meeting=preparing, by=helper, data={"location": "Room 2"})
    preparing.refresh_from_db()
    assert preparing.location == "Room 2"


def test_the_secretary_drafts_the_groups_material_for_a_presider_without_an_account(client, secretary, org):
    presider = MemberFactory(name="Hu", user=None)
    MembershipFactory(member=presider, organisation=org, role=Membership.Role.SECRETARY)
    meeting = MeetingFactory(organisation=org, presider=presider, status=Meeting.Status.PREPARING)
    client.force_login(secretary)
    listing = client.get(reverse("materials:meeting_list", args=[meeting.pk])).content.decode()
    assert "Draft the group&#x27;s material for Hu" in listing or "Draft the group's material for Hu" in listing
    response = client.post(reverse("materials:draft_for_presider", args=[meeting.pk]))
    material = InspectionMaterial.objects.get(meeting=meeting)
    assert response["Location"] == reverse("materials:edit", args=[material.pk])
    assert material.author == presider and material.on_behalf_of_group and material.drafted_by == secretary
    text = material_services.MaterialText(
        title="Group material",
        problem_sections=[],
        problems="- Study was not deep enough.",
        causes="Relaxed.",
        measures="- Study each month.",
    )
    material_services.material_submit(material=material, by=secretary, text=text, version=material.version)
    material.refresh_from_db()
    assert material.status == S.SUBMITTED
    page = client.get(material.get_absolute_url()).content.decode()
    assert "Drafted on behalf of Hu by" in page


def test_drafting_for_a_presider_who_has_an_account_is_refused(secretary, org):
    presider = MemberFactory(name="Li", user=UserFactory(username="li"))
    meeting = MeetingFactory(organisation=org, presider=presider)
    with pytest.raises(PermissionDenied):
        material_services.material_draft_for_presider(meeting=meeting, by=secretary)


def test_an_item_is_verified_by_the_deputy_never_by_its_owner(client, secretary, org, preparing):
    deputy = person("deputy", org, Membership.Role.DEPUTY_SECRETARY)
    owner = secretary.member
    item = ItemFactory(plan=PlanFactory(meeting=preparing), responsible_member=owner, status=I.DONE)
    with pytest.raises(ValidationError):
        rectification_services.item_verify(item=item, by=secretary, confirmed=True)
    client.force_login(secretary)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Who can verify it" in page and "Deputy" in page
    rectification_services.item_verify(item=item, by=deputy, confirmed=True)
    item.refresh_from_db()
    assert item.status == I.VERIFIED


def test_the_higher_organisations_secretary_verifies_when_the_secretary_is_responsible(
    committee_secretary, secretary, preparing
):
    item = ItemFactory(plan=PlanFactory(meeting=preparing), responsible_member=secretary.member, status=I.DONE)
    rectification_services.item_verify(item=item, by=committee_secretary, confirmed=True)
    item.refresh_from_db()
    assert item.status == I.VERIFIED


def test_an_item_nobody_else_could_verify_is_refused(secretary, preparing):
    plan = PlanFactory(meeting=preparing)
    with pytest.raises(ValidationError) as error:
        rectification_services.item_create(
            plan=plan, by=secretary, measure="Study", type="deadline", responsible_member=secretary.member
        )
    assert "Nobody but Secretary could verify" in str(error.value)


# --- rectification from the record ----------------------------------------------------------


def test_a_problem_listed_in_an_approved_material_becomes_a_proposed_item_in_one_click(client, secretary, preparing):
    material = MaterialFactory(
        meeting=preparing,
        status=S.APPROVED,
        problem_sections=[
            {"aspect": "Politics", "text": "1. Theory study was not deep enough.\n2. Research was hurried."},
            {"aspect": "Conduct", "text": "- Meetings were too many."},
        ],
        problems="",
        measures="1. Study every month.\n2. Spend 20 days at the grassroots.\n3. Halve the meetings.",
    )
    client.force_login(secretary)
    page = client.get(material.get_absolute_url()).content.decode()
    assert page.count("Propose a rectification item") == 3
    response = client.post(reverse("rectification:problem_from_material", args=[material.pk]), {"index": 1})
    problem = Problem.objects.get()
    assert (problem.aspect, problem.description, problem.material) == ("Politics", "Research was hurried.", material)
    assert response["Location"] == reverse("rectification:item_create") + f"?problem={problem.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form.initial["measure"] == "Spend 20 days at the grassroots."
    assert form.initial["responsible_member"] == material.author_id
    # The same click again gives the same problem.
    client.post(reverse("rectification:problem_from_material", args=[material.pk]), {"index": 1})
    assert Problem.objects.count() == 1


def test_a_problems_aspect_is_chosen_from_the_meetings_aspects(client, secretary, preparing):
    client.force_login(secretary)
    url = reverse("rectification:problem_create") + f"?meeting={preparing.pk}"
    form = client.get(url).context["form"]
    values = [value for value, _label in form.fields["aspect"].choices]
    assert "Politics" in values and "Conduct" in values
    response = client.post(
        url, {"meeting": preparing.pk, "source": "self_inspection", "aspect": "Invented", "description": "X"}
    )
    assert response.status_code == 200 and not Problem.objects.exists()


def test_agenda_item_one_says_plainly_when_there_was_nothing_to_report(client, secretary, org):
    previous = MeetingFactory(organisation=org, held_on=datetime.date(2022, 1, 10), status=Meeting.Status.CLOSED)
    meeting = MeetingFactory(organisation=org, previous_meeting=previous)
    AgendaItemFactory(meeting=meeting, kind="previous_rectification", title="Report on rectification")
    client.force_login(secretary)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Nothing to report: the previous meeting" in page
    assert reverse("rectification:report_back", args=[meeting.pk]) in page


# --- sign-in at the meeting ------------------------------------------------------------------


def test_members_sign_in_with_the_qr_code_and_the_secretary_sees_them(client, secretary, member_user, preparing):
    client.force_login(secretary)
    page = client.get(reverse("meetings:sign_in", args=[preparing.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    url = page.context["sign_in_url"]
    client.force_login(member_user)
    confirm = client.get(url)
    assert confirm.status_code == 200 and "I am here" in confirm.content.decode()
    done = client.post(url)
    assert "You are signed in" in done.content.decode()
    attendance = Attendance.objects.get(meeting=preparing, member=member_user.member)
    assert attendance.status == Attendance.Status.PRESENT and attendance.signed_in_at is not None
    client.force_login(secretary)
    live = client.get(reverse("meetings:sign_in_live", args=[preparing.pk])).content.decode()
    assert "Member" in live and "1 member has signed in" in live


def test_an_old_or_forged_code_or_an_outsider_is_refused(client, monkeypatch, member_user, other_member, preparing):
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 3 * 3600)  # a code shown three hours ago
    stale = make_token(preparing)
    monkeypatch.undo()
    forged = signing.TimestampSigner(salt="another-salt").sign(str(preparing.pk))
    client.force_login(member_user)
    for token in (stale, forged, "nonsense"):
        response = client.post(reverse("meetings:sign_in_scan", args=[preparing.pk, token]))
        assert response.status_code == 400
    assert not Attendance.objects.exists()
    client.force_login(other_member)
    response = client.post(reverse("meetings:sign_in_scan", args=[preparing.pk, make_token(preparing)]))
    assert response.status_code == 403 and "not a member" in response.content.decode()
    assert not Attendance.objects.exists()


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_has_the_municipal_committee_above_both_groups_with_its_supervision_group(
    client, db, settings, monkeypatch
):
    from django.core.management import call_command

    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))  # a rerun adds nothing
    assert client.login(username="committee", password="demo-pass-for-tests")
    response = client.get(reverse("rectification:rollup"))
    names = [row.organisation.name for row in response.context["rows"]]
    assert names == sorted(["中共重庆市人民政府党组", "中共重庆市渝中区人民政府党组"])
    assert MaterialSignOff.objects.filter(decision="agreed").count() == 1
    assert MaterialSignOff.objects.filter(decision="needs_changes").count() == 1
    seed = Meeting.objects.get(title="市政府党组2022年度民主生活会")
    assert seed.supervisors.get().member.name == "刘明"
    assert client.login(username="supervisor", password="demo-pass-for-tests")
    assert client.get(seed.get_absolute_url()).status_code == 200
    assert Membership.objects.filter(role=Membership.Role.DEPUTY_SECRETARY, member__user__username="secretary").exists()


def test_the_higher_organisation_appoints_the_supervision_group(
    client, committee_secretary, tree, preparing, secretary
):
    inspector = MemberFactory(name="Inspector Liu", user=UserFactory(username="liu"))
    MembershipFactory(member=inspector, organisation=tree)
    url = reverse("meetings:supervisors", args=[preparing.pk])
    client.force_login(secretary)
    assert client.get(url).status_code == 403  # the group's own secretary does not appoint its supervisors
    client.force_login(committee_secretary)
    response = client.post(url, {"member": inspector.pk, "role": "leader", "group_name": "Third group"})
    assert response.status_code == 302
    appointment = SupervisionAppointment.objects.get(meeting=preparing)
    assert appointment.member == inspector and appointment.appointed_by == tree
    client.force_login(inspector.user)
    assert client.get(preparing.get_absolute_url()).status_code == 200
    client.force_login(committee_secretary)
    client.post(url, {"remove": appointment.pk})
    assert not SupervisionAppointment.objects.exists()
