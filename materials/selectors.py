"""Reads a page needs, scoped to the user who asks."""

import re

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, OuterRef, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Section
from meetings.models import Meeting
from meetings.selectors import ENTRY_FIELDS, manages_meetings
from members.permissions import member_for

from . import permissions
from .models import InspectionMaterial

# --- the editor ---------------------------------------------------------------------------


def material_for_editor(user, pk: int) -> InspectionMaterial:
    """The material its writer opens in the editor (permissions.is_author: its author, or the secretary
    drafting it for a presider without an account), with its meeting and author.

    A writer's material is found in one query on the author and the drafter (both are in the read scope, so
    nothing changes for them); anyone else gets what the read scope says: 404 when they may not read it,
    403 (PermissionDenied) when they may read it but not write it."""
    related = ("meeting__organisation", "author")
    material = InspectionMaterial.objects.filter(permissions.writer_q(user), pk=pk).select_related(*related).first()
    if material is None:
        material = get_object_or_404(InspectionMaterial.objects.visible_to(user).select_related(*related), pk=pk)
    if not permissions.is_author(user, material):
        raise PermissionDenied
    return material


# --- /dashboard/ ---------------------------------------------------------------------------


LIMIT = 20
#: The columns a dashboard entry of a material reads: not its texts (preamble, body, measures).
MATERIAL_ENTRY_FIELDS = (
    "meeting",
    "author",
    "status",
    "on_behalf_of_group",
    "submitted_at",
    "title",
    "review_comments",
    "author__name",
    *(f"meeting__{field}" for field in ("title", "year", "kind", "held_on")),
)


def dashboard_sections(user) -> list[Section]:
    return review_sections(user) + member_sections(user)


def _when(meeting: Meeting) -> str:
    return meeting.held_on.isoformat() if meeting.held_on else _("date not set")


def _on(meeting: Meeting) -> str:
    if meeting.held_on is None:
        return _("meeting date not set")
    return _("meeting on %(date)s") % {"date": meeting.held_on.isoformat()}


def _shortened(text: str, length: int = 80) -> str:
    return (text[:length] + "…") if len(text) > length else text


def _submitted_on(m: InspectionMaterial) -> str:
    if m.submitted_at is None:
        return _on(m.meeting)
    submitted = _("submitted %(date)s") % {"date": timezone.localdate(m.submitted_at).isoformat()}
    return f"{submitted} · {_on(m.meeting)}"


def review_sections(user) -> list[Section]:
    """A secretary's review queue, and the materials still being written for held meetings (a meeting
    closes only when none is left in draft or returned)."""
    if not manages_meetings(user):
        return []
    managed = Meeting.objects.managed_by(user)
    waiting = (
        InspectionMaterial.objects.filter(meeting__in=managed, status=InspectionMaterial.Status.SUBMITTED)
        .select_related("author", "meeting")
        .only(*MATERIAL_ENTRY_FIELDS)
        .order_by("submitted_at", "id")[:LIMIT]
    )
    unfinished = (
        InspectionMaterial.objects.filter(
            meeting__in=managed.filter(status=Meeting.Status.HELD), status__in=InspectionMaterial.EDITABLE
        )
        .select_related("author", "meeting")
        .only(*MATERIAL_ENTRY_FIELDS)
        .order_by("meeting__held_on", "meeting_id", "author__name")[:LIMIT]
    )
    return [
        {
            "title": _("Materials waiting for my review"),
            "items": [
                {
                    "label": f"{m.author} — {m.meeting}",
                    "url": m.get_absolute_url(),
                    "meta": _submitted_on(m),
                    "action": _("Review"),
                }
                for m in waiting
            ],
            "empty": _("No material is waiting for review. Materials appear here when members submit them."),
            "more_url": "",
        },
        {
            "title": _("Materials not yet submitted for held meetings"),
            "items": [
                {
                    "label": f"{m.author} — {m.meeting}",
                    "url": reverse("materials:meeting_list", args=[m.meeting_id]),
                    "meta": _("still %(status)s: the meeting can be closed once it is submitted")
                    % {"status": m.get_status_display()},
                    "action": _("Follow up"),
                }
                for m in unfinished
            ],
            "empty": _("Every material of the held meetings has been submitted."),
            "more_url": "",
        },
    ]


