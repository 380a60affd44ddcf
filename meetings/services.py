"""Writes to a meeting's record. Every function checks the actor's permission, validates,
changes state and leaves a line in the meeting's history (who, when, what).

Only Meeting keeps django-simple-history; changes to its parts (agenda, attendance,
preparation, criticism, speeches) are written to the meeting's history as a change
reason, so the history page tells the whole story.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from core import history
from members import pagecache
from members.models import Member, Membership

from . import permissions, selectors
from .models import (
    AgendaItem,
    Attendance,
    CriticismRecord,
    HeartToHeartTalk,
    KeyPoint,
    Meeting,
    PreparationActivity,
    SolicitedOpinion,
    Speech,
    SupervisionAppointment,
)
from .signals import meeting_held

# History entries written before core.history held these phrases as text, in the writer's language.
history.legacy("Meeting planned", "Preparation started", "Marked held", "Closed", "Standard agenda added")

MEETING_FIELDS = [
    "kind",
    "title",
    "year",
    "theme",
    "aspects",
    "held_on",
    "start_time",
    "end_time",
    "location",
    "presider",
    "presider_posts",
    "previous_meeting",
    "summary",
]

STANDARD_AGENDA_KINDS = (Meeting.Kind.DEMOCRATIC_LIFE, Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE)


def standard_agenda() -> list[tuple[str, str]]:
    """The agenda of the seed notice's democratic life meeting, in order."""
    K = AgendaItem.Kind
    return [
        (K.PREVIOUS_RECTIFICATION, _("Report on the implementation of the previous meeting's rectification measures")),
        (K.SOLICITED_OPINIONS, _("Report on the opinions and suggestions solicited for this meeting")),
        (K.GROUP_INSPECTION, _("The group's comparison inspection, presented by the presider on behalf of the group")),
        (K.INDIVIDUAL_INSPECTION, _("Each member's comparison inspection, with criticism and self-criticism")),
        (K.CONCLUDING_SPEECH, _("The presider's concluding speech")),
    ]


# --- conflicts -------------------------------------------------------------------------


class MeetingConflict(ValidationError):
    """The meeting's details were saved by someone else since the form was loaded. Nothing was written."""

    def __init__(self, current: Meeting):
        super().__init__(
            _(
                "Someone else saved this meeting's details while you were editing them. Nothing was overwritten: "
                "your values are still in the form; the fields saved differently are listed above it. "
                "Save again to replace them with yours."
            ),
            code="conflict",
        )
        self.current = current


class AttendanceConflict(ValidationError):
    """The attendance sheet was saved by someone else since it was loaded. Nothing was written."""

    def __init__(self, meeting: Meeting, version: str):
        super().__init__(
            _(
                "Someone else saved this attendance sheet while you were filling it in. Nothing was overwritten: "
                "your entries are still in the form; the rows saved differently are listed above it. "
                "Save again to replace them with yours."
            ),
            code="conflict",
        )
        self.meeting = meeting
        self.version = version


# --- helpers ---------------------------------------------------------------------------


def _require_manager(meeting: Meeting, by) -> None:
    if not permissions.can_manage_meeting(by, meeting):
        raise PermissionDenied(_("Only the secretaries of this meeting's organisation may change it."))


def _require_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError(_("This meeting is closed: its record can no longer be changed."))


def _log(meeting: Meeting, by, reason: str) -> None:
    """Write one line to the meeting's history: who (by), when (now), what (reason)."""
    meeting._history_user = by
    meeting._change_reason = reason
    meeting.save(update_fields=["updated_at"])


def _save_logged(meeting: Meeting, by, reason: str) -> None:
    meeting._history_user = by
    meeting._change_reason = reason
    meeting.save()


def organisation_member_ids(organisation_id: int) -> set[int]:
    return set(Membership.objects.current().filter(organisation_id=organisation_id).values_list("member_id", flat=True))


