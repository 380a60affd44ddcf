"""Comparison-inspection materials as Word documents in the official layout (core.official_docx).

- `export_meeting_materials` / `write_meeting_materials`: a meeting's approved materials bound for
  the archive: a cover (without a page number), a table of contents listing the materials (only
  them: not itself, not their sections), then each material from a new page.
- `write_material`: one material (a member's, or the leading group's) on its own.

Each material reads as an official document: its title in 小标宋, who wrote it, its opening
paragraphs (导语) as body text, then 一、problems found (（一）each aspect), 二、causes,
三、rectification measures; the Markdown's bold, italic, lists (each numbered from 1) and tables are kept.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.markdown import render_markdown
from core.official_docx import OfficialDocument
from core.text import one_line


def _material_title(material) -> str:
    return one_line(str(material.title or material))


def _byline(material) -> str:
    meeting = material.meeting
    who = str(meeting.organisation) if material.on_behalf_of_group else material.author.name
    parts = [who]
    if material.on_behalf_of_group:
        parts.append(_("on behalf of the group"))
    when = material.approved_at or material.submitted_at
    if when:
        parts.append(timezone.localdate(when).isoformat())
    return one_line(" · ".join(parts))


def _write_body(doc: OfficialDocument, material, text=None) -> None:
    """The opening paragraphs (body text), then 一、problems (（一）per aspect), 二、causes, 三、measures.
    `text` is what to show (a revision, or the material itself)."""
    text = text or material
    if (getattr(text, "preamble", "") or "").strip():
        # Body paragraphs: a Markdown heading in it is a bold paragraph, never a level that would take "一、".
        doc.add_html(render_markdown(text.preamble), heading_levels=dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6")))
    doc.add_heading(_("Problems found"), 1)
    sections = [s for s in (text.problem_sections or []) if (s.get("text") or "").strip()]
    for section in sections:
        doc.add_heading(one_line(section.get("aspect", "")) or _("Problems found"), 2)
        doc.add_markdown(section["text"], base_level=3)
    if (text.problems or "").strip():
        if sections:
            doc.add_heading(_("Other problems"), 2)
        doc.add_markdown(text.problems, base_level=3)
    if not sections and not (text.problems or "").strip():
        doc.add_paragraph(_("Not written yet."))
    doc.add_heading(_("Causes"), 1)
    doc.add_markdown(text.causes, base_level=2) if (text.causes or "").strip() else doc.add_paragraph("—")
    doc.add_heading(_("Rectification measures"), 1)
    doc.add_markdown(text.measures, base_level=2) if (text.measures or "").strip() else doc.add_paragraph("—")


def write_material(material, stream, *, text=None, note: str = "") -> None:
    """One material (a member's or the group's) as an official document, written to `stream`."""
    title = _material_title(material)
    author = str(material.meeting.organisation) if material.on_behalf_of_group else material.author.name
    doc = OfficialDocument(title=title, author=author, subject=str(material.meeting), created=material.approved_at)
    doc.add_title(title, subtitle=_byline(material))
    if note:
        doc.add_paragraph(note)
    _write_body(doc, material, text)
    doc.save(stream)


def write_meeting_materials(meeting, materials, stream) -> None:
    """The approved materials bound into one document (cover, contents, materials), written to
    `stream` (a temporary file: the whole bundle is never held twice in memory)."""
    count = len(materials)
    title = one_line(f"{meeting} — {_('Comparison-inspection materials')}")
    doc = OfficialDocument(title=title, author=str(meeting.organisation), subject=str(meeting))

    # Cover: no page number on it.
    for _line in range(4):
        doc.add_paragraph("")
    doc.add_title(one_line(str(meeting)), subtitle=_("Comparison-inspection materials"))
    for line in (
        str(meeting.organisation),
        _("Held on %(date)s") % {"date": meeting.held_on} if meeting.held_on else "",
        ngettext("%(count)s approved material", "%(count)s approved materials", count) % {"count": count},
        _("Bound on %(date)s for the archive") % {"date": timezone.localdate()},
        _("Confidential: for the organisation's archive only."),
    ):
        if line:
            doc.add_paragraph(one_line(line), align="center", indent=False)
    doc.start_numbered_section(cover=True)

    # Contents: the materials only.
    entries = [f"{_material_title(m)} — {m.author.name}" for m in materials]
    doc.add_contents(entries, heading=_("Contents"))

    for material, entry in zip(materials, entries, strict=True):
        doc.add_part(entry)
        doc.add_paragraph(_byline(material), align="center", indent=False, style="Subtitle")
        _write_body(doc, material)
        doc.spool()  # one material in memory at a time
    doc.save(stream)


def export_meeting_materials(meeting, materials) -> bytes:
    """The bundle as bytes (kept for callers that want them; the download view streams a file)."""
    buffer = io.BytesIO()
    write_meeting_materials(meeting, materials, buffer)
    return buffer.getvalue()
