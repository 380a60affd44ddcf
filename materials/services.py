"""Writes for comparison-inspection materials (对照检查材料).

States: draft → submitted → returned (with comments) → submitted … → approved.
Every function checks the actor's permission, validates, changes state, records
history (simple_history, with a reason) and queues notifications (on commit).
"""

import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import history
from core.text import strip_control
from core.uploads import DOCX, safe_name, validate_upload
from meetings.models import Meeting
from members.permissions import member_for

from . import notifications, permissions, word_import
from .models import InspectionMaterial, MaterialAttachment, MaterialRevision, MaterialSignOff
from .permissions import can_read, can_review_material, can_write_for_group, is_attendee, is_author

Status = InspectionMaterial.Status
EDITABLE = InspectionMaterial.EDITABLE

# History entries written before core.history: English text, shown in the reader's language now.
history.legacy(
    aliases={
        "started": "Material started",
        "draft saved": "Draft saved",
        "returned with comments": "Returned with comments",
        "approved": "Approved",
    }
)


# ----------------------------------------------------------------------------- text helpers


@dataclass
class MaterialText:
    """The text a member edits: title, opening paragraphs (preamble), problems grouped by aspect, other
    problems, causes, measures."""

    title: str = ""
    problem_sections: list | None = None
    problems: str = ""
    causes: str = ""
    measures: str = ""
    preamble: str = ""  # the paragraphs before "一、" (导语): never required

    @classmethod
    def of(cls, material) -> "MaterialText":
        return cls(
            title=getattr(material, "title", ""),
            preamble=material.preamble,
            problem_sections=[dict(s) for s in (material.problem_sections or [])],
            problems=material.problems,
            causes=material.causes,
            measures=material.measures,
        )

    def has_problems(self) -> bool:
        return bool(self.problems.strip()) or any((s.get("text") or "").strip() for s in self.problem_sections or [])


def section_aspects(meeting: Meeting, material: InspectionMaterial | None = None) -> list[str]:
    """The aspects to write under: the meeting's, then any stored ones the meeting no longer names (never lost)."""
    aspects = list(meeting.aspect_list)
    for section in (material.problem_sections if material else None) or []:
        aspect = section.get("aspect", "")
        if aspect and aspect not in aspects:
            aspects.append(aspect)
    return aspects


def clean_sections(sections) -> list[dict]:
    out = []
    for section in sections or []:
        aspect = str(section.get("aspect", "")).strip()
        text = str(section.get("text", "") or "")
        if aspect:
            out.append({"aspect": aspect, "text": text})
    return out


def material_as_text(obj) -> str:
    """A material or revision as one Markdown document (for diffs)."""
    parts = []
    if getattr(obj, "title", ""):
        parts.append(f"# {obj.title}")
    if obj.preamble.strip():
        parts.append("## " + _("Opening paragraphs"))
        parts.append(obj.preamble.strip())
    parts.append("## " + _("Problems found"))
    for section in obj.problem_sections or []:
        if (section.get("text") or "").strip():
            parts.append(f"### {section.get('aspect', '')}")
            parts.append(section["text"].strip())
    if obj.problems.strip():
        parts.append("### " + _("Other problems"))
        parts.append(obj.problems.strip())
    parts.append("## " + _("Causes"))
    parts.append(obj.causes.strip())
    parts.append("## " + _("Rectification measures"))
    parts.append(obj.measures.strip())
    return "\n".join(parts)


# ----------------------------------------------------------------------------- errors


class MaterialConflict(ValidationError):
    """A save based on an old version: someone (another tab) saved in between. Nothing was written."""

    def __init__(self, current: InspectionMaterial):
        super().__init__(
            _(
                "This material was changed in another window or tab since you opened it. Nothing was overwritten: "
                "compare both texts below, keep what you need in the editor and save again."
            ),
            code="conflict",
        )
        self.current = current


def _history(material, by, reason):
    material._history_user = by
    material._change_reason = reason


def _lock(material: InspectionMaterial) -> InspectionMaterial:
    """The material re-read under a row lock, so two saves cannot interleave."""
    return InspectionMaterial.objects.select_for_update().select_related("meeting").get(pk=material.pk)


# ----------------------------------------------------------------------------- services


