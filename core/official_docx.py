"""Word documents in the layout of official documents (GB/T 9704-2012, 党政机关公文格式).

One builder, `OfficialDocument`, used by every .docx the site writes (the members' materials bound
for the archive, one material, the minutes, the rectification plan, the notice, and the report after
the meeting):

- A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the text block
  is 156 × 225 mm; a document grid of 22 lines of 28 characters (w:docGrid linePitch / charSpace,
  which Word's Page Setup shows as 22 × 28) and every line exactly one grid line high;
- the title in 方正小标宋简体 二号 (22 pt), the body in 仿宋 三号 (16 pt) with a two-character
  first-line indent; the levels of the structure "一、" in 黑体, "（一）" in 楷体, "1." and "（1）" in
  仿宋, numbered as text by the document itself, each level counting from 1 again under a new
  parent (a list's numbers are written the same way, so no list runs on from the one before);
- East Asian fonts set on w:rFonts/@w:eastAsia (no theme fonts, which fell back to a Japanese one),
  and the font table names each font with an alternative (altName) and its GB2312 character set,
  so Word and LibreOffice substitute a Chinese face of the same kind where a font is missing;
- the language en-US / zh-CN (w:lang in docDefaults, themeFontLang), and real core properties:
  title, author, created and modified dates, language;
- page numbers "— 1 —" in the footer, 四号 宋体, odd pages right and even pages left, each one
  character in from the edge of the text block;
- a table of contents only when asked for (a bundle): a Word TOC field over the parts' titles
  (outline level 1), pre-filled with them so every reader shows it, and never listing itself.

Markdown (materials, notices) goes through `core.markdown.render_markdown`, so the .docx reads
what the page shows: bold and italic, lists, quotes and tables kept; `add_html` takes that HTML (or
a template's). Every text goes through `core.text.xml_safe`: a stored control character is left out
instead of breaking the file.

`write_official_document` is the short way for a document made of a title and sections of
Markdown (the report after the meeting).
"""

from __future__ import annotations

import datetime
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import lxml.html
from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import get_language
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from .markdown import render_markdown
from .text import one_line, xml_safe

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# --- the page (GB/T 9704-2012, 5.2 and 5.2.1), in twentieths of a point ---------------------------
PAGE_WIDTH = 11906  # 210 mm
PAGE_HEIGHT = 16838  # 297 mm
MARGIN_TOP = 2098  # 37 mm (天头)
MARGIN_BOTTOM = 1984  # 35 mm
MARGIN_LEFT = 1587  # 28 mm (订口)
MARGIN_RIGHT = 1474  # 26 mm
FOOTER_DISTANCE = 1304  # 23 mm from the sheet's foot: the number's line 7 mm under the text block
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
PAGE_NUMBER_SIZE = 14  # 四号
TABLE_SIZE = 14
TABLE_LINE = 360  # 1.5 lines of 四号 in a table cell
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845: 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756: 225 mm
LINE_PITCH = TEXT_HEIGHT // LINES_PER_PAGE  # 579: 22 lines fill the block, a 23rd does not fit
# The grid's character pitch is the body size plus charSpace/4096 pt; 28 of them must fit the width.
CHAR_SPACE = int((TEXT_WIDTH / 20 / CHARS_PER_LINE - BODY_SIZE) * 4096) - 1  # -842
# Lines only: LibreOffice (7.4) puts every character into two cells of a character grid narrower than
# the body size, so the 28 characters come from SQUEEZE instead; charSpace is still written, for Word's
# Page Setup when someone switches the grid to lines and characters.
GRID_TYPE = "lines"
SQUEEZE = -5  # twentieths of a point narrower per character: 28 × 15.75 pt = 441 pt ≤ 442.25 pt

# --- fonts: (name written on w:rFonts/@w:eastAsia, alternative name, panose, family, pitch) ---------
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEITI = "黑体"
KAITI = "楷体"
SONGTI = "宋体"
LATIN_FONT = "Times New Roman"
_FONT_TABLE = [
    (LATIN_FONT, None, "02020603050405020304", "roman", "variable", "00"),
    (SONGTI, "SimSun", "02010600030101010101", "auto", "variable", "86"),
    (BODY_FONT, "仿宋_GB2312", "02010609060101010101", "modern", "fixed", "86"),
    (HEITI, "SimHei", "02010609060101010101", "modern", "fixed", "86"),
    (KAITI, "楷体_GB2312", "02010609060101010101", "modern", "fixed", "86"),
    (TITLE_FONT, "方正小标宋_GBK", "02000000000000000000", "auto", "variable", "86"),
]

