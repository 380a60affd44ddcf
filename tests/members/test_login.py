"""Signing in and out: lockout after repeated failures, the audit trail, logout for every role."""

import datetime
import json
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from members.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory
LOGIN = "/accounts/login/"
START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
NEW = "a-new-long-passphrase-7"


def _login(client, username, password=PASSWORD, address="127.0.0.1", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def _signed_in(client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


@pytest.fixture
def audit_lines():
    """The lines logged on "meeting_records.audit" (which need not propagate to the root logger)."""
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(record.getMessage()))

    logger = logging.getLogger("meeting_records.audit")
    handler, level = Collect(level=logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_five_failures_lock_the_account_and_even_the_right_password_is_refused(client, secretary):
    for _ in range(4):
        response = _login(client, "secretary", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    response = _login(client, "secretary", "wrong")
    assert response.status_code == 429
    response = _login(client, "secretary")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Sign-in is paused" in page
    assert "15 minutes" in page
    assert 'class="navbar' in page  # the site's own page, not a bare error
    assert not _signed_in(client)


def test_the_lockout_page_speaks_the_users_language(client, secretary):
    for _ in range(5):
        _login(client, "secretary", "wrong")
    response = _login(client, "secretary", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_lock_lifts_after_15_minutes(client, secretary):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            _login(client, "secretary", "wrong")
        clock.shift(datetime.timedelta(minutes=14))
        assert _login(client, "secretary").status_code == 429
        clock.shift(datetime.timedelta(minutes=2))
        response = _login(client, "secretary")
        assert response.status_code == 302
        assert _signed_in(client)


def test_the_account_is_locked_whatever_address_the_attempts_come_from(client, secretary):
    for n in range(5):
        _login(client, "secretary", "wrong", address=f"192.0.2.{n + 1}")
    assert _login(client, "secretary", address="198.51.100.7").status_code == 429


def test_one_address_is_locked_whatever_accounts_it_tries(client, secretary, member_user):
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="192.0.2.9")
    assert _login(client, "member", address="192.0.2.9").status_code == 429
    assert _login(client, "member", address="192.0.2.10").status_code == 302  # the account itself is fine


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(client, secretary, settings):
    """Without TRUSTED_PROXIES a client cannot dodge the per-address lock by inventing addresses."""
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="192.0.2.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, ip_address="192.0.2.9").count() == 5
    assert _login(client, "secretary", address="192.0.2.9", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_the_address(client, secretary, member_user, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.66, 10.0.0.{n + 3}")
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED)
    assert set(events.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    # That client is locked; another one behind the same proxy is not.
    assert _login(client, "member", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66").status_code == 429
    assert _login(client, "member", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.67").status_code == 302


def test_sign_in_events_are_recorded_and_logged(client, secretary, audit_lines):
    _login(client, "secretary", "wrong", address="192.0.2.5")
    _login(client, "secretary", address="192.0.2.5")
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.5")
    for _ in range(5):
        _login(client, "secretary", "wrong", address="192.0.2.5")

    kinds = list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[:3] == [AuditEvent.Kind.LOGIN_FAILED, AuditEvent.Kind.LOGIN, AuditEvent.Kind.LOGOUT]
    assert kinds.count(AuditEvent.Kind.LOGIN_FAILED) == 6
    # Locked at the fifth failure (a success in between does not wipe the count), then once more
    # for the attempt refused while locked.
    assert kinds.count(AuditEvent.Kind.LOCKED_OUT) == 2
    login = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN)
    assert (login.user, login.ip_address, login.path, login.method) == (secretary, "192.0.2.5", LOGIN, "POST")
    failed = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED).first()
    assert (failed.user, failed.username) == (None, "secretary")

    by_event = {}
    for line in audit_lines:
        by_event.setdefault(line["event"], line)
    assert by_event["login_failed"] | {"user_id": None} == {
        "event": "login_failed",
        "outcome": "failure",
        "user": "secretary",
        "user_id": None,
        "address": "192.0.2.5",
        "method": "POST",
        "path": LOGIN,
        "detail": "",
    }
    assert by_event["login"]["outcome"] == "success"
    assert by_event["logout"]["path"] == reverse("logout")
    assert by_event["locked_out"]["outcome"] == "locked_out"
    assert "wrong" not in json.dumps(audit_lines)  # no password in the log


def test_a_password_change_is_recorded(client, member_user):
    client.force_login(member_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        REMOTE_ADDR="192.0.2.8",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_CHANGED)
    assert (event.user, event.ip_address) == (member_user, "192.0.2.8")
    assert _signed_in(client)  # the session that changed it stays signed in


def test_a_password_changed_in_the_back_office_is_recorded_with_who_changed_it(client, superuser, member_user):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[member_user.pk])
    response = client.post(url, {"password1": NEW, "password2": NEW})
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=member_user)
    assert event.detail == "changed by root"


def test_an_administrator_unlocks_the_account_in_the_back_office(client, secretary, superuser):
    for _ in range(5):
        _login(client, "secretary", "wrong")
    assert _login(client, "secretary").status_code == 429
    admin_client = type(client)()
    admin_client.force_login(superuser)
    attempts = AccessAttempt.objects.filter(username="secretary")
    assert attempts.exists()
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "secretary" in admin_client.get(changelist).content.decode()
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": list(attempts.values_list("pk", flat=True))}
    )
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": list(attempts.values_list("pk", flat=True)), "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(username="secretary").exists()
    assert _login(client, "secretary").status_code == 302
    assert _signed_in(client)


def test_the_back_office_signs_in_through_the_same_login_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/"


@pytest.mark.parametrize("role", ["member_user", "secretary", "other_secretary", "publisher", "superuser"])
def test_logout_works_for_every_role(client, request, role):
    user = request.getfixturevalue(role)
    assert _login(client, user.username).status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:home")
    assert client.get(response["Location"]).status_code == 200
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT, user=user).exists()


def test_the_login_page_and_the_public_site_link_to_each_other(client):
    page = client.get(LOGIN).content.decode()
    assert reverse("public:home") in page
