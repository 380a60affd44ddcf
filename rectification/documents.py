"""The rectification plan (整改方案) as an official Word document (core.official_docx).

One section per item: 一、the problem, then （一）the measure, （二）responsibility and deadline
with the item's status; the issuing organisation and the date at the end. The items are those
the reader may see (RectificationItem.objects.visible_to), as on the plan's page.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.official_docx import OfficialDocument
from core.text import one_line


def write_plan(plan, items, stream) -> None:
    items = list(items)
    title = one_line(str(plan))
    organisation = plan.organisation.name
    doc = OfficialDocument(title=title, author=organisation, subject=str(plan.meeting))
    held_on = plan.meeting.held_on
    doc.add_title(title, subtitle=" · ".join(filter(None, [organisation, held_on.isoformat() if held_on else ""])))
    doc.add_paragraph(
        ngettext(
            "This plan sets %(n)s rectification item for the problems found at %(meeting)s.",
            "This plan sets %(n)s rectification items for the problems found at %(meeting)s.",
            len(items),
        )
        % {"n": len(items), "meeting": plan.meeting}
    )
    for item in items:
        problem = item.problem.description if item.problem_id else ""
        doc.add_heading(one_line(problem or item.measure), 1)
        doc.add_heading(_("Measure"), 2)
        doc.add_lines(item.measure.splitlines())
        doc.add_heading(_("Responsibility and deadline"), 2)
        line = _("Responsible: %(who)s; deadline: %(date)s (%(type)s).") % {
            "who": item.responsible_member.name,
            "date": item.deadline.isoformat() if item.deadline else "—",
            "type": item.get_type_display(),
        }
        if item.responsible_leader_id:
            line += " " + _("Leader in charge: %(leader)s.") % {"leader": item.responsible_leader.name}
        doc.add_paragraph(line)
        status = _("Status: %(status)s, %(percent)s%% done.") % {
            "status": item.get_status_display(),
            "percent": item.progress_percent,
        }
        if item.is_overdue:
            status += " " + ngettext("%(days)s day overdue", "%(days)s days overdue", item.overdue_days) % {
                "days": item.overdue_days
            }
        doc.add_paragraph(status)
    if not items:
        doc.add_paragraph(_("No items yet."))
    doc.add_signature([organisation, timezone.localdate().isoformat()])
    doc.save(stream)
