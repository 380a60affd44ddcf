"""Thin views: fetch through scoped querysets (out of scope is a 404), show on GET, call a service on POST."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import pdf
from core.official_docx import docx_response
from core.uploads import private_download
from core.views import error_text, errors_to_form, post_action
from materials.models import InspectionMaterial
from meetings.models import CriticismRecord, HeartToHeartTalk, Meeting, SolicitedOpinion
from members.permissions import is_secretary
from members.selectors import current_members, members_managed_by

from . import exports, permissions, rollup, selectors, services
from .documents import write_plan
from .forms import ItemForm, ProblemForm, ProgressForm, ReasonForm, VerifyForm
from .models import Evidence, Problem, RectificationItem, RectificationPlan
from .templatetags.rectification_tags import meeting_links

PAGE_SIZE = 50
PRINT_LIMIT = 5000
# WeasyPrint lays out a ledger row in ≈0.1 s on a busy 2-core machine (500 rows: 67 s, 390 MB; 200 rows: 23 s):
# a PDF stops well inside the workers' 60 s timeout and says so; the print view and the Excel export hold more.
PDF_LIMIT = 300


def _not_allowed(request, message, *, back_url="", back_label=""):
    """In scope but not allowed: a page in the site's style that says why (403). Out of scope is a 404."""
    return render(
        request,
        "rectification/not_allowed.html",
        {"message": message, "back_url": back_url, "back_label": back_label},
        status=403,
    )


def _not_allowed_on_item(request, item, message):
    return _not_allowed(request, message, back_url=item.get_absolute_url(), back_label=_("Back to the item"))


# --- the ledger ---------------------------------------------------------------------------------------------------


def _ledger_queryset(request):
    f = selectors.parse_filters(request.GET)
    visible = RectificationItem.objects.visible_to(request.user)
    filtered = selectors.apply_filters(visible, f)
    return f, visible, filtered


def _query_string(request, drop=("page",)):
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@login_required
def ledger(request):
    f, visible, filtered = _ledger_queryset(request)
    # Page through ids only (cheap even deep in 100,000 rows), then read the page's rows with their relations.
    ids = selectors.apply_sort(filtered, f["sort"]).values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page_ids = list(page.object_list)
    by_id = selectors.ledger_page_rows(RectificationItem.objects.filter(pk__in=page_ids)).in_bulk(page_ids)
    page.object_list = [by_id[pk] for pk in page_ids if pk in by_id]
    summary, chart = selectors.cached_overview(request.user, f, filtered)
    return render(
        request,
        "rectification/ledger.html",
        {
            "page_obj": page,
            "items": page.object_list,
            "filters": f,
            "options": selectors.filter_options(request.user, visible, f),
            "summary": summary,
            "chart": chart,
            "query_string": _query_string(request),
            "meeting_links": _ledger_meeting_links(request.user, f["meeting"]),
        },
    )


def _ledger_meeting_links(user, meeting_pk):
    """The header of the ledger filtered by one meeting: its plan, recording a problem, back to the meeting.

    Shown to those who see the meeting or its plan (three queries at most); nothing for anyone else."""
    if not meeting_pk:
        return None
    meeting = Meeting.objects.select_related("organisation").filter(pk=meeting_pk).first()
    if meeting is None:
        return None
    visible = Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()
    links = meeting_links(user, meeting)
    if not (visible or links["plan"] or links["can_manage"]):
        return None
    return {**links, "on_ledger": True, "meeting_visible": visible}


@login_required
def ledger_export(request):
    f, _visible, filtered = _ledger_queryset(request)
    rows = selectors.apply_sort(filtered, f["sort"])
    tmp = exports.export_tempfile(rows)
    filename = f"rectification-ledger-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ledger_print_context(request, limit=PRINT_LIMIT) -> dict:
    f, _visible, filtered = _ledger_queryset(request)
    rows = list(selectors.apply_sort(selectors.ledger_rows(filtered), f["sort"])[: limit + 1])
    return {
        "items": rows[:limit],
        "truncated": len(rows) > limit,
        "limit": limit,
        "summary": selectors.summary(filtered),
        "today": timezone.localdate(),
        "query_string": _query_string(request),
    }


@login_required
def ledger_print(request):
    return render(request, "rectification/ledger_print.html", _ledger_print_context(request))


@login_required
def ledger_pdf(request):
    """The print view's ledger (same filters, same rows the user may see) as a PDF on A4 landscape."""
    context = _ledger_print_context(request, limit=PDF_LIMIT)
    return pdf.pdf_response(
        request,
        "rectification/ledger_print.html",
        context,
        filename=f"rectification-ledger-{context['today']:%Y%m%d}.pdf",
        title=f"{_('Rectification ledger')} {context['today']:%Y-%m-%d}",
    )


