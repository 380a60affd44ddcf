"""Sample files for the materials tests: real PDF, image, Word and hostile files."""

import io
import zipfile

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

ASPECTS = ["Learning the innovative theory", "Serving the people", "Style of work"]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 64
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def make_docx(blocks: list[tuple[str, str]]) -> bytes:
    """A real Word document: blocks of ("h1"|"h2"|"p"|"bullet", text)."""
    document = docx.Document()
    for kind, text in blocks:
        if kind.startswith("h"):
            document.add_heading(text, level=int(kind[1]))
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


SAMPLE_DOCX = [
    ("h1", "Problems found"),
    ("h2", "Serving the people"),
    ("p", "Research at the grassroots was sometimes hurried."),
    ("h2", "Style of work"),
    ("bullet", "Too many meetings."),
    ("h1", "Causes"),
    ("p", "Relaxed the tempering of party spirit."),
    ("h1", "Rectification measures"),
    ("p", "Go to the grassroots every month."),
]
