"""Reads of a meeting's record: the minutes, the history, what is missing before the next step.

Writes are in services.py; these functions change nothing.
"""

from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Section
from members.models import Member

from . import permissions
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
)
from .signals import closing_checks


def attendance_counts(meeting: Meeting, attendances=None) -> dict:
    rows = list(meeting.attendances.all()) if attendances is None else attendances
    expected = [a for a in rows if a.should_attend]
    return {
        "expected": len(expected),
        "present": sum(1 for a in expected if a.status == Attendance.Status.PRESENT),
        "absent": sum(1 for a in expected if a.status != Attendance.Status.PRESENT),
        "guests": sum(1 for a in rows if not a.should_attend),
    }


def what_is_missing_to_hold(meeting: Meeting, attendances=None) -> list[str]:
    missing = []
    if meeting.status != Meeting.Status.PREPARING:
        missing.append(_("Only a meeting in preparation can be marked held (this one is %(status)s).")
                       % {"status": meeting.get_status_display()})  # fmt: skip
    if meeting.presider_id is None:
        missing.append(_("Name the presider of the meeting."))
    if meeting.held_on is None:
        missing.append(_("Enter the date the meeting was held."))
    elif meeting.held_on > timezone.localdate():
        missing.append(_("The meeting is dated %(date)s, which is still in the future.") % {"date": meeting.held_on})
    counts = attendance_counts(meeting, attendances)
    if counts["expected"] == 0:
        missing.append(_("Fill in the attendance sheet."))
    elif counts["present"] == 0:
        missing.append(_("The attendance sheet shows nobody present."))
    return missing


def what_is_missing_to_close(meeting: Meeting) -> list[str]:
    missing = []
    if meeting.status != Meeting.Status.HELD:
        missing.append(_("Only a meeting that has been held can be closed (this one is %(status)s).")
                       % {"status": meeting.get_status_display()})  # fmt: skip
    # What other apps ask of a meeting before it closes (materials: every material approved or submitted).
    for _receiver, reasons in closing_checks.send(sender=Meeting, meeting=meeting):
        missing.extend(reasons or [])
    return missing


def record_queryset():
    """Meetings with every part of their record prefetched: the minutes in a constant number of queries."""
    return Meeting.objects.select_related("organisation", "presider", "previous_meeting").prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("presenter").order_by("order", "id")),
        Prefetch("attendances", queryset=Attendance.objects.select_related("member").order_by("order", "id")),
        Prefetch("preparation_activities", queryset=PreparationActivity.objects.order_by("date", "id")),
        Prefetch("opinions", queryset=SolicitedOpinion.objects.select_related("addressed_to").order_by("id")),
        Prefetch("talks", queryset=HeartToHeartTalk.objects.select_related("member_a", "member_b")),
        Prefetch(
            "criticisms",
            queryset=CriticismRecord.objects.select_related("from_member", "to_member").order_by("order", "id"),
        ),
        Prefetch(
            "speeches",
            queryset=Speech.objects.select_related("speaker")
            .prefetch_related(Prefetch("key_points", queryset=KeyPoint.objects.order_by("order")))
            .order_by("order", "id"),
        ),
    )


def record_visible_to(user):
    """The meetings the user may read, each with its whole record prefetched."""
    return record_queryset().filter(pk__in=Meeting.objects.visible_to(user))


def minutes(meeting: Meeting, user) -> dict:
    """Everything the minutes show, grouped under the agenda items, from prefetched rows."""
    agenda = list(meeting.agenda_items.all())
    attendances = list(meeting.attendances.all())
    criticisms = list(meeting.criticisms.all())
    speeches = list(meeting.speeches.all())
    K = AgendaItem.Kind
    first_of = {}
    for item in agenda:
        first_of.setdefault(item.kind, item.pk)
    sections = {item.pk: {"item": item, "speeches": [], "criticisms": []} for item in agenda}
    loose_criticisms, loose_speeches = [], []
    for record in criticisms:
        target = record.agenda_item_id if record.agenda_item_id in sections else first_of.get(K.INDIVIDUAL_INSPECTION)
        (sections[target]["criticisms"] if target else loose_criticisms).append(record)
    concluding = None
    for speech in speeches:
        if speech.kind == Speech.Kind.CONCLUDING and concluding is None:
            concluding = speech
        target = speech.agenda_item_id if speech.agenda_item_id in sections else None
        if target is None and speech.kind == Speech.Kind.CONCLUDING:
            target = first_of.get(K.CONCLUDING_SPEECH)
        (sections[target]["speeches"] if target else loose_speeches).append(speech)
    activities = list(meeting.preparation_activities.all())
    talks = list(meeting.talks.all())
    opinions = list(meeting.opinions.all())
    counts = attendance_counts(meeting, attendances)
    return {
        "meeting": meeting,
        "can_manage": permissions.can_manage_meeting(user, meeting),
        "sections": [sections[item.pk] for item in agenda],
        "loose_criticisms": loose_criticisms,
        "loose_speeches": loose_speeches,
        "concluding": concluding,
        "attendances": attendances,
        "members_attending": [a for a in attendances if a.should_attend],
        "guests": [a for a in attendances if not a.should_attend],
        "counts": counts,
        "study_sessions": [a for a in activities if a.kind == PreparationActivity.Kind.STUDY],
        "other_activities": [a for a in activities if a.kind != PreparationActivity.Kind.STUDY],
        "opinions": opinions,
        "talk_count": len(talks),
        "talks": permissions.visible_talks(user, meeting, talks),
    }


