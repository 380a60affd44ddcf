"""Uploaded files: validation, and the storage that keeps files in step with the database.

Validation, shared by materials and rectification evidence: the type is read from the
content, never from the name: a renamed .exe, an HTML or SVG page or a .docx that is not a
Word document is refused with a clear message. Accepted: PDF, Word (.docx), JPEG and PNG,
at most settings.MAX_UPLOAD_SIZE bytes.

Storage (`PrivateStorage`, the default storage): a file written inside a transaction that
does not commit is deleted again, and a storage failure (a full or read-only disk, an I/O
error) leaves no partial file and becomes `UploadNotStored`, a ValidationError that every
form shows like any other refusal, so the transaction that wanted the file rolls back and
no record points at a missing file. What a worker killed mid-save leaves behind (a file
whose record never committed), `python manage.py check_files` lists.
"""

import errno
import logging
import os
import uuid
import weakref
import zipfile
from collections.abc import Iterable

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


# ----------------------------------------------------------------------------- storage


class UploadNotStored(ValidationError):
    """The storage could not write a file (disk full, read-only, I/O error). Nothing of it is left."""


FULL = {errno.ENOSPC, errno.EDQUOT}


def _not_stored(exc: OSError) -> UploadNotStored:
    if exc.errno in FULL:
        message = _(
            "The file could not be stored: the server's storage is full. Nothing was saved. "
            "Try again later, and tell the administrator if it happens again."
        )
        return UploadNotStored(message, code="storage_full")
    message = _(
        "The file could not be stored because of a storage error on the server. Nothing was saved. "
        "Try again later, and tell the administrator if it happens again."
    )
    return UploadNotStored(message, code="storage_error")


class _KeepOnCommit:
    """The on_commit callback of one stored file: running it means the transaction committed."""

    __slots__ = ("state", "__weakref__")

    def __init__(self, state: dict):
        self.state = state

    def __call__(self):
        self.state["committed"] = True


def _discard_unless_committed(storage, name: str, state: dict) -> None:
    if state["committed"]:
        return
    try:
        storage.delete(name)
    except OSError:
        logger.warning("A file of a rolled-back transaction could not be removed: %s", name, exc_info=True)


def delete_unless_committed(storage, name: str, *, using: str | None = None) -> None:
    """Delete `name` from `storage` again unless the current transaction commits.

    Django has on_commit but no on_rollback. A rollback (of the transaction, or of a savepoint
    the file was written in) drops the callbacks registered inside it without running them; so
    a small callback registered with on_commit tells the two apart: run, the transaction
    committed and the file stays; dropped unrun (its last reference goes and its
    weakref.finalize fires, at once in CPython), it rolled back and the file is deleted. It is
    moved to the front of the commit callbacks, so that a failing callback registered before it
    (a cache bump, a mail) can never make a committed file look rolled back. Outside a
    transaction there is nothing to roll back: the file stays.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    state = {"committed": False}
    keeper = _KeepOnCommit(state)
    weakref.finalize(keeper, _discard_unless_committed, storage, name, state)
    transaction.on_commit(keeper, using=using, robust=True)
    callbacks = connection.run_on_commit
    callbacks.insert(0, callbacks.pop())


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT, outside every public URL, with files that follow their transaction.

    - A file written inside a transaction that does not commit is deleted again
      (`delete_unless_committed`).
    - A failed write (a full disk, a read-only disk, an I/O error, or a short write that a full
      disk can make silently) removes what it wrote and raises `UploadNotStored`: forms show it,
      the service's transaction rolls back, and no record points at a missing file.
    """

    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            saved = super()._save(name, content)
            # A large upload is moved from its temporary file with os.write, whose short write on a
            # full disk goes unnoticed when it is the last one: compare the sizes.
            if hasattr(content, "temporary_file_path") and os.path.getsize(self.path(saved)) != content.size:
                self._remove(saved)
                raise OSError(errno.ENOSPC, "short write", self.path(saved))
        except OSError as exc:
            if not existed:
                self._remove(name)
            logger.error("An uploaded file could not be stored in %s: %s", self.location, exc)
            raise _not_stored(exc) from exc
        delete_unless_committed(self, saved)
        return saved

    def _remove(self, name):
        try:
            os.remove(self.path(name))
        except FileNotFoundError:
            pass
        except OSError:
            logger.warning("A partly written file could not be removed: %s", name, exc_info=True)
