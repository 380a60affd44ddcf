"""One rule in one place: each state rule is a constant or a property on its model, and the pages ask
the model (``meeting.is_closed``), never compare ``status`` with a string of their own."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Attendance, Meeting
from notices.models import Notice
from rectification.models import RectificationItem
from tests.factories import AttendanceFactory, ItemFactory, MaterialFactory, NoticeFactory, PlanFactory

M = Meeting.Status
IM = InspectionMaterial.Status
N = Notice.Status
S = RectificationItem.Status

# --- 1. every state property agrees with its constant, for every status -----------------------------------

#: (model, property, the statuses for which it is true)
PROPERTIES = [
    (Meeting, "is_planned", {M.PLANNED}),
    (Meeting, "is_preparing", {M.PREPARING}),
    (Meeting, "is_held", {M.HELD}),
    (Meeting, "is_closed", {M.CLOSED}),
    (Meeting, "is_upcoming", Meeting.UPCOMING),
    (Meeting, "has_taken_place", Meeting.TAKEN_PLACE),
    (Attendance, "is_present", {Attendance.Status.PRESENT}),
    (InspectionMaterial, "is_draft", {IM.DRAFT}),
    (InspectionMaterial, "is_submitted", {IM.SUBMITTED}),
    (InspectionMaterial, "is_returned", {IM.RETURNED}),
    (InspectionMaterial, "is_approved", {IM.APPROVED}),
    (InspectionMaterial, "is_editable", InspectionMaterial.EDITABLE),
    (Notice, "is_draft", {N.DRAFT}),
    (Notice, "is_scheduled", {N.SCHEDULED}),
    (Notice, "is_published", {N.PUBLISHED}),
    (Notice, "is_withdrawn", {N.WITHDRAWN}),
    (Notice, "is_withdrawable", Notice.LIVE),
    (RectificationItem, "is_open", RectificationItem.OPEN),
    (RectificationItem, "is_closed", RectificationItem.CLOSED),
    (RectificationItem, "is_awaiting_verification", {S.DONE}),
    (RectificationItem, "is_verified", {S.VERIFIED}),
    (RectificationItem, "is_cancelled", {S.CANCELLED}),
]


@pytest.mark.parametrize(("model", "prop", "true_for"), PROPERTIES, ids=[f"{m.__name__}.{p}" for m, p, _ in PROPERTIES])
def test_each_state_property_agrees_with_its_constant(model, prop, true_for):
    assert set(true_for) <= set(model.Status.values), "the constant names statuses the model does not have"
    for status in model.Status:
        assert getattr(model(status=status), prop) is (status in true_for), (status, prop)
        # a value read back from the database is a plain string: the answer is the same
        assert getattr(model(status=status.value), prop) is (status in true_for), (status, prop)


def test_a_meeting_is_either_upcoming_or_has_taken_place():
    assert Meeting.UPCOMING | Meeting.TAKEN_PLACE == set(M)
    assert not Meeting.UPCOMING & Meeting.TAKEN_PLACE


@pytest.mark.django_db
def test_item_properties_agree_with_the_queryset_methods():
    for status in S:
        item = ItemFactory(status=status)
        items = RectificationItem.objects.filter(pk=item.pk)
        assert item.is_open == items.open().exists(), status
        assert item.is_closed == items.closed().exists(), status
        assert item.is_awaiting_verification == items.awaiting_verification().exists(), status


# --- 2. the pages show what the state allows ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(M))
def test_the_meeting_page_offers_the_next_step_of_its_state(client, org, secretary, status):
    meeting = Meeting.objects.create(organisation=org, year=2022, status=status, held_on=datetime.date(2023, 1, 30))
    client.force_login(secretary)
    body = client.get(meeting.get_absolute_url()).content.decode()
    next_step = {
        M.PLANNED: "Start preparation",
        M.PREPARING: "Mark held",
        M.HELD: "Close the meeting",
        M.CLOSED: "The meeting is closed; its record is final.",
    }
    for other, text in next_step.items():
        assert (text in body) is (other == status), (status, text)
    taken_place = status in Meeting.TAKEN_PLACE
    assert (reverse("newsroom:draft", args=[meeting.pk]) in body) is taken_place
    assert ('id="rectification-title"' in body) is taken_place


@pytest.fixture
def attended(meeting, member_user):
    AttendanceFactory(meeting=meeting, member=member_user.member)
    return meeting


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(IM))
def test_the_author_reads_what_the_state_of_their_material_means(client, attended, member_user, status):
    material = MaterialFactory(meeting=attended, author=member_user.member, status=status, review_comments="Deeper.")
    client.force_login(member_user)
    body = client.get(material.get_absolute_url()).content.decode()
    note = {
        IM.DRAFT: "A draft is seen by its author alone.",
        IM.APPROVED: "Approved: locked, and readable by the meeting's attendees.",
        IM.SUBMITTED: "Seen by its author and the secretaries of the organisation.",
        IM.RETURNED: "Seen by its author and the secretaries of the organisation.",
    }[status]
    assert note in body
    badge = {IM.DRAFT: "bg-secondary", IM.SUBMITTED: "bg-primary", IM.RETURNED: "bg-warning", IM.APPROVED: "bg-success"}
    assert re.search(rf'class="badge material-status material-status-{status.value} {badge[status]}', body)
    edit_url = reverse("materials:edit", args=[material.pk])
    assert (edit_url in body) is material.is_editable
    # the label of the edit link follows the state
    link = body.split(edit_url, 1)[1].split("</a>", 1)[0] if material.is_editable else ""
    assert ("Revise" in link) is (status == IM.RETURNED)
    if material.is_editable:
        editor = client.get(edit_url).content.decode()
        assert ("Comments to address" in editor) is (status == IM.RETURNED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "when"),
    [(N.DRAFT, None), (N.SCHEDULED, 1), (N.SCHEDULED, -1), (N.PUBLISHED, -1), (N.WITHDRAWN, -1)],
    ids=["draft", "scheduled", "scheduled-due", "published", "withdrawn"],
)
def test_the_newsroom_editor_offers_what_the_state_of_the_notice_allows(client, publisher, status, when):
    publish_at = timezone.now() + datetime.timedelta(days=when) if when is not None else None
    notice = NoticeFactory(status=status, publish_at=publish_at, withdrawn_reason="A wrong date.")
    client.force_login(publisher)
    body = client.get(reverse("newsroom:edit", args=[notice.pk])).content.decode()
    assert ("A wrong date." in body) is notice.is_withdrawn
    assert (reverse("newsroom:withdraw", args=[notice.pk]) in body) is (status in Notice.LIVE)
    assert (reverse("newsroom:unschedule", args=[notice.pk]) in body) is (notice.is_scheduled and not notice.is_live)
    shown_published = notice.is_published or notice.is_live
    badge = (
        "bg-success"
        if shown_published
        else {N.SCHEDULED: "bg-info", N.WITHDRAWN: "bg-secondary", N.DRAFT: "bg-warning"}[status]
    )
    shown = N.PUBLISHED if shown_published else status
    assert re.search(rf'class="badge status-{shown.value} {badge}', body), (status, when)


@pytest.mark.django_db
def test_the_item_page_colours_the_status_and_the_progress_by_the_state(client, org, secretary):
    plan = PlanFactory(meeting=Meeting.objects.create(organisation=org, year=2022, status=M.HELD))
    colours = {S.VERIFIED: "success", S.DONE: "info", S.CANCELLED: "secondary"}
    client.force_login(secretary)
    for status in S:
        item = ItemFactory(plan=plan, status=status, progress_percent=40)
        body = client.get(item.get_absolute_url()).content.decode()
        assert f'class="item-status badge text-bg-{colours.get(status, "warning")}"' in body, status
        bar = f'<div class="progress-bar{f" bg-{colours[status]}" if status in colours else ""} pct-40">'
        assert bar in body, status
        for page in (f"{reverse('rectification:ledger')}?status={status.value}", plan.get_absolute_url()):
            assert bar in client.get(page).content.decode(), (status, page)
        item.delete()


# --- 3. no template compares a state with a string of its own -------------------------------------------------

#: `status`, `state` or an attendance `role` compared (==, !=, in) with a quoted literal, in a tag.
LITERAL_COMPARISON = re.compile(
    r"""\b(?:status|state|role)\s*(?:==|!=|\bin\b|\bnot\s+in\b)\s*['"]"""
    r"""|['"]\s*(?:==|!=|\bin\b|\bnot\s+in\b)\s*[\w.]*\b(?:status|state|role)\b""",
)
TAG = re.compile(r"{%.*?%}", re.S)


