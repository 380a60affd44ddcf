"""Pages of the comparison-inspection materials: list, start, editor, reading/review page, diff, files, export.

Thin views: fetch through visible_to (another organisation's material is a 404), call a service
on POST, re-render with the message and the typed text kept on ValidationError.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import pdf
from core.diffs import diff_table
from core.markdown import render_markdown
from core.official_docx import docx_response
from core.uploads import private_download
from core.views import errors_to_form, post_action
from meetings.models import Attendance, Meeting
from meetings.permissions import can_manage_meeting
from members.permissions import member_for

from . import permissions, services
from .docx_export import write_material, write_meeting_materials
from .forms import MaterialForm, ReviewForm, SignOffForm
from .models import InspectionMaterial, MaterialAttachment
from .selectors import listed_problems, material_for_editor

Status = InspectionMaterial.Status


def _rendered_sections(obj) -> dict:
    """A material's (or revision's) text as safe HTML, section by section."""
    sections = [
        {"aspect": s.get("aspect", ""), "html": render_markdown(s.get("text", ""))}
        for s in obj.problem_sections or []
        if (s.get("text") or "").strip()
    ]
    return {
        "preamble": render_markdown(obj.preamble) if obj.preamble.strip() else "",
        "sections": sections,
        "problems": render_markdown(obj.problems) if obj.problems.strip() else "",
        "causes": render_markdown(obj.causes),
        "measures": render_markdown(obj.measures),
    }


# ----------------------------------------------------------------------------- lists


@login_required
def meeting_materials(request, meeting_pk):
    """The materials of one meeting as the viewer may see them, with who has not submitted (for secretaries)."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("organisation"), pk=meeting_pk)
    materials = list(
        InspectionMaterial.objects.visible_to(request.user)
        .filter(meeting=meeting)
        .select_related("author", "drafted_by")
        .prefetch_related("sign_offs")
        .order_by("-on_behalf_of_group", "author__name")
    )
    reviewer = can_manage_meeting(request.user, meeting)
    missing = []
    if reviewer:
        with_material = {m.author_id for m in materials if not m.on_behalf_of_group}
        missing = [
            a.member
            for a in meeting.attendances.filter(member__isnull=False, role__in=Attendance.SHOULD_ATTEND).select_related(
                "member"
            )
            if a.member_id not in with_material
        ]
    member = member_for(request.user)
    mine = [m for m in materials if member is not None and m.author_id == member.pk]
    return render(
        request,
        "materials/meeting_materials.html",
        {
            "meeting": meeting,
            "materials": materials,
            "missing": missing,
            "reviewer": reviewer,
            "mine": mine,
            "can_start": permissions.can_start_material(request.user, meeting),
            "can_write_for_group": permissions.can_write_for_group(member, meeting),
            "approved_count": sum(1 for m in materials if m.status == Status.APPROVED),
            "can_draft_for_presider": reviewer and permissions.can_draft_for_presider(request.user, meeting),
        },
    )


