"""The secretary's pages: what a user sees, what bad input does, and who gets a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.history import render_reason
from meetings.models import AgendaItem, Attendance, CriticismRecord, Meeting, Speech
from meetings.services import attendance_sheet_version
from tests.factories import AttendanceFactory, CriticismFactory, MeetingFactory, OrganisationFactory

from .helpers import add_members, filled_meeting
from .readiness import complete_record, make_ready

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _sheet_post(members, overrides=None, guests=(), meeting=None):
    overrides = overrides or {}
    data = {
        # The sheet as it stands, as the page carries it (a save from an older sheet is a conflict).
        "sheet_version": attendance_sheet_version(meeting) if meeting else "",
        "sheet-TOTAL_FORMS": str(len(members)),
        "sheet-INITIAL_FORMS": str(len(members)),
        "guests-TOTAL_FORMS": str(len(guests)),
        "guests-INITIAL_FORMS": "0",
    }
    for i, m in enumerate(members):
        row = {"member_id": m.pk, "role": "participant", "status": "present", "reason": ""} | overrides.get(i, {})
        for key, value in row.items():
            data[f"sheet-{i}-{key}"] = value
    for i, guest in enumerate(guests):
        for key, value in guest.items():
            data[f"guests-{i}-{key}"] = value
    return data


# --- list ------------------------------------------------------------------------------


def test_the_list_filters_by_organisation_kind_year_and_status(client, org, secretary):
    second = OrganisationFactory(name="Second branch")
    from tests.factories import MembershipFactory

    MembershipFactory(member=secretary.member, organisation=second, role="secretary")
    MeetingFactory(organisation=org, year=2021, title="Alpha meeting", status="closed")
    MeetingFactory(organisation=org, year=2022, title="Beta meeting", kind="organisational_life")
    MeetingFactory(organisation=second, year=2022, title="Gamma meeting")
    MeetingFactory(organisation=OrganisationFactory(), title="Foreign meeting")
    client.force_login(secretary)

    def titles(query):
        response = client.get(reverse("meetings:list") + query)
        return sorted(str(m) for m in response.context["meetings"])

    assert titles("") == ["Alpha meeting", "Beta meeting", "Gamma meeting"]
    assert titles(f"?organisation={second.pk}") == ["Gamma meeting"]
    assert titles("?kind=organisational_life") == ["Beta meeting"]
    assert titles("?year=2022") == ["Beta meeting", "Gamma meeting"]
    assert titles("?status=closed") == ["Alpha meeting"]


def test_the_list_is_paginated_and_keeps_the_filter(client, org, secretary):
    for _ in range(30):
        MeetingFactory(organisation=org, year=2022)
    client.force_login(secretary)
    response = client.get(reverse("meetings:list") + "?year=2022")
    assert len(response.context["meetings"]) == 25
    assert "year=2022&page=2" in response.content.decode()


# --- plan and edit ---------------------------------------------------------------------


def test_a_secretary_plans_a_meeting_with_the_standard_agenda(client, org, secretary):
    presider = add_members(org, 1)[0]
    client.force_login(secretary)
    response = client.post(
        reverse("meetings:create"),
        {"organisation": org.pk, "kind": "democratic_life", "year": 2023, "theme": "Unity",
         "held_on": "2024-01-30", "location": "Room 1", "presider": presider.pk},
    )  # fmt: skip
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.presider_posts == presider.posts
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Meeting planned" in page
    assert "Report on the implementation of the previous meeting&#x27;s rectification measures" in page
    # Until the attendance sheet lists the members, they don't see the meeting: the next step says so.
    assert "Members do not see this meeting yet" in page
    assert f'href="{reverse("meetings:attendance", args=[meeting.pk])}">Fill in the attendance sheet</a>' in page
    AttendanceFactory(meeting=meeting, member=presider)
    assert "Members do not see this meeting yet" not in client.get(meeting.get_absolute_url()).content.decode()


def test_a_date_before_the_previous_meeting_is_refused_and_the_input_kept(client, org, secretary):
    previous = MeetingFactory(organisation=org, held_on=datetime.date(2023, 1, 30))
    client.force_login(secretary)
    response = client.post(
        reverse("meetings:create"),
        {"organisation": org.pk, "kind": "democratic_life", "year": 2023, "theme": "Kept theme text",
         "held_on": "2022-06-01", "previous_meeting": previous.pk},
    )  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "must be held after its previous meeting" in body
    assert "Kept theme text" in body and 'value="2022-06-01"' in body
    assert Meeting.objects.count() == 1


def test_editing_shows_in_the_history_with_who_and_what(client, org, secretary):
    secretary.first_name = "Zhou Wei"
    secretary.save()
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    response = client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {"kind": meeting.kind, "year": meeting.year, "theme": meeting.theme, "held_on": "2023-01-30",
         "location": "Great Hall", "version": meeting.version},
    )  # fmt: skip
    assert response.status_code == 302
    history = client.get(reverse("meetings:history", args=[meeting.pk])).content.decode()
    assert "Zhou Wei" in history
    assert "Details changed: location" in history
    assert "Conference Room 1 → Great Hall" in history


# --- transitions -----------------------------------------------------------------------


def test_marking_held_without_sheet_says_what_is_missing(client, org, secretary):
    meeting = MeetingFactory(organisation=org, status="preparing", held_on=TODAY)
    client.force_login(secretary)
    response = client.post(reverse("meetings:transition", args=[meeting.pk, "held"]), follow=True)
    body = response.content.decode()
    assert "Name the presider of the meeting." in body
    assert "Fill in the attendance sheet." in body
    meeting.refresh_from_db()
    assert meeting.status == "preparing"


def test_a_refused_transition_says_not_yet_and_a_get_changes_nothing(client, org, secretary):
    meeting = MeetingFactory(organisation=org, status="preparing", held_on=TODAY, presider=None)
    client.force_login(secretary)
    url = reverse("meetings:transition", args=[meeting.pk, "held"])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert message.startswith("Not yet: ") and "Name the presider of the meeting." in message
    meeting.refresh_from_db()
    assert meeting.status == "preparing"


def test_the_whole_cycle_through_the_pages(client, org, secretary):
    members = [*add_members(org, 3), secretary.member]
    meeting = MeetingFactory(organisation=org, presider=members[0], held_on=TODAY)
    client.force_login(secretary)
    client.post(reverse("meetings:transition", args=[meeting.pk, "prepare"]))
    client.post(reverse("meetings:attendance", args=[meeting.pk]), _sheet_post(members, meeting=meeting))
    make_ready(meeting, members)  # the readiness checklist complete (tests/meetings/test_readiness.py)
    client.post(reverse("meetings:transition", args=[meeting.pk, "held"]))
    complete_record(meeting, members)  # minutes, plan and filed report
    client.post(reverse("meetings:transition", args=[meeting.pk, "close"]))
    meeting.refresh_from_db()
    assert meeting.status == "closed"
    reasons = [render_reason(r) for r in meeting.history.values_list("history_change_reason", flat=True)]
    assert "Preparation started" in reasons and "Marked held" in reasons and "Closed" in reasons


# --- attendance ------------------------------------------------------------------------


def test_the_sheet_lists_every_member_and_counts_on_the_record(client, org, secretary):
    members = add_members(org, 4)
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    page = client.get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
    for m in members:
        assert m.name in page
    data = _sheet_post(
        members,
        {1: {"status": "on_leave", "reason": "Official trip"}},
        guests=[{"name": "Supervision group", "affiliation": "Municipal commission", "role": "observer",
                 "status": "present"}],
        meeting=meeting,
    )  # fmt: skip
    data["sheet-TOTAL_FORMS"] = data["sheet-INITIAL_FORMS"] = str(len(members) + 1)  # the secretary is a member too
    data.update({f"sheet-{len(members)}-{k}": v for k, v in
                 {"member_id": secretary.member.pk, "role": "participant", "status": "present"}.items()})  # fmt: skip
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    record = client.get(meeting.get_absolute_url()).content.decode()
    assert "5 should attend, 4 present" in record
    assert "Supervision group" in record and "Official trip" in record


def test_an_absence_without_reason_is_refused_and_the_input_kept(client, org, secretary):
    members = add_members(org, 2)
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    everyone = [*members, secretary.member]
    data = _sheet_post(everyone, {0: {"status": "absent", "reason": ""}, 1: {"status": "on_leave", "reason": "Ill"}})
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "An absence needs a reason." in body
    assert 'value="Ill"' in body
    assert '<option value="absent" selected>' in body
    assert not meeting.attendances.exists()


# --- agenda, criticism, speeches -------------------------------------------------------


def test_agenda_items_are_added_reordered_and_removed(client, org, secretary):
    meeting = MeetingFactory(organisation=org, kind="organisational_life")
    client.force_login(secretary)
    client.post(reverse("meetings:agenda_standard", args=[meeting.pk]))
    client.post(reverse("meetings:agenda", args=[meeting.pk]), {"kind": "other", "title": "Any other business"})
    last = meeting.agenda_items.get(title="Any other business")
    assert last.order == 6
    client.post(reverse("meetings:agenda_item_move", args=[meeting.pk, last.pk]), {"direction": "up"})
    last.refresh_from_db()
    assert last.order == 5
    first = meeting.agenda_items.get(order=1)
    client.post(reverse("meetings:agenda_item_delete", args=[meeting.pk, first.pk]))
    assert meeting.agenda_items.count() == 5
    assert not AgendaItem.objects.filter(pk=first.pk).exists()


def test_criticism_is_recorded_and_shown_in_the_minutes(client, org, secretary):
    members = add_members(org, 2)
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    url = reverse("meetings:criticism", args=[meeting.pk])
    client.post(
        url, {"from_member": members[0].pk, "to_member": members[1].pk, "content": "Go down to the grassroots."}
    )
    client.post(url, {"from_member": members[1].pk, "content": "I studied too little."})
    assert CriticismRecord.objects.filter(meeting=meeting).count() == 2
    minutes = client.get(meeting.get_absolute_url()).content.decode()
    assert "Go down to the grassroots." in minutes and "self-criticism" in minutes


def test_a_key_point_left_blank_between_others_is_refused(client, org, secretary):
    members = add_members(org, 1)
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    # fmt: off
    data = {"kind": "concluding", "speaker": members[0].pk, "title": "Concluding speech",
            "points-TOTAL_FORMS": "3", "points-INITIAL_FORMS": "3",
            "points-0-text": "First, we must unite.", "points-1-text": "", "points-2-text": "Third, we must work."}
    # fmt: on
    response = client.post(reverse("meetings:speech_create", args=[meeting.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Key point 2 has no text." in body
    assert "Third, we must work." in body
    assert not Speech.objects.exists()
    data["points-1-text"] = "Second, we must study."
    response = client.post(reverse("meetings:speech_create", args=[meeting.pk]), data)
    assert response.status_code == 302
    minutes = client.get(meeting.get_absolute_url()).content.decode()
    assert minutes.index("First, we must unite.") < minutes.index("Second, we must study.") < minutes.index("Third")


def test_preparation_counts_show_on_the_record(client, org, secretary):
    members = add_members(org, 2)
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    url = reverse("meetings:preparation", args=[meeting.pk])
    for i in range(3):
        client.post(url, {"record": "opinion", "opinion-source": f"Unit {i}", "opinion-content": "More research."})
    client.post(url, {"record": "talk", "talk-member_a": members[0].pk, "talk-member_b": members[1].pk})
    response = client.post(url, {"record": "talk", "talk-member_a": members[0].pk, "talk-member_b": members[0].pk})
    assert "two different members" in response.content.decode()
    minutes = client.get(meeting.get_absolute_url()).content.decode()
    assert "3 opinions solicited" in minutes and "1 talk held" in minutes


# --- scope and confidentiality -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("meetings:transition", {"action": "prepare"}),
        ("meetings:attendance", {}),
        ("meetings:criticism", {}),
        ("meetings:agenda", {}),
        ("meetings:edit", {}),
        ("meetings:speech_create", {}),
        ("meetings:agenda_standard", {}),
    ],
)
def test_another_organisations_secretary_gets_404_on_every_post(client, meeting, other_secretary, name, data):
    history = meeting.history.count()
    client.force_login(other_secretary)
    kwargs = {"pk": meeting.pk, **data}
    response = client.post(reverse(name, kwargs=kwargs), {"title": "Intrusion", "content": "x"})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    assert meeting.history.count() == history
    assert not meeting.agenda_items.exists()


def test_a_member_reads_the_record_without_edit_controls_or_others_talks(client, org, member_user):
    meeting, members = filled_meeting(org, 5)
    AttendanceFactory(meeting=meeting, member=member_user.member)
    client.force_login(member_user)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Criticism 1" in body
    assert reverse("meetings:edit", args=[meeting.pk]) not in body
    assert "Mark held" not in body
    assert "↔" not in body  # talks of other members stay with the secretaries
    refused = client.post(reverse("meetings:criticism", args=[meeting.pk]), {"content": "x"})
    assert refused.status_code == 403  # the meeting is theirs to know about: the page says why
    assert "Only the secretaries of" in refused.content.decode() and "you can read it" in refused.content.decode()
    assert not meeting.criticisms.filter(content="x").exists()


def test_confidential_records_never_reach_the_public_pages(client, org, meeting):
    CriticismFactory(meeting=meeting, content="Secret criticism text")
    for url in ["/", "/notices/", "/search/?q=Secret"]:
        response = client.get(url)
        assert "Secret criticism text" not in response.content.decode()


def test_the_print_view_is_laid_out_for_a4(client, meeting, secretary):
    client.force_login(secretary)
    response = client.get(reverse("meetings:print", args=[meeting.pk]))
    body = response.content.decode()
    assert 'class="a4-sheet"' in body and "data-print>" in body and "/static/js/site.js" in body
    assert "navbar" not in body


def test_the_member_attends_with_attendance_role_and_status_displayed(client, org, secretary, member_user):
    meeting = MeetingFactory(organisation=org)
    AttendanceFactory(meeting=meeting, member=member_user.member, status=Attendance.Status.ABSENT, reason="Ill")
    client.force_login(secretary)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "1 should attend, 0 present" in body and "Ill" in body


def test_an_agenda_item_record_is_edited_and_read_in_the_minutes(client, org, secretary):
    meeting = MeetingFactory(organisation=org, kind="organisational_life")
    client.force_login(secretary)
    client.post(reverse("meetings:agenda_standard", args=[meeting.pk]))
    item = meeting.agenda_items.get(order=2)
    response = client.post(
        reverse("meetings:agenda_item_edit", args=[meeting.pk, item.pk]),
        {"kind": item.kind, "title": "Report on the 12 opinions solicited", "record": "Zhao Gang reported."},
    )
    assert response.status_code == 302
    minutes = client.get(meeting.get_absolute_url()).content.decode()
    assert "2. Report on the 12 opinions solicited" in minutes and "Zhao Gang reported." in minutes
    response = client.post(reverse("meetings:agenda_item_edit", args=[meeting.pk, item.pk]), {"kind": item.kind})
    assert "This field is required." in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Report on the 12 opinions solicited"


def test_changes_to_the_parts_of_a_meeting_show_in_its_history(client, org, secretary):
    members = add_members(org, 2)
    meeting = MeetingFactory(organisation=org)
    client.force_login(secretary)
    client.post(
        reverse("meetings:criticism", args=[meeting.pk]),
        {"from_member": members[0].pk, "to_member": members[1].pk, "content": "More research."},
    )
    client.post(reverse("meetings:agenda", args=[meeting.pk]), {"kind": "study", "title": "Study the report"})
    history = client.get(reverse("meetings:history", args=[meeting.pk])).content.decode()
    assert f"Criticism recorded: {members[0].name} to {members[1].name}" in history
    assert "Agenda item added: Study the report" in history
    assert history.count("<td>secretary</td>") >= 2  # who made each change


def test_a_member_cannot_see_the_history(client, meeting, member_user):
    AttendanceFactory(meeting=meeting, member=member_user.member)
    client.force_login(member_user)
    response = client.get(reverse("meetings:history", args=[meeting.pk]))
    assert response.status_code == 403
    assert "Only the secretaries of" in response.content.decode()


def test_the_minutes_hold_a_place_for_the_report_back_of_the_previous_rectification(client, org, secretary):
    meeting, _ = filled_meeting(org, 2)
    client.force_login(secretary)
    response = client.get(meeting.get_absolute_url())
    templates = [t.name for t in response.templates]
    assert "rectification/includes/report_back.html" in templates


def test_the_history_names_people_and_states_not_ids(client, org, secretary):
    hu, zhou = add_members(org, 2)
    meeting = MeetingFactory(organisation=org, presider=hu, held_on=TODAY)
    client.force_login(secretary)
    data = {"kind": meeting.kind, "year": meeting.year, "theme": meeting.theme, "held_on": TODAY.isoformat(),
            "location": meeting.location, "presider": zhou.pk, "presider_posts": "Deputy",
            "version": meeting.version}  # fmt: skip
    client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    client.post(reverse("meetings:transition", args=[meeting.pk, "prepare"]))
    history = client.get(reverse("meetings:history", args=[meeting.pk])).content.decode()
    assert f"{hu.name} → {zhou.name}" in history
    assert "planned → preparing" in history