def _templates():
    base = Path(settings.BASE_DIR)
    skip = {".venv", "node_modules", "test-artifacts", "static", "staticfiles", "private-media", ".git"}
    for path in sorted(base.rglob("*.html")):
        parts = path.relative_to(base).parts
        if "templates" in parts and not skip.intersection(parts):
            yield base, path


def test_the_walker_finds_the_templates():
    names = {path.name for _, path in _templates()}
    assert {"base.html", "meeting_detail.html", "material_detail.html", "notice_edit.html", "item_detail.html"} <= names


@pytest.mark.parametrize(
    "tag",
    [
        "{% if material.status == 'draft' %}",
        '{% elif item.status != "in_progress" %}',
        "{% if a.role == 'presider' %}",
        "{% if state == 'published' %}",
        "{% if meeting.status in 'held closed' %}",
        "{% if 'closed' == meeting.status %}",
    ],
)
def test_the_rule_catches_a_literal_comparison(tag):
    assert LITERAL_COMPARISON.search(tag)


@pytest.mark.parametrize(
    "tag",
    ["{% if meeting.is_closed %}", "{% if filters.status == value %}", "{% if message.tags == 'error' %}"],
)
def test_the_rule_lets_model_properties_and_variables_through(tag):
    assert not LITERAL_COMPARISON.search(tag)


def test_no_template_compares_a_state_with_a_string_literal():
    found = []
    for base, path in _templates():
        text = path.read_text(encoding="utf-8")
        for tag in TAG.finditer(text):
            if LITERAL_COMPARISON.search(tag.group(0)):
                line = text.count("\n", 0, tag.start()) + 1
                found.append(f"{path.relative_to(base)}:{line}: {tag.group(0)}")
    assert not found, "Ask the model (e.g. meeting.is_closed), do not compare status with a string:\n" + "\n".join(
        found
    )