@login_required
def material_start(request, meeting_pk):
    """GET: what the member is about to start; POST: open (or create) their draft and go to the editor."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("organisation"), pk=meeting_pk)
    member = member_for(request.user)
    if not permissions.is_attendee(member, meeting):
        raise Http404
    group = request.POST.get("on_behalf_of_group") == "1" or request.GET.get("group") == "1"
    if request.method == "POST":
        return post_action(
            request,
            lambda: services.material_start(meeting=meeting, by=request.user, on_behalf_of_group=group),
            None,
            reverse("materials:meeting_list", args=[meeting.pk]),
            success_to=lambda material: reverse("materials:edit", args=[material.pk]),
        )
    existing = InspectionMaterial.objects.filter(meeting=meeting, author=member, on_behalf_of_group=group).first()
    if existing is not None:
        return redirect(existing.get_absolute_url())
    return render(
        request,
        "materials/material_start.html",
        {
            "meeting": meeting,
            "group": group,
            "can_write_for_group": permissions.can_write_for_group(member, meeting),
            "closed": meeting.is_closed,
        },
    )


# ----------------------------------------------------------------------------- reading and review


def _shown_revision(user, material, revisions):
    """A returned material is being revised: until it is resubmitted, others read what was submitted."""
    if material.status == Status.RETURNED and revisions and not permissions.is_author(user, material):
        return revisions[-1]
    return None


@login_required
def material_detail(request, pk):
    material = get_object_or_404(
        InspectionMaterial.objects.visible_to(request.user).select_related(
            "meeting__organisation", "author", "reviewed_by"
        ),
        pk=pk,
    )
    can_review = permissions.can_review_material(request.user, material)
    revisions = list(material.revisions.select_related("submitted_by")) if permissions.can_see_revisions(
        request.user, material
    ) else []  # fmt: skip
    history = []
    if revisions or permissions.is_author(request.user, material):
        history = list(material.history.select_related("history_user").order_by("-history_date")[:30])
    shown_revision = _shown_revision(request.user, material, revisions)
    context = {
        "material": material,
        "text": _rendered_sections(shown_revision or material),
        "shown_revision": shown_revision,
        "attachments": list(material.attachments.all()),
        "revisions": revisions,
        "history": history,
        "is_author": permissions.is_author(request.user, material),
        "can_edit": permissions.can_edit_material(request.user, material),
        "can_review": can_review and material.status == Status.SUBMITTED,
        "is_reviewer": can_review,
        "review_form": ReviewForm(),
        **_oversight_context(request.user, material),
    }
    return render(request, "materials/material_detail.html", context)


def _oversight_context(user, material, sign_off_form=None) -> dict:
    """The sign-offs of the higher organisation and the supervision group, the form to add one, and
    (for the organisation's secretaries, once approved) the problems it lists, each to become an item."""
    can_manage = can_manage_meeting(user, material.meeting)
    return {
        "sign_offs": list(material.sign_offs.all()),
        "can_sign_off": permissions.can_sign_off(user, material),
        "sign_off_form": sign_off_form or SignOffForm(),
        "listed_problems": listed_problems(material) if can_manage and material.is_approved else [],
    }


@login_required
@require_POST
def material_sign_off(request, pk):
    """The higher organisation's or the supervision group's sign-off (agreed / needs changes, with comments)."""
    material = get_object_or_404(
        InspectionMaterial.objects.visible_to(request.user).select_related("meeting__organisation", "author"), pk=pk
    )
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            services.material_sign_off(
                material=material,
                by=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Your sign-off of the material of %(author)s is recorded.") % {"author": material.author}
            )
            return redirect(material.get_absolute_url())
    elif not permissions.can_sign_off(request.user, material):
        raise PermissionDenied
    context = {
        "material": material,
        "text": _rendered_sections(material),
        "attachments": list(material.attachments.all()),
        "revisions": [],
        "is_author": permissions.is_author(request.user, material),
        "can_edit": False,
        "can_review": False,
        "is_reviewer": permissions.can_review_material(request.user, material),
        "review_form": ReviewForm(),
        **_oversight_context(request.user, material, sign_off_form=form),
    }
    return render(request, "materials/material_detail.html", context, status=400)


@login_required
@require_POST
def material_draft_for_presider(request, meeting_pk):
    """A secretary starts (or goes on with) the group's material for a presider who has no account."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("organisation", "presider"), pk=meeting_pk
    )
    return post_action(
        request,
        lambda: services.material_draft_for_presider(meeting=meeting, by=request.user),
        None,
        reverse("materials:meeting_list", args=[meeting.pk]),
        success_to=lambda material: reverse("materials:edit", args=[material.pk]),
    )


@login_required
@require_POST
def material_review(request, pk):
    material = get_object_or_404(InspectionMaterial.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    if not permissions.can_review_material(request.user, material):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    form.is_valid()
    comments = form.cleaned_data.get("comments", "")
    action = request.POST.get("action")
    try:
        if action == "return":
            services.material_return(material=material, by=request.user, comments=comments)
            messages.success(request, _("The material was returned to %(author)s.") % {"author": material.author})
        elif action == "approve":
            services.material_approve(material=material, by=request.user, comments=comments)
            messages.success(request, _("The material of %(author)s was approved.") % {"author": material.author})
        else:
            raise ValidationError(_("Choose to return or to approve the material."))
    except ValidationError as exc:
        errors_to_form(form, exc)
        material.refresh_from_db()
        context = {
            "material": material,
            "text": _rendered_sections(material),
            "attachments": list(material.attachments.all()),
            "revisions": list(material.revisions.select_related("submitted_by")),
            "is_author": False,
            "can_edit": False,
            "can_review": material.status == Status.SUBMITTED,
            "is_reviewer": True,
            "review_form": form,
        }
        return render(request, "materials/material_detail.html", context, status=400)
    return redirect(material.get_absolute_url())


@login_required
def material_diff(request, pk):
    """The difference between two submitted revisions, side by side."""
    material = get_object_or_404(InspectionMaterial.objects.visible_to(request.user).select_related("meeting"), pk=pk)
    if not permissions.can_see_revisions(request.user, material):
        raise Http404
    revisions = list(material.revisions.select_related("submitted_by"))
    numbers = [r.number for r in revisions]

    def pick(name, default):
        try:
            value = int(request.GET.get(name, default))
        except (TypeError, ValueError):
            value = default
        return value if value in numbers else default

    table = ""
    a = b = older = None
    if len(revisions) >= 2:
        b = pick("b", numbers[-1])
        a = pick("a", numbers[-2])
        rev = {r.number: r for r in revisions}
        older = rev[min(a, b)]
        table = diff_table(
            services.material_as_text(rev[a]),
            services.material_as_text(rev[b]),
            _revision_label(rev[a]),
            _revision_label(rev[b]),
        )
    return render(
        request,
        "materials/material_diff.html",
        {"material": material, "revisions": revisions, "a": a, "b": b, "table": table, "older": older},
    )


def _revision_label(revision) -> str:
    when = timezone.localtime(revision.submitted_at).strftime("%Y-%m-%d %H:%M")
    return _("Revision %(n)s · submitted %(when)s") % {"n": revision.number, "when": when}


# ----------------------------------------------------------------------------- the editor


def _editor(request, material, form, *, conflict=None, status=200):
    context = {
        "material": material,
        "form": form,
        "attachments": list(material.attachments.all()),
        "conflict": conflict,
    }
    return render(request, "materials/material_edit.html", context, status=status)


@login_required
@never_cache
def material_edit(request, pk):
    material = material_for_editor(request.user, pk)
    if material.status not in services.EDITABLE:
        messages.info(
            request,
            _("This material is %(status)s: it cannot be edited now.") % {"status": material.get_status_display()},
        )
        return redirect(material.get_absolute_url())
    aspects = services.section_aspects(material.meeting, material)
    if request.method != "POST":
        return _editor(
            request, material, MaterialForm(initial=MaterialForm.initial_for(material, aspects), aspects=aspects)
        )

    form = MaterialForm(request.POST, request.FILES, aspects=aspects)
    if not form.is_valid():
        return _editor(request, material, form, status=400)
    action = request.POST.get("action", "save")
    text = form.material_text()
    version = form.cleaned_data["version"]
    attachments = [form.cleaned_data.get("attachment")]
    try:
        if action == "import":
            upload = form.cleaned_data.get("import_file")
            if not upload:
                raise ValidationError(_("Choose a Word (.docx) file to import."))
            imported = services.material_import_docx(material=material, by=request.user, file=upload)
            data, kept = form.data_with_import(
                imported,
                start_title=services.start_title(
                    meeting=material.meeting, author=material.author, on_behalf_of_group=material.on_behalf_of_group
                ),
            )
            if kept:
                messages.warning(
                    request,
                    _(
                        "Your typed text was kept in: %(boxes)s. The text of %(name)s for these boxes was not "
                        "imported; empty a box and import again to use the file's text there."
                    )
                    % {"boxes": pgettext("between names", ", ").join(kept), "name": upload.name},
                )
            if imported.preamble.strip() and data.get("preamble") == imported.preamble:
                messages.info(
                    request,
                    _(
                        "The opening paragraphs of %(name)s, before its first section, were recognised as its "
                        "preamble: they are in “%(box)s”."
                    )
                    % {"name": upload.name, "box": form.fields["preamble"].label},
                )
            messages.success(
                request,
                _("The text of %(name)s is in the editor. Check it, then save the draft.") % {"name": upload.name},
            )
            return _editor(request, material, MaterialForm(data, aspects=aspects))
        if action == "submit":
            services.material_submit(
                material=material, by=request.user, text=text, version=version, attachments=attachments
            )
            messages.success(request, _("Your material was submitted for review."))
            return redirect(material.get_absolute_url())
        services.material_save_draft(
            material=material, by=request.user, text=text, version=version, attachments=attachments
        )
        messages.success(request, _("Draft saved."))
        return redirect("materials:edit", pk=material.pk)
    except services.MaterialConflict as conflict:
        current = conflict.current
        data = form.data.copy()
        data["version"] = str(current.version)
        conflicted = MaterialForm(data, aspects=aspects)
        conflicted.is_valid()
        conflicted.add_error(None, conflict)
        mine = services.material_as_text(text)
        theirs = services.material_as_text(current)
        return _editor(
            request,
            material,
            conflicted,
            conflict={
                "mine": mine,
                "theirs": theirs,
                "table": diff_table(theirs, mine, _("Saved in the other tab"), _("Your text (not saved)")),
            },
            status=409,
        )
    except ValidationError as exc:
        errors_to_form(form, exc)
        return _editor(request, material, form, status=400)


def _material_as_read(user, pk):
    """A material the user may read (404 otherwise), and the submitted revision shown instead of the text being
    revised when that is what they may read: its PDF and its Word document show the same as its page."""
    material = get_object_or_404(
        InspectionMaterial.objects.visible_to(user).select_related("meeting__organisation", "author"), pk=pk
    )
    revisions = list(material.revisions.all()) if permissions.can_see_revisions(user, material) else []
    return material, _shown_revision(user, material, revisions)


@login_required
def material_pdf(request, pk):
    """One material (a member's or the group's) as an official document in PDF: whoever reads its page reads it."""
    material, shown_revision = _material_as_read(request.user, pk)
    return pdf.pdf_response(
        request,
        "materials/material_print.html",
        {
            "material": material,
            "text": _rendered_sections(shown_revision or material),
            "shown_revision": shown_revision,
        },
        filename=f"{slugify(str(material), allow_unicode=True) or 'material'}-{material.pk}.pdf",
        title=str(material),
        author=str(material.meeting.organisation if material.on_behalf_of_group else material.author),
    )


# ----------------------------------------------------------------------------- files


@login_required
def material_attachment(request, pk):
    """An attachment, only for those who may see its material; always downloaded, never rendered inline."""
    attachment = get_object_or_404(MaterialAttachment.objects.only("id", "material_id", "file", "original_name",
                                                                   "content_type"), pk=pk)  # fmt: skip
    if not InspectionMaterial.objects.visible_to(request.user).filter(pk=attachment.material_id).exists():
        raise Http404
    return private_download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
def material_attachment_remove(request, pk):
    """POST: the author removes an attachment from a draft or returned material; a refusal says why."""
    attachment = get_object_or_404(MaterialAttachment.objects.select_related("material"), pk=pk)
    material = attachment.material
    if not InspectionMaterial.objects.visible_to(request.user).filter(pk=material.pk).exists():
        raise Http404
    return post_action(
        request,
        lambda: services.material_attachment_remove(attachment=attachment, by=request.user),
        _("Attachment removed: %(name)s") % {"name": attachment.original_name},
        reverse("materials:edit", args=[material.pk]) if material.is_editable else material.get_absolute_url(),
    )


@login_required
def material_export(request, meeting_pk):
    """The meeting's approved materials bound into one Word document for the archive (secretaries)."""
    meeting = get_object_or_404(Meeting.objects.managed_by(request.user).select_related("organisation"), pk=meeting_pk)
    materials = list(
        meeting.materials.filter(status=Status.APPROVED)
        .select_related("author")
        .order_by("-on_behalf_of_group", "author__name")
    )
    if not materials:
        messages.warning(request, _("No material of this meeting is approved yet: there is nothing to export."))
        return redirect("materials:meeting_list", meeting_pk=meeting.pk)
    name = slugify(f"materials-{meeting.year}-{meeting.pk}") or "materials"
    return docx_response(lambda stream: write_meeting_materials(meeting, materials, stream), filename=f"{name}.docx")


@login_required
def material_docx(request, pk):
    """One material (a member's or the group's) as an official Word document: whoever reads its page reads it."""
    material, shown_revision = _material_as_read(request.user, pk)
    note = ""
    if shown_revision is not None:
        note = _("The author is revising this material. Shown: revision %(n)s, as it was submitted.") % {
            "n": shown_revision.number
        }
    name = f"{slugify(str(material), allow_unicode=True) or 'material'}-{material.pk}.docx"
    return docx_response(lambda stream: write_material(material, stream, text=shown_revision, note=note), filename=name)


@login_required
def material_export_pdf(request, meeting_pk):
    """The approved materials bound into one PDF (cover, contents, one material a section): as the .docx export."""
    meeting = get_object_or_404(Meeting.objects.managed_by(request.user).select_related("organisation"), pk=meeting_pk)
    materials = list(
        meeting.materials.filter(status=Status.APPROVED)
        .select_related("author", "meeting__organisation")
        .order_by("-on_behalf_of_group", "author__name")
    )
    if not materials:
        messages.warning(request, _("No material of this meeting is approved yet: there is nothing to export."))
        return redirect("materials:meeting_list", meeting_pk=meeting.pk)
    return pdf.pdf_response(
        request,
        "materials/materials_bundle_print.html",
        {"meeting": meeting, "materials": [{"material": m, "text": _rendered_sections(m)} for m in materials]},
        filename=f"materials-{meeting.year}-{meeting.pk}.pdf",
        title=f"{meeting} — {_('Comparison-inspection materials')}",
        author=str(meeting.organisation),
    )