def _check_members(meeting: Meeting, field_members: dict[str, Member | None]) -> None:
    """Every member named must belong to the meeting's organisation."""
    allowed = organisation_member_ids(meeting.organisation_id)
    errors = {}
    for field, member in field_members.items():
        if member is not None and member.pk not in allowed:
            errors[field] = _("%(name)s is not a member of %(org)s.") % {
                "name": member.name,
                "org": meeting.organisation.name,
            }
    if errors:
        raise ValidationError(errors)


# --- the meeting itself ----------------------------------------------------------------


def _apply_fields(meeting: Meeting, data: dict) -> list[str]:
    changed = []
    for field in MEETING_FIELDS:
        if field in data and getattr(meeting, field) != data[field]:
            setattr(meeting, field, data[field])
            changed.append(field)
    if meeting.presider_id and not meeting.presider_posts:
        meeting.presider_posts = meeting.presider.posts
    return changed


@transaction.atomic
def meeting_create(*, organisation, by, data: dict) -> Meeting:
    if not permissions.is_secretary_of(by, organisation.pk):
        raise PermissionDenied(_("Only the secretaries of an organisation may plan its meetings."))
    meeting = Meeting(organisation=organisation, created_by=by, status=Meeting.Status.PLANNED)
    _apply_fields(meeting, data)
    meeting.full_clean()
    _check_members(meeting, {"presider": meeting.presider})
    _save_logged(meeting, by, history.reason(gettext_noop("Meeting planned")))
    if meeting.kind in STANDARD_AGENDA_KINDS:
        _create_standard_agenda(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, data: dict, version: int | None = None) -> Meeting:
    """Save the meeting's details. `version` is the one the form was loaded with: if the meeting was
    saved since and these values differ from the stored ones, MeetingConflict is raised and nothing
    changes (None: no check, for callers that hold no form)."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # compare with what is stored, not a form's copy
    _require_open(meeting)
    if version is not None and int(version) != meeting.version:
        if any(field in data and getattr(meeting, field) != data[field] for field in MEETING_FIELDS):
            raise MeetingConflict(meeting)
    changed = _apply_fields(meeting, data)
    meeting.full_clean()
    _check_members(meeting, {"presider": meeting.presider})
    if changed:
        meeting.version += 1
        labels = [Meeting._meta.get_field(f).verbose_name for f in changed]
        _save_logged(meeting, by, history.reason(gettext_noop("Details changed: %(fields)s"), {"fields": labels}))
    return meeting


@transaction.atomic
def meeting_start_preparation(*, meeting: Meeting, by) -> Meeting:
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # saving a stale copy would undo others' edits
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can move into preparation."))
    meeting.status = Meeting.Status.PREPARING
    _save_logged(meeting, by, history.reason(gettext_noop("Preparation started")))
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by, override_reason: str = "") -> Meeting:
    """Mark the meeting held. Refused while an item of the readiness checklist is open, unless the
    secretary writes why it is held anyway (`override_reason`): the reason is kept on the meeting,
    in its history and in the minutes."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    missing = selectors.what_is_missing_to_hold(meeting)
    if missing:
        raise ValidationError(missing)
    still_open = selectors.open_checks(meeting)
    reason = (override_reason or "").strip()
    if still_open and not reason:
        raise ValidationError(
            _(
                "The readiness checklist is not complete: %(items)s. Complete it, or write the reason"
                " for holding the meeting anyway."
            )
            % {"items": pgettext("between phrases", "; ").join(str(c["label"]) for c in still_open)},
            code="checklist_open",
        )
    meeting.status = Meeting.Status.HELD
    if still_open:
        meeting.hold_override_reason = reason
        _save_logged(
            meeting,
            by,
            history.reason(
                gettext_noop("Marked held with open checklist items (%(items)s); reason: %(reason)s"),
                {"items": [c["label"] for c in still_open], "reason": reason},
            ),
        )
    else:
        _save_logged(meeting, by, history.reason(gettext_noop("Marked held")))
    meeting_held.send(sender=Meeting, meeting=meeting, by=by)
    return meeting


