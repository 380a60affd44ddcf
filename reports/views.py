"""The report after the meeting (情况报告): one page per meeting, its form, its state changes and its documents.

A meeting the user cannot read is a 404; one they read but whose report is not theirs to see (a member
attending it) is a 403 that says why.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import pdf
from core.markdown import render_markdown
from core.official_docx import docx_response, write_official_document
from core.views import errors_to_form, post_action
from meetings.models import Meeting

from . import drafting, permissions, selectors, services
from .forms import FileForm, ReportForm
from .models import due_date


def _meeting(request, pk, *, write=False) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("organisation__parent", "presider"), pk=pk
    )
    allowed = (permissions.can_write_report if write else permissions.can_read_report)(request.user, meeting)
    if not allowed:
        raise PermissionDenied(
            _(
                "The report to the higher organisation is written by the secretaries of %(org)s;"
                " you can read the meeting's record."
            )
            % {"org": meeting.organisation.name}
        )
    return meeting


def _report(request, pk, *, write=False):
    meeting = _meeting(request, pk, write=write)
    report = selectors.report_for(meeting)
    if report is None:
        raise PermissionDenied(_("This meeting's report has not been drafted yet."))
    return meeting, report


def _document(report):
    preamble, sections = drafting.split_sections(report.body)
    return {
        "report": report,
        "meeting": report.meeting,
        "preamble_html": render_markdown(preamble),
        "sections": [{"heading": h, "html": render_markdown(t)} for h, t in sections],
    }


@login_required
def report_detail(request, pk):
    meeting = _meeting(request, pk)
    report = selectors.report_for(meeting)
    context = {
        "meeting": meeting,
        "report": report,
        "due_on": due_date(meeting),
        "can_write": permissions.can_write_report(request.user, meeting),
        "file_form": FileForm(),
    }
    if report is not None:
        context.update(_document(report))
        context["history"] = selectors.history_entries(report)
    return render(request, "reports/report_detail.html", context)


@login_required
def report_draft(request, pk):
    meeting = _meeting(request, pk, write=True)
    return post_action(
        request,
        lambda: services.report_draft(meeting=meeting, by=request.user),
        gettext_lazy("The report is drafted from the record. Read it through and edit it before approving it."),
        reverse("reports:detail", args=[meeting.pk]),
    )


@login_required
def report_edit(request, pk):
    meeting, report = _report(request, pk, write=True)
    form = ReportForm(request.POST or None, instance=report, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ("title", "addressed_to", "body")}
        try:
            services.report_update(report=report, by=request.user, data=data, version=form.cleaned_data.get("version"))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Report saved."))
            return redirect("reports:detail", pk=meeting.pk)
    return render(request, "reports/report_form.html", {"form": form, "meeting": meeting, "report": report})


@login_required
def report_approve(request, pk):
    meeting, report = _report(request, pk, write=True)
    return post_action(
        request,
        lambda: services.report_approve(report=report, by=request.user),
        gettext_lazy("The report is approved. File it once it is sent to the higher organisation."),
        report,
    )


@login_required
def report_reopen(request, pk):
    meeting, report = _report(request, pk, write=True)
    return post_action(
        request,
        lambda: services.report_return_to_draft(report=report, by=request.user),
        gettext_lazy("The report is back in draft."),
        report,
    )


@login_required
def report_file(request, pk):
    meeting, report = _report(request, pk, write=True)
    form = FileForm(request.POST or None)

    def run():
        if not form.is_valid():
            raise ValidationError(form.errors.get("filed_on") or _("Enter a valid date."))
        return services.report_file(
            report=report,
            by=request.user,
            reference=form.cleaned_data["reference"],
            filed_on=form.cleaned_data["filed_on"],
        )

    return post_action(request, run, gettext_lazy("The report is filed with the higher organisation."), report)


@login_required
def report_print(request, pk):
    meeting, report = _report(request, pk)
    return render(request, "reports/report_print.html", _document(report))


@login_required
def report_pdf(request, pk):
    meeting, report = _report(request, pk)
    return pdf.pdf_response(
        request,
        "reports/report_print.html",
        _document(report),
        filename=f"{_('Report')}-{meeting.held_on or meeting.year}-{meeting.pk}.pdf",
        title=report.title,
        author=meeting.organisation.name,
    )


@login_required
def report_docx(request, pk):
    meeting, report = _report(request, pk)
    preamble, sections = drafting.split_sections(report.body)
    if report.addressed_to:
        colon = "：" if drafting.CJK.search(report.addressed_to) else ":"
        if not preamble.startswith(report.addressed_to):
            preamble = f"{report.addressed_to}{colon}\n\n{preamble}"
    when = report.filed_on or report.approved_at or report.updated_at
    return docx_response(
        lambda stream: write_official_document(
            stream,
            title=report.title,
            author=meeting.organisation.name,
            preamble=preamble,
            sections=sections,
            signature=[meeting.organisation.name, when.strftime("%Y-%m-%d") if when else ""],
            language=drafting.record_language(meeting),
        ),
        filename=f"{_('Report')}-{meeting.held_on or meeting.year}-{meeting.pk}.docx",
    )
