"""The report after the meeting (情况报告): drafted from the record in its language, edited, approved,
filed, exported, due 15 days after the meeting on the secretary's dashboard."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document

from core.history import render_reason
from meetings.models import Attendance, Meeting
from rectification.models import Problem
from reports import services
from reports.models import MeetingReport
from tests.factories import AttendanceFactory, CriticismFactory, ItemFactory, MeetingFactory, OrganisationFactory
from tests.meetings.helpers import add_members

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def held(org):
    """A held Chinese meeting of `org` (under a higher organisation), three members, one on leave."""
    org.name = "市政府党组"
    org.parent = OrganisationFactory(name="中共某市委员会")
    org.save()
    members = add_members(org, 3, prefix="成员")
    meeting = MeetingFactory(
        organisation=org, status=Meeting.Status.HELD, held_on=TODAY - datetime.timedelta(days=3), presider=members[0]
    )
    for m in members:
        AttendanceFactory(meeting=meeting, member=m)
    meeting.attendances.filter(member=members[2]).update(status=Attendance.Status.ON_LEAVE, reason="出差")
    CriticismFactory(meeting=meeting, from_member=members[0], to_member=None)
    CriticismFactory(meeting=meeting, from_member=members[1], to_member=members[0])
    Problem.objects.create(meeting=meeting, aspect="理论学习", description="学习不够深入")
    ItemFactory(plan__meeting=meeting, problem=None, measure="制定学习计划", responsible_member=members[1])
    return meeting


def test_the_draft_is_written_from_the_record_in_its_language(held, secretary):
    report = services.report_draft(meeting=held, by=secretary)
    assert report.title == "关于市政府党组召开2022年度民主生活会情况的报告"
    assert report.addressed_to == "中共某市委员会"
    body = report.body
    assert body.startswith("中共某市委员会：")
    assert "应到会3人，实到会2人" in body and "成员 002同志因出差未到会" in body
    assert "## 批评和自我批评情况" in body and "相互批评1条" in body
    assert "理论学习：学习不够深入" in body
    assert "制定学习计划（责任人：成员 001" in body
    assert report.status == MeetingReport.Status.DRAFT
    assert render_reason(report.history.latest().history_change_reason) == "Report drafted from the record"
    assert report.due_on == held.held_on + datetime.timedelta(days=15)


def test_draft_edit_approve_file_through_the_pages(held, secretary, client):
    client.force_login(secretary)
    page = reverse("reports:detail", args=[held.pk])
    assert "Draft the report from the record" in client.get(page).content.decode()
    assert "Report to the higher organisation" in client.get(held.get_absolute_url()).content.decode()
    client.post(reverse("reports:draft", args=[held.pk]))
    report = MeetingReport.objects.get(meeting=held)
    edit = reverse("reports:edit", args=[held.pk])
    response = client.post(edit, {"title": "", "addressed_to": "", "body": "x", "version": report.version})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    body = report.body + "\n会后补充：已通报。\n"
    response = client.post(
        edit, {"title": report.title, "addressed_to": report.addressed_to, "body": body, "version": report.version}
    )
    assert response.status_code == 302
    client.post(reverse("reports:approve", args=[held.pk]))
    report.refresh_from_db()
    assert report.is_approved and report.approved_by == secretary
    assert client.get(edit).status_code == 200  # the form shows, but saving an approved report is refused
    response = client.post(reverse("reports:file", args=[held.pk]), {"reference": "市府党组〔2023〕3号"}, follow=True)
    assert "The report is filed with the higher organisation." in response.content.decode()
    report.refresh_from_db()
    assert report.is_filed and report.filed_on == TODAY and report.filed_reference == "市府党组〔2023〕3号"
    reasons = [render_reason(h.history_change_reason) for h in report.history.order_by("history_date")]
    assert reasons[0] == "Report drafted from the record"
    assert reasons[1].startswith("Report edited: text")
    assert reasons[2:] == ["Report approved", f"Report filed with the higher organisation on {TODAY}"]
    shown = client.get(page).content.decode()
    assert "会后补充：已通报。" in shown and "Report approved" in shown and "市府党组〔2023〕3号" in shown


def test_the_states_go_one_way(held, secretary):
    report = services.report_draft(meeting=held, by=secretary)
    with pytest.raises(ValidationError, match="Approve the report before filing it"):
        services.report_file(report=report, by=secretary)
    with pytest.raises(ValidationError, match="already has its report"):
        services.report_draft(meeting=held, by=secretary)
    services.report_approve(report=report, by=secretary)
    with pytest.raises(ValidationError, match="return it to draft"):
        services.report_update(report=report, by=secretary, data={"body": "changed"})
    services.report_return_to_draft(report=report, by=secretary)
    services.report_update(report=report, by=secretary, data={"body": "## 一、情况\n\n好。"})
    services.report_approve(report=report, by=secretary)
    with pytest.raises(ValidationError) as exc:
        services.report_file(report=report, by=secretary, filed_on=TODAY + datetime.timedelta(days=1))
    assert "filed_on" in exc.value.message_dict
    services.report_file(report=report, by=secretary)
    with pytest.raises(ValidationError):
        services.report_return_to_draft(report=report, by=secretary)


def test_a_report_cannot_be_drafted_before_the_meeting(org, secretary):
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.PREPARING)
    with pytest.raises(ValidationError, match="once the meeting has been held"):
        services.report_draft(meeting=meeting, by=secretary)


def test_a_stale_form_does_not_overwrite_another_save(held, secretary):
    report = services.report_draft(meeting=held, by=secretary)
    loaded = report.version
    services.report_update(report=report, by=secretary, data={"body": "first"})
    with pytest.raises(services.ReportConflict):
        services.report_update(report=report, by=secretary, data={"body": "second"}, version=loaded)
    report.refresh_from_db()
    assert report.body == "first"


def test_the_documents_number_the_sections_and_carry_the_text(held, secretary, client):
    report = services.report_draft(meeting=held, by=secretary)
    client.force_login(secretary)
    printed = client.get(reverse("reports:print", args=[held.pk])).content.decode()
    assert "official-print.css" in printed and report.title in printed
    response = client.get(reverse("reports:docx", args=[held.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert lines[0] == report.title
    assert "中共某市委员会：" in lines
    assert any(line.startswith("一、") and "会前准备情况" in line for line in lines)
    assert any(line.startswith("三、") and "批评和自我批评情况" in line for line in lines)
    assert lines[-1] == held.organisation.name or held.organisation.name in lines[-2:]
    pdf = client.get(reverse("reports:pdf", args=[held.pk]))
    assert pdf.status_code in (200, 503)


def test_the_dashboard_shows_the_due_date_and_when_it_is_overdue(held, secretary, client):
    client.force_login(secretary)
    due = held.held_on + datetime.timedelta(days=15)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Reports to the higher organisation" in page
    assert f"Due on {due.isoformat()}" in page and "Draft the report" in page
    Meeting.objects.filter(pk=held.pk).update(held_on=TODAY - datetime.timedelta(days=20))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Overdue: was due on" in page and "(5 days ago)" in page
    report = services.report_draft(meeting=Meeting.objects.get(pk=held.pk), by=secretary)
    services.report_approve(report=report, by=secretary)
    services.report_file(report=report, by=secretary)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Overdue: was due on" not in page


def test_a_member_attending_gets_a_403_that_says_why(held, secretary, member_user, client):
    AttendanceFactory(meeting=held, member=member_user.member)
    client.force_login(member_user)
    response = client.get(reverse("reports:detail", args=[held.pk]))
    assert response.status_code == 403
    assert "written by the secretaries of" in response.content.decode()
