"""Meetings as iCalendar: one meeting, or a per-user feed of upcoming meetings.

Calendar apps fetch a feed without a session, so the feed URL carries a per-user token
signed with the SECRET_KEY (django.core.signing). Events carry only what a calendar
needs — title, date, time, place, organisation and a link — never the record itself.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting

FEED_SALT = "meetings.calendar-feed"


def feed_token(user) -> str:
    return signing.Signer(salt=FEED_SALT).sign(str(user.pk))


def user_for_token(token: str):
    """The active user the token was made for, or None for a forged or stale token."""
    try:
        pk = signing.Signer(salt=FEED_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def upcoming_meetings(user):
    today = timezone.localdate()
    return (
        Meeting.objects.visible_to(user)
        .filter(held_on__gte=today, status__in=Meeting.UPCOMING)
        .select_related("organisation")
        .order_by("held_on", "start_time")
    )


def _event(meeting: Meeting, now: datetime.datetime, base_url: str) -> Event:
    event = Event()
    host = base_url.split("://")[-1].split("/")[0]
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", now)
    event.add("summary", str(meeting))
    if meeting.start_time:
        tz = ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime.combine(meeting.held_on, meeting.start_time, tzinfo=tz)
        event.add("dtstart", start.astimezone(datetime.UTC))
        if meeting.end_time:
            end = datetime.datetime.combine(meeting.held_on, meeting.end_time, tzinfo=tz)
            event.add("dtend", end.astimezone(datetime.UTC))
    else:
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + datetime.timedelta(days=1))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", f"{meeting.organisation.name}\n{meeting.theme}".strip())
    event.add("url", base_url.rstrip("/") + reverse("meetings:detail", args=[meeting.pk]))
    event.add("status", "CONFIRMED")
    return event


def calendar_bytes(meetings, name: str, *, base_url: str) -> bytes:
    """The calendar file. base_url is where the site is served (from the request), so the links work
    wherever it runs; the summaries are in the language active when this is called."""
    cal = Calendar()
    cal.add("prodid", "-//Meeting Records//meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    now = timezone.now()
    for meeting in meetings:
        if meeting.held_on:
            cal.add_component(_event(meeting, now, base_url))
    return cal.to_ical()