# --- items ----------------------------------------------------------------------------------------------------------


def _visible_item(request, pk):
    return get_object_or_404(
        RectificationItem.objects.visible_to(request.user).select_related(
            "plan__meeting__organisation",
            "plan__organisation",
            "responsible_member",
            "responsible_leader",
            "problem__material",
            "problem__about_member",
        ),
        pk=pk,
    )


def _item_page(request, item, *, progress_form=None, verify_form=None, reopen_form=None, cancel_form=None):
    user = request.user
    actions = permissions.item_actions(user, item)
    reports = item.progress_reports.select_related("author").prefetch_related("evidence").order_by("-date", "-id")
    context = {
        "item": item,
        "reports": reports,
        "verifications": item.verifications.select_related("verified_by").order_by("-verified_at"),
        "history": item.history.select_related("history_user").order_by("-history_date", "-history_id")[:100],
        "can_report": actions["report"],
        "can_verify": actions["verify"],
        # A secretary responsible for the item is told why there is no verification form.
        "verify_elsewhere": (
            item.is_awaiting_verification and not actions["verify"] and permissions.can_manage_item(user, item)
        ),
        "verifiers": rollup.verifiers(item) if not item.is_closed else [],
        "can_reopen": actions["reopen"],
        "can_cancel": actions["cancel"],
        "can_edit": actions["edit"],
        "progress_form": progress_form or ProgressForm(initial={"percent": item.progress_percent}),
        "verify_form": verify_form or VerifyForm(),
        "reopen_form": reopen_form or ReasonForm(prefix="reopen"),
        "cancel_form": cancel_form or ReasonForm(prefix="cancel"),
    }
    return render(request, "rectification/item_detail.html", context)


@login_required
def item_detail(request, pk):
    return _item_page(request, _visible_item(request, pk))


def _item_action(request, pk, *, form_class, form_key, prefix=None, call, success):
    item = _visible_item(request, pk)
    if request.method != "POST":
        return _item_page(request, item)
    form = form_class(request.POST, request.FILES, prefix=prefix)
    if form.is_valid():
        try:
            call(item, form.cleaned_data)
        except PermissionDenied as error:
            return _not_allowed_on_item(
                request, item, error_text(error, default=_("You may not do this with this item."))
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, success)
            return redirect(item)
    problems = " ".join(str(e) for e in form.non_field_errors()) or _("Check the form.")
    messages.error(request, _("Nothing was changed.") + " " + problems)
    item.refresh_from_db()
    return _item_page(request, item, **{form_key: form})


