"""Daily reminders: one email per responsible member, queued in the outbox, nothing twice on the same day."""

import datetime
import socket
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from outbox.models import OutboxMessage
from rectification.models import RectificationItem, ReminderLog
from tests.factories import ItemFactory

S = RectificationItem.Status
pytestmark = pytest.mark.django_db


def remind(**options) -> str:
    out = StringIO()
    call_command("send_rectification_reminders", stdout=out, **options)
    return out.getvalue()


def send_outbox():
    call_command("send_outbox", stdout=StringIO())


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

    assert "Reminders queued: 2" in remind()
    assert set(OutboxMessage.objects.values_list("kind", "to", "status")) == {
        ("rectification.reminder", member_user.email, OutboxMessage.Status.QUEUED),
        ("rectification.reminder", other_member_user.email, OutboxMessage.Status.QUEUED),
    }
    assert mail.outbox == []  # the worker sends them
    send_outbox()
    assert len(mail.outbox) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    to_member = next(m for m in mail.outbox if m.to == [member_user.email])
    assert "Due in three days" in to_member.body and "Overdue by four days" in to_member.body
    assert "4 days overdue" in to_member.body
    assert "Far away" not in to_member.body
    to_colleague = next(m for m in mail.outbox if m.to == [other_member_user.email])
    assert "Colleague due tomorrow" in to_colleague.body and "Done already" not in to_colleague.body

    assert "Reminders queued: 0; skipped (already reminded today or no email): 2" in remind()
    send_outbox()
    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.count() == 2
    assert ReminderLog.objects.count() == 2
    assert ReminderLog.objects.get(member=member).item_count == 2


def test_a_new_day_sends_again(plan, member_user):
    today = datetime.date.today()
    ItemFactory(plan=plan, responsible_member=member_user.member, deadline=today + datetime.timedelta(days=2))
    remind()
    remind(date=(today + datetime.timedelta(days=1)).isoformat())
    assert OutboxMessage.objects.count() == 2
    send_outbox()
    assert len(mail.outbox) == 2


def test_the_days_reminders_are_queued_whatever_the_mail_server_does(settings, plan, member_user):
    """With the mail server refusing connections the command still records the day's reminder and
    queues its email; the failure is the worker's to retry, and the reminder is not queued twice."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as s:  # a free port: nothing listens on it once closed
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", s.getsockname()[1]
    today = datetime.date.today()
    ItemFactory(plan=plan, responsible_member=member_user.member, deadline=today + datetime.timedelta(days=2))
    assert "Reminders queued: 1" in remind()
    send_outbox()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.QUEUED and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert ReminderLog.objects.filter(member=member_user.member, sent_on=today).exists()
    assert "Reminders queued: 0" in remind()
    assert OutboxMessage.objects.count() == 1