def start_title(*, meeting: Meeting, author, on_behalf_of_group: bool) -> str:
    """The title a new material starts with (a Word import's own title may replace it)."""
    if on_behalf_of_group:
        return _("Comparison-inspection material of %(organisation)s") % {"organisation": meeting.organisation}
    return _("Personal comparison-inspection material of %(name)s") % {"name": author.name}


@transaction.atomic
def material_start(*, meeting: Meeting, by, on_behalf_of_group: bool = False) -> InspectionMaterial:
    """The member's material for a meeting: their existing one, or a new draft."""
    member = member_for(by)
    if member is None or not is_attendee(member, meeting):
        raise PermissionDenied
    if on_behalf_of_group and not can_write_for_group(member, meeting):
        raise PermissionDenied(_("Only the principal leader writes the material on behalf of the group."))
    existing = InspectionMaterial.objects.filter(
        meeting=meeting, author=member, on_behalf_of_group=on_behalf_of_group
    ).first()
    if existing is not None:
        return existing
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError(_("This meeting is closed: no new material can be written for it."))
    title = start_title(meeting=meeting, author=member, on_behalf_of_group=on_behalf_of_group)
    material = InspectionMaterial(
        meeting=meeting,
        author=member,
        on_behalf_of_group=on_behalf_of_group,
        title=title,
        problems="",
        causes="",
        measures="",
        problem_sections=[{"aspect": a, "text": ""} for a in meeting.aspect_list],
    )
    material.full_clean()
    _history(material, by, history.reason(gettext_noop("Material started")))
    try:
        with transaction.atomic():
            material.save()
    except IntegrityError:  # the same member started it at the same moment in another tab
        return InspectionMaterial.objects.get(meeting=meeting, author=member, on_behalf_of_group=on_behalf_of_group)
    return material


def _validate_attachments(files) -> list[tuple]:
    return [(f, validate_upload(f)) for f in files or [] if f]


def _store_attachment(material, file, content_type, by, *, source=False) -> MaterialAttachment:
    original = (getattr(file, "name", "") or "file")[-255:]
    attachment = MaterialAttachment(
        material=material,
        original_name=original,
        content_type=content_type,
        size=file.size,
        is_source_document=source,
        uploaded_by=by,
    )
    file.seek(0)
    attachment.file.save(safe_name(content_type), file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def material_save_draft(
    *, material: InspectionMaterial, by, text: MaterialText, version: int, attachments=()
) -> InspectionMaterial:
    """Save the author's text; `version` is the one the editor was loaded with (a stale one is a conflict)."""
    if not is_author(by, material):
        raise PermissionDenied
    checked = _validate_attachments(attachments)
    current = _lock(material)
    if current.status not in EDITABLE:
        raise ValidationError(
            _("This material is %(status)s and can no longer be changed.") % {"status": current.get_status_display()}
        )
    if int(version) != current.version:
        raise MaterialConflict(current)
    current.title = text.title.strip() or current.title
    current.preamble = text.preamble
    current.problem_sections = clean_sections(text.problem_sections)
    current.problems = text.problems
    current.causes = text.causes
    current.measures = text.measures
    current.version += 1
    current.full_clean()
    _history(current, by, history.reason(gettext_noop("Draft saved")))
    current.save()
    for file, content_type in checked:
        _store_attachment(current, file, content_type, by)
    return current


@transaction.atomic
def material_submit(
    *, material: InspectionMaterial, by, text: MaterialText | None = None, version=None, attachments=()
):
    """Submit for review (optionally saving the editor's text first); every submission is kept as a revision."""
    if not is_author(by, material):
        raise PermissionDenied
    if text is not None:
        _check_complete(text)  # before anything is written: an incomplete submission saves nothing
        material = material_save_draft(
            material=material, by=by, text=text, version=version if version is not None else material.version,
            attachments=attachments,
        )  # fmt: skip
    current = _lock(material)
    if current.status not in EDITABLE:
        raise ValidationError(_("Only a draft or a returned material can be submitted."))
    _check_complete(MaterialText.of(current))
    number = current.revisions.count() + 1
    MaterialRevision.objects.create(
        material=current,
        number=number,
        preamble=current.preamble,
        problems=current.problems,
        problem_sections=current.problem_sections,
        causes=current.causes,
        measures=current.measures,
        submitted_by=by,
    )
    current.status = Status.SUBMITTED
    current.submitted_at = timezone.now()
    current.version += 1
    current.full_clean()
    _history(current, by, history.reason(gettext_noop("Submitted (revision %(number)s)"), {"number": number}))
    current.save()
    notifications.material_submitted(current)
    return current


def _check_complete(content: MaterialText) -> None:
    missing = []
    if not content.has_problems():
        missing.append(_("the problems found"))
    if not content.causes.strip():
        missing.append(_("their causes"))
    if not content.measures.strip():
        missing.append(_("the rectification measures"))
    if missing:
        raise ValidationError(
            _("The material cannot be submitted yet: write %(missing)s first.") % {"missing": ", ".join(missing)},
            code="incomplete",
        )


def _review_target(material, by) -> InspectionMaterial:
    if not (can_read(by, material) and can_review_material(by, material)):
        raise PermissionDenied
    current = _lock(material)
    if current.status != Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted material can be reviewed; this one is %(status)s.")
            % {"status": current.get_status_display()}
        )
    return current


