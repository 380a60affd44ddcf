"""Mail down: the action succeeds, its email waits in the outbox, and arrives once the server is back.

A real SMTP server (aiosmtpd) on a free port: first nothing listens there (connections refused),
then the server is started on that same port.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from materials import services as material_services
from materials.models import InspectionMaterial
from outbox.models import OutboxMessage
from outbox.sending import retry_delay

from .conftest import editor_form, submit
from .smtp import SmtpServer

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


def send_outbox() -> str:
    out = StringIO()
    call_command("send_outbox", stdout=out)
    return out.getvalue()


def test_a_member_submits_while_the_mail_server_is_down_and_the_secretary_is_told_once_it_is_back(
    client, draft, member_user, secretary, smtp_port
):
    client.force_login(member_user)
    response = client.post(reverse("materials:edit", args=[draft.pk]), editor_form(draft), follow=True)
    assert "submitted for review" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == InspectionMaterial.Status.SUBMITTED
    message = OutboxMessage.objects.get()
    assert (message.to, message.kind, message.status, message.attempts) == (
        secretary.email,
        "materials.submitted",
        Status.QUEUED,
        0,
    )

    # The server refuses connections: the failure is recorded and a retry scheduled a minute on.
    before = timezone.now()
    out = send_outbox()
    assert "Sent: 0; to retry: 1; gave up: 0" in out
    assert "Mail server unreachable" in out
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert "ConnectionRefusedError" in message.last_error
    assert before + datetime.timedelta(seconds=59) < message.next_attempt_at < timezone.now() + retry_delay(1)
    assert message.sent_at is None

    with SmtpServer(smtp_port) as smtp:
        assert "Sent: 0" in send_outbox()  # the retry is not due yet
        assert smtp.messages == []
        with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1), tick=True):
            assert "Sent: 1; to retry: 0; gave up: 0" in send_outbox()
            assert "Sent: 0" in send_outbox()  # a second run sends nothing
        assert len(smtp.messages) == 1
        received = smtp.messages[0]
        assert received.rcpt_tos == [secretary.email]
        assert "submitted" in received.message["subject"]
        assert draft.get_absolute_url() in received.message.get_content()
        assert "Relaxed study" not in received.message.get_content()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)
    assert message.sent_at is not None


def test_each_recipient_gets_one_message_and_the_review_emails_follow(
    draft, member_user, secretary, other_member_user, smtp_port
):
    """Two secretaries: two messages; the return and the approval each tell the author once."""
    other_member_user.member.memberships.update(role="secretary")
    submit(draft, member_user)
    with SmtpServer(smtp_port) as smtp:
        assert "Sent: 2" in send_outbox()
        assert smtp.recipients() == sorted([secretary.email, other_member_user.email])
        draft.refresh_from_db()
        material_services.material_return(material=draft, by=secretary, comments="Deeper.")
        submit(draft, member_user)
        draft.refresh_from_db()
        material_services.material_approve(material=draft, by=secretary)
        assert "Sent: 4" in send_outbox()
        assert "Sent: 0" in send_outbox()
    assert smtp.recipients() == sorted([secretary.email, other_member_user.email] * 2 + [member_user.email] * 2)
    subjects = [r.message["subject"] for r in smtp.messages if r.rcpt_tos == [member_user.email]]
    assert ["returned" in subjects[0], "approved" in subjects[1]] == [True, True]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_rolled_back_change_leaves_no_email(draft, member_user, smtp_port):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        submit(draft, member_user)
        assert OutboxMessage.objects.count() == 1  # queued inside the change's transaction …
        raise Abandoned
    assert not OutboxMessage.objects.exists()  # … and gone with it
    draft.refresh_from_db()
    assert draft.status == InspectionMaterial.Status.DRAFT
    with SmtpServer(smtp_port) as smtp:
        assert "Sent: 0" in send_outbox()
    assert smtp.messages == []


def test_a_refused_submission_queues_nothing(client, draft, member_user, smtp_port):
    client.force_login(member_user)
    response = client.post(reverse("materials:edit", args=[draft.pk]), editor_form(draft, causes="", aspect_1=""))
    assert response.status_code == 400
    assert not OutboxMessage.objects.exists()


def test_retries_back_off_then_give_up_and_the_admin_can_retry(settings, client, draft, member_user, superuser,
                                                               secretary, smtp_port):  # fmt: skip
    settings.OUTBOX_MAX_ATTEMPTS = 4
    submit(draft, member_user)
    message = OutboxMessage.objects.get()
    waits = []
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for _ in range(4):
            attempted_at = timezone.now()
            send_outbox()
            message.refresh_from_db()
            waits.append(round((message.next_attempt_at - attempted_at).total_seconds() / 60))
            clock.move_to(message.next_attempt_at + datetime.timedelta(seconds=1))
        assert message.status == Status.FAILED
        assert message.attempts == 4
        assert "ConnectionRefusedError" in message.last_error
        assert waits[:3] == [1, 2, 4]  # minutes; the fourth failure gives up
        clock.move_to(timezone.now() + datetime.timedelta(days=1))
        assert "Sent: 0; to retry: 0; gave up: 0" in send_outbox()  # a failed message waits for a person

    client.force_login(superuser)
    changelist = reverse("admin:outbox_outboxmessage_changelist")
    page = client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert secretary.email in page and "ConnectionRefusedError" in page
    response = client.post(changelist, {"action": "retry_now", "_selected_action": [message.pk]}, follow=True)
    assert "will be sent at the worker&#x27;s next pass" in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 0)
    with SmtpServer(smtp_port) as smtp:
        assert "Sent: 1" in send_outbox()
    assert smtp.recipients() == [secretary.email]
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_an_address_the_server_refuses_for_good_fails_at_once_and_the_others_go(
    draft, member_user, secretary, other_member_user, smtp_port
):
    other_member_user.member.memberships.update(role="secretary")
    submit(draft, member_user)
    with SmtpServer(smtp_port, refuse={secretary.email: "550 5.1.1 No such user"}) as smtp:
        assert "Sent: 1; to retry: 0; gave up: 1" in send_outbox()
    assert smtp.recipients() == [other_member_user.email]
    refused = OutboxMessage.objects.get(to=secretary.email)
    assert refused.status == Status.FAILED and refused.attempts == 1
    assert "550" in refused.last_error and "No such user" in refused.last_error


def test_a_busy_server_is_tried_again(draft, member_user, secretary, smtp_port):
    submit(draft, member_user)
    with SmtpServer(smtp_port, refuse={secretary.email: "451 4.3.0 Try again later"}):
        assert "to retry: 1" in send_outbox()
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert "451" in message.last_error


def test_the_wait_doubles_from_a_minute_up_to_an_hour():
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
