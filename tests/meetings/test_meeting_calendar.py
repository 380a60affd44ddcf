"""Meetings in calendar apps: one meeting's .ics, and a per-user feed that works without a session."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.ical import feed_token
from tests.factories import AttendanceFactory, CriticismFactory, MeetingFactory

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=7)


def _events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_a_meeting_downloads_as_an_event(client, org, secretary):
    meeting = MeetingFactory(
        organisation=org, title="Democratic life meeting", held_on=SOON, start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0), location="Room 3",
    )  # fmt: skip
    CriticismFactory(meeting=meeting, content="Confidential criticism")
    client.force_login(secretary)
    response = client.get(reverse("meetings:calendar", args=[meeting.pk]))
    (event,) = _events(response)
    assert str(event["SUMMARY"]) == "Democratic life meeting"
    assert str(event["LOCATION"]) == "Room 3"
    # 09:00 in Shanghai is 01:00 UTC
    assert event.decoded("DTSTART") == datetime.datetime(SOON.year, SOON.month, SOON.day, 1, 0, tzinfo=datetime.UTC)
    assert b"Confidential criticism" not in response.content


def test_the_feed_works_without_a_session_and_lists_my_upcoming_meetings(client, org, other_org, member_user):
    mine = MeetingFactory(organisation=org, title="My meeting", held_on=SOON)
    AttendanceFactory(meeting=mine, member=member_user.member)
    past = MeetingFactory(organisation=org, title="Past meeting", held_on=datetime.date(2020, 1, 1))
    AttendanceFactory(meeting=past, member=member_user.member)
    MeetingFactory(organisation=other_org, title="Someone else's meeting", held_on=SOON)
    response = client.get(reverse("meetings:feed", args=[feed_token(member_user)]))  # no login
    assert response.status_code == 200
    assert [str(e["SUMMARY"]) for e in _events(response)] == ["My meeting"]


def test_a_forged_feed_token_is_a_404(client, member_user, secretary):
    token = feed_token(member_user)
    forged = f"{secretary.pk}:{token.split(':', 1)[1]}"
    assert client.get(reverse("meetings:feed", args=[forged])).status_code == 404
    assert client.get(reverse("meetings:feed", args=["nonsense"])).status_code == 404


def test_the_feed_address_is_on_the_meetings_page(client, member_user):
    client.force_login(member_user)
    body = client.get(reverse("meetings:list")).content.decode()
    assert reverse("meetings:feed", args=[feed_token(member_user)]) in body


def _vevent(body: bytes):
    """The calendar read by vobject, a second parser independent of the icalendar that wrote it."""
    import vobject

    calendar = vobject.readOne(body.decode("utf-8"))
    (event,) = calendar.contents["vevent"]
    return calendar, event


def test_the_calendar_name_is_escaped_and_events_say_when_they_changed(client, org, secretary):
    from meetings import services

    title = "2022年度民主生活会, 第一场; 会前\\准备"
    meeting = MeetingFactory(organisation=org, title=title, held_on=SOON, location="Room 3")
    client.force_login(secretary)
    url = reverse("meetings:calendar", args=[meeting.pk])
    body = client.get(url).content
    assert "X-WR-CALNAME:2022年度民主生活会\\, 第一场\\; 会前\\\\准备".encode() in body
    calendar, event = _vevent(body)
    assert calendar.contents["x-wr-calname"][0].value == str(meeting)  # read whole, not cut at the comma
    assert event.sequence.value == "0"
    meeting.refresh_from_db()
    first_modified = event.last_modified.value
    assert first_modified == meeting.updated_at.replace(microsecond=0)

    services.meeting_update(meeting=meeting, by=secretary, data={"location": "Room 5"}, version=meeting.version)
    _calendar, event = _vevent(client.get(url).content)
    assert event.location.value == "Room 5"
    assert event.sequence.value == "1"  # calendar apps take the moved meeting as an update
    assert event.last_modified.value >= first_modified
    meeting.refresh_from_db()
    assert event.last_modified.value == meeting.updated_at.replace(microsecond=0)