@transaction.atomic
def meeting_close(*, meeting: Meeting, by) -> Meeting:
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    missing = selectors.what_is_missing_to_close(meeting)
    if missing:
        raise ValidationError(missing)
    meeting.status = Meeting.Status.CLOSED
    _save_logged(meeting, by, history.reason(gettext_noop("Closed")))
    return meeting


@transaction.atomic
def meeting_record_consent(
    *, meeting: Meeting, by, consent_on, consent_by: str, consent_reference: str = ""
) -> Meeting:
    """Record the higher organisation's consent to hold the meeting: the date, who gave it, its reference."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open(meeting)
    errors = {}
    if consent_on is None:
        errors["consent_on"] = _("Enter the date the consent was given.")
    elif consent_on > timezone.localdate():
        errors["consent_on"] = _("The consent cannot be dated in the future.")
    elif meeting.held_on and consent_on > meeting.held_on:
        errors["consent_on"] = _("The consent must be given before the meeting (%(date)s).") % {"date": meeting.held_on}
    if not (consent_by or "").strip():
        errors["consent_by"] = _("Name the higher organisation that gave the consent.")
    if errors:
        raise ValidationError(errors)
    meeting.consent_on = consent_on
    meeting.consent_by = consent_by.strip()
    meeting.consent_reference = (consent_reference or "").strip()
    _save_logged(
        meeting,
        by,
        history.reason(
            gettext_noop("Consent to hold the meeting recorded: %(by)s, %(date)s"),
            {"by": meeting.consent_by, "date": consent_on.isoformat()},
        ),
    )
    return meeting


# --- agenda ----------------------------------------------------------------------------


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


# Items the presider presents; the reports on the previous rectification and on the opinions are given by
# whoever the group names, and in item 4 each member speaks for themself, so those are left for the secretary.
PRESIDER_PRESENTS = (AgendaItem.Kind.GROUP_INSPECTION, AgendaItem.Kind.CONCLUDING_SPEECH)


def _create_standard_agenda(meeting: Meeting) -> list[AgendaItem]:
    items = [
        AgendaItem(
            meeting=meeting,
            order=i,
            kind=kind,
            title=title,
            presenter=meeting.presider if kind in PRESIDER_PRESENTS else None,
        )
        for i, (kind, title) in enumerate(standard_agenda(), start=1)
    ]
    return AgendaItem.objects.bulk_create(items)


@transaction.atomic
def agenda_apply_standard(*, meeting: Meeting, by) -> list[AgendaItem]:
    _require_manager(meeting, by)
    _require_open(meeting)
    if meeting.agenda_items.exists():
        raise ValidationError(_("The agenda already has items; the standard agenda is only for an empty agenda."))
    items = _create_standard_agenda(meeting)
    _log(meeting, by, history.reason(gettext_noop("Standard agenda added")))
    return items


@transaction.atomic
def agenda_item_create(*, meeting: Meeting, by, data: dict) -> AgendaItem:
    _require_manager(meeting, by)
    _require_open(meeting)
    item = AgendaItem(meeting=meeting, order=_next_order(meeting.agenda_items.all()), **data)
    item.full_clean()
    _check_members(meeting, {"presenter": item.presenter})
    item.save()
    _log(meeting, by, history.reason(gettext_noop("Agenda item added: %(title)s"), {"title": item.title}))
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by, data: dict) -> AgendaItem:
    meeting = item.meeting
    _require_manager(meeting, by)
    _require_open(meeting)
    for field, value in data.items():
        setattr(item, field, value)
    item.full_clean()
    _check_members(meeting, {"presenter": item.presenter})
    item.save()
    _log(meeting, by, history.reason(gettext_noop("Agenda item edited: %(title)s"), {"title": item.title}))
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by, direction: str) -> AgendaItem:
    meeting = item.meeting
    _require_manager(meeting, by)
    _require_open(meeting)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    items = list(meeting.agenda_items.select_for_update().order_by("order", "id"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        for position, it in enumerate(items, start=1):
            it.order = position
        AgendaItem.objects.bulk_update(items, ["order"])
        message = (
            gettext_noop("Agenda item moved up: %(title)s")
            if direction == "up"
            else gettext_noop("Agenda item moved down: %(title)s")
        )
        _log(meeting, by, history.reason(message, {"title": item.title}))
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by) -> None:
    meeting = item.meeting
    _require_manager(meeting, by)
    _require_open(meeting)
    title = item.title
    item.delete()
    for position, it in enumerate(meeting.agenda_items.order_by("order", "id"), start=1):
        if it.order != position:
            it.order = position
            it.save(update_fields=["order"])
    _log(meeting, by, history.reason(gettext_noop("Agenda item removed: %(title)s"), {"title": title}))


# --- attendance ------------------------------------------------------------------------

MEMBER_ROLES = (Attendance.Role.PRESIDER, Attendance.Role.PARTICIPANT, Attendance.Role.NON_VOTING)
GUEST_ROLES = (Attendance.Role.NON_VOTING, Attendance.Role.OBSERVER)


def attendance_sheet_version(meeting: Meeting) -> str:
    """A fingerprint of the sheet as stored: the form carries it, and a save from a form whose
    fingerprint no longer matches was loaded before someone else's save."""
    rows = meeting.attendances.order_by("order", "id").values_list(
        "member_id", "name", "affiliation", "role", "status", "reason", "order"
    )
    return hashlib.sha256(json.dumps(list(rows), default=str).encode()).hexdigest()[:32]


