"""The secretary's pages for a meeting (outside /admin/), and the members' read-only record.

Thin views: GET shows; POST validates the form and calls a service; a ValidationError
re-renders the form with the message and the user's input; success redirects with a
message. Every meeting is fetched through a scoped queryset, so another organisation's
meeting is a 404 on every page and every POST.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core import pdf
from core.official_docx import docx_response
from core.views import error_text, errors_to_form, post_action
from members.models import Membership, Organisation
from members.selectors import organisations_managed_by
from members.services import feed_key_rotate

from . import ical, selectors, services
from .documents import write_minutes
from .forms import (
    AgendaItemForm,
    AttendanceFormSet,
    ConsentForm,
    CriticismForm,
    GuestFormSet,
    HoldForm,
    KeyPointFormSet,
    MeetingFilterForm,
    MeetingForm,
    OpinionForm,
    SpeechForm,
    StudySessionForm,
    TalkForm,
)
from .models import (
    AgendaItem,
    Attendance,
    HeartToHeartTalk,
    Meeting,
    PreparationActivity,
    SolicitedOpinion,
)

PAGE_SIZE = 25


# --- helpers ---------------------------------------------------------------------------


def _managed_meeting(request, pk, *related) -> Meeting:
    """The meeting if the user manages it. One they may read but not change (a meeting they attend, or
    oversee) is a 403 that says why; any other a 404 (never confirms it exists)."""
    meeting = Meeting.objects.managed_by(request.user).select_related("organisation", *related).filter(pk=pk).first()
    if meeting is not None:
        return meeting
    readable = Meeting.objects.visible_to(request.user).select_related("organisation").filter(pk=pk).first()
    if readable is None:
        raise Http404
    raise PermissionDenied(
        _("Only the secretaries of %(org)s change this meeting's record; you can read it on the meeting's page.")
        % {"org": readable.organisation.name}
    )


# --- list and record -------------------------------------------------------------------


@login_required
def meeting_list(request):
    user = request.user
    visible = Meeting.objects.visible_to(user)
    organisations = Organisation.objects.filter(pk__in=visible.values("organisation_id")).order_by("name")
    filters = MeetingFilterForm(request.GET or None, organisations=organisations)
    meetings = filters.filter(visible).select_related("organisation", "presider")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    managed = list(organisations_managed_by(user))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page_obj": page,
            "meetings": page.object_list,
            "filters": filters,
            "query_string": query.urlencode(),
            "managed_organisations": managed,
            "feed_url": request.build_absolute_uri(
                reverse("meetings:feed", args=[ical.feed_token(user)]) + f"?lang={get_language()}"
            ),
        },
    )


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        selectors.record_queryset().filter(pk__in=Meeting.objects.visible_to(request.user)), pk=pk
    )
    context = selectors.minutes(meeting, request.user)
    if context["can_manage"]:
        attendances = context["attendances"]
        shared = {}  # what both checks read (the meeting's materials), read once
        context["missing_to_hold"] = (
            selectors.what_is_missing_to_hold(meeting, attendances) if meeting.is_preparing else []
        )
        context["missing_to_close"] = (
            selectors.what_is_missing_to_close(meeting, shared=shared) if meeting.is_held else []
        )
        # The readiness checklist: the next step while the meeting is prepared, its record once held.
        context["checklist"] = selectors.readiness_checklist(meeting, attendances, shared=shared)
        context["checklist_open"] = [c for c in context["checklist"] if not c["done"]]
        context["hold_form"] = HoldForm()
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def meeting_print(request, pk):
    meeting = get_object_or_404(
        selectors.record_queryset().filter(pk__in=Meeting.objects.visible_to(request.user)), pk=pk
    )
    return render(request, "meetings/meeting_print.html", selectors.minutes(meeting, request.user))


@login_required
def meeting_pdf(request, pk):
    """The minutes as a PDF (core.pdf): the print view's record and its permission, laid out as an official document."""
    meeting = get_object_or_404(
        selectors.record_queryset().filter(pk__in=Meeting.objects.visible_to(request.user)), pk=pk
    )
    return pdf.pdf_response(
        request,
        "meetings/meeting_print.html",
        selectors.minutes(meeting, request.user),
        filename=f"{_('Minutes')}-{meeting.held_on or meeting.year}-{meeting.pk}.pdf",
        title=str(meeting),
        author=str(meeting.organisation),
    )


