"""core.official_docx: the GB/T 9704-2012 layout, read back with python-docx and laid out by LibreOffice."""

import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from core.official_docx import OfficialDocument, chinese_number, level_number, write_official_document

from ..docx_checks import assert_official_layout, needs_soffice, open_docx, runs_with, soffice_pdf, texts

MARKDOWN = """学习**不够深入**，有的满足于*读原文*。

1. 第一条措施
2. 第二条措施

中间一段。

1. 另一个列表的第一条
2. 另一个列表的第二条
    1. 下一级的第一条

- 不编号的一条

| 问题 | 措施 |
|---|---|
| 学习不深 | 每月专题学习 |
"""


def _saved(doc: OfficialDocument):
    buffer = io.BytesIO()
    doc.save(buffer)
    return open_docx(buffer.getvalue()), buffer.getvalue()


def _report(**kwargs) -> bytes:
    buffer = io.BytesIO()
    write_official_document(
        buffer,
        title="关于民主生活会情况的报告",
        author="中共某某市人民政府党组",
        preamble="根据通知要求，现将有关情况报告如下。",
        sections=[
            ("会议召开情况", MARKDOWN),
            ("下一步工作", "抓好**整改落实**。\n\n# 建章立制\n\n1. 建立台账\n2. 定期调度"),
        ],
        signature=["中共某某市人民政府党组", "2023年1月31日"],
        language="zh-hans",
        **kwargs,
    )
    return buffer.getvalue()


