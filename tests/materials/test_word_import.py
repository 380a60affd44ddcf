"""Word import loses nothing: real documents, made with python-docx and with LibreOffice, are imported
and every line of the source is compared with the material's fields, in order, as the reader sees them
(the Markdown rendered and sanitised as the material page shows it).

A section's own heading ("二、问题产生的原因") is taken as the section and is the one line not repeated
in the text. Numbered lines that say 整改, 措施, 原因 or 问题 stay where they stand (they were dropped);
tables come through as tables; the title goes to the title box and the preamble (the opening paragraphs
before "一、") to the opening paragraphs' box.
"""

import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from django.urls import reverse
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from core.markdown import render_markdown
from materials import services
from materials.word_import import format_number

from .samples import upload
from .test_material_views import form_data

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
ASPECTS = ["为民服务", "作风建设"]
SECTION = None  # a section's own heading: read as the section, not repeated in its text


class _Text(HTMLParser):
    """Rendered HTML as the lines a reader sees: a paragraph, heading, list item or table cell a line,
    list items with the number or bullet the browser shows."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.lists = [], "", []
        self.in_backlink = False

    def _end_line(self):
        if self.current.strip():
            self.lines.append(self.current.strip())
        self.current = ""

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (dict(attrs).get("href") or "").startswith("#fnref"):
            self.in_backlink = True  # a footnote's "↩" back to its reference
        elif tag == "br":
            self._end_line()
        elif tag == "ol":
            self.lists.append(int(dict(attrs).get("start") or 1))
        elif tag == "ul":
            self.lists.append(None)
        elif tag == "li":
            self._end_line()
            number = self.lists[-1]
            self.current = "- " if number is None else f"{number}. "
            if number is not None:
                self.lists[-1] += 1

    def handle_endtag(self, tag):
        if tag == "a":
            self.in_backlink = False
        elif tag in self.BLOCKS or tag == "li":
            self._end_line()
        elif tag in ("ol", "ul"):
            self._end_line()
            self.lists.pop()

    def handle_data(self, data):
        if not self.in_backlink:
            self.current += data.replace("\n", "")


def shown_lines(markdown_text: str) -> list[str]:
    parser = _Text()
    parser.feed(render_markdown(markdown_text))
    parser.close()
    parser._end_line()
    return parser.lines


def fields_as_shown(text) -> dict[str, list[str]]:
    sections = {s["aspect"]: s["text"] for s in text.problem_sections}
    shown = {"title": [text.title] if text.title else [], "preamble": shown_lines(text.preamble)}
    shown.update({name: shown_lines(sections.get(name, "")) for name in ASPECTS})
    shown.update({name: shown_lines(getattr(text, name)) for name in ("problems", "causes", "measures")})
    return shown


def assert_every_line(text, source: list[tuple[str, str | None]]) -> None:
    """Every line of the source is in its field, in order, and the fields hold nothing else."""
    fields = ["title", "preamble", *ASPECTS, "problems", "causes", "measures"]
    expected: dict[str, list[str]] = {name: [] for name in fields}
    for line, field in source:
        if field is not SECTION:
            expected[field].append(line)
    assert fields_as_shown(text) == expected


@pytest.fixture
def draft(attended, member_user):
    attended.aspects = "\n".join(ASPECTS)
    attended.save()
    return services.material_start(meeting=attended, by=member_user)


def _import(draft, member_user, content: bytes, name="material.docx"):
    return services.material_import_docx(material=draft, by=member_user, file=upload(name, content))


# ----------------------------------------------------------------------------- python-docx

# Word's automatic Chinese numbering, as a Chinese office document sets it: 一、 （一） 1. （1）
_NESTED_NUMBERING = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/></w:lvl>
</w:abstractNum>"""
_NESTED_NUM = f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def _numbered(paragraph, level: int, num_id: int = 90):
    properties = paragraph._p.get_or_add_pPr()
    properties.append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _footnote(document, paragraph, text: str) -> None:
    """A Word footnote (python-docx writes none): the footnotes part, and a reference in `paragraph`."""
    xml = (
        f"<w:footnotes {nsdecls('w')}>"
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))