@login_required
def meeting_docx(request, pk):
    """The minutes as an official Word document: the print view's record and its permission."""
    meeting = get_object_or_404(
        selectors.record_queryset().filter(pk__in=Meeting.objects.visible_to(request.user)), pk=pk
    )
    return docx_response(
        lambda stream: write_minutes(meeting, request.user, stream, request=request),
        filename=f"{_('Minutes')}-{meeting.held_on or meeting.year}-{meeting.pk}.docx",
    )


@login_required
def meeting_history(request, pk):
    """Who changed what, when: every historical record with its reason and field changes.
    Foreign keys and choices are shown by name, looked up in one query per related model."""
    meeting = _managed_meeting(request, pk)
    entries = selectors.history_entries(meeting)
    return render(request, "meetings/meeting_history.html", {"meeting": meeting, "entries": entries})


# --- plan, edit, move along ------------------------------------------------------------


@login_required
def meeting_create(request):
    organisations = organisations_managed_by(request.user)
    if not organisations.exists():
        raise Http404
    form = MeetingForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                organisation=form.cleaned_data["organisation"], by=request.user, data=form.service_data()
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Meeting planned: %(meeting)s.") % {"meeting": meeting})
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


def _shown(meeting: Meeting, field: str, value) -> str:
    """A meeting field's value as the form shows it: choices and members by name, dates as dates."""
    model_field = Meeting._meta.get_field(field)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M" if field.endswith("_time") else "%Y-%m-%d")
    return str(value)


def _meeting_differences(current: Meeting, data: dict) -> list[dict]:
    """The fields whose stored value (theirs) differs from the form's (yours), in the form's order."""
    rows = []
    for field in services.MEETING_FIELDS:
        if field in data and getattr(current, field) != data[field]:
            rows.append(
                {
                    "label": Meeting._meta.get_field(field).verbose_name,
                    "theirs": _shown(current, field, getattr(current, field)),
                    "yours": _shown(current, field, data[field]),
                }
            )
    return rows


