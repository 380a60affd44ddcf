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