# The levels of the structure (GB/T 9704-2012, 7.3.3): font, and how the number is written.
LEVEL_FONTS = {1: HEITI, 2: KAITI, 3: BODY_FONT, 4: BODY_FONT}
_CN_DIGITS = "零一二三四五六七八九"
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
    "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
    "decimalSymbol", "listSeparator",
)  # fmt: skip
_SETTINGS_AFTER_EVEN_AND_ODD = ("bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
                                "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
                                "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
                                "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
                                "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
                                "characterSpacingControl", *_SETTINGS_AFTER_UPDATE_FIELDS)  # fmt: skip


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (numbers as a heading counts them)."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        if not rest:
            tail = ""
        elif rest < 10:
            tail = "零" + _CN_DIGITS[rest]
        else:
            tail = ("一" if rest < 20 else "") + chinese_number(rest)
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def level_number(level: int, n: int) -> str:
    """The number of the n-th heading (or list entry) at a level: 一、 （一） 1. （1）, then ① for deeper ones."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    return chr(0x2460 + n - 1) if n <= 20 else f"{n})"


# --- low-level XML --------------------------------------------------------------------------------


def _el(tag: str, **attrs) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def _fonts_element(east_asia: str, latin: str = LATIN_FONT) -> OxmlElement:
    return _el("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)


def _language_element() -> OxmlElement:
    return _el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")


def _rpr(
    *, east_asia: str, size: float, bold: bool = False, latin: str = LATIN_FONT, squeeze: bool = False
) -> OxmlElement:
    """A run-properties element in schema order: fonts, bold, colour, spacing, size, language.

    `squeeze` narrows each character by a quarter point (w:spacing -5): 28 characters of 16 pt then
    fit the 156 mm line in readers that lay text on the grid's cells (LibreOffice puts a character
    wider than a cell into two), and Word, which squeezes them onto the grid itself, still shows 28."""
    rpr = OxmlElement("w:rPr")
    rpr.append(_fonts_element(east_asia, latin))
    if bold:
        rpr.append(_el("w:b"))
        rpr.append(_el("w:bCs"))
    else:
        rpr.append(_el("w:b", val="0"))
        rpr.append(_el("w:bCs", val="0"))
    rpr.append(_el("w:color", val="000000"))
    if squeeze:
        rpr.append(_el("w:spacing", val=SQUEEZE))
    half_points = str(int(size * 2))
    rpr.append(_el("w:sz", val=half_points))
    rpr.append(_el("w:szCs", val=half_points))
    rpr.append(_language_element())
    return rpr


def _ppr(
    *,
    align: str = "both",
    first_line_chars: int = 0,
    keep_next: bool = False,
    outline: int | None = None,
    line: int = LINE_PITCH,
    page_break_before: bool = False,
    snap: bool = True,
) -> OxmlElement:
    """Paragraph properties in schema order: keepNext, pageBreakBefore, widowControl, snapToGrid,
    spacing, ind, jc, outlineLvl. Text larger than the body (a title) does not snap to the grid's
    characters, or each of its characters would take two cells."""
    ppr = OxmlElement("w:pPr")
    if keep_next:
        ppr.append(_el("w:keepNext"))
    if page_break_before:
        ppr.append(_el("w:pageBreakBefore"))
    ppr.append(_el("w:widowControl"))
    if not snap:
        ppr.append(_el("w:snapToGrid", val="0"))
    ppr.append(_el("w:spacing", before=0, after=0, line=line, lineRule="exact"))
    if first_line_chars:
        ppr.append(_el("w:ind", firstLineChars=first_line_chars * 100, firstLine=first_line_chars * BODY_SIZE * 20))
    else:
        ppr.append(_el("w:ind", firstLineChars=0, firstLine=0))
    ppr.append(_el("w:jc", val=align))
    if outline is not None:
        ppr.append(_el("w:outlineLvl", val=outline))
    return ppr


def _set_ind(paragraph, **attrs) -> None:
    """Set indentation attributes (w:ind, in its schema place) on a paragraph's own properties."""
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    for key, value in attrs.items():
        ind.set(qn(f"w:{key}"), str(value))


def _exact_to_auto(style_element) -> None:
    """A style's line spacing "at least" instead of exact (a table's cell grows with its text)."""
    for spacing in style_element.iter(qn("w:spacing")):
        if spacing.get(qn("w:lineRule")) == "exact":
            spacing.set(qn("w:lineRule"), "atLeast")


def _replace_properties(style_element, ppr, rpr) -> None:
    """A style's own paragraph and run properties replaced (theme fonts, colours, borders and
    spacing of the template gone), in the schema's place: after name/basedOn/next/link/… flags."""
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr"):
        for old in style_element.findall(qn(tag)):
            style_element.remove(old)
    if ppr is not None:
        style_element.append(ppr)
    if rpr is not None:
        style_element.append(rpr)


# Clark names of the elements made for every paragraph and run (qn() parses its prefix each call).
_W_P, _W_PPR, _W_PSTYLE, _W_R, _W_RPR, _W_T, _W_VAL = (
    qn(f"w:{tag}") for tag in ("p", "pPr", "pStyle", "r", "rPr", "t", "val")
)
_XML_SPACE = qn("xml:space")
_NO_INDENT = {"firstLineChars": 0, "firstLine": 0}
_JC = {"center": "center", "right": "right", "left": "left"}  # the `align` add_paragraph takes, as w:jc says it
_CODE_FONTS = {qn("w:ascii"): "Courier New", qn("w:hAnsi"): "Courier New"}


