"""Writes to notices: draft, edit, publish, schedule, withdraw, images.

Every function checks the actor's permission, validates, changes state, records
history (django-simple-history, with the actor and a reason), keeps the search vector
current and tells the public page cache that pages changed.

Roles: secretaries draft notices for held meetings of their organisations and may
edit their organisation's notices while they are drafts; publishers (and superusers)
edit any notice, publish, schedule, return to draft and withdraw.
"""

from __future__ import annotations

import datetime
import uuid

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import history
from meetings.models import Meeting

from . import cache, search
from .draft import draft_for_meeting
from .models import Notice, NoticeImage
from .permissions import can_draft, can_edit, can_publish, can_read

# History entries written before core.history held these phrases as text, in the writer's language.
history.legacy("Drafted from the meeting record", "Edited", "Published", "Returned to draft")

IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024


class NoticeConflict(ValidationError):
    """The notice was saved by someone else since the editor opened it."""

    def __init__(self, current: Notice):
        self.current = current
        super().__init__(
            _(
                "Someone else saved this notice (version %(version)s) while you were editing it. "
                "Your text is kept below next to theirs: merge them and save again."
            )
            % {"version": current.version},
            code="conflict",
        )


# -- helpers ---------------------------------------------------------------------


def make_slug(title: str) -> str:
    """A readable ASCII slug; Chinese titles in pinyin (渝中区 -> yu-zhong-qu)."""
    # Imported here, not with the module: pypinyin's dictionaries take ≈45 MB in every process that
    # imports it, and only the processes that save a notice need them (bench/memory.md).
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(title or "", errors="default")
    slug = slugify("-".join(w for w in words if w.strip()))
    if len(slug) > 80:
        # Cut at a word boundary, not mid-word (yu-zhong-qu, not yu-zho).
        cut = slug[:81]
        slug = cut[: cut.rfind("-")] if "-" in cut[1:] and not cut.endswith("-") else cut
    slug = slug[:80].strip("-")
    return slug or "notice"


def _after_change(notice: Notice, *, by, reason: str):
    """History, search vector, page cache: the tail of every write."""
    notice._history_user = by
    notice._change_reason = reason
    notice.version = (notice.version or 0) + 1
    notice.save()
    search.update_search_vectors(Notice.objects.filter(pk=notice.pk))
    transaction.on_commit(cache.bump_generation)
    cache.bump_generation()
    return notice


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


# -- services --------------------------------------------------------------------


@transaction.atomic
def notice_draft_create(*, meeting: Meeting, by) -> Notice:
    """A first draft written from the meeting's record (see notice_draft.py)."""
    if not can_draft(by, meeting):
        raise PermissionDenied
    if not meeting.has_taken_place:
        raise ValidationError(_("A notice can be drafted only once the meeting has been held."))
    draft = draft_for_meeting(meeting)
    notice = Notice(
        meeting=meeting,
        organisation=meeting.organisation,
        language=draft.language,
        title=draft.title,
        slug=make_slug(draft.title),
        source_organ=draft.source_organ,
        dateline=draft.dateline,
        body=draft.body,
        status=Notice.Status.DRAFT,
        author=by,
        version=0,
    )
    notice.full_clean()
    return _after_change(notice, by=by, reason=history.reason(gettext_noop("Drafted from the meeting record")))


UNCHANGED = object()


def _link_translation(current: Notice, original: Notice | None, *, by) -> None:
    """Link `current` as the translation of `original` (or unlink it with None). The link is one
    row's field read both ways (Notice.other_version), so the two sides cannot disagree; the
    checks that the languages differ and that neither side has another version are Notice.clean()'s."""
    if original is not None and original.pk != current.translation_of_id and not can_read(by, original):
        raise PermissionDenied
    # Locked and read afresh: two editors linking two notices to one original, the second waits, then
    # fails clean() ("already has a translation").
    current.translation_of = _locked(original) if original is not None and original.pk != current.pk else original


@transaction.atomic
def notice_update(
    *,
    notice: Notice,
    by,
    expected_version: int,
    title: str,
    source_organ: str,
    dateline,
    body: str,
    language: str | None = None,
    translation_of=UNCHANGED,
) -> Notice:
    """Save the editor's text (and, when given, its language and the original it translates).
    A stale save (someone saved since `expected_version`) raises NoticeConflict and changes nothing."""
    current = _locked(notice)
    if not can_edit(by, current):  # on the locked row: its state cannot change under the check
        raise PermissionDenied
    if current.version != expected_version:
        raise NoticeConflict(current)
    current.title = title
    current.source_organ = source_organ
    current.dateline = dateline
    current.body = body
    if language is not None:
        current.language = language
    if translation_of is not UNCHANGED:
        _link_translation(current, translation_of, by=by)
    if current.status == Notice.Status.DRAFT or not current.slug:
        current.slug = make_slug(title)
    current.full_clean()
    return _after_change(current, by=by, reason=history.reason(gettext_noop("Edited")))


