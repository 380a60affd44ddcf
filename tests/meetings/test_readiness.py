"""The readiness checklist before a democratic life meeting, the written override, the higher
organisation's consent, and what closing a meeting asks for."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.history import render_reason
from materials.models import InspectionMaterial
from meetings import selectors, services
from meetings.models import Attendance, HeartToHeartTalk, Meeting
from reports.models import MeetingReport
from tests.factories import AttendanceFactory, MeetingFactory

from .helpers import add_members
from .readiness import complete_record, make_ready

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _preparing(org, n=3):
    members = add_members(org, n)
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.PREPARING, held_on=TODAY, presider=members[0])
    for m in members:
        AttendanceFactory(meeting=meeting, member=m, role=Attendance.Role.PARTICIPANT)
    return meeting, members


def _state(meeting):
    return {c["key"]: c["done"] for c in selectors.readiness_checklist(meeting)}


def test_the_checklist_names_every_item_the_regulations_ask_and_what_is_open(org):
    meeting, members = _preparing(org)
    checks = selectors.readiness_checklist(meeting)
    assert [c["key"] for c in checks] == ["study", "opinions", "talks", "consent", "materials", "group_material"]
    assert not any(c["done"] for c in checks)
    talks = next(c for c in checks if c["key"] == "talks")
    assert f"{members[0].name} with {members[1].name}" in talks["detail"]
    assert f"{members[0].name} with {members[2].name}" in talks["detail"]
    assert talks["url"] == reverse("meetings:preparation", args=[meeting.pk]) + "#talk-title"


def test_a_talk_counts_for_its_pair_whichever_way_it_was_recorded(org):
    meeting, members = _preparing(org)
    HeartToHeartTalk.objects.create(meeting=meeting, member_a=members[1], member_b=members[0])
    assert _state(meeting)["talks"] is False  # members[2] has not talked with the presider yet
    HeartToHeartTalk.objects.create(meeting=meeting, member_a=members[0], member_b=members[2])
    assert _state(meeting)["talks"] is True


def test_every_attendee_needs_an_approved_material_and_the_group_its_own(org):
    meeting, members = _preparing(org, 2)
    make_ready(meeting, members)
    assert all(_state(meeting).values())
    InspectionMaterial.objects.filter(meeting=meeting, author=members[1]).update(
        status=InspectionMaterial.Status.SUBMITTED
    )
    checks = {c["key"]: c for c in selectors.readiness_checklist(meeting)}
    assert checks["materials"]["done"] is False
    assert f"{members[1].name} (submitted)" in checks["materials"]["detail"]
    InspectionMaterial.objects.filter(meeting=meeting, on_behalf_of_group=True).delete()
    assert _state(meeting)["group_material"] is False


def test_marking_held_is_refused_while_the_checklist_is_open(org, secretary):
    meeting, members = _preparing(org)
    with pytest.raises(ValidationError) as exc:
        services.meeting_mark_held(meeting=meeting, by=secretary)
    text = " ".join(exc.value.messages)
    assert "readiness checklist is not complete" in text and "Heart-to-heart talks held" in text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PREPARING


def test_a_written_reason_overrides_the_checklist_and_is_kept(org, secretary, client):
    meeting, members = _preparing(org)
    services.meeting_mark_held(meeting=meeting, by=secretary, override_reason="  Consent given by phone.  ")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.hold_override_reason == "Consent given by phone."
    reason = render_reason(meeting.history.latest().history_change_reason)
    assert reason.startswith("Marked held with open checklist items (")
    assert "The higher organisation's consent to hold the meeting" in reason
    assert reason.endswith("reason: Consent given by phone.")
    client.force_login(secretary)
    for url in (meeting.get_absolute_url(), reverse("meetings:print", args=[meeting.pk])):
        page = client.get(url).content.decode()
        assert "Held with open checklist items" in page and "Consent given by phone." in page
    assert "Consent given by phone." in client.get(reverse("meetings:history", args=[meeting.pk])).content.decode()


def test_a_complete_checklist_lets_the_meeting_be_held_without_a_reason(org, secretary):
    meeting, members = _preparing(org)
    make_ready(meeting, members)
    services.meeting_mark_held(meeting=meeting, by=secretary)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.hold_override_reason == ""
    assert render_reason(meeting.history.latest().history_change_reason) == "Marked held"


def test_the_meeting_page_shows_each_item_in_words_with_a_link_and_the_reason_box(org, secretary, client):
    meeting, members = _preparing(org)
    HeartToHeartTalk.objects.create(meeting=meeting, member_a=members[0], member_b=members[1])
    meeting.consent_on, meeting.consent_by = TODAY, "Municipal committee"
    meeting.save()
    client.force_login(secretary)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Readiness checklist" in page
    assert "5 items still open." in page
    assert page.count(">\xa0Done<") + page.count("> Done<") >= 1 and "> Open<" in page
    assert "Given on" in page and "Municipal committee" in page
    assert f"Still to talk: {members[0].name} with {members[2].name}." in page
    assert reverse("meetings:consent", args=[meeting.pk]) in page
    assert 'name="override_reason"' in page
    # Through the page: refused without a reason, held with one.
    url = reverse("meetings:transition", args=[meeting.pk, "held"])
    response = client.post(url, follow=True)
    assert "Not yet: The readiness checklist is not complete" in response.content.decode()
    client.post(url, {"override_reason": "The committee asked for the date."})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_the_consent_is_recorded_on_its_page_and_bad_dates_are_named(org, secretary, client):
    meeting, members = _preparing(org)
    client.force_login(secretary)
    url = reverse("meetings:consent", args=[meeting.pk])
    assert client.get(url).status_code == 200
    future = (TODAY + datetime.timedelta(days=5)).isoformat()
    response = client.post(url, {"consent_on": future, "consent_by": "Municipal committee"})
    assert response.status_code == 200
    assert "The consent cannot be dated in the future." in response.content.decode()
    response = client.post(
        url, {"consent_on": TODAY.isoformat(), "consent_by": "Municipal committee", "consent_reference": "No. 5"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.consent_on, meeting.consent_by, meeting.consent_reference) == (
        TODAY,
        "Municipal committee",
        "No. 5",
    )
    assert _state(meeting)["consent"] is True
    assert "Consent to hold the meeting recorded" in render_reason(meeting.history.latest().history_change_reason)


def test_closing_asks_for_the_minutes_the_plan_and_the_filed_report(org, secretary):
    meeting, members = _preparing(org, 2)
    make_ready(meeting, members)
    services.meeting_mark_held(meeting=meeting, by=secretary)
    with pytest.raises(ValidationError) as exc:
        services.meeting_close(meeting=meeting, by=secretary)
    text = " ".join(exc.value.messages)
    assert "no criticism or self-criticism by" in text and members[1].name in text
    assert "no concluding speech" in text
    assert "rectification plan is not made" in text
    assert "report to the higher organisation is not drafted" in text
    complete_record(meeting, members, filed=False)
    with pytest.raises(ValidationError, match="is draft, not yet filed"):
        services.meeting_close(meeting=meeting, by=secretary)
    MeetingReport.objects.filter(meeting=meeting).update(status=MeetingReport.Status.FILED, filed_on=TODAY)
    services.meeting_close(meeting=meeting, by=secretary)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED


def test_other_kinds_of_meeting_have_no_checklist(org, secretary):
    meeting, members = _preparing(org)
    meeting.kind = Meeting.Kind.ORGANISATIONAL_LIFE
    meeting.save()
    assert selectors.readiness_checklist(meeting) == []
    services.meeting_mark_held(meeting=meeting, by=secretary)
    services.meeting_close(meeting=meeting, by=secretary)


def test_a_speech_by_a_member_on_leave_is_refused_as_a_criticism_is(org, secretary):
    meeting, members = _preparing(org)
    meeting.attendances.filter(member=members[2]).update(status=Attendance.Status.ON_LEAVE, reason="Official trip")
    with pytest.raises(ValidationError) as exc:
        services.speech_save(
            meeting=meeting, by=secretary, data={"speaker": members[2], "title": "Statement"}, key_points=[]
        )
    assert "speaker" in exc.value.message_dict
    assert "on leave" in exc.value.message_dict["speaker"][0]
    assert not meeting.speeches.exists()
    services.speech_save(
        meeting=meeting, by=secretary, data={"speaker": members[1], "title": "Statement"}, key_points=[]
    )
    assert meeting.speeches.count() == 1
