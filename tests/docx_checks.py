"""Reading an exported .docx back as Word and LibreOffice would: page, grid, fonts, language,
properties, numbering and text; and converting it to PDF with LibreOffice."""

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Twips

# The standard's font names mapped to Debian's free CJK faces for LibreOffice (the system's set-up included).
FONTCONFIG = Path(__file__).parent / "fontconfig" / "official-fonts.conf"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def response_bytes(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    return response.getvalue()


def open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def style_east_asia(document, name: str) -> str:
    fonts = document.styles[name].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def assert_official_layout(document) -> None:
    """A4, GB/T 9704 margins, 22 lines of 28 characters, the standard's fonts, zh-CN, page numbers."""
    for section in document.sections:
        assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))  # A4
        assert section.top_margin == Twips(2098) and section.bottom_margin == Twips(1984)  # 37 / 35 mm
        assert section.left_margin == Twips(1587) and section.right_margin == Twips(1474)  # 28 / 26 mm
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:linePitch")) == "579" and grid.get(qn("w:charSpace")) == "-842"
    assert style_east_asia(document, "Title") == "方正小标宋简体"
    assert style_east_asia(document, "Normal") == "仿宋"
    assert style_east_asia(document, "Heading 2") == "黑体"  # 一、
    assert style_east_asia(document, "Heading 3") == "楷体"  # （一）
    assert style_east_asia(document, "Heading 4") == "仿宋"  # 1.
    assert document.styles["Normal"].font.size.pt == 16  # 三号
    styles_xml = document.styles.element.xml
    assert "eastAsiaTheme" not in styles_xml and "ja-JP" not in styles_xml
    language = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert language.get(qn("w:eastAsia")) == "zh-CN"
    assert document.settings.element.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"
    footer = document.sections[-1].footer
    assert "PAGE" in footer._element.xml and footer.paragraphs[0].text.startswith("— ")
    assert footer.paragraphs[0].text.endswith(" —")
    assert_styles_defined(document)
    properties = document.core_properties
    assert properties.title and properties.author and properties.author != "python-docx"
    assert properties.language in {"zh-CN", "en-US"}
    assert properties.created is not None and properties.created.year >= 2020


def texts(document) -> list[str]:
    """Every paragraph's text, tables' cells included, in order."""
    found = []
    for block in document.element.body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in block.iter(qn("w:t")))
        if text:
            found.append(text)
    return found


def styled(document) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph with text, tables' cells included, in order. Read from the
    paragraph's own w:pStyle, so a paragraph naming a style the file does not hold reads as that id."""
    names = {style.style_id: style.name for style in document.styles}
    found = []
    for block in document.element.body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in block.iter(qn("w:t")))
        if text:
            style = block.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            style_id = style.get(qn("w:val")) if style is not None else None
            found.append((names.get(style_id, style_id) if style_id else "Normal", text))
    return found


def assert_styles_defined(document) -> None:
    """Every style a paragraph, run or table of the body, a header or a footer names is in the file's
    styles. Nothing fails on an unknown one: Word and LibreOffice silently show the paragraph as body
    text (a heading lost from the outline and the contents, a title in 仿宋)."""
    defined = {style.get(qn("w:styleId")) for style in document.styles.element.iter(qn("w:style"))}
    checked = 0
    for part in document.part.package.iter_parts():
        if not re.fullmatch(r"/word/(document|header\d*|footer\d*)\.xml", str(part.partname)):
            continue
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            for reference in part.element.iter(qn(tag)):
                assert reference.get(qn("w:val")) in defined, (str(part.partname), reference.get(qn("w:val")))
                checked += 1
    assert checked, "no paragraph names a style"


def runs_with(document, text: str):
    return [r for p in document.paragraphs for r in p.runs if text in r.text]


def soffice_pdf(content: bytes) -> tuple[bytes, str]:
    """The .docx converted to PDF by LibreOffice, and pdfinfo's report of it."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(content)
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG)}
        subprocess.run(  # noqa: S603
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",  # noqa: S607
             "--outdir", tmp, str(source)],
            capture_output=True, timeout=180, check=False, env=env,
        )  # fmt: skip
        pdf = Path(tmp) / "document.pdf"
        assert pdf.exists(), "LibreOffice could not convert the .docx"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout  # noqa: S607
        return pdf.read_bytes(), info