def _append_run(p, text: str, *, bold: bool = False, italic: bool = False, code: bool = False) -> None:
    """A run appended to a w:p element directly (python-docx's add_run costs ~0.5 ms a run: a 200-material
    bundle has hundreds of thousands): w:rPr only when the run is bold, italic or code. Made with lxml's
    SubElement, which takes the parent's namespace and element classes (a third of OxmlElement's cost)."""
    r = etree.SubElement(p, _W_R)
    if bold or italic or code:
        rpr = etree.SubElement(r, _W_RPR)
        if code:
            etree.SubElement(rpr, qn("w:rFonts"), _CODE_FONTS)
        if bold:
            etree.SubElement(rpr, qn("w:b"))
        if italic:
            etree.SubElement(rpr, qn("w:i"))
    t = etree.SubElement(r, _W_T)
    t.text = text
    if text != text.strip():
        t.set(_XML_SPACE, "preserve")


@dataclass
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    line_break: bool = False


@dataclass
class _Pending:
    """A paragraph being gathered from HTML: its style, number, and runs."""

    style: str
    prefix: str = ""
    runs: list[_Run] = field(default_factory=list)
    indent_chars: int | None = None
    align: str | None = None


_SPACE = re.compile(r"\s+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A line break inside Chinese text (a Markdown soft break) joins the lines without a space; a space
# typed between Chinese words (after a dateline) stays.
_BREAK_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")
_NUMBER_PREFIX = re.compile(r"^\s*\d+[.、．]\s*")
# A heading that already carries its number as the standard writes it (a print template's).
_GB_NUMBER = re.compile(r"^\s*(?:[一二三四五六七八九十百]+、|（[一二三四五六七八九十百]+）|（\d+）)")
_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "summary", "table", "ul",
}  # fmt: skip
_SKIPPED_TAGS = {"script", "style", "template", "button", "input", "select", "textarea", "noscript", "svg", "head"}


