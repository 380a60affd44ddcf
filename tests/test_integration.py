"""Where the features meet: the meeting page leads to its rectification plan."""

import pytest
from django.urls import reverse

from meetings.models import Meeting

from .factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_held_meeting_page_links_to_its_rectification_plan(client, secretary, meeting):
    meeting.status = Meeting.Status.HELD
    meeting.save()
    item = ItemFactory(plan__meeting=meeting)
    client.force_login(secretary)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f'href="{item.plan.get_absolute_url()}"' in body
    assert reverse("rectification:problem_create") in body


def test_meeting_in_preparation_has_no_rectification_section(client, secretary, meeting):
    client.force_login(secretary)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert 'id="rectification-title"' not in body
