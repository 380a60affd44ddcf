"""A meeting's approved materials bound into one Word document: cover page, table of contents, materials.

The table of contents is a real Word TOC field (Word refreshes it, page numbers included, when
the document is opened), pre-filled with the materials' titles so every reader shows it.

Every text goes through `core.text.xml_safe`: a control character saved in a material, a name or
a title (before the forms refused them, or through the admin) is left out instead of breaking the file.
"""

import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from core.text import one_line, xml_safe

_LIST_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_LIST_NUMBER = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_INLINE = re.compile(r"(\*\*|__|\*|_|`)")
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator",
)  # fmt: skip


def _plain(text: str) -> str:
    """Markdown inline marks removed: Word gets the words, not the asterisks."""
    return xml_safe(_INLINE.sub("", text).replace("\\", ""))


def _field_char(run, kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._r.append(element)


def _add_toc(document, entries: list[str]) -> None:
    first = document.add_paragraph()
    _field_char(first.add_run(), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    first.add_run()._r.append(instr)
    _field_char(first.add_run(), "separate")
    paragraph = first
    for i, entry in enumerate(entries):
        if i:
            paragraph = document.add_paragraph()
        paragraph.add_run(f"{i + 1}. {entry}")
    _field_char(paragraph.add_run(), "end")
    # Ask Word to refresh fields (page numbers of the contents) when the file is opened.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    # The schema fixes the order of settings: updateFields comes right before these.
    after = {qn(f"w:{name}") for name in _SETTINGS_AFTER_UPDATE_FIELDS}
    successor = next((child for child in settings if child.tag in after), None)
    if successor is not None:
        successor.addprevious(update)
    else:
        settings.append(update)


def _add_markdown(document, text: str) -> None:
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if match := _HEADING.match(line):
            document.add_heading(_plain(match.group(2)), level=min(len(match.group(1)) + 2, 9))
        elif match := _LIST_BULLET.match(line):
            document.add_paragraph(_plain(match.group(1)), style="List Bullet")
        elif match := _LIST_NUMBER.match(line):
            document.add_paragraph(_plain(match.group(1)), style="List Number")
        else:
            document.add_paragraph(_plain(line.strip()))


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def export_meeting_materials(meeting, materials) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    style.font.name = "Times New Roman"  # creates the run fonts element, which then gets the CJK font
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")

    # Cover page
    for _i in range(6):
        document.add_paragraph()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(one_line(str(meeting)))
    run.bold = True
    run.font.size = Pt(22)
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(_("Comparison-inspection materials")).font.size = Pt(18)
    for line in (
        str(meeting.organisation),
        _("Held on %(date)s") % {"date": meeting.held_on} if meeting.held_on else "",
        ngettext("%(count)s approved material", "%(count)s approved materials", len(materials))
        % {"count": len(materials)},
        _("Bound on %(date)s for the archive") % {"date": timezone.localdate()},
        _("Confidential: for the organisation's archive only."),
    ):
        if line:
            p = document.add_paragraph(one_line(line))
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_break(document)

    # Table of contents
    document.add_heading(_("Contents"), level=1)
    titles = [one_line(f"{m.title or m} — {m.author.name}") for m in materials]
    _add_toc(document, titles)
    _page_break(document)

    # The materials
    for index, (material, title) in enumerate(zip(materials, titles, strict=True)):
        if index:
            _page_break(document)
        document.add_heading(title, level=1)
        meta = [material.author.name]
        if material.on_behalf_of_group:
            meta.append(_("on behalf of the group"))
        if material.approved_at:
            meta.append(_("approved on %(date)s") % {"date": timezone.localdate(material.approved_at)})
        document.add_paragraph().add_run(one_line(" · ".join(meta))).italic = True
        document.add_heading(_("Problems found"), level=2)
        for section in material.problem_sections or []:
            if (section.get("text") or "").strip():
                document.add_heading(one_line(section.get("aspect", "")), level=3)
                _add_markdown(document, section["text"])
        if material.problems.strip():
            if material.problem_sections:
                document.add_heading(_("Other problems"), level=3)
            _add_markdown(document, material.problems)
        document.add_heading(_("Causes"), level=2)
        _add_markdown(document, material.causes)
        document.add_heading(_("Rectification measures"), level=2)
        _add_markdown(document, material.measures)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