@transaction.atomic
def material_return(*, material: InspectionMaterial, by, comments: str) -> InspectionMaterial:
    """Send a submitted material back to its author with comments to revise it."""
    current = _review_target(material, by)
    comments = (comments or "").strip()
    if not comments:
        raise ValidationError(_("Write the comments the author should address before returning the material."))
    current.status = Status.RETURNED
    current.review_comments = comments
    current.reviewed_by = by
    current.version += 1
    current.full_clean()
    _history(current, by, history.reason(gettext_noop("Returned with comments")))
    current.save()
    current.revisions.filter(number=current.revisions.count()).update(review_comments=comments)
    notifications.material_returned(current)
    return current


@transaction.atomic
def material_approve(*, material: InspectionMaterial, by, comments: str = "") -> InspectionMaterial:
    """Approve a submitted material: it is locked and becomes visible to the meeting's attendees."""
    current = _review_target(material, by)
    comments = (comments or "").strip()
    current.status = Status.APPROVED
    current.review_comments = comments
    current.reviewed_by = by
    current.approved_at = timezone.now()
    current.version += 1
    current.full_clean()
    _history(current, by, history.reason(gettext_noop("Approved")))
    current.save()
    if comments:
        current.revisions.filter(number=current.revisions.count()).update(review_comments=comments)
    notifications.material_approved(current)
    return current


@transaction.atomic
def material_attach(*, material: InspectionMaterial, by, file) -> MaterialAttachment:
    """Attach a file (PDF, Word, JPEG, PNG) to the author's draft or returned material."""
    if not is_author(by, material):
        raise PermissionDenied
    content_type = validate_upload(file)
    current = _lock(material)
    if current.status not in EDITABLE:
        raise ValidationError(_("Files can be attached only while the material is a draft or returned."))
    return _store_attachment(current, file, content_type, by)


@transaction.atomic
def material_attachment_remove(*, attachment: MaterialAttachment, by) -> None:
    """The author removes an attachment while the material is still a draft or returned; once submitted,
    the files stay as the reviewer saw them."""
    material = attachment.material
    if not is_author(by, material):
        raise PermissionDenied(_("Only the author removes the attachments of this material."))
    current = _lock(material)
    if current.status not in EDITABLE:
        raise ValidationError(_("Attachments can be removed only while the material is a draft or returned."))
    name = attachment.original_name
    attachment.file.delete(save=False)
    attachment.delete()
    _history(current, by, history.reason(gettext_noop("Attachment removed: %(name)s"), {"name": name}))
    current.save(update_fields=["updated_at"])  # a line in the material's history; its text is unchanged


