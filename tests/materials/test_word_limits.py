"""Word import within limits: a document is measured before it is unpacked and read.

A 72 KB file that unpacked to 20 MB took 38 s and 560 MB to import. Now the zip's directory
(total size, number of parts, packing ratio) and a streamed count of XML elements refuse such a
file at once, with a clear message on the editor; the material's saved text is untouched.
"""

import io
import re
import struct
import time
import zipfile
import zlib

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from materials import services

from .samples import SAMPLE_DOCX, make_docx, upload
from .test_material_views import form_data

pytestmark = pytest.mark.django_db

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document_xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}</w:body></w:document>'.encode()


def repack(replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A real Word document (python-docx's template) with some parts replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(make_docx([("p", "Text.")])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """About 70 KB that unpacks to 20 MB: the file of the review."""
    paragraph = "<w:p><w:r><w:t>整改</w:t></w:r></w:p>"
    return repack({"word/document.xml": _document_xml(paragraph * (20 * 1024 * 1024 // len(paragraph)))})


@pytest.fixture
def draft(attended, member_user):
    return services.material_start(meeting=attended, by=member_user)


def _import(draft, member_user, content, name="offline.docx"):
    return services.material_import_docx(material=draft, by=member_user, file=upload(name, content))


def test_a_zip_bomb_is_refused_from_the_directory_at_once(draft, member_user):
    bomb = zip_bomb()
    assert len(bomb) < 200 * 1024
    start = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        _import(draft, member_user, bomb)
    assert re.search(r"too large to import \(2\d\.\d\sMB unpacked; at most 10\.0\sMB\)", refused.value.messages[0])
    assert time.perf_counter() - start < 2  # not unpacked (the import took 38 s)
    assert draft.attachments.count() == 0


def test_a_part_packed_too_tightly_is_refused(draft, member_user):
    xml = _document_xml("<w:p/>" * (2 * 1024 * 1024 // 6))  # 2 MB packed into a few kilobytes
    with pytest.raises(ValidationError, match="a part unpacks to over 100 times its size"):
        _import(draft, member_user, repack({"word/document.xml": xml}))


def test_too_many_elements_are_refused_before_the_document_is_read(draft, member_user):
    # 60,000 empty paragraphs: 360 KB, under the size limits, but about a minute of mammoth (the reader before).
    xml = _document_xml("<w:p/>" * 60_000)
    start = time.perf_counter()
    with pytest.raises(ValidationError, match="more than 50,000 paragraphs, runs and other elements"):
        _import(draft, member_user, repack({"word/document.xml": xml}))
    assert time.perf_counter() - start < 3


def test_elements_count_in_any_xml_part_whatever_its_name(draft, member_user):
    with pytest.raises(ValidationError, match="more than 50,000"):
        _import(draft, member_user, repack(add={"word/body.dat": _document_xml("<w:p/>" * 60_000)}))


def test_too_many_parts_are_refused(draft, member_user):
    parts = {f"word/media/image{i}.png": b"\x89PNG" for i in range(1001)}
    with pytest.raises(ValidationError, match="parts; at most 1000"):
        _import(draft, member_user, repack(add=parts))


def test_a_doctype_is_refused(draft, member_user):
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<w:document " + NS.encode() + b"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(ValidationError, match="could not be read"):
        _import(draft, member_user, repack({"word/document.xml": xml}))


def test_a_long_real_document_within_the_limits_imports(draft, member_user):
    blocks = [("h1", "Problems found")]
    blocks += [("p", f"第{i}段：调查研究不够深入，联系群众不够紧密。") for i in range(600)]
    blocks += [("h1", "Causes"), ("p", "Relaxed study."), ("h1", "Rectification measures"), ("p", "Study more.")]
    text = _import(draft, member_user, make_docx(blocks))
    assert "第599段" in text.problems and text.causes == "Relaxed study."


def _png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_images_stay_in_the_document_not_in_the_text(draft, member_user):
    document = docx.Document(io.BytesIO(make_docx(SAMPLE_DOCX)))
    png = _png()
    document.add_picture(io.BytesIO(png))
    document.add_paragraph("After the picture.")
    buffer = io.BytesIO()
    document.save(buffer)
    text = _import(draft, member_user, buffer.getvalue())
    everything = text.problems + text.causes + text.measures + "".join(s["text"] for s in text.problem_sections)
    assert "data:image" not in everything and "![" not in everything
    assert "After the picture" in text.measures


def test_the_editor_says_why_and_keeps_the_saved_and_the_typed_text(client, draft, member_user):
    client.force_login(member_user)
    url = reverse("materials:edit", args=[draft.pk])
    client.post(url, form_data(draft, causes="Saved cause."))
    draft.refresh_from_db()
    data = form_data(draft, action="import", causes="Typed, not saved.")
    data["import_file"] = upload("bomb.docx", zip_bomb())
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The Word document bomb.docx is too large to import" in page
    assert ">Typed, not saved.</textarea>" in page
    draft.refresh_from_db()
    assert draft.causes == "Saved cause." and draft.attachments.count() == 0
