"""Signed-in sessions end after 30 minutes without activity and after 8 hours in all."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from members.models import AuditEvent

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "pw-for-tests-1"})
    assert response.status_code == 302


def test_thirty_minutes_without_activity_end_the_session(client, secretary, clock):
    _login(client, secretary)
    clock.shift(datetime.timedelta(minutes=29))
    assert client.get(reverse("meetings:list")).status_code == 200
    clock.shift(datetime.timedelta(minutes=29))  # 58 minutes after sign-in, 29 after the last page
    assert client.get(reverse("meetings:list")).status_code == 200

    clock.shift(datetime.timedelta(minutes=31))
    response = client.get(reverse("meetings:list"), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/meetings/"
    page = response.content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert 'name="password"' in page
    assert client.get(reverse("dashboard")).status_code == 302
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT).get()
    assert (event.user, event.detail) == (secretary, "session ended: idle")


def test_eight_hours_end_the_session_however_busy(client, member_user, clock):
    _login(client, member_user)
    for _ in range(7 * 3 + 2):  # a page every 20 minutes: 7 h 40 min
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get(reverse("dashboard")).status_code == 200
    clock.shift(datetime.timedelta(minutes=20))  # 8 hours
    response = client.get(reverse("dashboard"), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/dashboard/"
    assert "Your session ended after 8 hours" in response.content.decode()


def test_a_post_after_the_session_ended_goes_to_the_login_page(client, secretary, clock):
    _login(client, secretary)
    clock.shift(datetime.timedelta(minutes=45))
    response = client.post(reverse("meetings:create"), {"title": "Typed before the break"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_the_limits_come_from_settings(client, secretary, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    _login(client, secretary)
    clock.shift(datetime.timedelta(minutes=6))
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_session_cookie_does_not_outlive_the_session(client, secretary, settings):
    _login(client, secretary)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 60 * 60
