"""The ledger .xlsx prints well: A4 landscape, every column on the page's width, the header row on each
printed page, rows tall enough for their wrapped text, the organisation's full name in its column, and
the last progress note and the verification comment in their own columns.

Read back with openpyxl, and printed by a second reader: LibreOffice converts it to PDF, whose pages
are counted and measured with poppler's pdfinfo and pdftotext.
"""

import datetime
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rectification.exports import display_width
from rectification.models import RectificationItem, Verification
from tests.factories import ItemFactory, OrganisationFactory, PlanFactory, ProgressReportFactory
from tests.test_stored_text_exports import soffice_pdf

pytestmark = pytest.mark.django_db
S = RectificationItem.Status
EXPORT = reverse("rectification:ledger_export")
LONG_NAME = "中国共产党重庆市江北区人民政府党组（机关党委）"
LONG_MEASURE = "建立健全调查研究制度，每名班子成员每年到基层调研不少于二十天，形成调研报告并推动解决实际问题。" * 3


@pytest.fixture
def ledger(client, secretary, org):
    """A secretary's ledger whose organisation has a long Chinese name, with a progress note and a refusal."""
    org.name = LONG_NAME
    org.save()
    plan = PlanFactory(meeting__organisation=org)
    long_item = ItemFactory(plan=plan, measure=LONG_MEASURE, status=S.IN_PROGRESS)
    ProgressReportFactory(item=long_item, text="第一次进展", percent=20, date=datetime.date(2023, 3, 1))
    ProgressReportFactory(item=long_item, text="已完成一半的调研", percent=50, date=datetime.date(2023, 4, 1))
    refused = ItemFactory(plan=plan, measure="短措施", status=S.IN_PROGRESS)
    Verification.objects.create(item=refused, confirmed=False, comment="佐证材料不全，请补充")
    client.force_login(secretary)
    return long_item, refused


def _export(client, url=EXPORT) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_workbook_is_set_up_for_printing(client, ledger):
    long_item, refused = ledger
    ws = load_workbook(io.BytesIO(_export(client))).active
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)  # one page wide, any long
    assert ws.print_title_rows == "$1:$1"

    header = [c.value for c in ws[1]]
    assert header[-2:] == ["Last progress note", "Verification comment"]
    rows = {row[header.index("Measure")].value: row for row in ws.iter_rows(min_row=2)}
    note = header.index("Last progress note")
    comment = header.index("Verification comment")
    assert rows[LONG_MEASURE][note].value == "已完成一半的调研"  # the last one, not the first
    assert rows["短措施"][comment].value == "佐证材料不全，请补充"
    assert rows["短措施"][note].value is None

    # The organisation's full name fits its column; the long measure's row is several lines tall.
    assert ws.column_dimensions["B"].width >= display_width(LONG_NAME)
    long_row = rows[LONG_MEASURE][0].row
    short_row = rows["短措施"][0].row
    assert ws.row_dimensions[long_row].height >= 4 * 15
    assert not ws.row_dimensions[short_row].height or ws.row_dimensions[short_row].height < 40
    assert rows[LONG_MEASURE][header.index("Measure")].alignment.wrap_text


def _pdf_pages(pdf: bytes) -> list[tuple[str, str]]:
    """(page size, text) of each page, through poppler's pdfinfo and pdftotext."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", "-l", "999", str(path)], capture_output=True, text=True, check=True)  # noqa: S603, S607
        sizes = re.findall(r"Page +\d+ size: +([\d.]+ x [\d.]+)", info.stdout)
        texts = []
        for number in range(1, len(sizes) + 1):
            out = subprocess.run(  # noqa: S603
                ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],  # noqa: S607
                capture_output=True,
                text=True,
                check=True,
            )
            texts.append(out.stdout)
    return list(zip(sizes, texts, strict=True))


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None, reason="needs .ci/run's set-up")
def test_libreoffice_prints_it_on_a4_landscape_pages_each_with_the_header_and_every_column(client, ledger, org):
    plan = PlanFactory(meeting__organisation=org)
    for n in range(60):
        ItemFactory(plan=plan, measure=f"措施{n:02d}：{LONG_MEASURE[: 20 + n]}", status=S.OPEN)
    pages = _pdf_pages(soffice_pdf(_export(client), ".xlsx"))
    # 62 rows of two to four lines: more than one page, far fewer than a page per row.
    assert 2 <= len(pages) <= 12, len(pages)
    for size, text in pages:
        width, height = (float(v) for v in size.split(" x "))
        assert (round(width), round(height)) == (842, 595)  # A4 landscape
        # The header row on every page, and the last column too (the sheet is fitted to the width).
        assert "Organisation" in text and "Verification" in text, text[:300]
    every_page = "".join(text for _size, text in pages)
    assert "措施59" in every_page and "措施00" in every_page
    assert every_page.count("Organisation") == len(pages)


def test_organisation_column_follows_the_longest_name_in_the_export(client, ledger, secretary):
    narrow = load_workbook(io.BytesIO(_export(client))).active.column_dimensions["B"].width
    assert narrow < 60
    OrganisationFactory(name="不在导出中的组织" * 10)  # not in the export: does not widen it
    assert load_workbook(io.BytesIO(_export(client))).active.column_dimensions["B"].width == narrow