@transaction.atomic
def material_import_docx(*, material: InspectionMaterial, by, file) -> MaterialText:
    """Read a Word document into editor text; the document is kept as the material's source attachment.

    The text is returned, not saved: it lands in the editor, where the member reviews it and saves.
    A document beyond the import limits (see `check_import_limits`) is refused before it is unpacked.
    """
    if not is_author(by, material):
        raise PermissionDenied
    if material.status not in EDITABLE:  # checked again under the lock below
        raise ValidationError(_("A document can be imported only while the material is a draft or returned."))
    validate_upload(file, allowed=[DOCX])
    check_import_limits(file)
    try:
        # Images are left out: they stay in the attached document, not in the text (never read, never inlined).
        blocks = word_import.read_docx(file)
    except Exception as exc:  # python-docx and lxml raise assorted errors on damaged documents
        raise ValidationError(
            _("The Word document %(name)s could not be read.") % {"name": getattr(file, "name", "")}
        ) from exc
    finally:
        file.seek(0)
    current = _lock(material)
    if current.status not in EDITABLE:
        raise ValidationError(_("A document can be imported only while the material is a draft or returned."))
    for block in blocks:
        block.markdown, block.plain = strip_control(block.markdown), strip_control(block.plain)
        block.notes = [strip_control(note) for note in block.notes]
    text = imported_text(word_import.split_blocks(blocks, section_aspects(current.meeting, current)))
    if not (text.preamble.strip() or text.has_problems() or text.causes.strip() or text.measures.strip()):
        raise ValidationError(_("The Word document %(name)s has no text.") % {"name": getattr(file, "name", "")})
    _store_attachment(current, file, DOCX, by, source=True)
    return text


# ----------------------------------------------------------------------------- Word import

# A .docx is a zip of XML parts. mammoth, the reader before word_import, built a DOM of every part and
# cost about 50–80 µs per XML element (a 72 KB file that unpacks to 20 MB took 38 s and 560 MB), so a
# document is measured before it is converted: from the zip's directory (nothing unpacked), then by streaming its XML
# parts through expat, counting elements. bench/bench_limits.py times the largest document allowed.
MAX_UNPACKED_IMPORT = 10 * 1024 * 1024  # all parts together, as the zip's directory declares them
MAX_IMPORT_PARTS = 1000  # a Word file has a few dozen parts, a few hundred with many images
MAX_IMPORT_RATIO = 100  # a part that unpacks to over 100 times its packed size (beyond 1 MB) is a zip bomb
RATIO_CHECKED_FROM = 1024 * 1024
MAX_IMPORT_ELEMENTS = 50_000  # XML elements of all parts: a 60-page material has about 20,000 with its styles


class _TooManyElements(Exception):
    pass


def _too_large(file, reason) -> ValidationError:
    return ValidationError(
        _("The Word document %(name)s is too large to import (%(reason)s). Attach it instead, or split it.")
        % {"name": getattr(file, "name", ""), "reason": reason},
        code="import_too_large",
    )


def _count_elements(archive, info, budget: int) -> int:
    """Elements of one XML part, read as a stream; stops past `budget`. A DOCTYPE (never in a Word
    file, and the door to entity expansion) is refused."""
    count = 0

    def start(*args):
        nonlocal count
        count += 1
        if count > budget:
            raise _TooManyElements

    def doctype(*args):
        raise ValueError("DOCTYPE")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    with archive.open(info) as part:
        while chunk := part.read(64 * 1024):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return count


def _looks_like_xml(archive, info) -> bool:
    """Whether a part starts like an XML document (in UTF-8 or UTF-16), not like an image or a font."""
    with archive.open(info) as part:
        head = part.read(64)
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    return head.replace(b"\x00", b"").lstrip().startswith(b"<")


def check_import_limits(file) -> None:
    """Refuse, with a clear message, a Word document too large to convert in a few seconds: too many
    parts, too much unpacked (from the directory, before unpacking), a part packed suspiciously
    tightly (a zip bomb), or more XML elements than `MAX_IMPORT_ELEMENTS`."""
    name = getattr(file, "name", "")
    unreadable = ValidationError(_("The Word document %(name)s could not be read.") % {"name": name})
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_IMPORT_PARTS:
                raise _too_large(
                    file, _("%(count)s parts; at most %(limit)s") % {"count": len(infos), "limit": MAX_IMPORT_PARTS}
                )
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED_IMPORT:
                raise _too_large(
                    file,
                    _("%(size)s unpacked; at most %(limit)s")
                    % {"size": filesizeformat(unpacked), "limit": filesizeformat(MAX_UNPACKED_IMPORT)},
                )
            for info in infos:
                if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_IMPORT_RATIO * max(
                    info.compress_size, 1
                ):
                    raise _too_large(
                        file, _("a part unpacks to over %(ratio)s times its size") % {"ratio": MAX_IMPORT_RATIO}
                    )
            budget = MAX_IMPORT_ELEMENTS
            for info in infos:
                # Every XML part a reader could parse, whatever its name: a relationship may point anywhere.
                if _looks_like_xml(archive, info):
                    try:
                        budget -= _count_elements(archive, info, budget)
                    except expat.ExpatError:
                        if info.filename.lower().endswith((".xml", ".rels")):
                            raise
    except _TooManyElements:
        raise _too_large(
            file, _("more than %(limit)s paragraphs, runs and other elements") % {"limit": f"{MAX_IMPORT_ELEMENTS:,}"}
        ) from None
    except (zipfile.BadZipFile, expat.ExpatError, ValueError, OSError, EOFError, RuntimeError,
            NotImplementedError) as exc:  # fmt: skip
        raise unreadable from exc
    finally:
        file.seek(0)


