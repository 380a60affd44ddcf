"""The newsroom: draft, edit, preview, schedule, publish and withdraw notices (signed in)."""

import mimetypes
import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pdf
from core.diffs import unified_lines
from core.markdown import render_markdown
from core.official_docx import docx_response
from core.sanitise import removed_parts
from core.views import errors_to_form, post_action
from meetings.models import Meeting
from members.permissions import is_publisher

from . import permissions, services
from .documents import write_notice
from .draft import draft_for_meeting
from .forms import NoticeForm, NoticeImageForm, ScheduleForm, WithdrawForm
from .models import Notice


def _newsroom_user(user):
    if not permissions.can_use_newsroom(user):
        raise PermissionDenied


def _notice_or_404(request, pk):
    return get_object_or_404(
        Notice.objects.visible_to(request.user).select_related("organisation", "meeting", "author"), pk=pk
    )


@login_required
def notice_list(request):
    _newsroom_user(request.user)
    status = request.GET.get("status", "")
    notices = (
        Notice.objects.visible_to(request.user).select_related("organisation", "author").defer("body", "search_vector")
    )
    now = timezone.now()
    due = Q(status=Notice.Status.SCHEDULED, publish_at__lte=now)
    if status == Notice.Status.PUBLISHED:
        # What readers see: a scheduled notice whose time has come is live.
        notices = notices.filter(Q(status=Notice.Status.PUBLISHED) | due)
    elif status == Notice.Status.SCHEDULED:
        notices = notices.filter(status=Notice.Status.SCHEDULED).exclude(due)
    elif status in Notice.Status.values:
        notices = notices.filter(status=status)
    last_editor = (
        Notice.history.model.objects.filter(id=OuterRef("pk"))
        .order_by("-history_date", "-history_id")
        .values("history_user_id")[:1]
    )
    notices = list(notices.annotate(last_editor_id=Subquery(last_editor)).order_by("-updated_at", "-id")[:200])
    editors = get_user_model().objects.in_bulk({n.last_editor_id for n in notices if n.last_editor_id})
    for notice in notices:
        notice.last_editor = editors.get(notice.last_editor_id)
    meetings = (
        Meeting.objects.managed_by(request.user)
        .filter(status__in=Meeting.TAKEN_PLACE)
        .select_related("organisation")
        .annotate(notice_count=Count("notices"))
        .order_by("-held_on", "-id")[:20]
    )
    return render(
        request,
        "notices/notice_list.html",
        {
            "notices": notices,
            "meetings": meetings,
            "status": status,
            "statuses": Notice.Status.choices,
            "is_publisher": is_publisher(request.user),
        },
    )


@login_required
def notice_draft(request, pk):
    meeting = get_object_or_404(Meeting.objects.managed_by(request.user).select_related("organisation"), pk=pk)
    if request.method == "POST":
        return post_action(
            request,
            lambda: services.notice_draft_create(meeting=meeting, by=request.user),
            _("A first draft was written from the meeting record. Check it before publishing."),
            reverse("newsroom:draft", args=[meeting.pk]),
            success_to=lambda notice: reverse("newsroom:edit", args=[notice.pk]),
        )
    draft = None
    if meeting.has_taken_place:
        draft = draft_for_meeting(meeting)
    return render(
        request,
        "notices/notice_draft.html",
        {
            "meeting": meeting,
            "draft": draft,
            "draft_html": render_markdown(draft.body) if draft else "",
            "existing": meeting.notices.order_by("-id"),
        },
    )


def _edit_context(request, notice, form, **extra):
    body = form["body"].value() if form.is_bound else notice.body
    title = form["title"].value() if form.is_bound else notice.title
    preview = Notice(
        title=title or "",
        body=body or "",
        source_organ=(form["source_organ"].value() if form.is_bound else notice.source_organ) or "",
        dateline=notice.dateline,
        publish_at=notice.publish_at,
        status=notice.status,
        language=(form["language"].value() if form.is_bound else notice.language) or notice.language,
    )
    if form.is_bound and form.is_valid():
        preview.dateline = form.cleaned_data["dateline"]
    images = list(notice.images.all())
    image_urls = {reverse("public:image", args=[image.pk]) for image in images}
    return {
        "notice": notice,
        "form": form,
        "preview": preview,
        "sanitiser_warnings": removed_parts(body or "", image_urls),
        "preview_html": render_markdown(body or ""),
        "can_edit": permissions.can_edit(request.user, notice),
        "can_publish": permissions.can_publish(request.user, notice),
        "schedule_form": ScheduleForm(),
        "withdraw_form": WithdrawForm(),
        "image_form": NoticeImageForm(),
        "images": images,
        **extra,
    }