@transaction.atomic
def attendance_sheet_save(
    *, meeting: Meeting, by, rows: list[dict], guests: list[dict], version: str | None = None
) -> list[Attendance]:
    """Save the whole sheet at once: a row per member (member, role, status, reason), and the
    attendees who are not members (name, affiliation, role, status, reason). All or nothing.

    `version` is attendance_sheet_version() of the sheet the form was loaded from; a different
    one means someone saved since: AttendanceConflict, nothing written (None: no check)."""
    _require_manager(meeting, by)
    meeting = Meeting.objects.select_for_update().select_related("organisation").get(pk=meeting.pk)  # one at a time
    _require_open(meeting)
    current_version = attendance_sheet_version(meeting)
    if version is not None and version != current_version:
        raise AttendanceConflict(meeting, current_version)
    allowed = organisation_member_ids(meeting.organisation_id)
    errors = []
    seen = set()
    for row in rows:
        member = row["member"]
        if member.pk not in allowed:
            errors.append(_("%(name)s is not a member of this organisation.") % {"name": member.name})
        if member.pk in seen:
            errors.append(_("%(name)s is on the sheet twice.") % {"name": member.name})
        seen.add(member.pk)
        if row["role"] not in MEMBER_ROLES:
            errors.append(_("%(name)s: choose a role for a member.") % {"name": member.name})
        if row["status"] != Attendance.Status.PRESENT and not (row.get("reason") or "").strip():
            errors.append(_("%(name)s: an absence needs a reason.") % {"name": member.name})
    for guest in guests:
        name = (guest.get("name") or "").strip()
        if not name:
            errors.append(_("An attendee who is not a member needs a name."))
        if guest["role"] not in GUEST_ROLES:
            errors.append(_("%(name)s: an attendee who is not a member is non-voting or an observer.") % {"name": name})
        if (
            guest.get("status", Attendance.Status.PRESENT) != Attendance.Status.PRESENT
            and not (guest.get("reason") or "").strip()
        ):
            errors.append(_("%(name)s: an absence needs a reason.") % {"name": name})
    if sum(1 for r in rows if r["role"] == Attendance.Role.PRESIDER) > 1:
        errors.append(_("Only one member can preside."))
    if errors:
        raise ValidationError(errors)

    existing = {a.member_id: a for a in meeting.attendances.filter(member__isnull=False).select_related("member")}
    named_users = {a.member.user_id for a in existing.values()} | {row["member"].user_id for row in rows}
    to_update, to_create = [], []
    for position, row in enumerate(rows, start=1):
        reason = (row.get("reason") or "").strip() if row["status"] != Attendance.Status.PRESENT else ""
        values = {"role": row["role"], "status": row["status"], "reason": reason, "order": position}
        current = existing.pop(row["member"].pk, None)
        if current is None:
            to_create.append(Attendance(meeting=meeting, member=row["member"], **values))
        else:
            for key, value in values.items():
                setattr(current, key, value)
            to_update.append(current)
    if existing:  # members no longer on the sheet
        Attendance.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
    Attendance.objects.bulk_update(to_update, ["role", "status", "reason", "order"])
    meeting.attendances.filter(member__isnull=True).delete()
    offset = len(rows)
    for position, guest in enumerate(guests, start=offset + 1):
        status = guest.get("status", Attendance.Status.PRESENT)
        to_create.append(
            Attendance(
                meeting=meeting,
                name=guest["name"].strip(),
                affiliation=(guest.get("affiliation") or "").strip(),
                role=guest["role"],
                status=status,
                reason=(guest.get("reason") or "").strip() if status != Attendance.Status.PRESENT else "",
                order=position,
            )
        )
    Attendance.objects.bulk_create(to_create)
    # Kept signed-in pages: this organisation's, and those of everyone on or taken off the sheet.
    pagecache.bulk_written(Attendance, organisations=[meeting.organisation_id], users=named_users)
    counts = selectors.attendance_counts(meeting)
    _log(
        meeting,
        by,
        history.reason(
            gettext_noop(
                "Attendance sheet saved: %(expected)s should attend, %(present)s present, %(guests)s other attendees"
            ),
            counts,
        ),
    )
    return list(meeting.attendances.all())


