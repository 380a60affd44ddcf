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