def imported_text(result: word_import.Sorted) -> MaterialText:
    """The editor's text of a sorted document: the title for the title box, the preamble (the paragraphs
    before the first section) for the opening paragraphs' box, each section for its own."""
    return MaterialText(
        title=result.title,
        preamble=result.preamble,
        problem_sections=[{"aspect": a, "text": t} for a, t in result.sections.items()],
        problems=result.problems,
        causes=result.causes,
        measures=result.measures,
    )


def split_imported(markdown_text: str, aspects: list[str]) -> MaterialText:
    """Sort Markdown text (a line a paragraph) under the editor's sections, as a Word import does."""
    blocks = word_import.blocks_from_markdown(markdown_text)
    return imported_text(word_import.split_blocks(blocks, aspects, find_title=False))


# ----------------------------------------------------------------------------- delegation and oversight


@transaction.atomic
def material_draft_for_presider(*, meeting: Meeting, by) -> InspectionMaterial:
    """The group's material, drafted by a secretary for a presider who has no login account: the
    presider stays its author, the page says who drafted it on their behalf."""
    if not permissions.can_draft_for_presider(by, meeting):
        raise PermissionDenied(
            _("Only a secretary drafts the group's material, and only for a presider without an account.")
        )
    presider = meeting.presider
    existing = (
        InspectionMaterial.objects.select_for_update()
        .filter(meeting=meeting, author=presider, on_behalf_of_group=True)
        .first()
    )
    if existing is not None:
        if existing.drafted_by_id != by.pk and existing.is_editable:
            existing.drafted_by = by
            _history(existing, by, history.reason(gettext_noop("Drafting taken over on behalf of the presider")))
            existing.save()
        return existing
    material = InspectionMaterial(
        meeting=meeting,
        author=presider,
        on_behalf_of_group=True,
        drafted_by=by,
        title=start_title(meeting=meeting, author=presider, on_behalf_of_group=True),
        problem_sections=[{"aspect": a, "text": ""} for a in meeting.aspect_list],
    )
    material.full_clean()
    _history(material, by, history.reason(gettext_noop("Material started on behalf of the presider")))
    material.save()
    return material


@transaction.atomic
def material_sign_off(*, material: InspectionMaterial, by, decision: str, comment: str = "") -> MaterialSignOff:
    """The higher organisation's (or the supervision group's) sign-off before the meeting: agreed, or
    changes needed with a comment. It is recorded; the material's own state is the secretary's to change."""
    if not permissions.can_sign_off(by, material):
        raise PermissionDenied(
            _("Only the higher organisation or the supervision group signs off a material before the meeting.")
        )
    comment = (comment or "").strip()
    if decision not in MaterialSignOff.Decision.values:
        raise ValidationError({"decision": _("Choose agreed or needs changes.")})
    if decision == MaterialSignOff.Decision.NEEDS_CHANGES and not comment:
        raise ValidationError({"comment": _("Say what needs to change.")})
    member = member_for(by)
    sign_off = MaterialSignOff(
        material=material,
        reviewer=by,
        reviewer_name=member.name if member else by.get_username(),
        capacity=_sign_off_capacity(by, material),
        decision=decision,
        comment=comment,
    )
    sign_off.full_clean()
    sign_off.save()
    notifications.material_signed_off(sign_off)
    return sign_off


def _sign_off_capacity(user, material) -> str:
    """In what capacity the reviewer signs: the supervision group they belong to, or the higher organisation."""
    member = member_for(user)
    if member is not None:
        appointment = material.meeting.supervisors.filter(member=member).first()
        if appointment is not None:
            return appointment.group_name or appointment.get_role_display()
    for organisation in material.meeting.organisation.ancestors():
        if permissions.is_secretary_of(user, organisation.pk):
            return organisation.name
    return ""
