import pytest
from django.core.management import call_command

from meetings.models import Attendance, Meeting
from rectification.models import Problem, ProgressReport, RectificationItem, RectificationPlan

pytestmark = pytest.mark.django_db


def test_generate_data_makes_consistent_bulk_data():
    call_command("generate_data", meetings=12, items_per_meeting=3, notices=2, stdout=open("/dev/null", "w"))
    assert Meeting.objects.count() == 12
    assert RectificationPlan.objects.count() == 12
    assert RectificationItem.objects.count() == 36 == Problem.objects.count()
    assert Attendance.objects.count() == 12 * 7
    assert ProgressReport.objects.exists()
    # Every plan belongs to its meeting's organisation and deadlines follow the meeting.
    for item in RectificationItem.objects.select_related("plan__meeting"):
        assert item.plan.organisation_id == item.plan.meeting.organisation_id
        if item.deadline and item.plan.meeting.held_on:
            assert item.deadline >= item.plan.meeting.held_on
    # Later meetings of an organisation point to the previous one, so report-back works on the data.
    organisations = Meeting.objects.values("organisation").distinct().count()
    assert organisations == 3
    assert Meeting.objects.filter(previous_meeting__isnull=False).count() == 12 - organisations