@login_required
@require_http_methods(["GET", "POST"])
def item_progress(request, pk):
    return _item_action(
        request,
        pk,
        form_class=ProgressForm,
        form_key="progress_form",
        call=lambda item, d: services.item_report_progress(
            item=item,
            by=request.user,
            text=d["text"],
            percent=d["percent"],
            done=d["done"],
            files=d["evidence"],
        ),
        success=_("Progress reported."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_verify(request, pk):
    return _item_action(
        request,
        pk,
        form_class=VerifyForm,
        form_key="verify_form",
        call=lambda item, d: services.item_verify(
            item=item, by=request.user, confirmed=d["confirmed"], comment=d["comment"]
        ),
        success=_("Verification recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_reopen(request, pk):
    return _item_action(
        request,
        pk,
        form_class=ReasonForm,
        form_key="reopen_form",
        prefix="reopen",
        call=lambda item, d: services.item_reopen(item=item, by=request.user, reason=d["reason"]),
        success=_("The item is reopened."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_cancel(request, pk):
    return _item_action(
        request,
        pk,
        form_class=ReasonForm,
        form_key="cancel_form",
        prefix="cancel",
        call=lambda item, d: services.item_cancel(item=item, by=request.user, reason=d["reason"]),
        success=_("The item is cancelled."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item = _visible_item(request, pk)
    if not permissions.can_edit(request.user, item):
        return _not_allowed_on_item(request, item, _("Only a secretary of the organisation changes its items."))
    if item.is_closed:
        # The service refuses it too: no form that could only be refused, but word of how to change it.
        messages.warning(request, _("A closed item cannot be changed: reopen it first."))
        return redirect(item)
    members = current_members([item.plan.organisation_id])
    form = ItemForm(request.POST or None, instance=item, members=members)
    # The version the form was loaded with travels with every POST (also through a re-shown form),
    # so a save over someone else's newer change is a conflict; a POST without one is treated as stale.
    version = item.version
    if request.method == "POST":
        version = _int_or_none(request.POST.get("version"))
        version = -1 if version is None else version
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            services.item_update(item=item, by=request.user, version=version, **changes)
        except services.ItemConflict as conflict:
            current = conflict.current
            mine = request.POST.copy()
            form = ItemForm(mine, instance=RectificationItem.objects.get(pk=current.pk), members=members)
            form.is_valid()
            form.add_error(None, conflict)
            return render(
                request,
                "rectification/item_form.html",
                {
                    "form": form,
                    "item": current,
                    "problem": current.problem,
                    "meeting": current.plan.meeting,
                    "version": current.version,  # saving again knowingly replaces their change
                    "conflict": _item_differences(current, changes),
                },
                status=409,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The item is changed."))
            return redirect(item)
    item.refresh_from_db()
    return render(
        request,
        "rectification/item_form.html",
        {"form": form, "item": item, "problem": item.problem, "meeting": item.plan.meeting, "version": version},
    )


def _item_differences(current, changes) -> dict:
    """What the other save left (theirs) next to the form's values (yours), for the fields that differ."""

    def shown(name, value):
        if value in (None, ""):
            return "—"
        field = RectificationItem._meta.get_field(name)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%d")
        return str(value)

    rows = [
        {
            "label": RectificationItem._meta.get_field(name).verbose_name,
            "theirs": shown(name, getattr(current, name)),
            "yours": shown(name, value),
        }
        for name, value in changes.items()
        if getattr(current, name) != value
    ]
    return {"fields": rows, "status": current.get_status_display(), "progress": current.progress_percent}


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def evidence_remove(request, pk):
    """POST: the responsible member removes a piece of evidence while the item is open or in progress."""
    evidence = get_object_or_404(
        Evidence.objects.filter(
            report__item__in=RectificationItem.objects.visible_to(request.user).values("pk")
        ).select_related("report__item"),
        pk=pk,
    )
    return post_action(
        request,
        lambda: services.evidence_remove(evidence=evidence, by=request.user),
        _("Evidence removed: %(name)s") % {"name": evidence.original_name},
        evidence.report.item,
    )


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(
        Evidence.objects.filter(report__item__in=RectificationItem.objects.visible_to(request.user).values("pk")),
        pk=pk,
    )
    return private_download(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)


# --- plans, problems, new items -------------------------------------------------------------------------------------


@login_required
def plan_detail(request, pk):
    plan, items = selectors.plan_with_items(request.user, pk)
    can_manage = permissions.can_manage_plan(request.user, plan)
    unaddressed = []
    if can_manage:
        unaddressed = Problem.objects.filter(meeting=plan.meeting, items__isnull=True).select_related("about_member")
    return render(
        request,
        "rectification/plan_detail.html",
        {"plan": plan, "items": items, "unaddressed": unaddressed, "can_manage": can_manage},
    )


@login_required
def plan_pdf(request, pk):
    """The rectification plan (整改方案) as an official document: for whoever reads the plan's page, their items."""
    plan, items = selectors.plan_with_items(request.user, pk)
    return pdf.pdf_response(
        request,
        "rectification/plan_print.html",
        {"plan": plan, "items": items},
        filename=f"rectification-plan-{plan.pk}.pdf",
        title=str(plan),
        author=str(plan.organisation.name),
    )


@login_required
def plan_docx(request, pk):
    """The rectification plan (整改方案) as a Word document: for whoever reads the plan, with the items they see."""
    plan, items = selectors.plan_with_items(request.user, pk)
    return docx_response(lambda stream: write_plan(plan, items, stream), filename=f"rectification-plan-{plan.pk}.docx")


SOURCE_PARAMS = {
    "material": (InspectionMaterial, Problem.Source.SELF_INSPECTION),
    "criticism": (CriticismRecord, Problem.Source.CRITICISM),
    "opinion": (SolicitedOpinion, Problem.Source.SOLICITED_OPINION),
    "talk": (HeartToHeartTalk, Problem.Source.HEART_TO_HEART),
}


def _problem_source(request, managed):
    """The record the problem comes from (?material= ?criticism= ?opinion= ?talk=), if in the user's scope."""
    for key, (model, source) in SOURCE_PARAMS.items():
        raw = request.GET.get(key)
        if raw is None:
            continue
        try:
            pk = int(raw)
        except ValueError as error:
            raise Http404 from error
        qs = model.objects.all()
        if model is InspectionMaterial:
            qs = InspectionMaterial.objects.visible_to(request.user)
        obj = get_object_or_404(qs.filter(meeting__in=managed).select_related("meeting"), pk=pk)
        return key, obj, source
    return None, None, None


def _prefill(key, obj, source):
    initial = {"meeting": obj.meeting_id, "source": source}
    if key == "material":
        initial["about_member"] = None if obj.on_behalf_of_group else obj.author_id
    elif key == "criticism":
        initial["about_member"] = obj.to_member_id or obj.from_member_id
        initial["description"] = obj.content
    elif key == "opinion":
        initial["about_member"] = obj.addressed_to_id
        initial["description"] = obj.content
    elif key == "talk":
        initial["description"] = obj.summary
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def problem_create(request):
    managed = Meeting.objects.managed_by(request.user)
    if not is_secretary(request.user):
        raise Http404
    key, source_obj, source = _problem_source(request, managed)
    meetings = managed.order_by("-held_on", "-id")
    initial = {}
    if source_obj is not None:
        meetings = meetings.filter(pk=source_obj.meeting_id)
        initial = _prefill(key, source_obj, source)
    elif request.GET.get("meeting"):
        initial["meeting"] = request.GET.get("meeting")
    form = ProblemForm(
        request.POST or None,
        initial=initial,
        meetings=meetings,
        members=members_managed_by(request.user),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            problem = services.problem_create(
                meeting=d["meeting"],
                by=request.user,
                description=d["description"],
                source=d["source"],
                aspect=d["aspect"],
                severity=d["severity"],
                about_member=d["about_member"],
                **({key: source_obj} if source_obj is not None else {}),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Problem recorded. Now set its rectification measure."))
            return redirect(reverse("rectification:item_create") + f"?problem={problem.pk}")
    return render(
        request,
        "rectification/problem_form.html",
        {"form": form, "source_key": key, "source_obj": source_obj},
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request):
    """A new item of a meeting's plan: ?problem=<id> (the plan is made on the first item) or ?plan=<id>."""
    managed = Meeting.objects.managed_by(request.user)
    problem = plan = None
    if request.GET.get("problem"):
        problem = get_object_or_404(
            Problem.objects.filter(meeting__in=managed).select_related("meeting", "about_member"),
            pk=_int_or_404(request.GET["problem"]),
        )
        meeting = problem.meeting
    elif request.GET.get("plan"):
        plan = get_object_or_404(
            RectificationPlan.objects.filter(meeting__in=managed).select_related("meeting"),
            pk=_int_or_404(request.GET["plan"]),
        )
        meeting = plan.meeting
    else:
        raise Http404
    initial = {}
    if problem is not None and problem.about_member_id:
        initial["responsible_member"] = problem.about_member_id
    if problem is not None and problem.material_id:
        initial.update(_from_material(problem))
    form = ItemForm(request.POST or None, initial=initial, members=current_members([meeting.organisation_id]))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                target = plan or services.plan_get_or_create(meeting=meeting, by=request.user)
                item = services.item_create(plan=target, by=request.user, problem=problem, **d)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Rectification item %(number)s added.") % {"number": item.number})
            return redirect(item)
    return render(
        request, "rectification/item_form.html", {"form": form, "problem": problem, "plan": plan, "meeting": meeting}
    )


def _from_material(problem) -> dict:
    """A problem taken from a material proposes its item: the measure written in the same place."""
    from materials.selectors import listed_problems

    material = problem.material
    for entry in listed_problems(material):
        if entry["text"] == problem.description and entry["measure"]:
            initial = {"measure": entry["measure"]}
            if material.on_behalf_of_group and material.meeting.presider_id:
                initial.setdefault("responsible_member", material.meeting.presider_id)
            return initial
    return {}


@login_required
@require_POST
def problem_from_material(request, pk):
    """One click on a problem an approved material lists: it is recorded, and the item form opens prefilled."""
    material = get_object_or_404(
        InspectionMaterial.objects.visible_to(request.user).select_related("meeting", "author"), pk=pk
    )
    try:
        problem = services.problem_from_material(
            material=material, by=request.user, index=_int_or_404(request.POST.get("index"))
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(material)
    return redirect(reverse("rectification:item_create") + f"?problem={problem.pk}")


@login_required
def oversight_rollup(request):
    """The higher organisation's (or the supervision group's) view of the organisations below."""
    if not rollup.oversees_anything(request.user):
        raise Http404
    return render(request, "rectification/rollup.html", {"rows": rollup.rollup_rows(request.user)})


def _int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise Http404 from error


@login_required
def report_back_page(request, meeting_pk):
    """The report on the previous meeting's rectification, as it stands for this meeting."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("previous_meeting", "organisation"), pk=meeting_pk
    )
    return render(request, "rectification/report_back_page.html", {"meeting": meeting})
