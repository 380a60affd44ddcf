"""Exports and feeds never break on what is already stored.

Text saved before the forms refused control characters (or through the admin, an import, a bulk
load) may hold characters that XML cannot carry. The .docx export, the ledger .xlsx, the Atom feed,
the sitemap and the search page leave them out; each file is opened by a second reader
(python-docx / openpyxl / feedparser and LibreOffice), not only by the code that wrote it.
"""

import datetime
import io
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import feedparser
import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Attendance
from notices.models import Notice

from .factories import AttendanceFactory, ItemFactory, MaterialFactory, NoticeFactory

pytestmark = pytest.mark.django_db

# Characters XML 1.0 cannot carry, and C1 controls, amid ordinary text; and control characters that
# some readers take for line breaks (vertical tab, form feed, NEL), which may end a line or a paragraph.
HOSTILE = "A\x00B\x01C\x08D\x1bE\x1fF\x7fG\x9fH\ufffeI\uffffJ"
CLEAN = "ABCDEFGHIJ"
BREAKS = "up\x0bto\x0cthe\x85end"


@pytest.fixture
def hostile(db):
    """PostgreSQL stores no NUL at all (SQLite does): there, the stored text has every other character."""
    return HOSTILE.replace("\x00", "") if connection.vendor == "postgresql" else HOSTILE


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def soffice_pdf(content: bytes, suffix: str) -> bytes:
    """The file converted to PDF by LibreOffice (a reader that refuses malformed XML), or b"" if it failed."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"export{suffix}"
        source.write_bytes(content)
        profile = Path(tmp) / "profile"
        subprocess.run(  # noqa: S603
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
        pdf = Path(tmp) / "export.pdf"
        return pdf.read_bytes() if pdf.exists() else b""


@pytest.fixture
def stored(meeting, secretary, member_user, hostile):
    """A meeting's approved material and a rectification item whose stored text holds control characters."""
    meeting.title = f"Meeting {hostile}"
    meeting.save()
    member = member_user.member
    member.name = f"Member {hostile}"
    member.save()
    AttendanceFactory(meeting=meeting, member=member, role=Attendance.Role.PARTICIPANT)
    MaterialFactory(
        meeting=meeting,
        author=member,
        status=InspectionMaterial.Status.APPROVED,
        title=f"Title {hostile}",
        preamble=f"Opening {hostile}\n\n{BREAKS}",
        problem_sections=[{"aspect": f"Aspect {hostile}", "text": f"- Problem {hostile}"}],
        problems=f"# Heading {hostile}\n\n{hostile}",
        causes=f"Cause {hostile}\n\n{BREAKS}",
        measures=f"1. Measure {hostile}",
        approved_at=timezone.now(),
    )
    ItemFactory(
        plan__meeting=meeting,
        measure=f"Measure {hostile}",
        problem__description=f"=Problem {hostile}",
        responsible_member=member,
    )
    return meeting


def _docx_export(client, secretary, meeting) -> bytes:
    client.force_login(secretary)
    response = client.get(reverse("materials:export", args=[meeting.pk]))
    assert response.status_code == 200
    return response.getvalue()


def test_docx_export_leaves_out_what_xml_cannot_carry(client, secretary, stored):
    content = _docx_export(client, secretary, stored)
    document = docx.Document(io.BytesIO(content))
    full = "\n".join(p.text for p in document.paragraphs)
    assert f"Title {CLEAN}" in full and f"Cause {CLEAN}" in full and f"Aspect {CLEAN}" in full
    assert f"Heading {CLEAN}" in full and f"Problem {CLEAN}" in full and f"Opening {CLEAN}" in full
    assert "\x00" not in full and "\x1b" not in full
    assert "up" in full and "end" in full


@needs_soffice
def test_docx_export_opens_in_libreoffice(client, secretary, stored):
    pdf = soffice_pdf(_docx_export(client, secretary, stored), ".docx")
    assert pdf.startswith(b"%PDF")


def _xlsx_export(client, secretary) -> bytes:
    client.force_login(secretary)
    response = client.get(reverse("rectification:ledger_export"))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_ledger_xlsx_leaves_out_what_xml_cannot_carry(client, secretary, stored):
    sheet = openpyxl.load_workbook(io.BytesIO(_xlsx_export(client, secretary))).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    values = {value for row in rows[1:] for value in row if isinstance(value, str)}
    assert f"Measure {CLEAN}" in values
    assert f"=Problem {CLEAN}" in values  # still kept as text, not a formula
    assert f"Member {CLEAN}" in values


@needs_soffice
def test_ledger_xlsx_opens_in_libreoffice(client, secretary, stored):
    pdf = soffice_pdf(_xlsx_export(client, secretary), ".xlsx")
    assert pdf.startswith(b"%PDF")


@pytest.fixture
def live_notice(org, fresh_page_cache, hostile):
    return NoticeFactory(
        organisation=org,
        title=f"Notice {hostile}\nsecond line",
        source_organ=f"Organ {hostile}",
        body=f"Body {hostile}\n\nSecond paragraph {BREAKS}",
        status=Notice.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(hours=1),
    )


def test_atom_feed_is_well_formed_for_both_readers(client, live_notice):
    response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    ET.fromstring(response.content)  # the XML parser accepts it
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    entry = feed.entries[0]
    assert entry.title == f"Notice {CLEAN} second line"
    assert f"Body {CLEAN}" in entry.summary
    assert entry.author == f"Organ {CLEAN}"


def test_sitemap_is_well_formed(client, live_notice, hostile):
    live_notice.slug = f"slug-{hostile}"
    live_notice.save()
    for name, kwargs in (("public:sitemap", {}), ("public:sitemap_section", {"section": "notices"})):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200
        ET.fromstring(response.content)


def test_search_finds_stored_text_and_takes_a_query_with_control_characters(client, live_notice):
    response = client.get(reverse("public:search"), {"q": "Body\x00"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Body" in page and "\x00" not in page and "\x1b" not in page
    response = client.get(reverse("public:search"), {"q": "\x00\x01"})
    assert response.status_code == 200