# --- preparation -----------------------------------------------------------------------


@transaction.atomic
def study_session_create(*, meeting: Meeting, by, data: dict) -> PreparationActivity:
    _require_manager(meeting, by)
    _require_open(meeting)
    activity = PreparationActivity(meeting=meeting, kind=PreparationActivity.Kind.STUDY, **data)
    activity.full_clean()
    activity.save()
    _log(meeting, by, history.reason(gettext_noop("Study session recorded: %(title)s"), {"title": activity.title}))
    return activity


@transaction.atomic
def opinion_create(*, meeting: Meeting, by, data: dict) -> SolicitedOpinion:
    _require_manager(meeting, by)
    _require_open(meeting)
    opinion = SolicitedOpinion(meeting=meeting, **data)
    opinion.full_clean()
    _check_members(meeting, {"addressed_to": opinion.addressed_to})
    opinion.save()
    _log(
        meeting,
        by,
        history.reason(gettext_noop("Solicited opinion recorded from %(source)s"), {"source": opinion.source}),
    )
    return opinion


@transaction.atomic
def talk_create(*, meeting: Meeting, by, data: dict) -> HeartToHeartTalk:
    _require_manager(meeting, by)
    _require_open(meeting)
    talk = HeartToHeartTalk(meeting=meeting, **data)
    if talk.member_a_id and talk.member_a_id == talk.member_b_id:
        raise ValidationError({"member_b": _("A heart-to-heart talk is between two different members.")})
    talk.full_clean()
    _check_members(meeting, {"member_a": talk.member_a, "member_b": talk.member_b})
    talk.save()
    _log(
        meeting,
        by,
        history.reason(
            gettext_noop("Heart-to-heart talk recorded: %(a)s and %(b)s"), {"a": talk.member_a, "b": talk.member_b}
        ),
    )
    return talk