def test_numbers_are_written_as_the_standard_counts():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 23, 100, 105, 110)] == [
        "一", "九", "十", "十一", "二十", "二十三", "一百", "一百零五", "一百一十",
    ]  # fmt: skip
    assert [level_number(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


@pytest.mark.django_db
def test_a_report_has_the_official_layout_fonts_language_and_properties():
    document = open_docx(_report())
    assert_official_layout(document)
    properties = document.core_properties
    assert properties.title == "关于民主生活会情况的报告"
    assert properties.author == "中共某某市人民政府党组"
    assert properties.language == "zh-CN"
    title = document.paragraphs[0]
    assert title.style.name == "Title" and title.text == "关于民主生活会情况的报告"
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert headings["一、会议召开情况"] == "Heading 2"  # 黑体
    assert headings["二、下一步工作"] == "Heading 2"
    assert headings["（一）建章立制"] == "Heading 3"  # a Markdown heading in a section: the next level, 楷体
    all_text = texts(document)
    assert "中共某某市人民政府党组" in all_text and "2023年1月31日" in all_text


@pytest.mark.django_db
def test_each_numbered_list_counts_from_one_and_marks_are_kept():
    document = open_docx(_report())
    lines = texts(document)
    assert "1.第一条措施" in lines and "2.第二条措施" in lines
    assert "1.另一个列表的第一条" in lines and "2.另一个列表的第二条" in lines  # not 3. and 4.
    assert "（1）下一级的第一条" in lines  # the next level down
    assert "1.建立台账" in lines  # the next section's list starts again too
    assert "不编号的一条" in lines
    assert not any("**" in line or line.startswith(("- ", "* ")) for line in lines)  # no Markdown marks
    assert [r.bold for r in runs_with(document, "不够深入")] == [True]
    assert [r.italic for r in runs_with(document, "读原文")] == [True]
    assert [r.bold for r in runs_with(document, "整改落实")] == [True]
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [["问题", "措施"], ["学习不深", "每月专题学习"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header row repeats


@pytest.mark.django_db
def test_headings_count_again_under_a_new_parent():
    doc = OfficialDocument(title="标题", author="作者")
    doc.add_title("标题")
    doc.add_heading("甲")
    doc.add_heading("甲的第一部分", 2)
    doc.add_heading("甲的第二部分", 2)
    doc.add_heading("乙")
    doc.add_heading("乙的第一部分", 2)
    doc.add_heading("（三）已带编号的", 2)  # a template's own number is kept, not doubled
    document, _content = _saved(doc)
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading")] == [
        "一、甲", "（一）甲的第一部分", "（二）甲的第二部分", "二、乙", "（一）乙的第一部分", "（三）已带编号的",
    ]  # fmt: skip
    assert [p.style.name for p in document.paragraphs if p.text.startswith("（")] == ["Heading 3"] * 4


@pytest.mark.django_db
def test_contents_list_the_parts_only_never_themselves():
    doc = OfficialDocument(title="材料汇编", author="党组")
    doc.add_title("材料汇编")
    doc.add_contents(["张三的材料", "李四的材料"], heading="目录")
    for name in ("张三的材料", "李四的材料"):
        doc.add_part(name)
        doc.add_heading("存在的问题")
        doc.add_markdown("1. 一条")
    document, _content = _saved(doc)
    body = document.element.xml
    assert body.count("TOC \\o") == 1 and 'TOC \\o "1-1"' in body  # outline level 1 only: the parts
    outline_1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert outline_1 == ["张三的材料", "李四的材料"]
    contents_heading = next(p for p in document.paragraphs if p.text == "目录")
    assert contents_heading.style.name == "TOC Heading"
    toc_heading = document.styles["TOC Heading"]
    assert toc_heading.base_style.name == "Normal"  # not Heading 1, whose outline level it would inherit
    assert toc_heading.element.find(".//" + qn("w:outlineLvl")).get(qn("w:val")) == "9"  # body text: not listed
    assert document.styles["Heading 2"].element.find(".//" + qn("w:outlineLvl")).get(qn("w:val")) == "1"
    entries = [p.text for p in document.paragraphs if p.style.name == "toc 1"]
    assert entries == ["张三的材料", "李四的材料"]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"] == ["一、存在的问题"] * 2


@pytest.mark.django_db
def test_without_a_bundle_there_are_no_contents():
    assert "TOC" not in open_docx(_report()).element.xml


@pytest.mark.django_db
def test_text_that_xml_cannot_carry_is_left_out():
    doc = OfficialDocument(title="标题\x00", author="作者\x1b")
    doc.add_title("标题\x00一")
    doc.add_markdown("正文\x0b二")
    document, _content = _saved(doc)
    assert "标题一" in texts(document)
    assert document.core_properties.author == "作者"


@needs_soffice
@pytest.mark.django_db
def test_libreoffice_lays_out_22_lines_of_28_characters_on_a4():
    doc = OfficialDocument(title="版面", author="党组")
    doc.add_title("版面检查")
    line = "一二三四五六七八九十" * 3
    for n in range(30):  # two lines each: 26 characters after the indent, then the rest
        doc.add_paragraph(line[:26] + line[:2] + f"{n:02d}")
    _document, content = _saved(doc)
    pdf, info = soffice_pdf(content)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == 3
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "d.pdf").write_bytes(pdf)
        text = subprocess.run(  # noqa: S603
            ["pdftotext", "-layout", "-f", "2", "-l", "2", f"{tmp}/d.pdf", "-"],  # noqa: S607
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and "—" not in ln]
    assert len(lines) == 22  # a full page: 22 lines
    first_lines = [ln for ln in lines if ln.startswith("一二三")]
    assert first_lines and all(ln.replace(" ", "") == line[:26] for ln in first_lines)  # 26 + 2 indent = 28


@pytest.mark.django_db
def test_a_line_break_inside_chinese_text_joins_without_a_space_and_a_typed_space_stays():
    doc = OfficialDocument(title="标题", author="作者")
    doc.add_markdown("新华社重庆1月31日电 市政府党组\n召开民主生活会。\nIt goes on\nin English.")
    document, _content = _saved(doc)
    assert texts(document) == ["新华社重庆1月31日电 市政府党组召开民主生活会。 It goes on in English."]


@needs_soffice
@pytest.mark.django_db
def test_libreoffice_embeds_chinese_faces_for_title_body_and_levels():
    """With Debian's CJK fonts (fonts-noto-cjk, fonts-arphic-ukai/uming), the PDF carries a Song face for
    the title and body, a Kai face for （一） and a Hei face for 一、: not empty boxes, not one face for all."""
    document = open_docx(_report())
    assert document.tables  # the report has a table: its cells are written in the "Table Text" style
    assert {p.style.name for row in document.tables[0].rows for c in row.cells for p in c.paragraphs} == {"Table Text"}
    pdf, _info = soffice_pdf(_report())
    for face in (b"NotoSerifCJK", b"UKai", b"NotoSansCJK"):
        assert face in pdf, face


@pytest.mark.django_db
def test_a_spooled_bundle_reads_back_like_one_built_in_memory():
    """spool() moves each written part to disk; the saved document is the same, in the same order."""

    def bundle(spool: bool):
        doc = OfficialDocument(title="汇编", author="党组")
        doc.add_title("汇编")
        doc.start_numbered_section(cover=True)
        doc.add_contents([f"材料{i}" for i in range(3)], heading="目录")
        for i in range(3):
            doc.add_part(f"材料{i}")
            doc.add_heading("存在的问题")
            doc.add_markdown(f"**第{i}份**的问题。\n\n1. 一\n2. 二\n\n| 甲 | 乙 |\n|---|---|\n| {i} | x |")
            if spool:
                doc.spool()
        buffer = io.BytesIO()
        doc.save(buffer)
        return open_docx(buffer.getvalue())

    spooled, in_memory = bundle(True), bundle(False)
    assert texts(spooled) == texts(in_memory)
    assert [p.style.name for p in spooled.paragraphs] == [p.style.name for p in in_memory.paragraphs]
    assert len(spooled.tables) == 3 and len(spooled.sections) == 2
    assert_official_layout(spooled)
    assert [r.bold for r in runs_with(spooled, "第2份")] == [True]


@pytest.mark.django_db
def test_the_signature_is_right_aligned_four_characters_in_and_paragraphs_keep_their_alignment_and_indent():
    """GB/T 9704 7.3.5.2: the issuing organ and the date stand right-aligned, four characters from the right
    margin, without the body's first-line indent; a paragraph asked centred and unindented is so; a nested list
    entry is indented two characters more than the body."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = open_docx(_report())
    by_text = {p.text: p for p in document.paragraphs}
    for line in ("中共某某市人民政府党组", "2023年1月31日"):
        signature = by_text[line]
        assert signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert signature.paragraph_format.right_indent == Pt(16 * 4)
        assert signature.paragraph_format.first_line_indent == 0
        ind = signature._p.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:rightChars")) == "400" and ind.get(qn("w:firstLineChars")) == "0"
    nested = next(p for p in document.paragraphs if p.text.endswith("下一级的第一条"))
    assert nested._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "400"
    assert nested.paragraph_format.first_line_indent == Pt(16 * 4)

    doc = OfficialDocument(title="标题")
    doc.add_paragraph("居中一行", align="center", indent=False)
    doc.add_paragraph("正文一段")
    document, _raw = _saved(doc)
    by_text = {p.text: p for p in document.paragraphs}
    assert by_text["居中一行"].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert by_text["居中一行"].paragraph_format.first_line_indent == 0
    assert by_text["正文一段"].alignment is None  # the body style's: justified, two characters in
    assert by_text["正文一段"].paragraph_format.first_line_indent is None
