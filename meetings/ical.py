"""Meetings as iCalendar: one meeting, or a per-user feed of upcoming meetings.

Calendar apps fetch a feed without a session, so the feed URL carries a per-user token
signed with the SECRET_KEY (django.core.signing), the user's feed key (members.FeedKey: its
owner can renew it) and their password hash: a new key or a new password retires the old
address. Events carry only what a calendar needs — title, date, time, place, organisation
and a link — never the record itself.

Calendar data is strict: text never carries control characters (a title's line breaks
become spaces; a description keeps its line breaks, which the library escapes), and only
meetings held in FIRST_YEAR..LAST_YEAR are exported (a date typed as 9999-12-31 or
0001-01-01 would overflow the time arithmetic and means nothing to a calendar anyway).
"""

import datetime
import re
import unicodedata
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vText

from members.models import FeedKey

from .models import Meeting

FEED_SALT = "meetings.calendar-feed"
FIRST_YEAR, LAST_YEAR = 1921, 2100


def _signer(user) -> signing.Signer:
    key = FeedKey.objects.filter(user=user).values_list("key", flat=True).first() or ""
    return signing.Signer(salt=f"{FEED_SALT}:{key}:{user.password}")


def feed_token(user) -> str:
    return _signer(user).sign(str(user.pk))


def user_for_token(token: str):
    """The active user the token was made for, or None for a forged, renewed or stale token."""
    pk, sep, _signature = token.partition(":")
    if not sep or not pk.isdigit() or len(pk) > 18:
        return None
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None:
        return None
    try:
        _signer(user).unsign(token)
    except signing.BadSignature:
        return None
    return user


def in_calendar_range(day: datetime.date | None) -> bool:
    return day is not None and FIRST_YEAR <= day.year <= LAST_YEAR


_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


def _strip_controls(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cs"} or ch in "\n\t")


def one_line(text: str) -> str:
    """Text for a one-line property (summary, location, calendar name): breaks and tabs become spaces."""
    text = _strip_controls(_LINE_BREAKS.sub(" ", str(text)).replace("\t", " "))
    return re.sub(r" {2,}", " ", text).strip()


def lines(text: str) -> str:
    """Text for a description: line breaks kept (as \\n, which icalendar escapes), other controls dropped."""
    return _strip_controls(_LINE_BREAKS.sub("\n", str(text))).strip()


def upcoming_meetings(user):
    today = timezone.localdate()
    return (
        Meeting.objects.visible_to(user)
        .filter(
            held_on__gte=max(today, datetime.date(FIRST_YEAR, 1, 1)),
            held_on__lte=datetime.date(LAST_YEAR, 12, 31),
            status__in=Meeting.UPCOMING,
        )
        .select_related("organisation")
        .order_by("held_on", "start_time")
    )


def _event(meeting: Meeting, now: datetime.datetime, base_url: str) -> Event:
    event = Event()
    host = base_url.split("://")[-1].split("/")[0]
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", now)
    # A calendar app replaces its copy when SEQUENCE goes up: the version rises with every change of
    # the meeting's details (date, time, place, title), from 1; SEQUENCE starts at 0.
    event.add("sequence", max(meeting.version - 1, 0))
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    event.add("summary", one_line(meeting))
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
        event.add("location", one_line(meeting.location))
    event.add("description", lines(f"{meeting.organisation.name}\n{meeting.theme}"))
    event.add("url", base_url.rstrip("/") + reverse("meetings:detail", args=[meeting.pk]))
    event.add("status", "CONFIRMED")
    return event


def calendar_bytes(meetings, name: str, *, base_url: str) -> bytes:
    """The calendar file. base_url is where the site is served (from the request), so the links work
    wherever it runs; the summaries are in the language active when this is called."""
    cal = Calendar()
    cal.add("prodid", "-//Meeting Records//meetings//EN")
    cal.add("version", "2.0")
    # An X- property is not known to be text, so icalendar would write it raw: a comma or a
    # semicolon in the name would split it. vText escapes them as RFC 5545 says for text.
    cal.add("x-wr-calname", vText(one_line(name)))
    now = timezone.now()
    for meeting in meetings:
        if in_calendar_range(meeting.held_on):
            cal.add_component(_event(meeting, now, base_url))
    return cal.to_ical()
