"""Items edited in two tabs, and item numbers: unique per plan, taken one after another."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from rectification import services
from rectification.models import RectificationItem
from tests.factories import ItemFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _edit_post(item, **changes):
    data = {
        "measure": item.measure,
        "type": item.type,
        "responsible_member": item.responsible_member_id,
        "responsible_leader": item.responsible_leader_id or "",
        "deadline": item.deadline.isoformat() if item.deadline else "",
        "version": item.version,
    }
    return {**data, **changes}


def test_a_stale_item_form_is_a_conflict_that_keeps_my_values_and_shows_theirs(client, secretary, item):
    client.force_login(secretary)
    url = reverse("rectification:item_edit", args=[item.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{item.version}"' in page
    mine = _edit_post(item, measure="My measure", deadline="2031-01-31")

    # The other tab saves first.
    services.item_update(item=item, by=secretary, version=item.version, deadline=datetime.date(2030, 6, 30))

    response = client.post(url, mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this item meanwhile" in body
    rows = {str(r["label"]): (r["theirs"], r["yours"]) for r in response.context["conflict"]["fields"]}
    assert rows == {"measure": (item.measure, "My measure"), "deadline": ("2030-06-30", "2031-01-31")}
    assert "My measure" in body and 'value="2031-01-31"' in body
    stored = RectificationItem.objects.get(pk=item.pk)
    assert (stored.measure, stored.deadline) == (item.measure, datetime.date(2030, 6, 30))
    assert f'name="version" value="{stored.version}"' in body

    response = client.post(url, {**mine, "version": stored.version})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.measure, stored.deadline) == ("My measure", datetime.date(2031, 1, 31))


def test_a_form_reshown_for_a_mistake_keeps_the_version_it_was_loaded_with(client, secretary, item):
    client.force_login(secretary)
    url = reverse("rectification:item_edit", args=[item.pk])
    loaded = item.version
    services.item_update(item=item, by=secretary, version=loaded, deadline=datetime.date(2030, 6, 30))
    response = client.post(url, _edit_post(item, measure="", version=loaded))
    assert response.status_code == 200
    assert f'name="version" value="{loaded}"' in response.content.decode()
    response = client.post(url, _edit_post(item, measure="Mine", deadline="2031-01-31", version=loaded))
    assert response.status_code == 409
    assert RectificationItem.objects.get(pk=item.pk).measure == item.measure


def test_a_post_without_a_version_is_treated_as_stale(client, secretary, item):
    client.force_login(secretary)
    data = _edit_post(item, measure="Without a version")
    del data["version"]
    response = client.post(reverse("rectification:item_edit", args=[item.pk]), data)
    assert response.status_code == 409
    assert RectificationItem.objects.get(pk=item.pk).measure == item.measure


# --- numbers ---------------------------------------------------------------------------


def test_items_are_numbered_one_after_another_in_their_plan(secretary, plan, member_user):
    made = [
        services.item_create(
            plan=plan,
            by=secretary,
            measure=f"Measure {n}",
            type=RectificationItem.Type.LONG_TERM,
            responsible_member=member_user.member,
        )
        for n in range(3)
    ]
    assert [i.number for i in made] == [1, 2, 3]
    other = services.item_create(
        plan=PlanFactory(meeting__organisation=plan.organisation),
        by=secretary,
        measure="First of another plan",
        type=RectificationItem.Type.LONG_TERM,
        responsible_member=member_user.member,
    )
    assert other.number == 1


def test_the_database_refuses_two_items_with_one_number_in_a_plan(plan):
    ItemFactory(plan=plan, number=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        RectificationItem.objects.create(
            plan=plan, number=4, measure="Twin", responsible_member=plan.items.get().responsible_member
        )
    with pytest.raises(ValidationError, match="already has an item with this number"):
        ItemFactory.build(plan=plan, number=4, responsible_member=plan.items.get().responsible_member).full_clean()


def test_the_factory_gives_the_next_free_number_of_the_plan(plan):
    assert [ItemFactory(plan=plan).number for _n in range(3)] == [1, 2, 3]
    assert ItemFactory().number == 1