@transaction.atomic
def preparation_record_delete(*, record, by) -> None:
    """Remove a study session, a solicited opinion or a talk."""
    meeting = record.meeting
    _require_manager(meeting, by)
    _require_open(meeting)
    kind, label = record._meta.verbose_name, str(record)
    record.delete()
    _log(meeting, by, history.reason(gettext_noop("Removed %(kind)s: %(record)s"), {"kind": kind, "record": label}))


# --- in the meeting --------------------------------------------------------------------


def _require_present(meeting: Meeting, member: Member, field: str = "from_member") -> None:
    """Only a member present at the meeting can speak in it. Without an attendance sheet nothing is known."""
    sheet = {a.member_id: a for a in meeting.attendances.filter(member__isnull=False)}
    if not sheet:
        return
    attendance = sheet.get(member.pk)
    if attendance is None:
        message = _(
            "%(member)s is not on the attendance sheet, so cannot have spoken in the meeting."
            " Correct the attendance sheet first if they were present."
        ) % {"member": member}
    elif attendance.status != Attendance.Status.PRESENT:
        message = _(
            "%(member)s is marked %(status)s on the attendance sheet, so cannot have spoken in the meeting."
            " Correct the attendance sheet first if they were present."
        ) % {"member": member, "status": attendance.get_status_display()}
    else:
        return
    raise ValidationError({field: message})


@transaction.atomic
def criticism_create(*, meeting: Meeting, by, data: dict) -> CriticismRecord:
    _require_manager(meeting, by)
    _require_open(meeting)
    record = CriticismRecord(meeting=meeting, order=_next_order(meeting.criticisms.all()), **data)
    if record.to_member_id and record.to_member_id == record.from_member_id:
        record.to_member = None  # criticism of oneself is self-criticism
    if record.agenda_item_id and record.agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})
    record.full_clean()
    _check_members(meeting, {"from_member": record.from_member, "to_member": record.to_member})
    _require_present(meeting, record.from_member)
    record.save()
    if record.is_self_criticism:
        what = history.reason(gettext_noop("Self-criticism recorded: %(from)s"), {"from": record.from_member})
    else:
        what = history.reason(
            gettext_noop("Criticism recorded: %(from)s to %(to)s"), {"from": record.from_member, "to": record.to_member}
        )
    _log(meeting, by, what)
    return record


@transaction.atomic
def criticism_delete(*, record: CriticismRecord, by) -> None:
    meeting = record.meeting
    _require_manager(meeting, by)
    _require_open(meeting)
    who = record.from_member
    record.delete()
    _log(meeting, by, history.reason(gettext_noop("Criticism record of %(from)s removed"), {"from": who}))


@transaction.atomic
def speech_save(*, meeting: Meeting, by, data: dict, key_points: list[str], speech: Speech | None = None) -> Speech:
    """Create or edit a speech with its ordered key points (replaced as a whole)."""
    _require_manager(meeting, by)
    _require_open(meeting)
    errors = {}
    texts = [(t or "").strip() for t in key_points]
    empty = [str(i) for i, t in enumerate(texts, start=1) if not t]
    if empty:
        errors["__all__"] = [_("Key point %(numbers)s has no text.") % {"numbers": ", ".join(empty)}]
    creating = speech is None
    if creating:
        speech = Speech(meeting=meeting, order=_next_order(meeting.speeches.all()))
    for field, value in data.items():
        setattr(speech, field, value)
    if speech.agenda_item_id and speech.agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = [_("Choose an item of this meeting's agenda.")]
    if not speech.speaker_id and not speech.speaker_name.strip():
        errors["speaker"] = [_("Name the speaker: a member, or a name for someone who is not a member.")]
    if speech.kind == Speech.Kind.CONCLUDING:
        others = meeting.speeches.filter(kind=Speech.Kind.CONCLUDING)
        if speech.pk:
            others = others.exclude(pk=speech.pk)
        if others.exists():
            errors["kind"] = [_("This meeting already has a concluding speech.")]
    try:
        speech.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    _check_members(meeting, {"speaker": speech.speaker})
    if speech.speaker_id:
        _require_present(meeting, speech.speaker, field="speaker")
    speech.save()
    speech.key_points.all().delete()
    KeyPoint.objects.bulk_create([KeyPoint(speech=speech, order=i, text=text) for i, text in enumerate(texts, start=1)])
    message = (
        gettext_noop("Speech recorded: %(speech)s, %(n)s key points")
        if creating
        else gettext_noop("Speech edited: %(speech)s, %(n)s key points")
    )
    _log(meeting, by, history.reason(message, {"speech": speech, "n": len(texts)}))
    return speech


