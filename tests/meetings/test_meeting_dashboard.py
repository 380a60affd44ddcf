"""/dashboard/: what is waiting for me, each a link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from materials.models import InspectionMaterial
from tests.factories import AttendanceFactory, MaterialFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_secretary_sees_meetings_in_preparation_materials_to_review_and_meetings_to_close(
    client, org, other_org, secretary, member_user
):
    preparing = MeetingFactory(organisation=org, title="Meeting in preparation", status="preparing")
    held = MeetingFactory(organisation=org, title="Meeting to close", status="held")
    MeetingFactory(organisation=other_org, title="Another group's meeting", status="preparing")
    material = MaterialFactory(
        meeting=held, author=member_user.member, status=InspectionMaterial.Status.SUBMITTED, title="Chen's material"
    )
    client.force_login(secretary)
    body = client.get(reverse("dashboard")).content.decode()
    assert f'href="{preparing.get_absolute_url()}"' in body
    assert f'href="{held.get_absolute_url()}"' in body
    assert f'href="{material.get_absolute_url()}"' in body
    assert "Another group&#x27;s meeting" not in body
    assert "Meetings held, waiting to be closed" in body


def test_a_member_sees_the_meetings_they_will_attend(client, org, member_user):
    upcoming = MeetingFactory(
        organisation=org, title="Next meeting", held_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    AttendanceFactory(meeting=upcoming, member=member_user.member)
    client.force_login(member_user)
    body = client.get(reverse("dashboard")).content.decode()
    assert "My upcoming meetings" in body
    assert "Next meeting" in body
    # the item opens the meeting page; its material status stays in the meta text
    assert f'href="{reverse("meetings:detail", args=[upcoming.pk])}"' in body
    assert "material not started" in body
    assert "Meetings being prepared" not in body


def _meeting_probes(queries) -> list[str]:
    """The "does this user manage any meeting?" probes among the queries of a request."""
    return [q["sql"] for q in queries if q["sql"].startswith('SELECT 1 AS "a" FROM "meetings_meeting"')]


def test_the_dashboard_asks_once_whether_the_secretary_manages_any_meeting(client, org, secretary):
    """Four apps' sections start from that question; it is answered once a request, not once a section."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MeetingFactory(organisation=org, title="Meeting to close", status="held")
    client.force_login(secretary)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("dashboard")).content.decode()
    assert "Meetings held, waiting to be closed" in body
    assert len(_meeting_probes(ctx.captured_queries)) == 1


def test_a_secretary_without_meetings_gets_no_meeting_sections(client, org, secretary):
    client.force_login(secretary)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Meetings being prepared" not in body
    assert "Materials waiting for my review" not in body
    assert "Held meetings without a notice" not in body
    # The page sends them to plan the first one.
    assert f'href="{reverse("meetings:create")}"' in body


def _fill_every_section(org, secretary, n):
    """n entries in each of the dashboard's lists of a secretary who also publishes and writes materials."""
    from django.contrib.auth.models import Group, Permission

    from members.roles import PUBLISHERS_GROUP, setup_role_groups
    from notices.models import Notice
    from rectification.models import RectificationItem
    from reports.models import MeetingReport
    from tests.factories import ItemFactory, NoticeFactory, PlanFactory

    setup_role_groups(Group, Permission)
    secretary.groups.add(Group.objects.get(name=PUBLISHERS_GROUP))
    me = secretary.member
    S = RectificationItem.Status
    for i in range(n):
        preparing = MeetingFactory(organisation=org, status="preparing", held_on=timezone.localdate())
        AttendanceFactory(meeting=preparing, member=me)
        held = MeetingFactory(organisation=org, status="held", held_on=datetime.date(2023, 1, i + 1))
        MaterialFactory(meeting=held, author=me, status=InspectionMaterial.Status.SUBMITTED)
        MeetingReport.objects.create(meeting=held, title=f"Report {i}", drafted_by=secretary)
        MaterialFactory(meeting=held, status=InspectionMaterial.Status.RETURNED, review_comments="Say more.")
        plan = PlanFactory(meeting=held)
        ItemFactory(plan=plan, responsible_member=me, status=S.IN_PROGRESS, deadline=datetime.date(2023, 2, 1))
        ItemFactory(plan=plan, status=S.DONE, completed_on=datetime.date(2023, 3, 1))
        NoticeFactory(organisation=org, status=Notice.Status.DRAFT)
        NoticeFactory(status=Notice.Status.SCHEDULED, publish_at=timezone.now() + datetime.timedelta(days=i + 1))


def test_every_dashboard_list_reads_its_entries_without_a_query_per_entry(client, org, secretary):
    """The lists load only the columns their entries show (not the materials' or notices' texts): an entry that
    read one more field would cost a query of its own, and the page would grow with its entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse("dashboard")).content.decode()
        return len(ctx.captured_queries), body

    client.force_login(secretary)
    _fill_every_section(org, secretary, 1)
    few, _body = queries()
    _fill_every_section(org, secretary, 4)
    many, body = queries()
    assert few == many
    for title in (
        "Meetings being prepared",
        "Meetings held, waiting to be closed",
        "Materials waiting for my review",
        "Materials not yet submitted for held meetings",
        "My upcoming meetings",
        "My comparison-inspection materials",
        "My rectification items",
        "Rectification items awaiting verification",
        "Overdue rectification items",
        "Drafts to publish",
        "Scheduled notices",
        "Held meetings without a notice",
        "Reports to the higher organisation",
    ):
        assert title in body, title
    assert "Approve the report" in body  # a drafted report's next step
    assert "returned with comments" not in body  # the returned materials are someone else's
    assert "Say more." not in body
