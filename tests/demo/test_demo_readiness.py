"""The demo shows the readiness rules: the seed meeting's checklist complete with the higher
organisation's consent on record, its report after the meeting filed; the next meeting's checklist open."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from meetings import selectors
from meetings.models import Meeting
from reports.models import MeetingReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]


@pytest.fixture
def demo(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    for _ in range(2):  # a rerun adds nothing and changes nothing
        call_command("load_demo", stdout=open("/dev/null", "w"))
    return Meeting.objects.get(organisation__name="中共重庆市人民政府党组", year=2022)


def test_the_seed_meeting_is_ready_consented_and_reported(demo, client):
    assert all(c["done"] for c in selectors.readiness_checklist(demo)), selectors.open_checks(demo)
    assert demo.consent_by == "中共重庆市委组织部" and str(demo.consent_on) == "2023-01-10"
    report = MeetingReport.objects.get(meeting=demo)
    assert report.is_filed and not report.is_overdue
    assert report.title == "关于中共重庆市人民政府党组召开2022年度民主生活会情况的报告"
    assert report.addressed_to == "中共重庆市委员会" and "应到会6人" in report.body
    assert report.history.count() == 1
    client.login(username="secretary", password="demo-pass-for-tests")
    page = client.get(demo.get_absolute_url()).content.decode()
    assert "Every item is done." in page and "中共重庆市委组织部" in page
    shown = client.get(reverse("reports:detail", args=[demo.pk])).content.decode()
    assert "渝府党组〔2023〕6号" in shown


def test_the_next_meeting_shows_what_is_still_open(demo):
    upcoming = Meeting.objects.get(previous_meeting=demo)
    open_keys = {c["key"] for c in selectors.open_checks(upcoming)}
    assert {"materials", "group_material", "consent", "talks"} <= open_keys
