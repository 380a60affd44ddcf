"""The meeting list and the meeting record run a constant number of SQL queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AttendanceFactory, MeetingFactory

from .helpers import filled_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _views_own_queries(settings):
    """The views' own queries: the signed-in page cache's (a kept page, the look-up of what a user
    sees after a change) are counted in tests/perf."""
    settings.PRIVATE_PAGE_CACHE = False


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("n", [5, 60])
def test_the_record_page_runs_a_constant_number_of_queries(client, org, secretary, n, django_assert_max_num_queries):
    meeting, _members = filled_meeting(org, n)
    client.force_login(secretary)
    url = reverse("meetings:detail", args=[meeting.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert f"{n} should attend" in response.content.decode()
    assert response.content.decode().count('class="key-point"') == n + 3 * (n // 3)


def test_the_record_page_with_200_attendees_costs_what_it_costs_with_5(client, org, other_org, secretary):
    small, _ = filled_meeting(org, 5)
    large, _ = filled_meeting(org, 200)
    client.force_login(secretary)
    few, _ = _count(client, reverse("meetings:detail", args=[small.pk]))
    many, response = _count(client, reverse("meetings:detail", args=[large.pk]))
    assert few == many
    body = response.content.decode()
    assert "200 should attend, 160 present" in body
    assert "200 opinions solicited" in body and "200 talks held" in body
    few_print, _ = _count(client, reverse("meetings:print", args=[small.pk]))
    many_print, _ = _count(client, reverse("meetings:print", args=[large.pk]))
    assert few_print == many_print


@pytest.mark.parametrize("n", [5, 60])
def test_the_meeting_list_runs_a_constant_number_of_queries(client, org, secretary, n, django_assert_max_num_queries):
    for i in range(n):
        meeting = MeetingFactory(organisation=org, year=2000 + i % 20)
        AttendanceFactory(meeting=meeting)
    client.force_login(secretary)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:list"))
    assert len(response.context["meetings"]) == min(n, 25)


def test_the_meeting_list_costs_the_same_for_a_member_with_5_or_60_meetings(client, org, member_user):
    client.force_login(member_user)
    counts = []
    for n in (5, 55):  # 5 meetings, then 60
        for _ in range(n):
            AttendanceFactory(meeting=MeetingFactory(organisation=org), member=member_user.member)
        queries, response = _count(client, reverse("meetings:list"))
        counts.append(queries)
    assert counts[0] == counts[1]
    assert response.context["page_obj"].paginator.count == 60


def test_the_supervision_group_costs_no_query_per_supervisor(client, org, secretary):
    """The minutes name each supervisor with their role: read with the record, not one query per supervisor."""
    from meetings.models import SupervisionAppointment

    from .helpers import add_members

    meeting, _ = filled_meeting(org, 3)
    client.force_login(secretary)
    url = reverse("meetings:detail", args=[meeting.pk])
    people = add_members(org, 4, prefix="Supervisor")
    SupervisionAppointment.objects.create(meeting=meeting, member=people[0], role="leader", group_name="Group 3")
    one, _ = _count(client, url)
    for person in people[1:]:
        SupervisionAppointment.objects.create(meeting=meeting, member=person)
    four, response = _count(client, url)
    assert one == four
    body = response.content.decode()
    group = body.split('class="col-sm-9 supervision-group">', 1)[1].split("</dd>", 1)[0]
    assert group.index("Supervisor 000") < group.index("Supervisor 001") < group.index("Supervisor 003")
    assert "Group 3" in group


def test_the_record_of_a_held_meeting_reads_its_materials_once_for_both_checks(client, org, secretary):
    """What is missing to close it and the readiness checklist both speak of the materials: one query for both."""
    from materials.models import InspectionMaterial
    from meetings.models import Meeting
    from tests.factories import MaterialFactory

    meeting, members = filled_meeting(org, 3, status=Meeting.Status.HELD)
    MaterialFactory(meeting=meeting, author=members[1], status=InspectionMaterial.Status.DRAFT)
    MaterialFactory(meeting=meeting, author=members[2], status=InspectionMaterial.Status.APPROVED)
    MaterialFactory(
        meeting=meeting, author=members[0], on_behalf_of_group=True, status=InspectionMaterial.Status.SUBMITTED
    )
    client.force_login(secretary)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "materials_inspectionmaterial"' in q["sql"]]
    assert len(reads) == 1, reads
    # Before it can be closed: the draft keeps it open.
    assert f"The material of {members[1].name} is still draft." in body
    # The checklist: who has no approved material yet, and the group's material.
    assert "Not yet approved:" in body and f"{members[1].name} (draft)" in body
    assert f"{members[2].name} (approved)" not in body
    group_line = body.split("checklist-group_material", 1)[1].split("</li>", 1)[0]
    assert f"written by {members[0].name}." in group_line, group_line
