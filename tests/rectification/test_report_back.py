"""The next meeting reports on the previous meeting's plan: a snapshot taken when it is held, and the tag."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from meetings.signals import meeting_held
from rectification import services
from rectification.models import RectificationItem, ReportBack
from tests.factories import ItemFactory, MeetingFactory

S = RectificationItem.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def next_meeting(meeting):
    return MeetingFactory(
        organisation=meeting.organisation, previous_meeting=meeting, year=2023, held_on=datetime.date(2024, 1, 25)
    )


def _render(meeting):
    return Template("{% load rectification_tags %}{% report_back meeting %}").render(Context({"meeting": meeting}))


def _plan_items(plan, statuses):
    return [ItemFactory(plan=plan, status=s) for s in statuses]  # numbered on from the plan's last


def test_holding_the_next_meeting_takes_the_snapshot_once(plan, next_meeting, secretary):
    items = _plan_items(plan, [S.VERIFIED, S.VERIFIED, S.IN_PROGRESS])
    meeting_held.send(sender=Meeting, meeting=next_meeting, by=secretary)
    assert ReportBack.objects.filter(meeting=next_meeting).count() == 3
    # Later changes do not rewrite what was reported, and a second signal changes nothing.
    RectificationItem.objects.filter(pk=items[2].pk).update(status=S.VERIFIED, progress_percent=100)
    meeting_held.send(sender=Meeting, meeting=next_meeting, by=secretary)
    assert ReportBack.objects.filter(meeting=next_meeting).count() == 3
    assert ReportBack.objects.get(meeting=next_meeting, item=items[2]).status == S.IN_PROGRESS
    html = _render(next_meeting)
    assert "3 measures: 2 verified, 1 in progress" in html
    assert "Status as of the meeting date." in html


def test_before_the_meeting_is_held_the_report_shows_the_current_status(plan, next_meeting):
    _plan_items(plan, [S.VERIFIED, S.DONE, S.OPEN, S.CANCELLED])
    html = _render(next_meeting)
    assert "4 measures: 1 verified, 1 done (awaiting verification), 1 open, 1 cancelled" in html
    assert "Current status" in html


def test_no_previous_meeting_or_no_plan_says_plainly_there_is_nothing_to_report(meeting, next_meeting):
    assert "Nothing to report: no previous meeting is recorded for this one." in _render(meeting)
    said = _render(next_meeting)
    assert "Nothing to report: the previous meeting" in said and "left no rectification measures" in said
    assert "<table" not in said
    assert services.report_back_snapshot(meeting=meeting) == 0


def test_the_tag_runs_a_constant_number_of_queries(plan, next_meeting):
    _plan_items(plan, [S.VERIFIED] * 3)
    with CaptureQueriesContext(connection) as few:
        _render(next_meeting)
    _plan_items(plan, [S.IN_PROGRESS] * 20)
    with CaptureQueriesContext(connection) as many:
        _render(next_meeting)
    assert len(few) == len(many) == 2
    services.report_back_snapshot(meeting=next_meeting)
    next_meeting.refresh_from_db()
    with CaptureQueriesContext(connection) as snap:
        html = _render(next_meeting)
    assert len(snap) == 1
    assert "23 measures: 3 verified, 20 in progress" in html


def test_report_back_page_shows_the_tag(client, secretary, other_secretary, plan, next_meeting):
    _plan_items(plan, [S.VERIFIED])
    client.force_login(secretary)
    from django.urls import reverse

    url = reverse("rectification:report_back", args=[next_meeting.pk])
    page = client.get(url).content.decode()
    assert "1 measure: 1 verified" in page
    assert "The report on its own page" not in page  # no link to itself
    # The meeting's record links to this page, which nothing else did.
    assert url in client.get(next_meeting.get_absolute_url()).content.decode()
    client.force_login(other_secretary)
    assert client.get(url).status_code == 404


def test_plan_page_of_the_next_meeting_shows_the_report(client, secretary, plan, next_meeting):
    from tests.factories import PlanFactory

    _plan_items(plan, [S.VERIFIED, S.IN_PROGRESS])
    next_plan = PlanFactory(meeting=next_meeting)
    client.force_login(secretary)
    body = client.get(next_plan.get_absolute_url()).content.decode()
    assert "2 measures: 1 verified, 1 in progress" in body


def test_a_held_meeting_links_to_the_report_from_its_rectification_card(client, secretary, plan, next_meeting):
    from django.urls import reverse

    from meetings.models import Meeting

    Meeting.objects.filter(pk=next_meeting.pk).update(status=Meeting.Status.HELD)
    client.force_login(secretary)
    page = client.get(next_meeting.get_absolute_url()).content.decode()
    assert reverse("rectification:report_back", args=[next_meeting.pk]) in page


def _heading_levels(page):
    import re

    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", page.split("<main", 1)[1])]


def test_the_report_back_heading_fits_the_page_outline(client, secretary, plan, next_meeting):
    """A screen reader's list of headings goes h1 > h2 on the plan and report pages (it jumped to h3)."""
    from django.urls import reverse

    from tests.factories import PlanFactory

    _plan_items(plan, [S.VERIFIED])
    client.force_login(secretary)
    for url in (
        reverse("rectification:report_back", args=[next_meeting.pk]),
        PlanFactory(meeting=next_meeting).get_absolute_url(),
    ):
        levels = _heading_levels(client.get(url).content.decode())
        assert levels[0] == 1 and 2 in levels, (url, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
    # Inside the minutes, under the agenda item's h2, it stays an h3.
    assert '<h3 class="h6" id="report-back-' in _render(next_meeting)
