"""Daily reminders: one email per responsible member, nothing twice on the same day."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from rectification.models import RectificationItem, ReminderLog
from tests.factories import ItemFactory

S = RectificationItem.Status
pytestmark = pytest.mark.django_db


def test_one_email_per_member_with_due_and_overdue_items_and_none_twice(plan, member_user, other_member_user):
    today = datetime.date.today()
    member, colleague = member_user.member, other_member_user.member
    ItemFactory(
        plan=plan, measure="Due in three days", responsible_member=member, deadline=today + datetime.timedelta(days=3)
    )
    ItemFactory(
        plan=plan,
        measure="Overdue by four days",
        responsible_member=member,
        deadline=today - datetime.timedelta(days=4),
        status=S.IN_PROGRESS,
    )
    ItemFactory(plan=plan, measure="Far away", responsible_member=member, deadline=today + datetime.timedelta(days=60))
    ItemFactory(plan=plan, measure="Done already", responsible_member=colleague, deadline=today, status=S.DONE)
    ItemFactory(
        plan=plan,
        measure="Colleague due tomorrow",
        responsible_member=colleague,
        deadline=today + datetime.timedelta(days=1),
    )

    call_command("send_rectification_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 2
    to_member = next(m for m in mail.outbox if m.to == [member_user.email])
    assert "Due in three days" in to_member.body and "Overdue by four days" in to_member.body
    assert "4 days overdue" in to_member.body
    assert "Far away" not in to_member.body
    to_colleague = next(m for m in mail.outbox if m.to == [other_member_user.email])
    assert "Colleague due tomorrow" in to_colleague.body and "Done already" not in to_colleague.body

    call_command("send_rectification_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.count() == 2
    assert ReminderLog.objects.get(member=member).item_count == 2


def test_a_new_day_sends_again(plan, member_user):
    today = datetime.date.today()
    ItemFactory(plan=plan, responsible_member=member_user.member, deadline=today + datetime.timedelta(days=2))
    call_command("send_rectification_reminders", stdout=open("/dev/null", "w"))
    call_command(
        "send_rectification_reminders",
        date=(today + datetime.timedelta(days=1)).isoformat(),
        stdout=open("/dev/null", "w"),
    )
    assert len(mail.outbox) == 2