def history_entries(meeting: Meeting) -> list[dict]:
    """Who changed what, when: every historical record with its reason and field changes.
    Foreign keys and choices are shown by name, looked up in one query per related model."""
    records = list(meeting.history.select_related("history_user").order_by("-history_date", "-history_id"))
    deltas = []
    related_ids = {"presider": set(), "previous_meeting": set()}
    for record, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            for change in record.diff_against(older, foreign_keys_are_objs=False).changes:
                if change.field == "updated_at":
                    continue
                changes.append(change)
                if change.field in related_ids:
                    related_ids[change.field].update(v for v in (change.old, change.new) if v)
        deltas.append((record, changes))
    names = {
        "presider": dict(Member.objects.filter(pk__in=related_ids["presider"]).values_list("pk", "name")),
        "previous_meeting": {m.pk: str(m) for m in Meeting.objects.filter(pk__in=related_ids["previous_meeting"])},
    }

    def shown(field, value):
        if value in (None, ""):
            return ""
        if field.name in names:
            return names[field.name].get(value, value)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    entries = []
    for record, changes in deltas:
        rows = []
        for change in changes:
            field = Meeting._meta.get_field(change.field)
            rows.append({"field": field.verbose_name, "old": shown(field, change.old), "new": shown(field, change.new)})
        user = record.history_user
        who = (user.get_full_name() or user.username) if user else _("system")
        entries.append({"record": record, "changes": rows, "who": who})
    return entries


# --- /dashboard/ ---------------------------------------------------------------------------


def _when(meeting: Meeting) -> str:
    return meeting.held_on.isoformat() if meeting.held_on else _("date not set")


def _preparation_entry(meeting: Meeting) -> dict:
    """A meeting being prepared, with its next step and what that step still needs."""
    meta = [meeting.organisation.name, _when(meeting)]
    if meeting.status == Meeting.Status.PLANNED:
        meta.append(_("Next: start the preparation."))
        action = _("Start preparation")
    else:
        missing = what_is_missing_to_hold(meeting, list(meeting.attendances.all()))
        if missing:
            meta.append(_("Still needed before it is held: %(missing)s") % {"missing": " ".join(missing)})
            action = _("Prepare")
        else:
            meta.append(_("Ready to be marked held."))
            action = _("Mark held")
    return {"label": str(meeting), "url": meeting.get_absolute_url(), "meta": " · ".join(meta), "action": action}


def dashboard_sections(user) -> list[Section]:
    """A secretary's meetings: those being prepared, each with what it still needs, and those held but
    not closed. A member's upcoming meetings are in materials.dashboard_sections, beside their materials."""
    managed = Meeting.objects.managed_by(user)
    if not managed.exists():
        return []
    preparing = (
        managed.filter(status__in=Meeting.UPCOMING)
        .select_related("organisation")
        .prefetch_related("attendances")
        .order_by(F("held_on").asc(nulls_last=True), "id")[:20]
    )
    to_close = managed.filter(status=Meeting.Status.HELD).select_related("organisation").order_by("held_on", "id")[:20]
    return [
        {
            "title": _("Meetings being prepared"),
            "items": [_preparation_entry(m) for m in preparing],
            "empty": _("No meeting is being prepared. Plan the next one from the meeting list."),
            "more_url": reverse("meetings:list"),
        },
        {
            "title": _("Meetings held, waiting to be closed"),
            "items": [
                {
                    "label": str(m),
                    "url": m.get_absolute_url(),
                    "meta": " · ".join(
                        [
                            m.organisation.name,
                            _("held on %(date)s") % {"date": _when(m)},
                            _("Next: complete the record, then close it; its page says what is missing."),
                        ]
                    ),
                    "action": _("Close the meeting"),
                }
                for m in to_close
            ],
            "empty": _("No held meeting is waiting to be closed."),
            "more_url": reverse("meetings:list") + f"?status={Meeting.Status.HELD}",
        },
    ]