@login_required
def notice_edit(request, pk):
    notice = _notice_or_404(request, pk)
    if request.method == "POST":
        if not permissions.can_edit(request.user, notice):
            raise PermissionDenied
        form = NoticeForm(request.POST, instance=Notice.objects.get(pk=notice.pk), user=request.user)
        if request.POST.get("action") == "preview" or not form.is_valid():
            return render(request, "notices/notice_edit.html", _edit_context(request, notice, form))
        data = form.cleaned_data
        try:
            services.notice_update(
                notice=notice,
                by=request.user,
                expected_version=data["version"],
                title=data["title"],
                source_organ=data["source_organ"],
                dateline=data["dateline"],
                body=data["body"],
                language=data["language"],
                # A form sent without the field (an older page) leaves the link as it was.
                translation_of=data["translation_of"] if "translation_of" in request.POST else services.UNCHANGED,
            )
        except services.NoticeConflict as exc:
            current = exc.current
            theirs = {
                "version": current.version,
                "title": current.title,
                "body": current.body,
                "title_differs": current.title != data["title"],
            }
            diff = unified_lines(current.body, data["body"], _("their text"), _("your text"))
            mine = form.data.copy()
            mine["version"] = str(current.version)  # the next save knowingly replaces theirs
            form = NoticeForm(mine, instance=Notice.objects.get(pk=current.pk), user=request.user)
            form.is_valid()
            return render(
                request,
                "notices/notice_edit.html",
                _edit_context(request, current, form, conflict=theirs, conflict_message=exc.messages[0], diff=diff),
                status=409,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
            return render(request, "notices/notice_edit.html", _edit_context(request, notice, form))
        messages.success(request, _("The notice was saved."))
        return redirect("newsroom:edit", pk=notice.pk)
    form = NoticeForm(instance=notice, initial={"version": notice.version}, user=request.user)
    return render(request, "notices/notice_edit.html", _edit_context(request, notice, form))


def _action(request, pk, run, success):
    """A publisher's action on a notice in scope; anyone else who sees the notice is refused (403)."""
    notice = _notice_or_404(request, pk)
    if not permissions.can_publish(request.user, notice):
        raise PermissionDenied
    return post_action(request, lambda: run(notice), success, reverse("newsroom:edit", args=[notice.pk]))


@login_required
@require_POST
def notice_publish(request, pk):
    return _action(
        request,
        pk,
        lambda n: services.notice_publish(notice=n, by=request.user),
        _("The notice is published on the public site."),
    )


@login_required
@require_POST
def notice_schedule(request, pk):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        notice = _notice_or_404(request, pk)
        messages.error(request, _("Give a valid date and time of publication."))
        return redirect("newsroom:edit", pk=notice.pk)
    return _action(
        request,
        pk,
        lambda n: services.notice_schedule(notice=n, by=request.user, publish_at=form.cleaned_data["publish_at"]),
        _("The notice is scheduled: it will appear on the public site at the time given."),
    )


@login_required
@require_POST
def notice_unschedule(request, pk):
    return _action(
        request,
        pk,
        lambda n: services.notice_unschedule(notice=n, by=request.user),
        _("The notice is a draft again and will not be published."),
    )


@login_required
@require_POST
def notice_withdraw(request, pk):
    form = WithdrawForm(request.POST)

    def withdraw(notice):
        if not form.is_valid():  # refused in words: a line break, a control character, too long
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        return services.notice_withdraw(notice=notice, by=request.user, reason=form.cleaned_data["reason"])

    return _action(request, pk, withdraw, _("The notice is withdrawn: its public address now says it is gone."))


@login_required
@require_POST
def notice_image_upload(request, pk):
    notice = _notice_or_404(request, pk)
    form = NoticeImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an image to upload."))
        return redirect("newsroom:edit", pk=notice.pk)
    return post_action(
        request,
        lambda: services.notice_image_add(
            notice=notice, by=request.user, upload=form.cleaned_data["image"], caption=form.cleaned_data["caption"]
        ),
        lambda image: (
            _("The image was uploaded. Put it in the body with: ![%(caption)s](%(url)s)")
            % {"caption": image.caption, "url": reverse("public:image", args=[image.pk])}
        ),
        reverse("newsroom:edit", args=[notice.pk]),
    )


@login_required
def notice_history(request, pk):
    """Each revision with what changed: from the revision before it (default) or from the
    published version (?compare=published)."""
    notice = _notice_or_404(request, pk)
    compare = "published" if request.GET.get("compare") == "published" else "previous"
    records = list(notice.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    published = next((r for r in records if r.status == Notice.Status.PUBLISHED), None)
    revisions = []
    for i, record in enumerate(records):
        label = _("First version: everything is new.")
        old = new = None
        if compare == "published" and published is not None:
            if record.history_id == published.history_id:
                label = _("This is the published version.")
                old = new = record
            else:
                older_first = record.history_date <= published.history_date
                old, new = (record, published) if older_first else (published, record)
                label = _("Changes from version %(old)s to version %(new)s (%(which)s)") % {
                    "old": old.version,
                    "new": new.version,
                    "which": _("the published version") if new is published else _("this revision"),
                }
        else:
            new = record
            old = records[i + 1] if i + 1 < len(records) else None
            if old is not None:
                label = _("Changes from version %(old)s to version %(new)s") % {"old": old.version, "new": new.version}
        old_text = f"# {old.title}\n\n{old.body}" if old else ""
        new_text = f"# {new.title}\n\n{new.body}"
        revisions.append({"record": record, "label": label, "diff": unified_lines(old_text, new_text, "old", "new")})
    return render(
        request,
        "notices/notice_history.html",
        {"notice": notice, "revisions": revisions, "published": published, "compare": compare},
    )


@login_required
def notice_docx(request, pk):
    """The notice as an official Word document, for whoever may open it in the newsroom."""
    notice = _notice_or_404(request, pk)
    return docx_response(lambda stream: write_notice(notice, stream), filename=f"notice-{notice.pk}.docx")


@login_required
def notice_pdf(request, pk):
    """The notice as an official document in PDF, for whoever may open it in the newsroom; its own images included."""
    notice = _notice_or_404(request, pk)

    def own_image(path):
        match = re.fullmatch(r"/notices/images/(\d+)/", path)
        image = notice.images.filter(pk=match.group(1)).first() if match else None
        if image is None:
            return None
        try:
            with image.image.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return None
        return data, mimetypes.guess_type(image.image.name)[0] or "application/octet-stream"

    return pdf.pdf_response(
        request,
        "notices/notice_print.html",
        {"notice": notice, "body_html": render_markdown(notice.body)},
        filename=f"notice-{notice.pk}.pdf",
        title=notice.title,
        author=notice.source_organ or str(notice.organisation),
        resolve=own_image,
    )
