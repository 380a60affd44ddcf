"""Evidence uploads: the same rules as materials (.pdf .docx .jpg .png, at most 20 MB, type checked from content)."""

import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED = {
    ".pdf": {"application/pdf"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".png": {"image/png"},
}


def validate_upload(file) -> str:
    """Check one uploaded file; return its content type (from its content) or raise ValidationError."""
    name = getattr(file, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only .pdf, .docx, .jpg and .png files may be uploaded.") % {"name": os.path.basename(name)}
        )
    limit = getattr(settings, "MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
    if file.size > limit:
        raise ValidationError(
            _("%(name)s is larger than %(mb)s MB.") % {"name": os.path.basename(name), "mb": limit // (1024 * 1024)}
        )
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED[ext]:
        raise ValidationError(
            _("%(name)s is not really a %(ext)s file.") % {"name": os.path.basename(name), "ext": ext}
        )
    return kind.mime