class OfficialDocument:
    """A Word document in the GB/T 9704-2012 layout.

    >>> doc = OfficialDocument(title="关于……的通知", author="市政府党组")
    >>> doc.add_title("关于……的通知")
    >>> doc.add_heading("总体要求")          # 一、总体要求 (黑体)
    >>> doc.add_heading("工作目标", level=2)  # （一）工作目标 (楷体)
    >>> doc.add_markdown("**加强**学习……")
    >>> doc.save(stream)
    """

    def __init__(
        self,
        *,
        title: str,
        author: str = "",
        subject: str = "",
        language: str | None = None,
        created: datetime.datetime | None = None,
    ):
        self.document = Document()
        self.title = one_line(xml_safe(title or ""))
        self._counters = [0, 0, 0, 0, 0]
        self._page_numbers_added = False
        self._set_up_page()
        self._set_up_styles()
        self._set_up_font_table()
        self._set_up_settings()
        self._set_up_properties(title=self.title, author=author, subject=subject, language=language, created=created)
        self._set_up_footers()
        self._remove_empty_first_paragraph()
        # python-docx finds a style by name by scanning every style (~10 ms): look them up once.
        self._style_ids = {style.name: style.style_id for style in self.document.styles}
        self._body_end = self.document.element.body.sectPr
        self._spooled = None

    def _paragraph(
        self, style: str = "Normal", *, page_break_before: bool = False, ind: dict | None = None, jc: str | None = None
    ) -> Paragraph:
        """A new paragraph at the end of the body, in `style` (set by id, inserted before the section's
        properties without searching the body), with its own properties made at once in schema order
        (pStyle, pageBreakBefore, ind, jc) instead of python-docx's search for each one's place:
        `ind` the w:ind attributes (firstLineChars, firstLine, right, rightChars…), `jc` the alignment."""
        p = self._body_end.makeelement(_W_P)
        if style != "Normal" or page_break_before or ind or jc:
            ppr = etree.SubElement(p, _W_PPR)
            if style != "Normal":
                etree.SubElement(ppr, _W_PSTYLE).set(_W_VAL, self._style_ids[style])
            if page_break_before:
                etree.SubElement(ppr, qn("w:pageBreakBefore"))
            if ind:
                etree.SubElement(ppr, qn("w:ind"), {qn(f"w:{key}"): str(value) for key, value in ind.items()})
            if jc:
                etree.SubElement(ppr, qn("w:jc")).set(_W_VAL, jc)
        self._body_end.addprevious(p)
        return Paragraph(p, self.document._body)

    # --- set-up -----------------------------------------------------------------------------------

    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.page_width = Twips(PAGE_WIDTH)
        section.page_height = Twips(PAGE_HEIGHT)
        section.top_margin = Twips(MARGIN_TOP)
        section.bottom_margin = Twips(MARGIN_BOTTOM)
        section.left_margin = Twips(MARGIN_LEFT)
        section.right_margin = Twips(MARGIN_RIGHT)
        section.header_distance = Twips(851)  # 15 mm: no header text; Word's default
        section.footer_distance = Twips(FOOTER_DISTANCE)
        section.gutter = Twips(0)
        self._set_grid(section)

    @staticmethod
    def _set_grid(section) -> None:
        sect_pr = section._sectPr
        for old in sect_pr.findall(qn("w:docGrid")):
            sect_pr.remove(old)
        grid = _el("w:docGrid", type=GRID_TYPE, linePitch=LINE_PITCH, charSpace=CHAR_SPACE)
        # docGrid is the last child of sectPr but for printerSettings (never written here).
        sect_pr.append(grid)

    def _set_up_styles(self) -> None:
        styles = self.document.styles
        root = styles.element
        defaults = root.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        for old in list(rpr_default):
            rpr_default.remove(old)
        rpr_default.append(_rpr(east_asia=BODY_FONT, size=BODY_SIZE, squeeze=True))
        ppr_default = defaults.find(qn("w:pPrDefault"))
        for old in list(ppr_default):
            ppr_default.remove(old)
        default_ppr = OxmlElement("w:pPr")
        default_ppr.append(_el("w:spacing", before=0, after=0, line=LINE_PITCH, lineRule="exact"))
        ppr_default.append(default_ppr)
        # No style may fall back to theme fonts (the template's theme is Japanese for East Asian text).
        for fonts in root.iter(qn("w:rFonts")):
            for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{attr}"), None)
            fonts.set(qn("w:eastAsia"), fonts.get(qn("w:eastAsia")) or BODY_FONT)
            fonts.set(qn("w:ascii"), fonts.get(qn("w:ascii")) or LATIN_FONT)
            fonts.set(qn("w:hAnsi"), fonts.get(qn("w:hAnsi")) or LATIN_FONT)
        for lang in root.iter(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")

        def style(name, ppr, rpr):
            _replace_properties(styles[name].element, ppr, rpr)

        style("Normal", _ppr(first_line_chars=2), _rpr(east_asia=BODY_FONT, size=BODY_SIZE, squeeze=True))
        # The document's title: 小标宋 二号, centred, above a blank line (its spacing after).
        style("Title", _ppr(align="center", keep_next=True, line=LINE_PITCH * 3 // 2, snap=False),
              _rpr(east_asia=TITLE_FONT, size=TITLE_SIZE))  # fmt: skip
        # A part of a bundle (one material): looks like a title, and is what the contents list.
        style("Heading 1", _ppr(align="center", keep_next=True, outline=0, line=LINE_PITCH * 3 // 2, snap=False),
              _rpr(east_asia=TITLE_FONT, size=TITLE_SIZE))  # fmt: skip
        for level, font in LEVEL_FONTS.items():
            style(f"Heading {level + 1}", _ppr(first_line_chars=2, keep_next=True, outline=level),
                  _rpr(east_asia=font, size=BODY_SIZE, squeeze=True))  # fmt: skip
        style("Subtitle", _ppr(align="center", keep_next=True), _rpr(east_asia=KAITI, size=BODY_SIZE, squeeze=True))
        style("TOC Heading", _ppr(align="center", keep_next=True, line=LINE_PITCH * 3 // 2, snap=False, outline=9),
              _rpr(east_asia=HEITI, size=BODY_SIZE))  # fmt: skip
        # The template bases "TOC Heading" on "Heading 1", whose outline level would put the contents'
        # own heading into the contents: based on Normal, and body text (level 9) outright.
        styles["TOC Heading"].base_style = styles["Normal"]
        style("Quote", _ppr(first_line_chars=2), _rpr(east_asia=KAITI, size=BODY_SIZE, squeeze=True))
        style("Footer", _ppr(align="right", snap=False), _rpr(east_asia=SONGTI, size=PAGE_NUMBER_SIZE, latin=SONGTI))
        style("Header", _ppr(align="center", snap=False), _rpr(east_asia=BODY_FONT, size=BODY_SIZE))
        style("Table Grid", None, None)
        table_style = styles["Table Grid"].element
        table_style.append(parse_xml(
            f'<w:pPr {nsdecls("w")}><w:snapToGrid w:val="0"/>'
            '<w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="auto"/>'
            '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr>'
        ))  # fmt: skip
        table_style.append(_rpr(east_asia=BODY_FONT, size=TABLE_SIZE))
        table_style.append(parse_xml(
            f'<w:tblPr {nsdecls("w")}><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>'
            + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + '</w:tblBorders><w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        ))  # fmt: skip
        # The text of a table's cells: 仿宋 四号, left, no indent, single spacing, off the grid.
        table_text = styles.add_style("Table Text", 1)
        table_text.base_style = styles["Normal"]
        _replace_properties(
            table_text.element,
            _ppr(align="left", line=TABLE_LINE, snap=False),
            _rpr(east_asia=BODY_FONT, size=TABLE_SIZE),
        )
        _exact_to_auto(table_text.element)
        # The entries of the table of contents: 仿宋, no indent, dotted leader to the page number.
        toc1 = styles.add_style("toc 1", 1)
        toc1.base_style = styles["Normal"]
        _replace_properties(toc1.element, _ppr(), _rpr(east_asia=BODY_FONT, size=BODY_SIZE, squeeze=True))
        toc1.element.find(qn("w:pPr")).insert(
            0, parse_xml(f'<w:tabs {nsdecls("w")}><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>')
        )

    def _set_up_font_table(self) -> None:
        part = next(rel.target_part for rel in self.document.part.rels.values() if rel.reltype.endswith("/fontTable"))
        fonts = []
        for name, alternative, panose, family, pitch, charset in _FONT_TABLE:
            alt = f'<w:altName w:val="{alternative}"/>' if alternative else ""
            fonts.append(
                f'<w:font w:name="{name}">{alt}<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        part._blob = (
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            + "".join(fonts)
            + "</w:fonts>"
        ).encode()

    def _set_up_settings(self) -> None:
        element = self.document.settings.element
        for lang in element.findall(qn("w:themeFontLang")):
            lang.set(qn("w:eastAsia"), "zh-CN")
        # Punctuation compressed at the start of a line, as Chinese typesetting does.
        for control in element.findall(qn("w:characterSpacingControl")):
            control.set(qn("w:val"), "compressPunctuation")
        self.document.settings.odd_and_even_pages_header_footer = True

    def _set_up_properties(self, *, title, author, subject, language, created) -> None:
        properties = self.document.core_properties
        when = created or timezone.now()
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        when = when.astimezone(datetime.UTC).replace(tzinfo=None, microsecond=0)
        properties.title = title[:255]
        properties.author = one_line(xml_safe(author or ""))[:255]
        properties.last_modified_by = properties.author
        properties.subject = one_line(xml_safe(subject or ""))[:255]
        properties.language = _language_tag(language)
        properties.created = when
        properties.modified = when
        for printed in properties._element.findall(qn("cp:lastPrinted")):
            properties._element.remove(printed)
        properties.revision = 1
        properties.comments = ""
        properties.keywords = ""
        properties.category = ""

    def _set_up_footers(self, section=None) -> None:
        """ "— 1 —": 四号 宋体, odd pages one character in from the right, even ones from the left."""
        section = section or self.document.sections[0]
        indent = PAGE_NUMBER_SIZE * 20
        for footer, align, side in ((section.footer, "right", "right"), (section.even_page_footer, "left", "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self.document.styles["Footer"]
            _set_ind(paragraph, **{side: indent, "firstLine": 0, "firstLineChars": 0})
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "right" else WD_ALIGN_PARAGRAPH.LEFT
            paragraph.add_run("— ")
            self._add_field(paragraph, "PAGE", "1")
            paragraph.add_run(" —")

    def _remove_empty_first_paragraph(self) -> None:
        body = self.document.element.body
        for p in body.findall(qn("w:p")):
            if not p.xpath(".//w:t"):
                body.remove(p)

    # --- fields -----------------------------------------------------------------------------------

    @staticmethod
    def _add_field(paragraph, instruction: str, result: str) -> None:
        """A complex field with its result filled in, so a reader that does not update fields shows it."""
        begin = paragraph.add_run()
        begin._r.append(_el("w:fldChar", fldCharType="begin"))
        instr_run = paragraph.add_run()
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = f" {instruction} "
        instr_run._r.append(instr)
        paragraph.add_run()._r.append(_el("w:fldChar", fldCharType="separate"))
        paragraph.add_run(result)
        paragraph.add_run()._r.append(_el("w:fldChar", fldCharType="end"))

    # --- content ----------------------------------------------------------------------------------

    def add_title(self, text: str, *, subtitle: str = ""):
        """The document's title (小标宋 二号, centred; not an entry of the contents)."""
        paragraph = self._paragraph("Title")
        _append_run(paragraph._p, _clean(text))
        if subtitle:
            _append_run(self._paragraph("Subtitle")._p, _clean(subtitle))
        self._blank_line()
        return paragraph

    def add_part(self, text: str, *, new_page: bool = True):
        """One part of a bundle (a material): a title-like heading that the contents list. Numbering
        of the levels under it starts again."""
        paragraph = self._paragraph("Heading 1", page_break_before=new_page)
        _append_run(paragraph._p, _clean(text))
        self._counters = [0, 0, 0, 0, 0]
        return paragraph

    def add_heading(self, text: str, level: int = 1, *, numbered: bool = True):
        """A heading of the structure: level 1 一、 (黑体), 2 （一） (楷体), 3 1. and 4 （1） (仿宋).
        Numbered by the document: each level counts from 1 again under a new heading above it."""
        level = max(1, min(level, 4))
        text = _clean(text)
        prefix = ""
        if numbered and _GB_NUMBER.match(text):
            numbered = False
        if numbered:
            self._counters[level - 1] += 1
            for deeper in range(level, len(self._counters)):
                self._counters[deeper] = 0
            prefix = level_number(level, self._counters[level - 1])
            text = _NUMBER_PREFIX.sub("", text, count=1) if _NUMBER_PREFIX.match(text) else text
        paragraph = self._paragraph(f"Heading {level + 1}")
        _append_run(paragraph._p, prefix + _spaced_after_number(prefix, text))
        return paragraph

    def add_paragraph(self, text: str = "", *, bold: bool = False, italic: bool = False, align: str | None = None,
                      indent: bool = True, style: str = "Normal"):  # fmt: skip
        """A paragraph of body text (仿宋 三号, two characters indented)."""
        paragraph = self._paragraph(style, ind=None if indent else _NO_INDENT, jc=_JC[align] if align else None)
        if text:
            _append_run(paragraph._p, _clean(text), bold=bold, italic=italic)
        return paragraph

    def add_lines(self, lines: Iterable[str], **kwargs) -> None:
        for line in lines:
            if line and str(line).strip():
                self.add_paragraph(str(line), **kwargs)

    def add_signature(self, lines: Iterable[str]) -> None:
        """The issuing organ and date, right-aligned four characters in (GB/T 9704, 7.3.5.2)."""
        self._blank_line()
        for line in lines:
            if line:
                paragraph = self._paragraph(
                    ind={**_NO_INDENT, "right": BODY_SIZE * 20 * 4, "rightChars": 400}, jc="right"
                )
                _append_run(paragraph._p, _clean(line))

    def add_markdown(self, text: str, *, base_level: int = 1) -> None:
        """Markdown as the page shows it (rendered and sanitised by core.markdown): Markdown headings
        become levels from `base_level` on, lists are numbered from 1 each, bold and italic kept."""
        if text and text.strip():
            self.add_html(render_markdown(text), base_level=base_level)

    def add_html(self, html: str, *, base_level: int = 1, heading_levels: dict[str, int] | None = None) -> None:
        """HTML (a rendered template or Markdown) as paragraphs, headings, lists and tables.

        `heading_levels` maps h1…h6 to the levels of the structure (0: the document's title, None:
        a plain bold paragraph); by default h1 is level `base_level`, h2 the next, and so on."""
        if not html or not html.strip():
            return
        levels = heading_levels or {f"h{i}": min(base_level + i - 1, 4) for i in range(1, 7)}
        root = lxml.html.fragment_fromstring(xml_safe(html), create_parent="div")
        _HtmlWriter(self, levels).block(root)

    def add_table(self, rows: list[list[str]], *, header: bool = True, widths: list[int] | None = None):
        """A table (仿宋 四号, ruled): the first row is the header, repeated on every page."""
        if not rows:
            return None
        columns = max(len(r) for r in rows)
        table = self.document.add_table(rows=0, cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for index, values in enumerate(rows):
            cells = table.add_row().cells
            for cell, value in zip(cells, [*values, *[""] * (columns - len(values))], strict=True):
                cell.paragraphs[0]._p.style = self._style_ids["Table Text"]
                _append_run(cell.paragraphs[0]._p, _clean(str(value)), bold=header and index == 0)
            if header and index == 0:
                table.rows[0]._tr.get_or_add_trPr().append(_el("w:tblHeader"))
        if widths:
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=False):
                    cell.width = Twips(width)
        self._blank_line()
        return table

    def add_contents(self, entries: list[str], *, heading: str) -> None:
        """A table of contents over the parts (add_part): a Word TOC field of outline level 1 only,
        pre-filled with the parts' titles. Its own heading is no part, so it never lists itself.
        Word asks to refresh it (page numbers) when the file is opened."""
        _append_run(self._paragraph("TOC Heading")._p, _clean(heading))
        first = self._paragraph("toc 1")
        begin = first.add_run()
        begin._r.append(_el("w:fldChar", fldCharType="begin"))
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = ' TOC \\o "1-1" \\h \\z \\u '
        first.add_run()._r.append(instr)
        first.add_run()._r.append(_el("w:fldChar", fldCharType="separate"))
        paragraph = first
        for index, entry in enumerate(entries):
            if index:
                paragraph = self._paragraph("toc 1")
            _append_run(paragraph._p, _clean(entry))
        paragraph.add_run()._r.append(_el("w:fldChar", fldCharType="end"))
        settings_element = self.document.settings.element
        update = _el("w:updateFields", val="true")
        after = {qn(f"w:{name}") for name in _SETTINGS_AFTER_UPDATE_FIELDS}
        successor = next((child for child in settings_element if child.tag in after), None)
        if successor is not None:
            successor.addprevious(update)
        else:
            settings_element.append(update)

    def add_page_break(self) -> None:
        self._paragraph().add_run().add_break(WD_BREAK.PAGE)

    def start_numbered_section(self, *, cover: bool = False) -> None:
        """A new section starting on a new page; with `cover`, the first page (a cover) has no number."""
        if cover:
            self.document.sections[0].different_first_page_header_footer = True
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        self._body_end = self.document.element.body.sectPr
        section.different_first_page_header_footer = False
        self._set_grid(section)
        self._set_up_footers(section)  # its own, not linked: every reader numbers its pages

    def _blank_line(self) -> None:
        self._paragraph("Normal")

    # --- output -----------------------------------------------------------------------------------

    def spool(self) -> None:
        """Move what the body holds so far to a temporary file, as XML, out of memory.

        A bundle calls this after each part: the document then holds one material at a time instead
        of all of them (lxml keeps ~100 bytes per element, and a material has thousands), and `save`
        streams the spooled XML into the .docx. Each spooled paragraph or table carries its own
        namespace declarations, which XML allows."""
        body = self.document.element.body
        if self._spooled is None:
            self._spooled = tempfile.TemporaryFile()  # noqa: SIM115 (closed by save)
        for child in list(body):
            if child is self._body_end:
                continue
            self._spooled.write(etree.tostring(child, encoding="utf-8"))
            body.remove(child)

    def save(self, stream) -> None:
        """Write the .docx to a path or a binary file (a temporary file for a large bundle)."""
        if self._spooled is None:
            self.document.save(stream)
            return
        self.spool()
        spooled, self._spooled = self._spooled, None
        with spooled, tempfile.TemporaryFile() as skeleton:
            self.document.save(skeleton)  # the package with an empty body
            skeleton.seek(0)
            spooled.seek(0)
            _write_with_body(skeleton, spooled, stream)


def _write_with_body(skeleton, body_xml, stream) -> None:
    """Copy the package `skeleton` to `stream`, with `body_xml` streamed into word/document.xml's body."""
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "word/document.xml":
                target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            start = data.index(b"<w:body>") + len(b"<w:body>")
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w", force_zip64=True) as part:
                part.write(data[:start])
                shutil.copyfileobj(body_xml, part, 1 << 20)
                part.write(data[start:])


def _language_tag(language: str | None) -> str:
    code = (language or get_language() or settings.LANGUAGE_CODE or "zh-hans").lower()
    if code.startswith("zh"):
        return "zh-CN"
    if code.startswith("en"):
        return "en-US"
    return code


def _clean(text) -> str:
    return xml_safe(str(text or ""))


def _spaced_after_number(prefix: str, text: str) -> str:
    """ "1.Go" reads badly in English: a space after an ASCII number when Latin text follows."""
    if prefix and prefix[-1] in ".)" and text[:1].isascii() and text[:1].isalnum():
        return " " + text
    return text


class _HtmlWriter:
    """Walks sanitised HTML and writes it with the document's styles: one paragraph per block,
    runs with their bold/italic, lists numbered as text (each list from 1), tables as tables."""

    def __init__(self, doc: OfficialDocument, levels: dict):
        self.doc = doc
        self.levels = levels
        self.pending: _Pending | None = None
        self.bold = 0
        self.italic = 0
        self.code = 0
        self.list_depth = 0
        self.quote = 0
        self.container = None  # a table cell while writing one

    # paragraphs

    def _start(self, style: str = "Normal", prefix: str = "", indent_chars: int | None = None, align=None) -> None:
        self.flush()
        self.pending = _Pending(style=style, prefix=prefix, indent_chars=indent_chars, align=align)

    def _text(self, text: str | None) -> None:
        if not text:
            return
        if self.pending is None:
            self._start("Quote" if self.quote else "Normal")
        self.pending.runs.append(_Run(text, bool(self.bold), bool(self.italic), bool(self.code)))

    def flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        runs = []
        for run in pending.runs:
            if run.line_break:
                runs.append(run)
                continue
            text = _SPACE.sub(" ", _BREAK_BETWEEN_CJK.sub("", xml_safe(run.text)))
            if text:
                runs.append(_Run(text, run.bold, run.italic, run.code))
        # Trim the paragraph's ends and the spaces HTML puts between lines of Chinese text.
        while runs and (runs[0].line_break or not runs[0].text.strip()):
            runs.pop(0)
        while runs and (runs[-1].line_break or not runs[-1].text.strip()):
            runs.pop()
        if not runs:
            return
        runs[0].text = runs[0].text.lstrip()
        runs[-1].text = runs[-1].text.rstrip()
        for previous, run in zip(runs, runs[1:], strict=False):
            if previous.text.endswith(" ") and run.text.startswith(" "):
                run.text = run.text[1:]
        if self.container is not None:
            last = self.container.paragraphs[-1]
            paragraph = self.container.add_paragraph() if last.text else last
            paragraph._p.style = self.doc._style_ids["Table Text"]
        else:
            indent = pending.indent_chars
            paragraph = self.doc._paragraph(
                pending.style,
                ind=None if indent is None else {"firstLineChars": indent * 100, "firstLine": indent * BODY_SIZE * 20},
                jc=_JC[pending.align] if pending.align else None,
            )
        if pending.prefix:
            first = next(r for r in runs if not r.line_break)
            _append_run(paragraph._p, pending.prefix + _spaced_after_number(pending.prefix, first.text[:1])[:-1])
        for run in runs:
            if run.line_break:
                paragraph.add_run().add_break()
                continue
            _append_run(paragraph._p, run.text, bold=run.bold, italic=run.italic, code=run.code)

    # the walk

    def block(self, element) -> None:
        """Write an element's text and children (the element itself is handled by the caller)."""
        self._text(element.text)
        for child in element:
            self.node(child)
            self._text(child.tail)

    def node(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if not tag or tag in _SKIPPED_TAGS:
            return
        classes = set((element.get("class") or "").split())
        if "d-print-none" in classes or element.get("hidden") is not None or element.get("aria-hidden") == "true":
            return
        if tag in {"strong", "b"}:
            self.bold += 1
            self.block(element)
            self.bold -= 1
        elif tag in {"em", "i", "cite", "dfn"}:
            self.italic += 1
            self.block(element)
            self.italic -= 1
        elif tag in {"code", "kbd", "samp"}:
            self.code += 1
            self.block(element)
            self.code -= 1
        elif tag == "br":
            if self.pending is not None:
                self.pending.runs.append(_Run("", line_break=True))
        elif tag == "img":
            self._text(element.get("alt") or "")
        elif tag == "a":
            self.block(element)
            href = element.get("href") or ""
            label = element.text_content().strip()
            if href.startswith(("http://", "https://", "mailto:")) and href not in label:
                self._text(f" ({href})")
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._heading(element, self.levels.get(tag))
        elif tag in {"ul", "ol"}:
            self._list(element, ordered=tag == "ol")
        elif tag == "table":
            self._table(element)
        elif tag == "blockquote":
            self.flush()
            self.quote += 1
            self.block(element)
            self.flush()
            self.quote -= 1
        elif tag == "hr":
            self.flush()
        elif tag == "pre":
            self.flush()
            for line in element.text_content().splitlines():
                if line.strip():
                    self._start("Normal")
                    self.code += 1
                    self._text(line)
                    self.code -= 1
                    self.flush()
        elif tag == "dl":
            self._definitions(element)
        elif tag in _BLOCK_TAGS:
            self.flush()
            if tag == "p" and self.container is None:
                self._start("Quote" if self.quote else "Normal")
            self.block(element)
            self.flush()
        else:  # inline: span, small, sub, sup, abbr, del, time…
            self.block(element)

    def _heading(self, element, level) -> None:
        self.flush()
        text = _SPACE.sub(" ", element.text_content()).strip()
        if not text:
            return
        if self.container is not None or level is None:
            self.bold += 1
            self._start("Normal")
            self.block(element)
            self.flush()
            self.bold -= 1
        elif level == 0:
            self.doc.add_title(text)
        else:
            self.doc.add_heading(text, level)

    def _list(self, element, *, ordered: bool) -> None:
        self.flush()
        self.list_depth += 1
        level = min(self.list_depth + 2, 5)  # 1. then （1） then ①
        number = 0
        start = element.get("start")
        if ordered and start and start.isdigit():
            number = int(start) - 1
        for child in element:
            if not isinstance(child.tag, str) or child.tag.lower() != "li":
                self.node(child)
                continue
            number += 1
            prefix = level_number(level, number) if ordered else ""
            self._start("Quote" if self.quote else "Normal", prefix=prefix,
                        indent_chars=2 + 2 * (self.list_depth - 1))  # fmt: skip
            self.block(child)
            self.flush()
        self.list_depth -= 1

    def _definitions(self, element) -> None:
        """<dl>: each term and its description on one line, "term：description"."""
        self.flush()
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "dt":
                self._start("Normal")
                self.block(child)
                self._text("：")
            elif tag == "dd":
                if self.pending is None:
                    self._start("Normal")
                self.block(child)
                self.flush()
            elif tag == "div":  # <div><dt/><dd/></div> groups
                self._definitions(child)
        self.flush()

    def _table(self, element) -> None:
        self.flush()
        rows = element.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        if not rows:
            return
        columns = max(len(row.xpath("./td|./th")) for row in rows)
        if not columns:
            return
        table = self.doc.document.add_table(rows=0, cols=columns)
        table.style = self.doc.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        outer = self.container
        for row in rows:
            cells = row.xpath("./td|./th")
            written = table.add_row()
            header = all(c.tag == "th" for c in cells) and row.getparent().tag != "tbody"
            if header:
                written._tr.get_or_add_trPr().append(_el("w:tblHeader"))
            for cell, source in zip(written.cells, cells, strict=False):
                self.container = cell
                self.bold += header
                self._start("Normal")
                self.block(source)
                self.flush()
                self.bold -= header
        self.container = outer
        if self.container is None:
            self.doc._blank_line()


def write_official_document(
    stream,
    *,
    title: str,
    author: str,
    sections: Iterable[tuple[str, str]] = (),
    preamble: str = "",
    signature: Iterable[str] = (),
    subtitle: str = "",
    language: str | None = None,
    created: datetime.datetime | None = None,
) -> None:
    """A whole document made of a title, an optional Markdown preamble, sections of (heading,
    Markdown) numbered 一、二、…, and the issuing organ and date at the end; written to `stream`.
    Made for documents such as the report after the meeting (情况报告)."""
    doc = OfficialDocument(title=title, author=author, language=language, created=created)
    doc.add_title(title, subtitle=subtitle)
    doc.add_markdown(preamble, base_level=1)
    for heading, text in sections:
        doc.add_heading(heading, 1)
        doc.add_markdown(text, base_level=2)
    doc.add_signature(list(signature))
    doc.save(stream)


def docx_response(write: Callable, *, filename: str) -> FileResponse:
    """A download of the .docx that `write(stream)` writes: written to a temporary file on disk and
    streamed from there, so a large bundle is not held in memory a second (and third) time as bytes.
    Private and never cached; the name may be Chinese (sent as RFC 6266 filename*)."""
    stream = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    try:
        write(stream)
        stream.seek(0)
    except BaseException:
        stream.close()
        raise
    response = FileResponse(stream, as_attachment=True, filename=filename, content_type=DOCX_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


__all__ = [
    "docx_response",
    "CHARS_PER_LINE",
    "DOCX_CONTENT_TYPE",
    "LINES_PER_PAGE",
    "OfficialDocument",
    "chinese_number",
    "level_number",
    "write_official_document",
]
