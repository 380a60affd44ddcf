"""The rules of the meeting services: what must be true before each step, all or nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.history import render_reason
from materials.models import InspectionMaterial
from meetings import selectors, services
from meetings.models import AgendaItem, Attendance, Meeting, Speech
from meetings.signals import meeting_held
from tests.factories import AgendaItemFactory, MaterialFactory, MeetingFactory

from .helpers import add_members
from .readiness import complete_record, make_ready

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _plan(org, secretary, **data):
    base = {"kind": Meeting.Kind.DEMOCRATIC_LIFE, "year": 2022, "theme": "Unity", "held_on": TODAY}
    return services.meeting_create(organisation=org, by=secretary, data={**base, **data})


def _sheet(members, overrides=None):
    overrides = overrides or {}
    return [
        {"member": m, "role": Attendance.Role.PARTICIPANT, "status": Attendance.Status.PRESENT, "reason": ""}
        | overrides.get(m.pk, {})
        for m in members
    ]


def test_a_new_democratic_life_meeting_starts_from_the_standard_agenda(org, secretary):
    meeting = _plan(org, secretary)
    items = list(meeting.agenda_items.order_by("order"))
    assert [i.kind for i in items] == [
        AgendaItem.Kind.PREVIOUS_RECTIFICATION,
        AgendaItem.Kind.SOLICITED_OPINIONS,
        AgendaItem.Kind.GROUP_INSPECTION,
        AgendaItem.Kind.INDIVIDUAL_INSPECTION,
        AgendaItem.Kind.CONCLUDING_SPEECH,
    ]
    assert [i.order for i in items] == [1, 2, 3, 4, 5]
    first = meeting.history.earliest()
    assert first.history_user == secretary
    assert render_reason(first.history_change_reason) == "Meeting planned"


def test_an_organisational_life_meeting_starts_with_an_empty_agenda(org, secretary):
    meeting = _plan(org, secretary, kind=Meeting.Kind.ORGANISATIONAL_LIFE)
    assert not meeting.agenda_items.exists()


def test_a_secretary_cannot_plan_for_another_organisation(org, other_secretary):
    with pytest.raises(PermissionDenied):
        _plan(org, other_secretary)
    assert not Meeting.objects.exists()


def test_a_meeting_dated_before_its_previous_meeting_is_refused(org, secretary):
    previous = MeetingFactory(organisation=org, held_on=datetime.date(2023, 1, 30))
    with pytest.raises(ValidationError) as exc:
        _plan(org, secretary, previous_meeting=previous, held_on=datetime.date(2022, 12, 1))
    assert "held_on" in exc.value.message_dict
    assert Meeting.objects.count() == 1


def test_the_presider_must_belong_to_the_organisation(org, secretary, other_member):
    with pytest.raises(ValidationError) as exc:
        _plan(org, secretary, presider=other_member.member)
    assert "presider" in exc.value.message_dict


def test_marking_held_says_everything_that_is_missing(org, secretary):
    meeting = _plan(org, secretary, held_on=TODAY + datetime.timedelta(days=3))
    services.meeting_start_preparation(meeting=meeting, by=secretary)
    with pytest.raises(ValidationError) as exc:
        services.meeting_mark_held(meeting=meeting, by=secretary)
    text = " ".join(exc.value.messages)
    assert "presider" in text
    assert "attendance sheet" in text
    assert "future" in text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PREPARING


def test_only_a_meeting_in_preparation_can_be_marked_held(org, secretary):
    meeting = _plan(org, secretary)
    with pytest.raises(ValidationError, match="Only a meeting in preparation"):
        services.meeting_mark_held(meeting=meeting, by=secretary)


def test_marking_held_sends_the_signal_inside_the_transaction(org, secretary):
    members = add_members(org, 3)
    meeting = _plan(org, secretary, presider=members[0])
    services.meeting_start_preparation(meeting=meeting, by=secretary)
    services.attendance_sheet_save(meeting=meeting, by=secretary, rows=_sheet(members), guests=[])
    make_ready(meeting, members)  # the readiness checklist complete (tests/meetings/test_readiness.py)
    received = []

    def receiver(sender, meeting, by, **kwargs):
        received.append((sender, meeting.pk, by, transaction.get_connection().in_atomic_block, meeting.status))

    meeting_held.connect(receiver)
    try:
        services.meeting_mark_held(meeting=meeting, by=secretary)
    finally:
        meeting_held.disconnect(receiver)
    assert received == [(Meeting, meeting.pk, secretary, True, Meeting.Status.HELD)]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert render_reason(meeting.history.latest().history_change_reason) == "Marked held"


def test_a_meeting_cannot_close_while_a_material_is_draft_or_returned(org, secretary):
    members = add_members(org, 2)
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.HELD)
    draft = MaterialFactory(meeting=meeting, author=members[0], status=InspectionMaterial.Status.DRAFT)
    MaterialFactory(meeting=meeting, author=members[1], status=InspectionMaterial.Status.RETURNED)
    with pytest.raises(ValidationError) as exc:
        services.meeting_close(meeting=meeting, by=secretary)
    assert any(members[0].name in m and "draft" in m for m in exc.value.messages)
    assert any(members[1].name in m and "returned" in m for m in exc.value.messages)
    InspectionMaterial.objects.filter(meeting=meeting).update(status=InspectionMaterial.Status.APPROVED)
    complete_record(meeting, members)  # minutes, plan and filed report (tests/meetings/test_readiness.py)
    services.meeting_close(meeting=meeting, by=secretary)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    assert draft.pk  # materials stay


def test_a_closed_meeting_can_no_longer_be_changed(org, secretary):
    meeting = MeetingFactory(organisation=org, status=Meeting.Status.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        services.agenda_item_create(meeting=meeting, by=secretary, data={"title": "Late item"})
    assert not meeting.agenda_items.exists()


def test_an_absence_without_reason_saves_nothing(org, secretary):
    members = add_members(org, 3)
    meeting = _plan(org, secretary)
    rows = _sheet(members, {members[1].pk: {"status": Attendance.Status.ABSENT}})
    with pytest.raises(ValidationError, match="an absence needs a reason"):
        services.attendance_sheet_save(meeting=meeting, by=secretary, rows=rows, guests=[])
    assert not meeting.attendances.exists()


def test_the_attendance_sheet_replaces_the_previous_one(org, secretary):
    members = add_members(org, 3)
    meeting = _plan(org, secretary)
    guests = [{"name": "Supervision group", "affiliation": "Discipline commission", "role": "observer"}]
    services.attendance_sheet_save(meeting=meeting, by=secretary, rows=_sheet(members), guests=guests)
    rows = _sheet(members, {members[2].pk: {"status": Attendance.Status.ON_LEAVE, "reason": "Ill"}})
    services.attendance_sheet_save(meeting=meeting, by=secretary, rows=rows, guests=guests)
    assert meeting.attendances.count() == 4
    assert selectors.attendance_counts(meeting) == {"expected": 3, "present": 2, "absent": 1, "guests": 1}
    assert meeting.attendances.get(member=members[2]).reason == "Ill"


def test_a_key_point_with_no_text_saves_nothing(org, secretary):
    members = add_members(org, 1)
    meeting = _plan(org, secretary)
    with pytest.raises(ValidationError, match="Key point 2 has no text"):
        services.speech_save(
            meeting=meeting,
            by=secretary,
            data={"kind": Speech.Kind.CONCLUDING, "speaker": members[0], "title": "Concluding speech"},
            key_points=["First, unity.", "  ", "Third, work."],
        )
    assert not Speech.objects.exists()


def test_a_meeting_has_one_concluding_speech(org, secretary):
    members = add_members(org, 1)
    meeting = _plan(org, secretary)
    data = {"kind": Speech.Kind.CONCLUDING, "speaker": members[0]}
    speech = services.speech_save(meeting=meeting, by=secretary, data=data, key_points=["First.", "Second."])
    assert [p.text for p in speech.key_points.order_by("order")] == ["First.", "Second."]
    with pytest.raises(ValidationError) as exc:
        services.speech_save(meeting=meeting, by=secretary, data=dict(data), key_points=["Again."])
    assert "kind" in exc.value.message_dict
    edited = services.speech_save(
        meeting=meeting, by=secretary, data=data, key_points=["One.", "Two.", "Three."], speech=speech
    )
    assert edited.key_points.count() == 3


def test_agenda_items_move_and_are_renumbered(org, secretary):
    meeting = _plan(org, secretary)
    items = list(meeting.agenda_items.order_by("order"))
    services.agenda_item_move(item=items[2], by=secretary, direction="up")
    assert list(meeting.agenda_items.order_by("order").values_list("pk", flat=True))[1] == items[2].pk
    services.agenda_item_delete(item=items[0], by=secretary)
    assert list(meeting.agenda_items.order_by("order").values_list("order", flat=True)) == [1, 2, 3, 4]
    assert "Agenda item removed" in render_reason(meeting.history.latest().history_change_reason)


def test_the_standard_agenda_is_only_for_an_empty_agenda(org, secretary):
    meeting = MeetingFactory(organisation=org)
    AgendaItemFactory(meeting=meeting)
    with pytest.raises(ValidationError):
        services.agenda_apply_standard(meeting=meeting, by=secretary)
    assert meeting.agenda_items.count() == 1


def test_a_talk_is_between_two_members_of_the_organisation(org, secretary, other_member):
    members = add_members(org, 2)
    meeting = _plan(org, secretary)
    with pytest.raises(ValidationError):
        services.talk_create(meeting=meeting, by=secretary, data={"member_a": members[0], "member_b": members[0]})
    with pytest.raises(ValidationError):
        services.talk_create(
            meeting=meeting, by=secretary, data={"member_a": members[0], "member_b": other_member.member}
        )
    services.talk_create(meeting=meeting, by=secretary, data={"member_a": members[0], "member_b": members[1]})
    assert meeting.talks.count() == 1


def test_criticism_of_oneself_is_self_criticism(org, secretary):
    members = add_members(org, 1)
    meeting = _plan(org, secretary)
    record = services.criticism_create(
        meeting=meeting,
        by=secretary,
        data={"from_member": members[0], "to_member": members[0], "content": "I was slow."},
    )
    assert record.is_self_criticism
    assert record.to_member is None


def test_a_member_cannot_change_the_meeting(meeting, member_user):
    with pytest.raises(PermissionDenied):
        services.agenda_item_create(meeting=meeting, by=member_user, data={"title": "Mine"})


def test_the_standard_agenda_names_the_presider_only_where_the_presider_presents(org, secretary):
    presider = add_members(org, 1)[0]
    meeting = _plan(org, secretary, presider=presider)
    presenters = {i.kind: i.presenter for i in meeting.agenda_items.all()}
    assert presenters[AgendaItem.Kind.GROUP_INSPECTION] == presider
    assert presenters[AgendaItem.Kind.CONCLUDING_SPEECH] == presider
    # Each member presents their own inspection; the two reports are given by whoever the group names.
    assert presenters[AgendaItem.Kind.INDIVIDUAL_INSPECTION] is None
    assert presenters[AgendaItem.Kind.PREVIOUS_RECTIFICATION] is None
    assert presenters[AgendaItem.Kind.SOLICITED_OPINIONS] is None
