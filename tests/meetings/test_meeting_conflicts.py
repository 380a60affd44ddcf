"""Two tabs on one meeting: a stale save of the meeting form or the attendance sheet is a 409 that
keeps what the user typed and shows what the other tab saved; nothing is overwritten silently."""

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Attendance, Meeting
from tests.factories import MeetingFactory

from .helpers import add_members

pytestmark = pytest.mark.django_db


def _meeting_post(meeting, **changes):
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "year": meeting.year,
        "theme": meeting.theme,
        "held_on": meeting.held_on.isoformat() if meeting.held_on else "",
        "location": meeting.location,
        "version": meeting.version,
    }
    return {**data, **changes}


def test_a_stale_meeting_form_is_a_conflict_that_keeps_my_values_and_shows_theirs(client, org, secretary):
    meeting = MeetingFactory(organisation=org, location="Conference Room 1")
    client.force_login(secretary)
    url = reverse("meetings:edit", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{meeting.version}"' in page
    mine = _meeting_post(meeting, location="Great Hall", theme="My theme")

    # The other tab saves first.
    services.meeting_update(meeting=meeting, by=secretary, data={"location": "Room 305"}, version=meeting.version)

    response = client.post(url, mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this meeting" in body
    # Theirs next to mine, for the fields that differ.
    rows = response.context["conflict"]
    assert {(str(r["label"]), r["theirs"], r["yours"]) for r in rows} == {
        ("location", "Room 305", "Great Hall"),
        ("theme", meeting.theme, "My theme"),
    }
    # My typed values are still in the form; the form now carries their version.
    assert 'value="Great Hall"' in body and "My theme" in body
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.location == "Room 305" and stored.version == meeting.version + 1
    assert f'name="version" value="{stored.version}"' in body

    # Saving again from the conflict page knowingly replaces theirs.
    response = client.post(url, {**mine, "version": stored.version})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert (stored.location, stored.theme, stored.version) == ("Great Hall", "My theme", meeting.version + 2)


def test_the_version_is_kept_through_a_refused_save(client, org, secretary):
    """A form re-shown for a mistake still carries the version it was loaded with, not a newer one."""
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    url = reverse("meetings:edit", args=[meeting.pk])
    old_version = meeting.version
    services.meeting_update(meeting=meeting, by=secretary, data={"location": "Room 305"}, version=old_version)
    response = client.post(url, _meeting_post(meeting, year="", version=old_version))
    assert response.status_code == 200
    assert f'name="version" value="{old_version}"' in response.content.decode()
    response = client.post(url, _meeting_post(meeting, location="Great Hall", version=old_version))
    assert response.status_code == 409
    assert Meeting.objects.get(pk=meeting.pk).location == "Room 305"


def test_a_stale_save_that_changes_nothing_is_not_a_conflict(org, secretary):
    meeting = MeetingFactory(organisation=org)
    services.meeting_update(meeting=meeting, by=secretary, data={"location": "Room 305"}, version=1)
    same = services.meeting_update(meeting=meeting, by=secretary, data={"location": "Room 305"}, version=1)
    assert same.version == 2


def test_the_service_refuses_a_stale_version_and_writes_nothing(org, secretary):
    meeting = MeetingFactory(organisation=org, location="Conference Room 1")
    services.meeting_update(meeting=meeting, by=secretary, data={"location": "Room 305"}, version=1)
    history = meeting.history.count()
    with pytest.raises(services.MeetingConflict) as caught:
        services.meeting_update(meeting=meeting, by=secretary, data={"location": "Great Hall"}, version=1)
    assert caught.value.current.location == "Room 305"
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.location, stored.version, stored.history.count()) == ("Room 305", 2, history)


# --- the attendance sheet --------------------------------------------------------------


def _sheet(members, statuses, version, guests=()):
    data = {
        "sheet_version": version,
        "sheet-TOTAL_FORMS": str(len(members)),
        "sheet-INITIAL_FORMS": str(len(members)),
        "guests-TOTAL_FORMS": str(len(guests)),
        "guests-INITIAL_FORMS": "0",
    }
    for i, (member, (status, reason)) in enumerate(zip(members, statuses, strict=True)):
        row = {"member_id": member.pk, "role": "participant", "status": status, "reason": reason}
        data.update({f"sheet-{i}-{k}": v for k, v in row.items()})
    for i, guest in enumerate(guests):
        data.update({f"guests-{i}-{k}": v for k, v in guest.items()})
    return data


def test_a_stale_attendance_sheet_is_a_conflict_that_keeps_my_entries(client, org, secretary):
    alice, bob = add_members(org, 2)
    everyone = [alice, bob, secretary.member]
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    url = reverse("meetings:attendance", args=[meeting.pk])
    page = client.get(url)
    loaded = page.context["sheet_version"]
    assert f'name="sheet_version" value="{loaded}"' in page.content.decode()

    # Tab one saves: Alice on leave.
    first = _sheet(everyone, [("on_leave", "Official trip"), ("present", ""), ("present", "")], loaded)
    assert client.post(url, first).status_code == 302
    # Tab two, loaded before, marks Bob absent and a guest present.
    guest = {"name": "Supervision group", "affiliation": "", "role": "observer", "status": "present"}
    second = _sheet(everyone, [("present", ""), ("absent", "Ill"), ("present", "")], loaded, guests=[guest])
    response = client.post(url, second)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this attendance sheet" in body
    differences = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["conflict"]}
    assert differences == {
        alice.name: ("participant · on leave (Official trip)", "participant · present"),
        bob.name: ("participant · present", "participant · absent (Ill)"),
        "Supervision group": ("not on the sheet", "observer · present"),
    }
    # Nothing of tab two was written; its entries are still in the sheet.
    statuses = dict(meeting.attendances.filter(member__isnull=False).values_list("member_id", "status"))
    assert statuses[alice.pk] == Attendance.Status.ON_LEAVE and statuses[bob.pk] == Attendance.Status.PRESENT
    assert not meeting.attendances.filter(member__isnull=True).exists()
    assert 'value="Ill"' in body and 'value="Supervision group"' in body
    # Saving again from the conflict page replaces the sheet knowingly.
    current = response.context["sheet_version"]
    assert current == services.attendance_sheet_version(meeting) != loaded
    assert client.post(url, {**second, "sheet_version": current}).status_code == 302
    assert meeting.attendances.get(member=bob).status == Attendance.Status.ABSENT


def test_the_attendance_service_refuses_a_stale_sheet(org, secretary):
    (alice,) = add_members(org, 1)
    meeting = MeetingFactory(organisation=org)
    row = {"member": alice, "role": "participant", "status": "present", "reason": ""}
    loaded = services.attendance_sheet_version(meeting)
    services.attendance_sheet_save(meeting=meeting, by=secretary, rows=[row], guests=[], version=loaded)
    with pytest.raises(services.AttendanceConflict):
        services.attendance_sheet_save(
            meeting=meeting,
            by=secretary,
            rows=[{**row, "status": "absent", "reason": "Ill"}],
            guests=[],
            version=loaded,
        )
    assert meeting.attendances.get().status == "present"
