"""The calendar feed's address: its owner can renew it, a new password retires it, and the feeds
stay valid calendar data whatever dates and text the meetings hold."""

import datetime
import re

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.ical import feed_token
from members.models import AuditEvent
from tests.factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=7)
NEW_PASSWORD = "a-new-long-passphrase-7"


def _feed(client, token):
    return client.get(reverse("meetings:feed", args=[token]))


def _mine(member_user, **fields):
    meeting = MeetingFactory(organisation=member_user.member.memberships.get().organisation, **fields)
    AttendanceFactory(meeting=meeting, member=member_user.member)
    return meeting


def test_the_owner_renews_the_address_and_the_old_one_stops_working(client, member_user):
    _mine(member_user, title="My meeting", held_on=SOON)
    client.force_login(member_user)
    page = client.get(reverse("meetings:list")).content.decode()
    old = feed_token(member_user)
    assert reverse("meetings:feed", args=[old]) in page
    assert f'action="{reverse("meetings:feed_renew")}"' in page
    assert _feed(client, old).status_code == 200

    response = client.post(reverse("meetings:feed_renew"), follow=True)
    assert "Your calendar feed has a new address" in response.content.decode()
    new = feed_token(member_user)
    assert new != old
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    assert reverse("meetings:feed", args=[new]) in response.content.decode()


def test_renewing_is_a_post(client, member_user):
    client.force_login(member_user)
    old = feed_token(member_user)
    assert client.get(reverse("meetings:feed_renew")).status_code == 405
    assert feed_token(member_user) == old


def test_a_password_change_retires_the_address(client, member_user):
    client.force_login(member_user)
    old = feed_token(member_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests-1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _feed(client, old).status_code == 404
    member_user.refresh_from_db()
    assert _feed(client, feed_token(member_user)).status_code == 200


def test_a_password_set_in_the_back_office_retires_the_address(client, member_user):
    old = feed_token(member_user)
    member_user.set_password(NEW_PASSWORD)
    member_user.save()
    assert _feed(client, old).status_code == 404
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_CHANGED, user=member_user).exists()


def test_an_inactive_users_address_stops_working(client, member_user):
    token = feed_token(member_user)
    member_user.is_active = False
    member_user.save()
    assert _feed(client, token).status_code == 404


def _parse_both(body: bytes) -> list[tuple[str, str]]:
    """(summary, location) of each event, read by two independent parsers that must agree."""
    by_icalendar = [(str(e["SUMMARY"]), str(e.get("LOCATION", ""))) for e in Calendar.from_ical(body).walk("VEVENT")]
    calendar = vobject.readOne(body.decode("utf-8"))
    by_vobject = [
        (e.summary.value, e.location.value if hasattr(e, "location") else "")
        for e in calendar.contents.get("vevent", [])
    ]
    assert by_icalendar == by_vobject
    return by_icalendar


def _assert_well_formed(body: bytes):
    text = body.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    for line in text.split("\r\n")[:-1]:
        assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", line), repr(line)
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT")


def test_years_outside_the_calendar_range_are_left_out_without_an_error(client, member_user):
    far = _mine(member_user, title="Typed 9999", held_on=datetime.date(9999, 12, 31), start_time=datetime.time(23, 0))
    early = _mine(member_user, title="Typed 0001", held_on=datetime.date(1, 1, 1), start_time=datetime.time(1, 0))
    _mine(member_user, title="Last all-day", held_on=datetime.date(2100, 12, 31))
    _mine(member_user, title="Soon", held_on=SOON, start_time=datetime.time(9), end_time=datetime.time(23, 59))

    response = _feed(client, feed_token(member_user))
    assert response.status_code == 200
    _assert_well_formed(response.content)
    assert [summary for summary, _ in _parse_both(response.content)] == ["Soon", "Last all-day"]

    client.force_login(member_user)
    for meeting in [far, early]:
        response = client.get(reverse("meetings:calendar", args=[meeting.pk]))
        assert response.status_code == 200
        _assert_well_formed(response.content)
        assert _parse_both(response.content) == []


def test_line_breaks_and_control_characters_cannot_break_the_feed(client, member_user):
    _mine(
        member_user,
        title="Line one\r\nEND:VEVENT\r\nBEGIN:VEVENT\rSUMMARY:forged\nthree\x07\x1b\x7f\u2028four",
        location="Room\r\n3\x0b;, upstairs\\",
        theme="First line\r\nSecond line\x01",
        held_on=SOON,
    )
    response = _feed(client, feed_token(member_user))
    assert response.status_code == 200
    _assert_well_formed(response.content)
    ((summary, location),) = _parse_both(response.content)
    assert summary == "Line one END:VEVENT BEGIN:VEVENT SUMMARY:forged three four"
    assert location == "Room 3;, upstairs\\"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["DESCRIPTION"]).endswith("First line\nSecond line")
