import io

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


def _reported(output: str) -> dict[str, int]:
    """{"organisations": 4, "members": 21, ...} from "Generated 4 organisations, 21 members, … in 0.3 s"."""
    line = output.strip().splitlines()[-1]
    assert line.startswith("Generated ")
    counts = line.removeprefix("Generated ").rsplit(" in ", 1)[0]
    return {label: int(number) for number, label in (part.split(" ", 1) for part in counts.split(", "))}


def test_generate_data_reports_what_it_created_run_after_run():
    from members.models import Member, Organisation
    from notices.models import Notice

    models = {
        "organisations": Organisation,
        "members": Member,
        "meetings": Meeting,
        "rectification plans": RectificationPlan,
        "rectification items": RectificationItem,
        "progress reports": ProgressReport,
        "notices": Notice,
    }
    totals = dict.fromkeys(models, 0)
    for run in range(2):
        out = io.StringIO()
        call_command("generate_data", meetings=7, items_per_meeting=2, notices=3, seed=run + 1, stdout=out)
        reported = _reported(out.getvalue())
        assert set(reported) == set(models)
        for label, number in reported.items():
            totals[label] += number
        assert totals == {label: model.objects.count() for label, model in models.items()}
    # Each run: two branches for seven meetings and the party committee above them, seven members each.
    assert reported["organisations"] == 3 and reported["members"] == 14
    assert reported["meetings"] == 7 and reported["rectification items"] == 14 and reported["notices"] == 3
