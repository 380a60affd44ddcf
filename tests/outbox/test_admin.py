"""The outbox in the back office: superusers only, read only, failed emails retried with an action."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from members.roles import SECRETARIES_GROUP, setup_role_groups
from outbox.models import OutboxMessage
from outbox.services import enqueue, message_retry

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
CHANGELIST = reverse("admin:outbox_outboxmessage_changelist")


@pytest.fixture
def failed():
    message = enqueue(kind="test.admin", subject="Minutes ready", body="Read them.", recipients=["a@example.org"])[0]
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, attempts=10, last_error="ConnectionRefusedError: [Errno 111] Connection refused"
    )
    message.refresh_from_db()
    return message


@pytest.fixture
def staff_secretary(secretary):
    setup_role_groups(Group, Permission)
    secretary.is_staff = True
    secretary.save()
    secretary.groups.add(Group.objects.get(name=SECRETARIES_GROUP))
    return secretary


def test_the_list_shows_status_attempts_error_and_filters(client, superuser, failed):
    queued = enqueue(kind="test.admin", subject="Agenda", body="See it.", recipients=["b@example.org"])[0]
    client.force_login(superuser)
    html = client.get(CHANGELIST).content.decode()
    for text in ("a@example.org", "b@example.org", "Connection refused", "Minutes ready", "Agenda"):
        assert text in html
    only_failed = client.get(CHANGELIST, {"status__exact": Status.FAILED}).content.decode()
    assert "a@example.org" in only_failed and "b@example.org" not in only_failed
    page = client.get(reverse("admin:outbox_outboxmessage_change", args=[queued.pk])).content.decode()
    assert "Read them." not in page and "See it." in page
    assert 'name="_save"' not in page  # read only


def test_retry_now_requeues_a_failed_email_with_its_attempts_renewed(client, superuser, failed):
    client.force_login(superuser)
    client.post(CHANGELIST, {"action": "retry_now", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.QUEUED, 0)
    assert failed.next_attempt_at <= timezone.now()
    assert "Connection refused" in failed.last_error  # what went wrong stays visible until the next attempt


def test_retry_now_refuses_a_sent_email_with_a_message(client, superuser, failed):
    OutboxMessage.objects.filter(pk=failed.pk).update(status=Status.SENT, sent_at=timezone.now())
    client.force_login(superuser)
    response = client.post(CHANGELIST, {"action": "retry_now", "_selected_action": [failed.pk]}, follow=True)
    assert "sent already" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.SENT


def test_a_staff_secretary_does_not_see_the_outbox(client, staff_secretary, failed):
    client.force_login(staff_secretary)
    assert client.get(reverse("admin:index")).status_code == 200
    assert "outbox" not in client.get(reverse("admin:index")).content.decode().lower()
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(reverse("admin:outbox_outboxmessage_change", args=[failed.pk])).status_code == 403
    response = client.post(CHANGELIST, {"action": "retry_now", "_selected_action": [failed.pk]})
    assert response.status_code == 403
    failed.refresh_from_db()
    assert failed.status == Status.FAILED


def test_only_a_superuser_may_retry(failed, secretary, superuser):
    with pytest.raises(PermissionDenied):
        message_retry(message=failed, by=secretary)
    assert message_retry(message=failed, by=superuser).status == Status.QUEUED
    OutboxMessage.objects.filter(pk=failed.pk).update(status=Status.SENT, sent_at=timezone.now())
    with pytest.raises(ValidationError):
        message_retry(message=failed, by=superuser)
