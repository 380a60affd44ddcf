"""Refused requests are recorded: 403s (FORBIDDEN) and out-of-scope 404s (OUT_OF_SCOPE) as AuditEvent
rows and one JSON line each on the "meeting_records.audit" logger; superusers read them in the admin."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from members.models import AuditEvent
from tests.factories import ItemFactory, MeetingFactory, PlanFactory

pytestmark = pytest.mark.django_db

AUDIT_LOGGER = "meeting_records.audit"
REFUSALS = (AuditEvent.Kind.FORBIDDEN, AuditEvent.Kind.OUT_OF_SCOPE)


def refusals():
    """Refusal events only (signing in leaves events of its own)."""
    return AuditEvent.objects.filter(kind__in=REFUSALS)


@pytest.fixture
def audit_lines():
    """The audit logger's lines, as the configured handler formats them."""
    logger = logging.getLogger(AUDIT_LOGGER)
    [configured] = [h for h in logger.handlers if h.formatter is not None and "event" in h.formatter._fmt]
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(configured.formatter.format(record))

    handler = Collect(level=logging.INFO)
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def _events(lines):
    """The refusal lines, parsed: each line is one JSON object."""
    parsed = [json.loads(line) for line in lines]
    return [line for line in parsed if line["event"]["event"] in REFUSALS]


def test_a_members_request_for_another_organisations_meeting_is_recorded_out_of_scope(
    client, member_user, other_org, audit_lines
):
    theirs = MeetingFactory(organisation=other_org)
    client.force_login(member_user)
    response = client.get(reverse("meetings:detail", args=[theirs.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 404

    event = refusals().get()
    assert event.kind == AuditEvent.Kind.OUT_OF_SCOPE
    assert (event.user, event.username, event.method, event.path) == (
        member_user,
        "member",
        "GET",
        f"/meetings/{theirs.pk}/",
    )
    assert event.ip_address == "10.1.2.3"
    [line] = _events(audit_lines)
    assert line["level"] == "INFO" and line["logger"] == AUDIT_LOGGER
    assert {k: line["event"][k] for k in ("event", "outcome", "user", "address", "method", "path")} == {
        "event": "out_of_scope",
        "outcome": "not_found",
        "user": "member",
        "address": "10.1.2.3",
        "method": "GET",
        "path": f"/meetings/{theirs.pk}/",
    }


def test_a_secretarys_refused_action_is_recorded_forbidden(client, org, secretary, member_user, audit_lines):
    item = ItemFactory(
        plan=PlanFactory(meeting=MeetingFactory(organisation=org)), responsible_member=member_user.member
    )
    client.force_login(secretary)
    url = reverse("rectification:item_progress", args=[item.pk])
    response = client.post(url, {"text": "Done on their behalf", "percent": "100"})
    assert response.status_code == 403

    event = refusals().get()
    assert (event.kind, event.user, event.method, event.path) == (AuditEvent.Kind.FORBIDDEN, secretary, "POST", url)
    [line] = _events(audit_lines)
    assert (line["event"]["event"], line["event"]["outcome"], line["event"]["user"]) == (
        "forbidden",
        "forbidden",
        "secretary",
    )


def test_ordinary_pages_and_public_404s_leave_no_event(client, member_user, meeting, audit_lines):
    client.force_login(member_user)
    assert client.get(reverse("meetings:list")).status_code == 200
    assert client.get("/notices/no-such-page/").status_code == 404
    client.logout()
    assert client.get(f"/meetings/{meeting.pk + 1000}/").status_code == 302  # to the sign-in page
    assert not refusals().exists() and _events(audit_lines) == []


def test_an_anonymous_refusal_is_logged_but_not_stored(audit_lines):
    csrf_checking = Client(enforce_csrf_checks=True)
    response = csrf_checking.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert not refusals().exists()
    [line] = _events(audit_lines)
    assert (line["event"]["event"], line["event"]["user"], line["event"]["path"]) == (
        "forbidden",
        "",
        "/accounts/login/",
    )


def test_the_audit_log_is_for_superusers_only_and_read_only(client, superuser, secretary):
    event = AuditEvent.objects.create(
        kind=AuditEvent.Kind.OUT_OF_SCOPE, user=secretary, username="secretary", method="GET", path="/meetings/99/"
    )
    changelist = reverse("admin:members_auditevent_changelist")

    client.force_login(superuser)
    page = client.get(changelist)
    assert page.status_code == 200
    assert "/meetings/99/" in page.content.decode()
    assert client.get(changelist, {"q": "secretary"}).context["cl"].result_count == 1
    assert client.get(changelist, {"q": "nobody"}).context["cl"].result_count == 0
    assert client.get(changelist, {"kind__exact": "forbidden"}).context["cl"].result_count == 0
    detail = client.get(reverse("admin:members_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get(reverse("admin:members_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:members_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()

    secretary.is_staff = True
    secretary.save()
    client.force_login(secretary)
    assert client.get(changelist).status_code == 403
    assert "auditevent" not in client.get(reverse("admin:index")).content.decode()
    # The refusal is itself recorded.
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.FORBIDDEN, user=secretary, path=changelist).exists()
