"""The ledger's filter offers only names the user may see."""

import pytest
from django.urls import reverse

from tests.factories import ItemFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_the_ledger_filter_names_no_members_of_another_organisation(
    client, secretary, meeting, other_org, other_member
):
    ItemFactory(plan=PlanFactory(meeting=meeting), responsible_member=secretary.member)
    client.force_login(secretary)
    response = client.get(reverse("rectification:ledger"), {"organisation": other_org.pk})
    assert response.status_code == 200
    names = [name for _pk, name in response.context["options"]["members"]]
    assert "Member2" not in names and "Member2" not in response.content.decode()
    own = client.get(reverse("rectification:ledger"), {"organisation": meeting.organisation_id})
    assert "Secretary" in [name for _pk, name in own.context["options"]["members"]]
