"""The first draft of the report after the meeting (情况报告), written from the record.

The draft follows the language of the record, whole: Chinese when the organisation's name or the
meeting's title is written in Chinese, English otherwise. Each language has its own phrasebook, a
template in templates/reports/draft/ (Chinese official writing is not a word-for-word translation).
What goes in: the preparation (study, opinions, talks, materials), the attendance, the agenda,
criticism and self-criticism (who spoke, how many times: never what was said), the problems found
and the rectification plan's measures with who answers for them and by when.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Meeting, PreparationActivity
from rectification.models import Problem, RectificationItem

from .models import due_date

CJK = re.compile(r"[\u4e00-\u9fff]")


def record_language(meeting: Meeting) -> str:
    text = f"{meeting.organisation.name}{meeting.title}{meeting.theme}"
    return "zh-hans" if CJK.search(text) else "en"


def higher_organisation(meeting: Meeting) -> str:
    """Who the report goes to: the organisation above, else whoever gave the consent to hold the meeting."""
    parent = meeting.organisation.parent
    return parent.name if parent is not None else meeting.consent_by


def draft(meeting: Meeting) -> dict:
    """{title, addressed_to, body}: the report's first draft, in the record's language."""
    language = record_language(meeting)
    attendances = list(meeting.attendances.select_related("member").order_by("order", "id"))
    expected = [a for a in attendances if a.should_attend]
    present = [a for a in expected if a.is_present]
    absent = [a for a in expected if not a.is_present]
    guests = [a for a in attendances if not a.should_attend and a.is_present]
    criticisms = list(meeting.criticisms.select_related("from_member", "to_member"))
    self_critics, mutual = [], 0
    for record in criticisms:
        if record.is_self_criticism:
            if record.from_member.name not in self_critics:
                self_critics.append(record.from_member.name)
        else:
            mutual += 1
    materials = list(InspectionMaterial.objects.filter(meeting=meeting).select_related("author"))
    problems = list(Problem.objects.filter(meeting=meeting).order_by("aspect", "id"))
    items = list(
        RectificationItem.objects.filter(plan__meeting=meeting)
        .select_related("responsible_member")
        .order_by("plan_id", "number", "id")
    )
    context = {
        "meeting": meeting,
        "organisation": meeting.organisation.name,
        "addressed_to": higher_organisation(meeting),
        "studies": [a for a in meeting.preparation_activities.all() if a.kind == PreparationActivity.Kind.STUDY],
        "opinion_count": meeting.opinions.count(),
        "talk_count": meeting.talks.count(),
        "material_count": len(materials),
        "approved_count": sum(1 for m in materials if m.is_approved),
        "group_material": next((m for m in materials if m.on_behalf_of_group), None),
        "expected": expected,
        "present": present,
        "absent": absent,
        "guests": guests,
        "agenda": list(meeting.agenda_items.order_by("order", "id")),
        "self_critics": self_critics,
        "mutual_count": mutual,
        "problems": problems,
        "items": items,
        "today": timezone.localdate(),
        "due_on": due_date(meeting),
        "kind_zh": _kind_zh(meeting),
    }
    name = "zh" if language == "zh-hans" else "en"
    body = render_to_string(f"reports/draft/{name}.md", context)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    if language == "zh-hans":
        title = f"关于{meeting.organisation.name}召开{meeting.year}年度{_kind_zh(meeting)}情况的报告"
    else:
        title = f"Report on the {meeting.year} {meeting.get_kind_display()} of {meeting.organisation.name}"
    return {"title": title[:300], "addressed_to": context["addressed_to"][:200], "body": body}


def _kind_zh(meeting: Meeting) -> str:
    return {
        Meeting.Kind.DEMOCRATIC_LIFE: "民主生活会",
        Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE: "专题民主生活会",
        Meeting.Kind.ORGANISATIONAL_LIFE: "组织生活会",
    }.get(meeting.kind, "会议")


def split_sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """The report's text as (preamble, [(heading, text)]): each line starting with "## " begins a
    section; the documents number the sections 一、二、… themselves, so a number typed before the
    heading ("一、", "1.") is dropped."""
    preamble, sections = [], []
    for line in (body or "").splitlines():
        if line.startswith("## "):
            heading = re.sub(r"^\s*([一二三四五六七八九十]+、|\d+[.、]\s*)", "", line[3:].strip())
            sections.append([heading, []])
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    return "\n".join(preamble).strip(), [(h, "\n".join(lines).strip()) for h, lines in sections]
