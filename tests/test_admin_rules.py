"""The back office refuses what the pages refuse: drafts, other people's text, live notices,
closed meetings and items, service-only writes, unchecked uploads; memberships keep history and
role changes are audited; past versions are read, never reverted."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Attendance, Meeting, SolicitedOpinion
from members.models import Membership
from members.roles import PUBLISHERS_GROUP, SECRETARIES_GROUP, setup_role_groups
from notices.models import Notice, NoticeImage
from rectification.models import ProgressReport, RectificationItem

from .admin_forms import change_form, form_data, with_values
from .factories import (
    AttendanceFactory,
    ItemFactory,
    MaterialFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    NoticeFactory,
    PlanFactory,
)
from .url_auth.admin import PNG_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


S = RectificationItem.Status
SAVE = {"_save": "Save"}


def _staff(user, group=SECRETARIES_GROUP):
    setup_role_groups(Group, Permission)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


def _url(obj, view="change", *args):
    info = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}"
    return reverse(info, args=[obj.pk, *args] if obj.pk else args)


def _add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def _errors(response) -> str:
    return str(response.context["adminform"].form.errors) if response.context else ""


# --- materials: the author's text -----------------------------------------------------------------


def test_a_members_draft_is_not_in_the_back_office(client, secretary, meeting, member_user):
    _staff(secretary)
    draft = MaterialFactory(meeting=meeting, author=member_user.member, title="My draft", problems="secret draft text")
    client.force_login(secretary)
    assert "My draft" not in client.get(reverse("admin:materials_inspectionmaterial_changelist")).content.decode()
    assert client.get(_url(draft)).status_code == 302  # "does not exist", back to the index
    assert client.get(_url(draft, "history")).status_code == 404
    version = draft.history.first().history_id
    assert client.get(_url(draft, "simple_history", version)).status_code == 404


def test_a_submitted_material_is_read_only_and_its_draft_versions_stay_hidden(client, secretary, meeting, member_user):
    _staff(secretary)
    material = MaterialFactory(meeting=meeting, author=member_user.member, problems="secret draft text")
    draft_version = material.history.first().history_id
    material.problems = "What I submitted"
    material.status = InspectionMaterial.Status.SUBMITTED
    material.save()
    client.force_login(secretary)
    page = client.get(_url(material)).content.decode()
    assert "What I submitted" in page and 'name="problems"' not in page
    response = client.post(_url(material), {**form_data(page), "problems": "Rewritten by the secretary", **SAVE})
    assert response.status_code == 403
    material.refresh_from_db()
    assert material.problems == "What I submitted" and material.history.first().history_user is None
    history = client.get(_url(material, "history")).content.decode()
    assert _url(material, "simple_history", material.history.first().history_id) in history
    assert _url(material, "simple_history", draft_version) not in history and "secret draft text" not in history
    assert client.get(_url(material, "simple_history", draft_version)).status_code == 404


def test_a_secretary_does_not_rewrite_a_members_progress_report(client, secretary, meeting, member_user):
    _staff(secretary)
    item = ItemFactory(plan=PlanFactory(meeting=meeting), responsible_member=member_user.member)
    report = ProgressReport.objects.create(item=item, text="What I did", percent=40, author=member_user)
    client.force_login(secretary)
    page = client.get(_url(report)).content.decode()
    assert 'name="text"' not in page
    assert client.post(_url(report), {"text": "What they should have done", **SAVE}).status_code == 403
    report.refresh_from_db()
    assert report.text == "What I did"


# --- notices: live for publishers only, images through the validator --------------------------------


def test_a_live_notice_is_read_only_for_a_secretary_who_does_not_publish(client, secretary, org, publisher):
    _staff(secretary)
    live = NoticeFactory(organisation=org, status=Notice.Status.PUBLISHED, publish_at=timezone.now(), title="Live")
    client.force_login(secretary)
    page = client.get(_url(live)).content.decode()
    assert 'name="title"' not in page
    data = form_data(page)
    assert client.post(_url(live), {**data, "title": "Rewritten", **SAVE}).status_code == 403
    live.refresh_from_db()
    assert live.title == "Live"

    draft = NoticeFactory(organisation=org, status=Notice.Status.DRAFT, title="Draft")
    data = change_form(client, _url(draft))
    assert client.post(_url(draft), {**data, "title": "Draft, mended", **SAVE}).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Draft, mended" and draft.version == 2  # the admin's save moves the version on

    _staff(publisher, PUBLISHERS_GROUP)
    client.force_login(publisher)
    data = change_form(client, _url(live))
    assert client.post(_url(live), {**data, "title": "Corrected by the publisher", **SAVE}).status_code == 302
    live.refresh_from_db()
    assert live.title == "Corrected by the publisher"


def test_a_notice_saved_meanwhile_is_not_overwritten_from_the_admin(client, secretary, org):
    _staff(secretary)
    notice = NoticeFactory(organisation=org, status=Notice.Status.DRAFT, title="First")
    client.force_login(secretary)
    data = change_form(client, _url(notice))
    Notice.objects.filter(pk=notice.pk).update(title="Saved elsewhere", version=notice.version + 1)
    response = client.post(_url(notice), {**data, "title": "Mine", **SAVE})
    assert response.status_code == 200 and "Someone else saved this notice" in response.content.decode()
    assert 'value="Mine"' in response.content.decode()  # the user's text is still in the form
    notice.refresh_from_db()
    assert notice.title == "Saved elsewhere"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><body><script>alert(1)</script></body></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("photo.png", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_a_notice_image_that_is_not_an_image_is_refused(client, superuser, org, name, content):
    notice = NoticeFactory(organisation=org)
    client.force_login(superuser)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(_add_url(NoticeImage), {"notice": notice.pk, "image": upload, "caption": "x", **SAVE})
    assert response.status_code == 200 and "image" in response.context["adminform"].form.errors
    assert not NoticeImage.objects.exists()


def test_a_notice_image_is_stored_under_a_name_of_its_own(client, secretary, org):
    _staff(secretary)
    notice = NoticeFactory(organisation=org)
    client.force_login(secretary)
    upload = SimpleUploadedFile("innocent.html", PNG_BYTES, content_type="text/html")
    response = client.post(_add_url(NoticeImage), {"notice": notice.pk, "image": upload, "caption": "x", **SAVE})
    assert response.status_code == 302, _errors(response)
    image = NoticeImage.objects.get()
    assert image.image.name.endswith(".png") and "innocent" not in image.image.name


def test_no_image_is_added_to_a_live_notice_by_a_secretary(client, secretary, org):
    _staff(secretary)
    live = NoticeFactory(organisation=org, status=Notice.Status.PUBLISHED, publish_at=timezone.now())
    client.force_login(secretary)
    upload = SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")
    response = client.post(_add_url(NoticeImage), {"notice": live.pk, "image": upload, "caption": "x", **SAVE})
    assert response.status_code == 200 and "notice" in response.context["adminform"].form.errors
    assert not NoticeImage.objects.exists()


# --- meetings: a closed record ------------------------------------------------------------------


def test_the_attendance_of_a_closed_meeting_is_read_only(client, secretary, org, member_user, other_member_user):
    _staff(secretary)
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.CLOSED)
    row = AttendanceFactory(meeting=meeting, member=member_user.member)
    client.force_login(secretary)
    page = client.get(_url(row)).content.decode()
    assert 'name="status"' not in page
    response = client.post(_url(row), {**form_data(page), "status": "absent", "reason": "Ill", **SAVE})
    assert response.status_code == 403

    data = {
        "meeting": meeting.pk,
        "member": other_member_user.member.pk,
        "role": "participant",
        "status": "present",
        "order": 2,
        **SAVE,
    }
    response = client.post(_add_url(Attendance), data)
    assert response.status_code == 200 and "closed" in str(response.context["adminform"].form.errors["meeting"])

    page = change_form(client, _url(meeting))
    assert "attendances-__prefix__-member" not in page
    total = int(page["attendances-TOTAL_FORMS"][0])
    crafted = with_values(
        {**page, "attendances-TOTAL_FORMS": str(total + 1)},
        {"member": other_member_user.member, "role": "participant", "status": "present", "order": "3"},
        prefix=f"attendances-{total}-",
    )
    client.post(_url(meeting), {**crafted, **SAVE})
    assert list(meeting.attendances.values_list("member_id", "status")) == [(member_user.member.pk, "present")]


def test_a_meeting_saved_in_the_admin_moves_its_version_on_and_a_stale_form_is_refused(client, secretary, meeting):
    _staff(secretary)
    client.force_login(secretary)
    data = change_form(client, _url(meeting))
    assert client.post(_url(meeting), {**data, "location": "Room 2", **SAVE}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.location, meeting.version) == ("Room 2", 2)
    response = client.post(_url(meeting), {**data, "location": "Room 3, from the old form", **SAVE})
    assert response.status_code == 200 and "Someone else saved this meeting" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.location, meeting.version) == ("Room 2", 2)


def test_an_opinion_added_under_its_solicitation_belongs_to_its_meeting(client, superuser, meeting):
    activity = meeting.preparation_activities.create(kind="opinion_solicitation", title="Soliciting")
    client.force_login(superuser)
    page = change_form(client, _url(activity))
    data = with_values(
        {k: v for k, v in page.items() if "__prefix__" not in k} | {"opinions-TOTAL_FORMS": "1"},
        {"source": "Grassroots units", "content": "Go down more often"},
        prefix="opinions-0-",
    )
    assert client.post(_url(activity), {**data, **SAVE}).status_code == 302
    assert SolicitedOpinion.objects.get().meeting == meeting


# --- rectification: items through the services -----------------------------------------------------


def test_a_secretary_cannot_make_their_own_item_verified(client, secretary, meeting):
    _staff(secretary)
    item = ItemFactory(plan=PlanFactory(meeting=meeting), responsible_member=secretary.member, status=S.DONE)
    client.force_login(secretary)
    data = change_form(client, _url(item))
    assert "status" not in data
    client.post(_url(item), {**data, "status": "verified", "verified_at": "2023-05-01 10:00", **SAVE})
    changelist = reverse("admin:rectification_rectificationitem_changelist")
    response = client.post(changelist, {"action": "verify", "_selected_action": [item.pk]}, follow=True)
    assert "another secretary must verify it" in response.content.decode()
    item.refresh_from_db()
    assert item.status == S.DONE and not item.verifications.exists()


@pytest.mark.parametrize("who", ["secretary", "superuser"])
def test_a_closed_item_is_read_only(client, request, meeting, who):
    user = request.getfixturevalue(who)
    if who == "secretary":
        _staff(user)
    item = ItemFactory(plan=PlanFactory(meeting=meeting), status=S.VERIFIED, measure="Done and verified")
    client.force_login(user)
    page = client.get(_url(item)).content.decode()
    assert 'name="measure"' not in page
    assert client.post(_url(item), {**form_data(page), "measure": "Changed after the fact", **SAVE}).status_code == 403
    item.refresh_from_db()
    assert item.measure == "Done and verified"


def test_an_item_saved_in_the_admin_moves_its_version_on_and_a_stale_form_is_refused(
    client, secretary, meeting, member_user
):
    _staff(secretary)
    MembershipFactory(member=MemberFactory(name="Responsible"), organisation=meeting.organisation)
    item = ItemFactory(plan=PlanFactory(meeting=meeting), responsible_member=member_user.member, measure="First")
    client.force_login(secretary)
    data = change_form(client, _url(item))
    assert client.post(_url(item), {**data, "measure": "Second", **SAVE}).status_code == 302
    item.refresh_from_db()
    assert (item.measure, item.version) == ("Second", 2)
    assert item.history.first().history_user == secretary

    response = client.post(_url(item), {**data, "measure": "Third, from the old form", **SAVE})
    assert response.status_code == 200 and "Someone else saved this rectification item" in response.content.decode()
    item.refresh_from_db()
    assert (item.measure, item.version) == ("Second", 2)


def test_an_item_added_in_the_admin_is_created_by_the_service(client, secretary, meeting, member_user):
    _staff(secretary)
    plan = PlanFactory(meeting=meeting)
    ItemFactory(plan=plan, responsible_member=member_user.member)
    client.force_login(secretary)
    page = {k: v for k, v in change_form(client, _add_url(RectificationItem)).items() if "__prefix__" not in k}
    data = {
        **page,
        "plan": plan.pk,
        "measure": "Added in the back office",
        "type": "long_term",
        "responsible_member": member_user.member.pk,
        **SAVE,
    }
    response = client.post(_add_url(RectificationItem), data)
    assert response.status_code == 302, _errors(response)
    item = RectificationItem.objects.get(measure="Added in the back office")
    assert (item.number, item.version) == (2, 1)
    assert item.history.first().history_user == secretary


def test_the_plans_item_rows_add_nothing(client, superuser, meeting, member_user):
    plan = PlanFactory(meeting=meeting)
    client.force_login(superuser)
    page = change_form(client, _url(plan))
    assert "items-__prefix__-measure" not in page
    crafted = with_values(
        {**page, "items-TOTAL_FORMS": "1"},
        {"measure": "Sneaked in", "type": "long_term", "responsible_member": member_user.member},
        prefix="items-0-",
    )
    client.post(_url(plan), {**crafted, **SAVE})
    assert not plan.items.exists()


def test_material_revisions_are_records(client, superuser, meeting):
    material = MaterialFactory(meeting=meeting, status=InspectionMaterial.Status.SUBMITTED)
    revision = material.revisions.create(number=1, problems="As submitted")
    client.force_login(superuser)
    assert 'name="problems"' not in client.get(_url(revision)).content.decode()
    assert client.post(_url(revision), {"material": material.pk, "number": 1, "problems": "Edited"}).status_code == 403
    assert client.get(_add_url(type(revision))).status_code == 403
    revision.refresh_from_db()
    assert revision.problems == "As submitted"


# --- memberships and roles ----------------------------------------------------------------------------


def test_secretaries_see_their_organisations_memberships_and_history_but_change_none(
    client, secretary, member_user, other_member
):
    _staff(secretary)
    mine = member_user.member.memberships.get()
    theirs = other_member.member.memberships.get()
    client.force_login(secretary)
    changelist = client.get(reverse("admin:members_membership_changelist")).content.decode()
    assert "Member" in changelist and "Member2" not in changelist
    assert "District Government" not in changelist  # not even in the organisation filter
    page = client.get(_url(mine)).content.decode()
    assert 'name="role"' not in page
    assert client.post(_url(mine), {**form_data(page), "role": "secretary", **SAVE}).status_code == 403
    assert client.get(_url(mine, "history")).status_code == 200
    assert client.get(_url(theirs, "history")).status_code == 404
    mine.refresh_from_db()
    assert mine.role == Membership.Role.MEMBER


def test_membership_changes_are_in_its_history(client, superuser, member_user):
    membership = member_user.member.memberships.get()
    client.force_login(superuser)
    data = change_form(client, _url(membership))
    assert client.post(_url(membership), {**data, "role": "deputy", **SAVE}).status_code == 302
    latest = membership.history.first()
    assert (latest.role, latest.history_user) == ("deputy", superuser)
    page = client.get(_url(membership, "history")).content.decode()
    assert "deputy secretary" in page and "root" in page


def test_a_past_version_cannot_be_posted_back(client, superuser, member_user):
    """Reverting is disabled: the history page's form is read, and a POST to it changes nothing."""
    membership = member_user.member.memberships.get()
    first = membership.history.first().history_id
    membership.role = Membership.Role.SECRETARY
    membership.save()
    client.force_login(superuser)
    data = form_data(client.get(_url(membership, "simple_history", first)).content)
    response = client.post(_url(membership, "simple_history", first), {**data, "role": "member", **SAVE})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Membership.Role.SECRETARY


# --- choices: lists, filters and typing ahead ---------------------------------------------------------


def test_typing_ahead_offers_only_current_members_of_ones_organisations(client, secretary, meeting, other_member):
    _staff(secretary)
    former = MemberFactory(name="Former member")
    MembershipFactory(member=former, organisation=meeting.organisation, end_date=datetime.date(2020, 1, 1))
    client.force_login(secretary)
    params = {"app_label": "meetings", "model_name": "attendance", "field_name": "member", "term": ""}
    response = client.get(reverse("admin:autocomplete"), params)
    names = {row["text"] for row in response.json()["results"]}
    assert "Secretary" in names and "Member2" not in names and "Former member" not in names


def test_a_superuser_names_any_organisations_rows(client, superuser, meeting, other_member):
    client.force_login(superuser)
    data = {"meeting": meeting.pk, "member": other_member.member.pk, "role": "non_voting", "status": "present"}
    assert client.post(_add_url(Attendance), {**data, "order": 1, **SAVE}).status_code == 302
