"""core.uploads.validate_upload: the type comes from the content, never from the name."""

import pytest
from django.core.exceptions import ValidationError

from core.uploads import DOCX, JPEG, PDF, PNG, validate_upload

from . import samples
from .samples import EXE, HTML, SVG, make_docx, upload, zip_without_document

JPEG_BYTES, PDF_BYTES, PNG_BYTES = samples.JPEG, samples.PDF, samples.PNG


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("scan.pdf", PDF_BYTES, PDF),
        ("photo.jpg", JPEG_BYTES, JPEG),
        ("chart.png", PNG_BYTES, PNG),
        ("draft.docx", make_docx([("p", "text")]), DOCX),
        ("misnamed.pdf", PNG_BYTES, PNG),  # the name says PDF, the content says PNG: the content wins
    ],
)
def test_accepted_types(name, content, expected):
    assert validate_upload(upload(name, content)) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),  # an .exe renamed .pdf
        ("page.html", HTML),
        ("page.pdf", HTML),
        ("logo.svg", SVG),
        ("logo.png", SVG),
        ("draft.docx", b"This is plain text saved with a .docx name"),  # not a zip
        ("draft.docx", zip_without_document()),  # a zip, but not a Word document
    ],
)
def test_refused_types_get_a_clear_message(name, content):
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload(name, content, "application/pdf"))
    message = excinfo.value.messages[0]
    assert name in message
    assert "not a document we accept" in message
    assert "PDF, Word (.docx), JPEG, PNG" in message


def test_over_the_limit(settings):
    settings.MAX_UPLOAD_SIZE = 1024
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload("big.pdf", PDF_BYTES + b"0" * 2000))
    assert "big.pdf is 2.0" in excinfo.value.messages[0]
    assert "at most 1.0\xa0KB" in excinfo.value.messages[0]


def test_default_limit_is_twenty_megabytes(settings):
    assert settings.MAX_UPLOAD_SIZE == 20 * 1024 * 1024


def test_empty_file():
    with pytest.raises(ValidationError, match="is empty"):
        validate_upload(upload("nothing.pdf", b""))


def test_restricting_the_allowed_types():
    with pytest.raises(ValidationError, match=r"a PDF file; only Word \(.docx\) is accepted here"):
        validate_upload(upload("scan.docx", PDF_BYTES), allowed=[DOCX])


def test_the_file_can_be_read_again_after_validation():
    file = upload("draft.docx", make_docx([("p", "text")]))
    validate_upload(file)
    assert file.tell() == 0