@transaction.atomic
def speech_delete(*, speech: Speech, by) -> None:
    meeting = speech.meeting
    _require_manager(meeting, by)
    _require_open(meeting)
    label = str(speech)
    speech.delete()
    _log(meeting, by, history.reason(gettext_noop("Speech removed: %(speech)s"), {"speech": label}))


# --- sign-in at the meeting (QR code) ----------------------------------------------------------


@transaction.atomic
def attendance_sign_in(*, meeting: Meeting, by, token: str) -> Attendance:
    """A member who opens the meeting's shown sign-in link while signed in is marked present: their
    row on the attendance sheet, or a new one when they are a current member of the organisation."""
    from .sign_in import token_meeting_id

    if token_meeting_id(token) != meeting.pk:
        raise ValidationError(_("This sign-in code is no longer valid: ask the secretary to show the current one."))
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError(_("This meeting is closed: signing in is over."))
    member = permissions.member_for(by)
    if member is None:
        raise PermissionDenied(_("Your account is not linked to a member: ask the secretary to mark you on the sheet."))
    attendance = Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    if attendance is None:
        if member.pk not in organisation_member_ids(meeting.organisation_id):
            raise PermissionDenied(
                _("You are not a member of %(organisation)s: ask the secretary to add you to the sheet.")
                % {"organisation": meeting.organisation}
            )
        last = meeting.attendances.aggregate(last=Max("order"))["last"] or 0
        attendance = Attendance(meeting=meeting, member=member, order=last + 1)
    if attendance.signed_in_at is None:
        attendance.signed_in_at = timezone.now()
    attendance.status = Attendance.Status.PRESENT
    attendance.reason = ""
    attendance.full_clean()
    attendance.save()
    _log(meeting, by, history.reason(gettext_noop("Signed in with the QR code: %(member)s"), {"member": member.name}))
    return attendance


# --- the supervision group ------------------------------------------------------------------


@transaction.atomic
def supervisor_appoint(*, meeting: Meeting, by, member: Member, role: str, group_name: str = ""):
    """A secretary of a higher organisation appoints a member of the supervision group (督导组) to the
    meeting: they read its record, materials and ledger, and sign off materials before it."""
    if not permissions.can_appoint_supervisors(by, meeting):
        raise PermissionDenied(_("Only the higher organisation appoints the meeting's supervision group."))
    _require_open(meeting)
    appointed_by = next(
        (o for o in meeting.organisation.ancestors() if permissions.is_secretary_of(by, o.pk)),
        None,
    )
    appointment = SupervisionAppointment(
        meeting=meeting, member=member, role=role, group_name=(group_name or "").strip(), appointed_by=appointed_by
    )
    appointment.full_clean()
    appointment.save()
    _log(
        meeting,
        by,
        history.reason(
            gettext_noop("Supervision group: %(member)s appointed (%(role)s)"),
            {"member": member.name, "role": appointment.get_role_display()},
        ),
    )
    return appointment


@transaction.atomic
def supervisor_remove(*, appointment, by) -> None:
    meeting = appointment.meeting
    if not permissions.can_appoint_supervisors(by, meeting):
        raise PermissionDenied(_("Only the higher organisation appoints the meeting's supervision group."))
    _require_open(meeting)
    name = appointment.member.name
    appointment.delete()
    _log(
        meeting, by, history.reason(gettext_noop("Supervision group: %(member)s no longer appointed"), {"member": name})
    )
