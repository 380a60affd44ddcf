"""The migration that makes item numbers unique per plan renumbers the duplicates already stored
(made by simultaneous additions before the fix) instead of failing on them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import MeetingFactory, MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("rectification", "0001_initial")]
AFTER = [("rectification", "0002_item_number_unique_per_plan")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_duplicate_numbers_are_renumbered_after_the_plans_last(org):
    meeting, later = MeetingFactory(organisation=org), MeetingFactory(organisation=org, year=2023)
    member = MemberFactory()
    apps = _migrate(BEFORE)
    try:  # the tables as they were before the constraint (meetings and members as they are now)
        Plan = apps.get_model("rectification", "RectificationPlan")
        Item = apps.get_model("rectification", "RectificationItem")
        plan = Plan.objects.create(meeting_id=meeting.pk, organisation_id=org.pk, title="Plan")
        other = Plan.objects.create(meeting_id=later.pk, organisation_id=org.pk, title="Other")
        fields = {"responsible_member_id": member.pk, "type": "long_term"}
        made = [
            Item.objects.create(plan=plan, number=n, measure=f"Measure {i}", **fields)
            for i, n in enumerate([8, 8, 9, 9, 1])
        ]
        Item.objects.create(plan=other, number=8, measure="Other plan", **fields)
    finally:
        apps = _migrate(AFTER)

    Item = apps.get_model("rectification", "RectificationItem")
    numbers = dict(Item.objects.filter(plan_id=plan.pk).values_list("pk", "number"))
    assert [numbers[i.pk] for i in made] == [8, 10, 9, 11, 1]
    assert Item.objects.get(plan_id=other.pk).number == 8