def _material_entry(m: InspectionMaterial) -> dict:
    """One of the member's own materials, with what to do next: revise, go on writing, or read it."""
    label = str(m.meeting)
    if m.on_behalf_of_group:
        label += " — " + _("on behalf of the group")
    if m.is_returned:
        meta = _("returned with comments: %(comments)s") % {"comments": _shortened(m.review_comments)}
        url, action = reverse("materials:edit", args=[m.pk]), _("Revise")
    elif m.is_draft:
        meta = _("draft, not yet submitted")
        url, action = reverse("materials:edit", args=[m.pk]), _("Continue writing")
    else:
        meta = _("submitted, waiting for review")
        url, action = m.get_absolute_url(), _("Read")
    return {"label": label, "url": url, "meta": f"{meta} · {_on(m.meeting)}", "action": action}


def member_sections(user) -> list[Section]:
    """A member's upcoming meetings, and their materials still to write, revise or have reviewed:
    returned ones first, then drafts, then the meetings they have not started one for."""
    member = member_for(user)
    if member is None:
        return []
    upcoming = list(
        Meeting.objects.attended_by(member)
        .filter(status__in=Meeting.UPCOMING)
        .annotate(
            has_material=Exists(
                InspectionMaterial.objects.filter(meeting=OuterRef("pk"), author=member, on_behalf_of_group=False)
            )
        )
        .select_related("organisation")
        .only(*ENTRY_FIELDS)
        .order_by(F("held_on").asc(nulls_last=True), "id")[:LIMIT]
    )
    S = InspectionMaterial.Status
    rank = {S.RETURNED: 0, S.DRAFT: 1, S.SUBMITTED: 3}  # a meeting without a material ranks 2
    urgency = Case(*[When(status=status, then=n) for status, n in rank.items()])
    materials = (
        InspectionMaterial.objects.filter(author=member, status__in=list(rank))
        .select_related("meeting")
        .only(*(f for f in MATERIAL_ENTRY_FIELDS if not f.startswith("author__")))
        .order_by(urgency, F("meeting__held_on").asc(nulls_last=True), "-on_behalf_of_group", "id")[:LIMIT]
    )
    ranked = [(rank[m.status], _material_entry(m)) for m in materials]
    for meeting in upcoming:
        if not meeting.has_material:
            entry = {
                "label": str(meeting),
                "url": reverse("materials:start", args=[meeting.pk]),
                "meta": _("not started") + f" · {_on(meeting)}",
                "action": _("Write the material"),
            }
            ranked.append((2, entry))
    ranked.sort(key=lambda pair: pair[0])  # stable: each rank keeps its order by meeting date
    meeting_items = []
    for meeting in upcoming:
        meta = [_when(meeting)]
        if meeting.location:
            meta.append(meeting.location)
        meta.append(_("material started") if meeting.has_material else _("material not started"))
        meeting_items.append(
            {"label": str(meeting), "url": meeting.get_absolute_url(), "meta": " · ".join(meta), "action": _("Open")}
        )
    return [
        {
            "title": _("My upcoming meetings"),
            "items": meeting_items,
            "empty": _(
                "No meeting of yours is being prepared. When the secretary puts you on a meeting's "
                "attendance sheet, the meeting appears here."
            ),
            "more_url": reverse("meetings:list"),
        },
        {
            "title": _("My comparison-inspection materials"),
            "items": [entry for _rank, entry in ranked[:LIMIT]],
            "empty": _("No material is waiting for you: none to write, revise or have reviewed."),
            "more_url": "",
        },
    ]


# --- problems listed in a material (each may become a rectification item) ----------------------

_CN = "一二三四五六七八九十"
_MARKER = re.compile(rf"^\s*(?:[-*+]\s+|\d+[.、．)]\s*|[（(][{_CN}\d]+[）)]\s*|[{_CN}]+[是要、]\s*)")


def _listed(text: str) -> list[str]:
    """The lines of a Markdown text that say something, without their list markers."""
    lines = []
    for line in (text or "").splitlines():
        stripped = _MARKER.sub("", line).strip().strip("*_").strip()
        if stripped and not stripped.startswith("#"):
            lines.append(stripped)
    return lines


def listed_problems(material: InspectionMaterial) -> list[dict]:
    """Each problem the material lists, in order: its aspect (the section it is written under, as the
    meeting names it), its text, and the measure written in the same place in the measures section
    (the n-th measure for the n-th problem), to prefill a rectification item."""
    measures = _listed(material.measures)
    problems = []
    for section in material.problem_sections or []:
        for text in _listed(section.get("text", "")):
            problems.append({"aspect": section.get("aspect", ""), "text": text})
    for text in _listed(material.problems):
        problems.append({"aspect": "", "text": text})
    for index, problem in enumerate(problems):
        problem["index"] = index
        problem["measure"] = measures[index] if index < len(measures) else ""
    return problems
