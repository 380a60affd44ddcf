"""Validation of uploaded files, shared by materials and rectification evidence.

The type is read from the content, never from the name: a renamed .exe, an HTML or
SVG page or a .docx that is not a Word document is refused with a clear message.
Accepted: PDF, Word (.docx), JPEG and PNG, at most settings.MAX_UPLOAD_SIZE bytes.
"""

import uuid
import zipfile
from collections.abc import Iterable

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG = "image/jpeg"
PNG = "image/png"

EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", JPEG: ".jpg", PNG: ".png"}
LABELS = {PDF: "PDF", DOCX: "Word (.docx)", JPEG: "JPEG", PNG: "PNG"}
ALLOWED = tuple(EXTENSIONS)


def _read_head(file, n: int = 8192) -> bytes:
    file.seek(0)
    head = file.read(n)
    file.seek(0)
    return head


def _is_docx(file) -> bool:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)


def sniff(file) -> str | None:
    """The content type read from the file's bytes, or None when it is none we know."""
    head = _read_head(file)
    if head.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(file) else None
    kind = filetype.guess(head)
    if kind is None:
        return None
    return kind.mime if kind.mime in (PDF, JPEG, PNG) else None


def validate_upload(file, *, allowed: Iterable[str] | None = None) -> str:
    """Check an uploaded file; return its content type or raise ValidationError with a clear message."""
    allowed = tuple(allowed or ALLOWED)
    name = getattr(file, "name", "") or _("the file")
    accepted = ", ".join(LABELS[t] for t in allowed)
    if file is None:
        raise ValidationError(_("Choose a file to upload."), code="missing")
    size = getattr(file, "size", None)
    if not size:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name}, code="empty")
    limit = settings.MAX_UPLOAD_SIZE
    if size > limit:
        raise ValidationError(
            _("The file %(name)s is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    content_type = sniff(file)
    if content_type is None:
        raise ValidationError(
            _("The file %(name)s is not a document we accept (its content is not %(accepted)s).")
            % {"name": name, "accepted": accepted},
            code="bad_type",
        )
    if content_type not in allowed:
        raise ValidationError(
            _("The file %(name)s is a %(kind)s file; only %(accepted)s is accepted here.")
            % {"name": name, "kind": LABELS[content_type], "accepted": accepted},
            code="not_allowed",
        )
    return content_type


def safe_name(content_type: str) -> str:
    """A storage name that owes nothing to the uploaded name: a random id and the right extension."""
    return uuid.uuid4().hex + EXTENSIONS[content_type]


def private_download(stored_file, *, filename: str, content_type: str) -> FileResponse:
    """Send an uploaded file to someone already checked to be allowed to see it: always as a
    download, never sniffed or rendered inline, never cached by shared caches."""
    try:
        handle = stored_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