def python_docx_material() -> tuple[bytes, list[tuple[str, str | None]]]:
    """A material as a secretary types it in Word, and the lines of it with the field each belongs to."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_NESTED_NUMBERING))
    numbering.append(parse_xml(_NESTED_NUM))
    source: list[tuple[str, str | None]] = []

    def para(text, field, style=None, runs=None):
        paragraph = document.add_paragraph(style=style)
        for piece, bold, italic in runs or [(text, False, False)]:
            run = paragraph.add_run(piece)
            run.bold, run.italic = bold or None, italic or None
        source.append((text, field))
        return paragraph

    def heading(text, level, field):
        document.add_heading(text, level=level)
        source.append((text, field))

    para("王五同志2022年度民主生活会个人对照检查材料", "title", style="Title")
    para(
        "按照市委关于召开2022年度民主生活会的通知要求，本人认真学习，广泛征求意见，现将对照检查情况报告如下。",
        "preamble",
        runs=[("按照市委关于召开2022年度民主生活会的通知要求，", False, False),
              ("本人认真学习，广泛征求意见，", True, False), ("现将对照检查情况报告如下。", False, False)],
    )  # fmt: skip
    heading("一、对照检查发现的问题", 1, SECTION)
    heading("（一）为民服务方面", 2, SECTION)
    para(
        "深入基层调研不够，有时走马观花，对急难愁盼问题回应不及时。",
        "为民服务",
        runs=[("深入基层调研不够，有时", False, False), ("走马观花", True, False), ("，对", False, False),
              ("急难愁盼", False, True), ("问题回应不及时。", False, False)],
    )  # fmt: skip
    # Automatic numbering (python-docx's List Number) holding the words that made lines vanish.
    for i, text in enumerate(["整改措施落实不到位，个别问题反复出现。", "原因分析浮于表面。", "问题"], start=1):
        document.add_paragraph(text, style="List Number")
        source.append((f"{i}. {text}", "为民服务"))
    para("1. 整改台账更新不及时，措施与问题对不上。", "为民服务")  # typed numbers
    para("（1）问题清单没有及时销号。", "为民服务")
    para("2、整改措施", "为民服务")
    heading("（二）作风建设方面", 2, SECTION)
    burden = para("会议文件偏多，基层负担依然较重。", "作风建设")
    _footnote(document, burden, "据2022年基层减负调研，月均文件42件。")
    source[-1] = ("会议文件偏多，基层负担依然较重。1", "作风建设")  # the footnote's number, as a reader sees it
    table = document.add_table(rows=3, cols=3)
    rows = [["问题", "整改措施", "时限"], ["调研不深", "每月调研不少于2天", "2023年6月"], ["文山会海 | 会多", "", ""]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # a deadline over two rows
    source += [(cell, "作风建设") for row in rows for cell in row if cell]
    source.append(("1. 据2022年基层减负调研，月均文件42件。", "作风建设"))  # the note, at the end of its section
    heading("二、问题产生的原因", 1, SECTION)
    para("（一）理论学习有所放松，学用结合不够。", "causes")
    para("（二）问题意识不强，对整改措施研究不深。", "causes")
    para("1.原因之一：宗旨意识有所淡化。", "causes")
    heading("三、整改措施和努力方向", 1, SECTION)
    labels = ["一、", "（一）", "1. ", "（1）", "（2）", "2. ", "（二）", "二、"]
    texts = ["加强理论武装", "坚持每周集中学习", "原原本本学原文", "问题导向抓学习", "整改措施落到实处",
             "每月撰写心得", "建立问题整改台账", "抓好整改落实"]  # fmt: skip
    levels = [0, 1, 2, 3, 3, 2, 1, 0]
    for label, text, level in zip(labels, texts, levels, strict=True):
        _numbered(document.add_paragraph(text), level)
        source.append((label + text, "measures"))
    heading("（三）以上措施由本人负责，2023年底前完成", 2, "measures")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), source


def test_a_python_docx_material_comes_in_line_by_line(draft, member_user):
    content, source = python_docx_material()
    text = _import(draft, member_user, content)
    assert_every_line(text, source)


def test_a_python_docx_material_keeps_bold_italic_and_its_table(draft, member_user):
    content, _source = python_docx_material()
    text = _import(draft, member_user, content)
    sections = {s["aspect"]: s["text"] for s in text.problem_sections}
    serving = render_markdown(sections["为民服务"])
    assert "有时<strong>走马观花</strong>，对<em>急难愁盼</em>问题" in serving
    assert "<strong>本人认真学习，广泛征求意见，</strong>" in render_markdown(text.preamble)
    table = render_markdown(sections["作风建设"])
    assert "<table>" in table
    assert "<th>问题</th>\n<th>整改措施</th>\n<th>时限</th>" in table
    assert "<td>文山会海 | 会多</td>" in table
    assert "<td>2023年6月</td>" in table


# ----------------------------------------------------------------------------- LibreOffice


class _Source(HTMLParser):
    """The lines of the HTML the LibreOffice fixture was converted from, each with its field: the
    first paragraph is the title, paragraphs before the first <h1> the preamble, an <h1> starts the
    next section, an <h2> the next aspect; a numbered <li> shows its number, a table a line a cell,
    a footnote (LibreOffice's own HTML for one) its number at the reference and "1. …" at the end of
    the section that refers to it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.tag, self.field = [], "", None, "title"
        self.sections = iter(["problems", "causes", "measures"])
        self.aspects = iter(ASPECTS)
        self.number = 0
        self.note_fields = {}  # a footnote's number → the field where it is referred to
        self.note = None  # the number of the footnote being read
        self.notes = []  # (line, field): shown at the end of the section that refers to it, "1. …"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("p", "h1", "h2", "li", "td", "th"):
            self.tag, self.current = tag, ""
        if tag == "ol":
            self.number = 0
        if tag == "a" and attrs.get("class") == "sdfootnoteanc":  # LibreOffice's footnote reference
            self.note_fields[len(self.note_fields) + 1] = self.field
        if tag == "p" and attrs.get("class") == "sdfootnote":  # the note, at the end of the HTML
            self.note = len(self.notes) + 1

    def handle_endtag(self, tag):
        if tag != self.tag:
            return
        text = self.current.strip()
        if tag == "h1":
            self.field = next(self.sections)
            self.lines.append((text, SECTION))
        elif tag == "h2":
            self.field = next(self.aspects)
            self.lines.append((text, SECTION))
        elif tag == "li":
            self.number += 1
            self.lines.append((f"{self.number}. {text}", self.field))
        elif self.note is not None:
            number, self.note = self.note, None
            self.notes.append((f"{number}. {text[len(str(number)) :]}", self.note_fields[number]))
        else:
            self.lines.append((text, self.field))
            if self.field == "title":
                self.field = "preamble"
        self.tag = None

    def handle_data(self, data):
        if self.tag:
            self.current += data


def test_a_libreoffice_material_comes_in_line_by_line(draft, member_user):
    """material_libreoffice.docx is material_libreoffice.html converted by LibreOffice (see fixtures/README)."""
    source = _Source()
    source.feed((FIXTURES / "material_libreoffice.html").read_text(encoding="utf-8"))
    assert len(source.lines) > 20 and source.notes
    text = _import(draft, member_user, (FIXTURES / "material_libreoffice.docx").read_bytes())
    assert_every_line(text, source.lines + source.notes)
    assert text.title == "李四同志2022年度民主生活会个人对照检查材料"  # centred and bold: a title
    sections = {s["aspect"]: s["text"] for s in text.problem_sections}
    assert "<td>2023年6月</td>" in render_markdown(sections["作风建设"])
    assert "<strong>学思用贯通</strong>" in render_markdown(text.causes)


def test_libreoffice_fixture_matches_its_source():
    """The committed .docx was made by LibreOffice from the committed HTML (not edited by hand)."""
    with zipfile.ZipFile(FIXTURES / "material_libreoffice.docx") as archive:
        assert "<Application>LibreOffice" in archive.read("docProps/app.xml").decode()


# ----------------------------------------------------------------------------- the editor


def test_import_in_the_editor_takes_the_title_and_shows_the_table_once_saved(client, draft, member_user):
    client.force_login(member_user)
    content, _source = python_docx_material()
    url = reverse("materials:edit", args=[draft.pk])
    data = form_data(draft, action="import", aspect_0="", aspect_1="", causes="", measures="")
    data["import_file"] = upload("王五.docx", content)
    html = client.post(url, data).content.decode()
    assert 'value="王五同志2022年度民主生活会个人对照检查材料"' in html  # the start title is replaced
    assert "before its first section, were recognised as its preamble: they are in “Opening paragraphs”" in html
    assert 'id="id_preamble"' in html
    preamble_box = html.split('id="id_preamble"', 1)[1].split("</textarea>", 1)[0]
    assert ">按照市委关于召开2022年度民主生活会的通知要求" in preamble_box  # the preamble's own box holds it
    problems_box = html.split('id="id_problems"', 1)[1].split("</textarea>", 1)[0]
    assert "按照市委" not in problems_box  # …and the problems box does not
    data = form_data(draft, action="import", title="我自己的标题", aspect_0="", aspect_1="", causes="", measures="")
    data["import_file"] = upload("王五.docx", content)
    html = client.post(url, data).content.decode()
    assert 'value="我自己的标题"' in html  # a title the author wrote stays
    text = _import(draft, member_user, content)
    saved = services.material_save_draft(material=draft, by=member_user, text=text, version=draft.version)
    page = client.get(saved.get_absolute_url()).content.decode()
    assert "<th>整改措施</th>" in page and "<td>每月调研不少于2天</td>" in page
    assert "整改措施落实不到位，个别问题反复出现。" in page
    shown = page.split('class="material-text"', 1)[1]
    assert 0 <= shown.index("按照市委关于召开2022年度民主生活会") < shown.index("Problems found")  # before 一、


def test_an_opening_the_author_typed_is_kept_and_the_page_says_so(client, draft, member_user):
    client.force_login(member_user)
    content, _source = python_docx_material()
    data = form_data(draft, action="import", preamble="我自己写的开头语。", aspect_0="", aspect_1="", causes="",
                     measures="")  # fmt: skip
    data["import_file"] = upload("王五.docx", content)
    html = client.post(reverse("materials:edit", args=[draft.pk]), data).content.decode()
    assert "Your typed text was kept in: Opening paragraphs." in html
    assert "were recognised as its preamble" not in html
    preamble_box = html.split('id="id_preamble"', 1)[1].split("</textarea>", 1)[0]
    assert "我自己写的开头语。" in preamble_box and "按照市委" not in preamble_box


def test_only_numbered_items_that_are_items_never_become_headings():
    text = services.split_imported(
        "一、存在的问题\n\n1. 整改措施不到位\n\n（1）原因分析不深\n\n二、原因分析\n\n党性锻炼有所放松。", []
    )
    assert text.problems == "1. 整改措施不到位\n\n（1）原因分析不深"
    assert text.causes == "党性锻炼有所放松。"
    assert text.measures == ""


def test_word_number_formats_read_as_word_shows_them():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 99)] == [
        "一", "十", "十一", "二十", "二十一", "九十九"
    ]  # fmt: skip
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(4, "upperRoman") == "IV"
