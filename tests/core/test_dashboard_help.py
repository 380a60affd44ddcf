"""Help where it is needed: the dashboard says what is waiting and what to do next, each entry a verb
linking to the page where it is done; empty lists say how to fill them; forms show an example."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Attendance, Meeting
from meetings.selectors import CHECKLIST_KINDS
from notices.models import Notice
from rectification.models import RectificationItem
from tests.factories import (
    AttendanceFactory,
    ItemFactory,
    MaterialFactory,
    MeetingFactory,
    NoticeFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db
M = InspectionMaterial.Status
TODAY = timezone.localdate()


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _dashboard(client, user):
    return _page(client, user, reverse("dashboard"))


def _entry(body, url):
    """What a screen reader says of the one dashboard entry that links to `url`: its name ("<verb>: <what>"),
    then its description (the meta line, which is also what the entry shows under the name)."""
    links = re.findall(rf'<a ([^>]*href="{re.escape(url)}"[^>]*)>(.*?)</a>', body, re.S)
    assert len(links) == 1, f"{len(links)} entries link to {url}"
    attributes, content = links[0]
    name = re.search(r'aria-label="([^"]*)"', attributes).group(1)
    described_by = re.search(r'aria-describedby="([^"]*)"', attributes).group(1)
    description = re.search(rf'id="{described_by}">(.*?)</span>', content, re.S).group(1)
    return html.unescape(f"{name} {description}")


def _text(body):
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", body).split()))


# --------------------------------------------------------------------------------------------- member


def test_the_member_is_told_to_write_the_material_of_an_upcoming_meeting_with_its_date(client, org, member_user):
    meeting = MeetingFactory(
        organisation=org, title="2024 democratic life meeting", held_on=TODAY + datetime.timedelta(days=10)
    )
    AttendanceFactory(meeting=meeting, member=member_user.member)
    body = _dashboard(client, member_user)
    entry = _entry(body, reverse("materials:start", args=[meeting.pk]))
    assert entry.startswith("Write the material: 2024 democratic life meeting")
    assert f"meeting on {meeting.held_on.isoformat()}" in entry
    # The link leads to the page where writing starts.
    assert "Start writing" in _page(client, member_user, reverse("materials:start", args=[meeting.pk]))


def test_the_member_revises_a_returned_material_before_going_on_with_a_draft(client, org, member_user):
    upcoming = MeetingFactory(organisation=org, title="This year's meeting", held_on=TODAY)
    earlier = MeetingFactory(organisation=org, title="Last year's meeting", year=2021, status=Meeting.Status.HELD)
    for meeting in (upcoming, earlier):
        AttendanceFactory(meeting=meeting, member=member_user.member)
    draft = MaterialFactory(meeting=upcoming, author=member_user.member, status=M.DRAFT)
    returned = MaterialFactory(
        meeting=earlier, author=member_user.member, status=M.RETURNED, review_comments="Name the deeper causes."
    )
    body = _dashboard(client, member_user)
    revise = _entry(body, reverse("materials:edit", args=[returned.pk]))
    go_on = _entry(body, reverse("materials:edit", args=[draft.pk]))
    assert revise.startswith("Revise: Last year's meeting") and "Name the deeper causes." in revise
    assert go_on.startswith("Continue writing: This year's meeting") and "not yet submitted" in go_on
    assert body.index(reverse("materials:edit", args=[returned.pk])) < body.index(
        reverse("materials:edit", args=[draft.pk])
    )
    # A submitted material waits for review; an approved one is no longer waiting.
    InspectionMaterial.objects.filter(pk=draft.pk).update(status=M.APPROVED)
    body = _dashboard(client, member_user)
    assert reverse("materials:edit", args=[draft.pk]) not in body
    assert reverse("materials:start", args=[upcoming.pk]) not in body  # approved: nothing more to write


def test_the_members_items_come_overdue_first_each_with_a_link_to_report_progress(client, org, member_user):
    plan = PlanFactory(meeting=MeetingFactory(organisation=org, status=Meeting.Status.HELD))
    later = ItemFactory(
        plan=plan, measure="Publish the approval times", responsible_member=member_user.member,
        deadline=TODAY + datetime.timedelta(days=30),
    )  # fmt: skip
    no_deadline = ItemFactory(
        plan=plan, measure="Study monthly", responsible_member=member_user.member, deadline=None,
        type=RectificationItem.Type.LONG_TERM,
    )  # fmt: skip
    late = ItemFactory(
        plan=plan, measure="Research at the grassroots", responsible_member=member_user.member,
        deadline=TODAY - datetime.timedelta(days=3), status=RectificationItem.Status.IN_PROGRESS,
    )  # fmt: skip
    body = _dashboard(client, member_user)
    entries = [_entry(body, reverse("rectification:item_progress", args=[i.pk]) + "#report-progress")
               for i in (late, later, no_deadline)]  # fmt: skip
    assert all(e.startswith("Report progress: ") for e in entries)
    assert "overdue by 3 days" in entries[0]
    positions = [body.index(item.measure) for item in (late, later, no_deadline)]
    assert positions == sorted(positions)


# ------------------------------------------------------------------------------------------ secretary


def test_the_secretary_reviews_a_submitted_material_from_the_dashboard(client, org, secretary, member_user):
    meeting = MeetingFactory(organisation=org, title="The 2022 meeting", status=Meeting.Status.PREPARING)
    material = MaterialFactory(
        meeting=meeting, author=member_user.member, status=M.SUBMITTED, submitted_at=timezone.now()
    )
    body = _dashboard(client, secretary)
    entry = _entry(body, material.get_absolute_url())
    assert entry.startswith(f"Review: {member_user.member.name} — The 2022 meeting")
    assert f"submitted {TODAY.isoformat()}" in entry
    assert "Comments for the author" in _page(client, secretary, material.get_absolute_url())


def test_each_meeting_in_preparation_says_its_next_step_and_what_it_still_needs(client, org, secretary, member_user):
    planned = MeetingFactory(organisation=org, title="Planned one")
    lacking = MeetingFactory(
        organisation=org, title="Lacking one", status=Meeting.Status.PREPARING, held_on=TODAY, presider=None
    )
    ready = MeetingFactory(
        organisation=org, title="Ready one", status=Meeting.Status.PREPARING, held_on=TODAY,
        presider=member_user.member,
    )  # fmt: skip
    AttendanceFactory(meeting=ready, member=member_user.member, status=Attendance.Status.PRESENT)
    body = _dashboard(client, secretary)
    assert _entry(body, planned.get_absolute_url()).startswith("Start preparation: Planned one")
    lacking_entry = _entry(body, lacking.get_absolute_url())
    assert lacking_entry.startswith("Prepare: Lacking one")
    assert "Name the presider of the meeting." in lacking_entry and "Fill in the attendance sheet." in lacking_entry
    ready_entry = _entry(body, ready.get_absolute_url())
    if ready.kind in CHECKLIST_KINDS:  # a democratic life meeting: never "ready" while its checklist may be open
        assert ready_entry.startswith("See the readiness checklist: Ready one")
        assert "Ready to be marked held." not in ready_entry
    else:
        assert ready_entry.startswith("Mark held: Ready one") and "Ready to be marked held." in ready_entry
    other = MeetingFactory(
        organisation=org, title="Branch meeting", kind=Meeting.Kind.ORGANISATIONAL_LIFE,
        status=Meeting.Status.PREPARING, held_on=TODAY, presider=member_user.member,
    )  # fmt: skip
    AttendanceFactory(meeting=other, member=member_user.member, status=Attendance.Status.PRESENT)
    other_entry = _entry(_dashboard(client, secretary), other.get_absolute_url())
    assert other_entry.startswith("Mark held: Branch meeting") and "Ready to be marked held." in other_entry


def test_the_secretary_sees_materials_that_keep_a_held_meeting_open_and_items_to_verify(
    client, org, secretary, member_user
):
    held = MeetingFactory(organisation=org, title="Held meeting", status=Meeting.Status.HELD)
    MaterialFactory(meeting=held, author=member_user.member, status=M.RETURNED, review_comments="More causes.")
    done = ItemFactory(
        plan=PlanFactory(meeting=held), measure="Keep a follow-up ledger", responsible_member=member_user.member,
        status=RectificationItem.Status.DONE, completed_on=TODAY, progress_percent=100,
    )  # fmt: skip
    body = _dashboard(client, secretary)
    follow_up = _entry(body, reverse("materials:meeting_list", args=[held.pk]))
    assert follow_up.startswith(f"Follow up: {member_user.member.name} — Held meeting")
    assert "still returned" in follow_up
    verify_url = reverse("rectification:item_verify", args=[done.pk]) + "#verify"
    assert _entry(body, verify_url).startswith("Verify: Keep a follow-up ledger")
    assert "Record verification" in _page(client, secretary, verify_url.split("#")[0])


# ------------------------------------------------------------------------------------------ publisher


def test_the_publisher_is_told_to_check_and_publish_drafts(client, publisher):
    draft = NoticeFactory(title="A draft", status=Notice.Status.DRAFT)
    scheduled = NoticeFactory(
        title="A scheduled one", status=Notice.Status.SCHEDULED, publish_at=timezone.now() + datetime.timedelta(1)
    )
    body = _dashboard(client, publisher)
    assert _entry(body, reverse("newsroom:edit", args=[draft.pk])).startswith("Check and publish: A draft")
    assert _entry(body, reverse("newsroom:edit", args=[scheduled.pk])).startswith("Check: A scheduled one")


# ----------------------------------------------------------------------------------------- all clear


def test_with_nothing_waiting_the_dashboard_says_so_and_where_to_go(client, member_user, secretary):
    body = _dashboard(client, member_user)
    assert "Nothing is waiting for you right now." in body
    assert f'href="{reverse("meetings:list")}"' in body and f'href="{reverse("public:list")}"' in body
    assert reverse("meetings:create") not in body
    # Each empty list says how it fills.
    assert "When the secretary puts you on a meeting" in _text(body)

    body = _dashboard(client, secretary)
    assert "Nothing is waiting for you right now." in body
    assert f'href="{reverse("meetings:create")}">Plan a meeting' in body


def test_something_waiting_hides_the_all_clear(client, org, secretary):
    MeetingFactory(organisation=org, title="Planned one")
    body = _dashboard(client, secretary)
    assert "Nothing is waiting for you right now." not in body
    assert "Nothing waiting here" in body and "No item is overdue." in body


def _counted(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(queries)


def _rows(org, member, n):
    for i in range(n):
        meeting = MeetingFactory(organisation=org, year=1950 + i, status=Meeting.Status.PREPARING)
        AttendanceFactory(meeting=meeting, member=member)
        held = MeetingFactory(organisation=org, year=2050 + i, status=Meeting.Status.HELD)
        MaterialFactory(meeting=meeting, author=member, status=M.SUBMITTED, submitted_at=timezone.now())
        MaterialFactory(meeting=held, author=member, status=M.DRAFT)
        plan = PlanFactory(meeting=held)
        ItemFactory(plan=plan, responsible_member=member, deadline=TODAY - datetime.timedelta(days=i + 1))
        ItemFactory(plan=plan, responsible_member=member, status=RectificationItem.Status.DONE, completed_on=TODAY)
        NoticeFactory(status=Notice.Status.DRAFT)


def test_the_dashboard_runs_the_same_number_of_queries_for_3_or_25_rows(client, org, secretary, member_user, publisher):
    member = member_user.member
    _rows(org, member, 3)
    few = {user.username: _counted(client, user) for user in (secretary, member_user, publisher)}
    _rows(org, member, 22)
    many = {user.username: _counted(client, user) for user in (secretary, member_user, publisher)}
    assert many == few


# ------------------------------------------------------------------------------------- empty lists


def test_an_empty_meeting_list_offers_the_secretary_to_plan_one_and_tells_a_member_who_adds_them(
    client, secretary, member_user
):
    body = _page(client, secretary, reverse("meetings:list"))
    assert "No meetings yet. Plan one:" in body
    assert body.count(f'href="{reverse("meetings:create")}"') == 2  # the button above and the empty list
    body = _page(client, member_user, reverse("meetings:list"))
    assert "The secretary of your organisation plans the meetings" in body
    assert reverse("meetings:create") not in body
    body = _page(client, member_user, reverse("meetings:list") + "?year=1999")
    assert "None matches these filters." in body and "Clear the filters" in body


def test_empty_agenda_plan_ledger_and_newsroom_say_how_to_fill_them(client, org, secretary, member_user, publisher):
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.HELD)
    body = _page(client, secretary, reverse("meetings:agenda", args=[meeting.pk]))
    assert "The standard agenda is:" in body
    assert "Report on the implementation of the previous meeting&#x27;s rectification measures</li>" in body
    plan = PlanFactory(meeting=meeting)
    body = _page(client, secretary, plan.get_absolute_url())
    assert "Set a measure for each problem found at the meeting:" in body
    assert body.count(f'href="{reverse("rectification:item_create")}?plan={plan.pk}"') == 2
    body = _page(client, member_user, reverse("rectification:ledger"))
    assert "the secretary records the problems it found" in body
    body = _page(client, publisher, reverse("newsroom:list"))
    assert "No notices yet. A notice is drafted from a held meeting" in body


# ----------------------------------------------------------------------------------- form examples


def test_forms_show_an_example_where_the_answer_is_not_obvious(client, org, secretary):
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.HELD)
    plan = PlanFactory(meeting=meeting)
    body = _text(_page(client, secretary, reverse("rectification:item_create") + f"?plan={plan.pk}"))
    assert "e.g. “Each member spends at least 20 days a year researching at the grassroots”" in body
    assert "e.g. 2023-06-30 for the end of June" in body
    body = _text(_page(client, secretary, reverse("meetings:create")))
    assert "“Serving the people wholeheartedly”" in body
    body = _page(client, secretary, reverse("members:import", args=[org.pk]))
    assert "The first row names the columns: name, gender, posts, role" in _text(body)
    body = _page(client, secretary, reverse("meetings:attendance", args=[meeting.pk]))
    assert 'placeholder="e.g. On a business trip, leave approved"' in body
    notice = NoticeFactory(meeting=meeting, organisation=org, status=Notice.Status.DRAFT)
    body = _text(_page(client, secretary, reverse("newsroom:edit", args=[notice.pk])))
    assert "usually the day after the meeting, e.g. 2023-01-31" in body


def test_a_help_text_is_read_out_with_its_field(client, org, secretary):
    """The example is tied to its input (aria-describedby), so a screen reader says it with the field."""
    plan = PlanFactory(meeting=MeetingFactory(organisation=org, status=Meeting.Status.HELD))
    body = _page(client, secretary, reverse("rectification:item_create") + f"?plan={plan.pk}")
    textarea = re.search(r"<textarea[^>]*name=\"measure\"[^>]*>", body).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', textarea).group(1)
    assert re.search(rf'id="{described_by}"[^>]*>\s*What will be done, so that it can be checked', body)
