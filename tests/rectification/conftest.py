"""Fixtures for the rectification tests: a plan of the org's meeting with items in several states."""

import datetime

import pytest

from rectification.models import RectificationItem
from tests.factories import ItemFactory, MeetingFactory, MemberFactory, MembershipFactory, PlanFactory

S = RectificationItem.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(meeting):
    return PlanFactory(meeting=meeting, title="Plan of the 2022 meeting")


@pytest.fixture
def item(plan, member_user):
    return ItemFactory(
        plan=plan,
        number=1,
        measure="Research at the grassroots twenty days a year",
        responsible_member=member_user.member,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
    )


@pytest.fixture
def other_item(other_org, other_member):
    other_meeting = MeetingFactory(organisation=other_org)
    return ItemFactory(
        plan=PlanFactory(meeting=other_meeting),
        measure="District measure that nobody else may see",
        responsible_member=other_member.member,
    )


def org_member(org, name):
    member = MemberFactory(name=name)
    MembershipFactory(member=member, organisation=org)
    return member