@login_required
def meeting_edit(request, pk):
    meeting = _managed_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting, organisations=None)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            services.meeting_update(
                meeting=meeting, by=request.user, data=form.service_data(), version=0 if version is None else version
            )
        except services.MeetingConflict as conflict:
            current = conflict.current
            differences = _meeting_differences(current, form.service_data())
            data = request.POST.copy()
            data["version"] = str(current.version)  # saving again knowingly replaces their values
            # A copy of the stored meeting under the form (validating writes the form's values into it).
            form = MeetingForm(data, instance=Meeting.objects.get(pk=current.pk), organisations=None)
            form.is_valid()
            form.add_error(None, conflict)
            return render(
                request,
                "meetings/meeting_form.html",
                {"form": form, "meeting": current, "conflict": differences},
                status=409,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Meeting details saved."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


TRANSITIONS = {
    "prepare": (services.meeting_start_preparation, gettext_lazy("The meeting is now being prepared.")),
    "held": (services.meeting_mark_held, gettext_lazy("The meeting is marked held.")),
    "close": (services.meeting_close, gettext_lazy("The meeting is closed.")),
}


@login_required
def meeting_transition(request, pk, action):
    meeting = _managed_meeting(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    service, done = TRANSITIONS[action]
    extra = {}
    if action == "held":  # the secretary's written reason to hold it with open checklist items
        extra["override_reason"] = request.POST.get("override_reason", "")
    return post_action(
        request,
        lambda: service(meeting=meeting, by=request.user, **extra),
        done,
        meeting,
        refused=_("Not yet: %(what)s"),
    )


@login_required
def meeting_consent(request, pk):
    """Record the higher organisation's consent to hold the meeting (a line of the readiness checklist)."""
    meeting = _managed_meeting(request, pk)
    form = ConsentForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid() and not meeting.is_closed:
        try:
            services.meeting_record_consent(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The consent to hold the meeting is recorded."))
            return redirect(meeting)
    return render(request, "meetings/meeting_consent.html", {"form": form, "meeting": meeting})


# --- agenda ----------------------------------------------------------------------------


@login_required
def meeting_agenda(request, pk):
    meeting = _managed_meeting(request, pk)
    form = AgendaItemForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_create(meeting=meeting, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Agenda item added."))
            return redirect("meetings:agenda", pk=meeting.pk)
    items = meeting.agenda_items.select_related("presenter").order_by("order", "id")
    return render(request, "meetings/meeting_agenda.html", {"meeting": meeting, "items": items, "form": form})


def _agenda_item(request, pk, item_pk) -> AgendaItem:
    meeting = _managed_meeting(request, pk)
    item = get_object_or_404(meeting.agenda_items, pk=item_pk)
    item.meeting = meeting
    return item


@login_required
def agenda_item_edit(request, pk, item_pk):
    item = _agenda_item(request, pk, item_pk)
    meeting = item.meeting
    form = AgendaItemForm(request.POST or None, instance=item, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Agenda item saved."))
            return redirect("meetings:agenda", pk=meeting.pk)
    return render(request, "meetings/agenda_item_form.html", {"meeting": meeting, "item": item, "form": form})


@login_required
def agenda_item_move(request, pk, item_pk):
    item = _agenda_item(request, pk, item_pk)
    direction = request.POST.get("direction", "")
    return post_action(
        request,
        lambda: services.agenda_item_move(item=item, by=request.user, direction=direction),
        None,
        reverse("meetings:agenda", args=[pk]),
    )


@login_required
def agenda_item_delete(request, pk, item_pk):
    item = _agenda_item(request, pk, item_pk)
    return post_action(
        request,
        lambda: services.agenda_item_delete(item=item, by=request.user),
        _("Agenda item removed."),
        reverse("meetings:agenda", args=[pk]),
    )


@login_required
def agenda_standard(request, pk):
    meeting = _managed_meeting(request, pk, "presider")
    return post_action(
        request,
        lambda: services.agenda_apply_standard(meeting=meeting, by=request.user),
        _("The standard agenda was added."),
        reverse("meetings:agenda", args=[pk]),
    )


# --- attendance ------------------------------------------------------------------------


def _attendance_line(role, status, reason) -> str:
    roles, statuses = dict(Attendance.Role.choices), dict(Attendance.Status.choices)
    text = f"{roles.get(role, role)} · {statuses.get(status, status)}"
    reason = (reason or "").strip() if status != Attendance.Status.PRESENT else ""
    return f"{text} ({reason})" if reason else text


def _attendance_differences(meeting, members, rows, guest_rows) -> list[dict]:
    """The rows of the stored sheet (theirs) that differ from the posted one (yours)."""
    stored = list(meeting.attendances.order_by("order", "id"))
    theirs = {a.member_id: a for a in stored if a.member_id}
    yours = {row["member"].pk: row for row in rows}
    missing = _("not on the sheet")
    differences = []
    for membership in members:
        a, row = theirs.get(membership.member_id), yours.get(membership.member_id)
        saved = _attendance_line(a.role, a.status, a.reason) if a else missing
        mine = _attendance_line(row["role"], row["status"], row.get("reason")) if row else missing
        if saved != mine:
            differences.append({"name": membership.member.name, "theirs": saved, "yours": mine})

    def guest_line(name, affiliation, role, status, reason):
        affiliation = (affiliation or "").strip()
        who = f"{name.strip()} ({affiliation})" if affiliation else name.strip()
        return who, _attendance_line(role, status, reason)

    their_guests = dict(
        guest_line(a.name, a.affiliation, a.role, a.status, a.reason) for a in stored if not a.member_id
    )
    present = Attendance.Status.PRESENT
    your_guests = dict(
        guest_line(g["name"], g.get("affiliation"), g["role"], g.get("status", present), g.get("reason"))
        for g in guest_rows
    )
    for who in [*their_guests, *(w for w in your_guests if w not in their_guests)]:
        saved, mine = their_guests.get(who, missing), your_guests.get(who, missing)
        if saved != mine:
            differences.append({"name": who, "theirs": saved, "yours": mine})
    return differences


@login_required
def meeting_attendance(request, pk):
    meeting = _managed_meeting(request, pk)
    if meeting.is_closed:
        # The record is final: show the sheet as it was kept, not a form whose save can only fail.
        if request.method == "POST":
            messages.error(request, _("This meeting is closed: its record can no longer be changed."))
            return redirect("meetings:attendance", pk=meeting.pk)
        records = meeting.attendances.select_related("member").order_by("order", "id")
        return render(request, "meetings/meeting_attendance.html", {"meeting": meeting, "records": records})
    memberships = (
        Membership.objects.current()
        .filter(organisation=meeting.organisation)
        .select_related("member")
        .order_by("order", "member__name")
    )
    members, seen = [], set()
    for membership in memberships:
        if membership.member_id not in seen:
            seen.add(membership.member_id)
            members.append(membership)
    existing = {a.member_id: a for a in meeting.attendances.filter(member__isnull=False)}
    initial = []
    for membership in members:
        current = existing.get(membership.member_id)
        default_role = (
            Attendance.Role.PRESIDER if membership.member_id == meeting.presider_id else Attendance.Role.PARTICIPANT
        )
        initial.append(
            {
                "member_id": membership.member_id,
                "role": current.role if current else default_role,
                "status": current.status if current else Attendance.Status.PRESENT,
                "reason": current.reason if current else "",
            }
        )
    guests_initial = [
        {"name": a.name, "affiliation": a.affiliation, "role": a.role, "status": a.status, "reason": a.reason}
        for a in meeting.attendances.filter(member__isnull=True).order_by("order", "id")
    ]
    data = request.POST if request.method == "POST" else None
    # The sheet as it was loaded: a POST carries it back (also through a re-shown form), so a save
    # over someone else's newer sheet is a conflict, not a silent overwrite.
    sheet_version = request.POST.get("sheet_version", "") if data else services.attendance_sheet_version(meeting)
    conflict = None
    sheet = AttendanceFormSet(data, initial=initial, prefix="sheet")
    guests = GuestFormSet(data, initial=guests_initial, prefix="guests")
    by_id = {m.member_id: m for m in members}
    for form, membership in zip(sheet.forms, members, strict=False):
        form.membership = membership
        name = membership.member.name
        for field, label in (("role", _("Role")), ("status", _("Attendance")), ("reason", _("Reason for absence"))):
            form.fields[field].widget.attrs["aria-label"] = f"{label}: {name}"
    for number, form in enumerate(guests.forms, start=1):
        for field in form.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} ({number})"
    error = None
    if request.method == "POST":
        if sheet.is_valid() and guests.is_valid():
            rows, ok = [], True
            for form in sheet.forms:
                membership = by_id.get(form.cleaned_data["member_id"])
                if membership is None:
                    ok = False
                    break
                rows.append({**form.cleaned_data, "member": membership.member})
            guest_rows = [
                f.cleaned_data for f in guests.forms if f.cleaned_data and not f.cleaned_data.get("DELETE", False)
            ]
            if not ok or len(rows) != len(members):
                error = _("The list of members changed while you were editing; check the sheet and save again.")
            else:
                try:
                    services.attendance_sheet_save(
                        meeting=meeting, by=request.user, rows=rows, guests=guest_rows, version=sheet_version
                    )
                except services.AttendanceConflict as exc:
                    error = error_text(exc)
                    conflict = _attendance_differences(exc.meeting, members, rows, guest_rows)
                    sheet_version = exc.version  # saving again knowingly replaces their sheet
                except ValidationError as exc:
                    error = error_text(exc)
                else:
                    messages.success(request, _("Attendance sheet saved."))
                    return redirect(meeting)
        else:
            error = _("The attendance sheet has errors; nothing was saved. See the marked rows.")
    return render(
        request,
        "meetings/meeting_attendance.html",
        {
            "meeting": meeting,
            "sheet": sheet,
            "guests": guests,
            "error": error,
            "sheet_version": sheet_version,
            "conflict": conflict,
        },
        status=409 if conflict is not None else 200,
    )


# --- preparation -----------------------------------------------------------------------

PREPARATION_FORMS = {
    "study": (StudySessionForm, services.study_session_create, gettext_lazy("Study session recorded.")),
    "opinion": (OpinionForm, services.opinion_create, gettext_lazy("Solicited opinion recorded.")),
    "talk": (TalkForm, services.talk_create, gettext_lazy("Heart-to-heart talk recorded.")),
}
PREPARATION_MODELS = {"study": PreparationActivity, "opinion": SolicitedOpinion, "talk": HeartToHeartTalk}


@login_required
def meeting_preparation(request, pk):
    meeting = _managed_meeting(request, pk)
    forms_by_kind = {}
    posted = request.POST.get("record") if request.method == "POST" else None
    for kind, (form_class, _service, _done) in PREPARATION_FORMS.items():
        data = request.POST if posted == kind else None
        forms_by_kind[kind] = form_class(data, meeting=meeting, prefix=kind)
    if posted in PREPARATION_FORMS:
        form = forms_by_kind[posted]
        _form_class, service, done = PREPARATION_FORMS[posted]
        if form.is_valid():
            try:
                service(meeting=meeting, by=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, str(done))
                return redirect("meetings:preparation", pk=meeting.pk)
    elif request.method == "POST":
        return HttpResponse(status=400)
    context = {
        "meeting": meeting,
        "forms": forms_by_kind,
        "posted": posted,
        "study_sessions": meeting.preparation_activities.filter(kind=PreparationActivity.Kind.STUDY),
        "opinions": meeting.opinions.select_related("addressed_to"),
        "talks": meeting.talks.select_related("member_a", "member_b"),
    }
    return render(request, "meetings/meeting_preparation.html", context)


@login_required
def preparation_delete(request, pk, kind, record_pk):
    meeting = _managed_meeting(request, pk)
    if kind not in PREPARATION_MODELS:
        raise Http404
    record = get_object_or_404(PREPARATION_MODELS[kind].objects.filter(meeting=meeting), pk=record_pk)
    record.meeting = meeting
    return post_action(
        request,
        lambda: services.preparation_record_delete(record=record, by=request.user),
        _("Removed."),
        reverse("meetings:preparation", args=[pk]),
    )


# --- in the meeting: criticism and speeches --------------------------------------------


@login_required
def meeting_criticism(request, pk):
    meeting = _managed_meeting(request, pk)
    form = CriticismForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.criticism_create(meeting=meeting, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Criticism recorded."))
            return redirect("meetings:criticism", pk=meeting.pk)
    records = meeting.criticisms.select_related("from_member", "to_member").order_by("order", "id")
    return render(request, "meetings/meeting_criticism.html", {"meeting": meeting, "form": form, "records": records})


@login_required
def criticism_delete(request, pk, record_pk):
    meeting = _managed_meeting(request, pk)
    record = get_object_or_404(meeting.criticisms, pk=record_pk)
    record.meeting = meeting
    return post_action(
        request,
        lambda: services.criticism_delete(record=record, by=request.user),
        _("Criticism record removed."),
        reverse("meetings:criticism", args=[pk]),
    )


def _speech_page(request, meeting, speech=None):
    existing = [kp.text for kp in speech.key_points.order_by("order")] if speech else []
    spare = 5 if not existing else 2
    initial = [{"text": t} for t in existing] + [{"text": ""} for _i in range(spare)]
    data = request.POST if request.method == "POST" else None
    form = SpeechForm(data, instance=speech, meeting=meeting)
    points = KeyPointFormSet(data, initial=initial, prefix="points", existing_count=len(existing))
    if request.method == "POST":
        form_ok, points_ok = form.is_valid(), points.is_valid()
        if form_ok and points_ok:
            try:
                speech = services.speech_save(
                    meeting=meeting,
                    by=request.user,
                    data=form.cleaned_data,
                    key_points=points.key_points(),
                    speech=speech,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Speech saved."))
                return redirect(f"{meeting.get_absolute_url()}#speech-{speech.pk}")
    context = {
        "meeting": meeting,
        "speech": speech,
        "form": form,
        "points": points,
        "speeches": meeting.speeches.select_related("speaker").order_by("order", "id"),
    }
    return render(request, "meetings/meeting_speech_form.html", context)


@login_required
def speech_create(request, pk):
    meeting = _managed_meeting(request, pk)
    return _speech_page(request, meeting)


@login_required
def speech_edit(request, pk, speech_pk):
    meeting = _managed_meeting(request, pk)
    speech = get_object_or_404(meeting.speeches, pk=speech_pk)
    speech.meeting = meeting
    return _speech_page(request, meeting, speech)


@login_required
def speech_delete(request, pk, speech_pk):
    meeting = _managed_meeting(request, pk)
    speech = get_object_or_404(meeting.speeches, pk=speech_pk)
    speech.meeting = meeting
    return post_action(
        request,
        lambda: services.speech_delete(speech=speech, by=request.user),
        _("Speech removed."),
        meeting.get_absolute_url(),
    )


# --- calendars -------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def meeting_calendar(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    if meeting.held_on is None:
        raise Http404
    body = ical.calendar_bytes([meeting], str(meeting), base_url=request.build_absolute_uri("/"))
    return _ics_response(body, f"meeting-{meeting.pk}.ics")


@require_GET
def calendar_feed(request, token):
    """My upcoming meetings, for calendar apps: the signed token in the URL stands in for the session.

    A calendar app sends neither the language cookie nor a useful Accept-Language, so the feed URL
    carries the language the user had when copying it (?lang=en); without it, the request's language.
    """
    user = ical.user_for_token(token)
    if user is None:
        raise Http404
    language = request.GET.get("lang", "")
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = get_language()
    with override(language):
        meetings = ical.upcoming_meetings(user)
        body = ical.calendar_bytes(meetings, _("My meetings"), base_url=request.build_absolute_uri("/"))
    return _ics_response(body, "my-meetings.ics")


@login_required
def calendar_feed_renew(request):
    """A new address for my calendar feed (POST): calendar apps subscribed to the old one stop getting it."""
    return post_action(
        request,
        lambda: feed_key_rotate(user=request.user),
        _("Your calendar feed has a new address. Subscribe to it again in your calendar app."),
        reverse("meetings:list") + "#calendar-feed",
    )


# --- sign-in at the meeting (QR code) ----------------------------------------------------------


def _signed_in(meeting):
    return list(
        meeting.attendances.filter(signed_in_at__isnull=False).select_related("member").order_by("signed_in_at")
    )


@login_required
def meeting_sign_in(request, pk):
    """The secretary's screen: the meeting's QR code (a link good for two hours) and who has signed in."""
    from .sign_in import SIGN_IN_MAX_AGE, qr_svg, sign_in_url

    meeting = _managed_meeting(request, pk)
    if meeting.is_closed:
        messages.error(request, _("This meeting is closed: signing in is over."))
        return redirect(meeting)
    url = sign_in_url(request, meeting)
    return render(
        request,
        "meetings/meeting_sign_in.html",
        {
            "meeting": meeting,
            "qr_svg": qr_svg(url),
            "sign_in_url": url,
            "valid_hours": SIGN_IN_MAX_AGE // 3600,
            "signed_in": _signed_in(meeting),
            "expected": meeting.attendances.filter(member__isnull=False).count(),
        },
    )


@login_required
@require_GET
def meeting_sign_in_live(request, pk):
    """The list of who has signed in, as a fragment the secretary's screen fetches every few seconds."""
    meeting = _managed_meeting(request, pk)
    response = render(
        request, "meetings/includes/signed_in_list.html", {"meeting": meeting, "signed_in": _signed_in(meeting)}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def meeting_sign_in_scan(request, pk, token):
    """Where the QR code leads: GET asks the member to confirm, POST marks them present."""
    from .sign_in import token_meeting_id

    meeting = get_object_or_404(Meeting.objects.select_related("organisation"), pk=pk)
    valid = token_meeting_id(token) == meeting.pk
    if not valid:
        return render(request, "meetings/sign_in_scan.html", {"meeting": None, "valid": False}, status=400)
    if request.method == "POST":
        try:
            services.attendance_sign_in(meeting=meeting, by=request.user, token=token)
        except (ValidationError, PermissionDenied) as error:
            return render(
                request,
                "meetings/sign_in_scan.html",
                {"meeting": meeting, "valid": True, "error": error_text(error)},
                status=403 if isinstance(error, PermissionDenied) else 400,
            )
        return render(request, "meetings/sign_in_scan.html", {"meeting": meeting, "valid": True, "done": True})
    return render(request, "meetings/sign_in_scan.html", {"meeting": meeting, "valid": True})


# --- the supervision group (appointed by the higher organisation) ------------------------------


@login_required
def meeting_supervisors(request, pk):
    """The higher organisation appoints (and withdraws) the meeting's supervision group."""
    from members.permissions import is_secretary_of

    from .forms import SupervisionForm
    from .models import SupervisionAppointment
    from .permissions import can_appoint_supervisors

    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    if not can_appoint_supervisors(request.user, meeting):
        raise PermissionDenied(_("Only the higher organisation appoints the meeting's supervision group."))
    above = [
        o.pk
        for o in meeting.organisation.ancestors()
        if request.user.is_superuser or is_secretary_of(request.user, o.pk)
    ]
    form = SupervisionForm(request.POST or None, organisation_ids=above)
    if request.method == "POST" and request.POST.get("remove"):
        appointment = get_object_or_404(
            SupervisionAppointment.objects.filter(meeting=meeting), pk=_int_or_404(request.POST["remove"])
        )
        return post_action(
            request,
            lambda: services.supervisor_remove(appointment=appointment, by=request.user),
            _("%(name)s is no longer appointed to the supervision group.") % {"name": appointment.member.name},
            reverse("meetings:supervisors", args=[meeting.pk]),
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.supervisor_appoint(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Appointed to the supervision group."))
            return redirect("meetings:supervisors", pk=meeting.pk)
    appointments = meeting.supervisors.select_related("member", "appointed_by")
    return render(
        request, "meetings/meeting_supervisors.html", {"meeting": meeting, "form": form, "appointments": appointments}
    )


def _int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise Http404 from error