@transaction.atomic
def notice_publish(*, notice: Notice, by) -> Notice:
    """Publish now (also from scheduled or withdrawn)."""
    if not can_publish(by, notice):
        raise PermissionDenied
    current = _locked(notice)
    if current.status == Notice.Status.PUBLISHED and current.publish_at and current.publish_at <= timezone.now():
        raise ValidationError(_("This notice is already published."))
    current.status = Notice.Status.PUBLISHED
    current.publish_at = timezone.now()
    current.withdrawn_at = None
    current.withdrawn_reason = ""
    current.slug = current.slug or make_slug(current.title)
    _check_publishable(current)
    return _after_change(current, by=by, reason=history.reason(gettext_noop("Published")))


@transaction.atomic
def notice_schedule(*, notice: Notice, by, publish_at: datetime.datetime) -> Notice:
    """Publish later: invisible on every public page until publish_at."""
    if not can_publish(by, notice):
        raise PermissionDenied
    if publish_at is None:
        raise ValidationError(_("Give the date and time of publication."))
    if publish_at <= timezone.now():
        raise ValidationError(_("The publication time must be in the future; to publish now, use Publish."))
    current = _locked(notice)
    if current.status == Notice.Status.PUBLISHED and current.publish_at and current.publish_at <= timezone.now():
        raise ValidationError(_("This notice is already published; withdraw it first."))
    current.status = Notice.Status.SCHEDULED
    current.publish_at = publish_at
    current.withdrawn_at = None
    current.withdrawn_reason = ""
    current.slug = current.slug or make_slug(current.title)
    _check_publishable(current)
    when = {"when": publish_at.isoformat()}
    return _after_change(current, by=by, reason=history.reason(gettext_noop("Scheduled for %(when)s"), when))


@transaction.atomic
def notice_unschedule(*, notice: Notice, by) -> Notice:
    """Back to draft: a scheduled notice that should not go out after all."""
    if not can_publish(by, notice):
        raise PermissionDenied
    current = _locked(notice)
    if current.status != Notice.Status.SCHEDULED or (current.publish_at and current.publish_at <= timezone.now()):
        raise ValidationError(_("Only a notice scheduled for later can be returned to draft."))
    current.status = Notice.Status.DRAFT
    current.publish_at = None
    return _after_change(current, by=by, reason=history.reason(gettext_noop("Returned to draft")))


@transaction.atomic
def notice_withdraw(*, notice: Notice, by, reason: str) -> Notice:
    """Take a published notice down: its public address then answers 410 Gone."""
    if not can_publish(by, notice):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the withdrawal."))
    current = _locked(notice)
    if not current.is_withdrawable:
        raise ValidationError(_("Only a published or scheduled notice can be withdrawn."))
    current.status = Notice.Status.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawn_reason = reason[:300]
    withdrawn = {"reason": current.withdrawn_reason}
    return _after_change(current, by=by, reason=history.reason(gettext_noop("Withdrawn: %(reason)s"), withdrawn))


def _check_publishable(notice: Notice):
    if not notice.title.strip() or not notice.body.strip():
        raise ValidationError(_("A notice needs a title and a body before it is published."))
    notice.full_clean()


@transaction.atomic
def notice_image_add(*, notice: Notice, by, upload, caption: str = "") -> NoticeImage:
    """An image for the notice's body: JPEG, PNG, GIF or WebP, judged by its content."""
    if not can_edit(by, notice):
        raise PermissionDenied
    if upload is None:
        raise ValidationError(_("Choose an image to upload."))
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."))
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in IMAGE_TYPES:
        raise ValidationError(_("Only JPEG, PNG, GIF and WebP images can be uploaded."))
    image = NoticeImage(notice=notice, caption=(caption or "").strip()[:300])
    image.image.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(upload.read()), save=False)
    image.save()
    # The notice itself is unchanged (its version too, so an editor's open text stays valid);
    # the image shows on the public site once the body refers to it and the notice is published.
    return image


def notice_saved_elsewhere(notice: Notice):
    """For writes that do not come through these services (the admin): keep the search
    vector and the public pages current, and bump the version so an editor who opened
    the notice before gets the conflict page instead of overwriting the change."""
    Notice.objects.filter(pk=notice.pk).update(version=F("version") + 1)
    search.update_search_vectors(Notice.objects.filter(pk=notice.pk))
    transaction.on_commit(cache.bump_generation)
