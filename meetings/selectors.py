"""Reads of a meeting's record: the minutes, the history, what is missing before the next step.

Writes are in services.py; these functions change nothing.
"""

from typing import TypedDict

from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.dashboard import Section
from members.models import Member, Membership

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
    SupervisionAppointment,
)
from .signals import closing_checks, readiness_checks


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


# --- the readiness checklist -----------------------------------------------------------

#: The kinds of meeting the regulations' preparation rules apply to.
CHECKLIST_KINDS = (Meeting.Kind.DEMOCRATIC_LIFE, Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE)


class Check(TypedDict):
    """One line of the readiness checklist: what the regulations ask, whether it is done, where to do it."""

    key: str
    label: str  # what is asked, e.g. "Heart-to-heart talks held" (lazy: the history keeps it translatable)
    done: bool
    detail: str  # what shows it done, or what is still open
    url: str  # the page where it is done
    action: str  # the link's words


def expected_members(meeting: Meeting, attendances=None) -> list[Member]:
    """The members expected at the meeting: the attendance sheet's, else the organisation's current members."""
    rows = list(meeting.attendances.all()) if attendances is None else attendances
    listed = [a.member for a in rows if a.member_id and a.should_attend]
    if listed or rows:
        return listed
    current = Membership.objects.current().filter(organisation_id=meeting.organisation_id)
    return list(Member.objects.filter(pk__in=current.values("member_id")).order_by("name"))


def required_talk_pairs(meeting: Meeting, attendances=None) -> list[tuple[Member, Member]]:
    """The talks the plan requires: the principal leader (the presider) with each other member."""
    if meeting.presider_id is None:
        return []
    return [(meeting.presider, m) for m in expected_members(meeting, attendances) if m.pk != meeting.presider_id]


def _preparation_url(meeting: Meeting, anchor: str) -> str:
    return reverse("meetings:preparation", args=[meeting.pk]) + anchor


def meeting_checks(meeting: Meeting, attendances=None) -> list[Check]:
    """The meeting's own lines of the checklist: study, opinions, talks, the higher organisation's consent."""
    activities = list(meeting.preparation_activities.all())
    studies = [a for a in activities if a.kind == PreparationActivity.Kind.STUDY]
    opinions = list(meeting.opinions.all())
    talks = list(meeting.talks.all())
    checks: list[Check] = []
    checks.append(
        {
            "key": "study",
            "label": gettext_lazy("Study sessions held"),
            "done": bool(studies),
            "detail": (
                _("%(n)s recorded, the last: %(title)s") % {"n": len(studies), "title": studies[-1].title}
                if studies
                else _("No study session is recorded yet.")
            ),
            "url": _preparation_url(meeting, "#study-title"),
            "action": _("Record a study session"),
        }
    )
    checks.append(
        {
            "key": "opinions",
            "label": gettext_lazy("Opinions and suggestions solicited"),
            "done": bool(opinions),
            "detail": (
                _("%(n)s opinions recorded.") % {"n": len(opinions)}
                if opinions
                else _("No solicited opinion is recorded yet.")
            ),
            "url": _preparation_url(meeting, "#opinion-title"),
            "action": _("Record a solicited opinion"),
        }
    )
    held = {frozenset((t.member_a_id, t.member_b_id)) for t in talks}
    pairs = required_talk_pairs(meeting, attendances)
    open_pairs = [(a, b) for a, b in pairs if frozenset((a.pk, b.pk)) not in held]
    if meeting.presider_id is None:
        talk_detail = _("Name the presider first: each member talks with the principal leader.")
    elif not pairs:
        talk_detail = _("List the members on the attendance sheet: each talks with the principal leader.")
    elif open_pairs:
        talk_detail = _("Still to talk: %(pairs)s.") % {
            "pairs": pgettext("between phrases", ", ").join(
                _("%(a)s with %(b)s") % {"a": a.name, "b": b.name} for a, b in open_pairs
            )
        }
    else:
        talk_detail = _("The principal leader has talked with each of the %(n)s members.") % {"n": len(pairs)}
    checks.append(
        {
            "key": "talks",
            "label": gettext_lazy("Heart-to-heart talks held (the principal leader with each member)"),
            "done": bool(pairs) and not open_pairs,
            "detail": talk_detail,
            "url": _preparation_url(meeting, "#talk-title"),
            "action": _("Record a talk"),
        }
    )
    checks.append(
        {
            "key": "consent",
            "label": gettext_lazy("The higher organisation's consent to hold the meeting"),
            "done": meeting.has_consent,
            "detail": (
                _("Given on %(date)s by %(by)s%(reference)s.")
                % {
                    "date": meeting.consent_on,
                    "by": meeting.consent_by,
                    "reference": (
                        pgettext("opening bracket", " (") + meeting.consent_reference + pgettext("closing bracket", ")")
                        if meeting.consent_reference
                        else ""
                    ),
                }
                if meeting.has_consent
                else _("No consent is recorded yet.")
            ),
            "url": reverse("meetings:consent", args=[meeting.pk]),
            "action": _("Record the consent"),
        }
    )
    return checks


def readiness_checklist(meeting: Meeting, attendances=None, shared: dict | None = None) -> list[Check]:
    """What the regulations ask before a democratic life meeting, each line done or open: the meeting's
    own lines, then those of the apps further up (materials: every attendee's and the group's material
    approved), through the readiness_checks signal. Empty for the kinds of meeting it does not apply to.
    `shared`: see meetings.signals (what the checks of one page read once)."""
    if meeting.kind not in CHECKLIST_KINDS:
        return []
    checks = meeting_checks(meeting, attendances)
    for _receiver, lines in readiness_checks.send(
        sender=Meeting, meeting=meeting, attendances=attendances, shared=shared
    ):
        checks.extend(lines or [])
    return checks


def open_checks(meeting: Meeting, attendances=None) -> list[Check]:
    return [c for c in readiness_checklist(meeting, attendances) if not c["done"]]


def what_is_missing_in_minutes(meeting: Meeting, attendances=None) -> list[str]:
    """What the minutes still lack before the meeting closes: an agenda, each present member's criticism and
    self-criticism, the concluding speech."""
    missing = []
    if not meeting.agenda_items.all():
        missing.append(_("The minutes have no agenda."))
    rows = list(meeting.attendances.all()) if attendances is None else attendances
    speakers = {c.from_member_id for c in meeting.criticisms.all()}
    silent = [
        a.member.name for a in rows if a.member_id and a.should_attend and a.is_present and a.member_id not in speakers
    ]
    if silent:
        missing.append(
            _("The minutes record no criticism or self-criticism by %(names)s.")
            % {"names": pgettext("between names", ", ").join(silent)}
        )
    if not any(s.kind == Speech.Kind.CONCLUDING for s in meeting.speeches.all()):
        missing.append(_("The minutes have no concluding speech."))
    return missing


def what_is_missing_to_close(meeting: Meeting, shared: dict | None = None) -> list[str]:
    missing = []
    if meeting.status != Meeting.Status.HELD:
        missing.append(_("Only a meeting that has been held can be closed (this one is %(status)s).")
                       % {"status": meeting.get_status_display()})  # fmt: skip
    if meeting.kind in CHECKLIST_KINDS:
        missing.extend(what_is_missing_in_minutes(meeting))
    # What other apps ask of a meeting before it closes (materials: every material approved or submitted).
    for _receiver, reasons in closing_checks.send(sender=Meeting, meeting=meeting, shared=shared):
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
        # The supervision group, each with their name (in the model's order: leader first, then by name).
        Prefetch("supervisors", queryset=SupervisionAppointment.objects.select_related("member")),
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


#: The columns a dashboard entry of a meeting reads (its title, kind, date, status, organisation's name): a
#: dashboard list loads these only, not the meeting's long texts. (Reading another field of such a row costs a
#: query per row: the perf tests count the queries with 5 and with 50 rows.)
ENTRY_FIELDS = (
    "title",
    "year",
    "kind",
    "status",
    "held_on",
    "location",
    "presider_id",
    "organisation",
    "organisation__name",
)


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
        elif meeting.kind in CHECKLIST_KINDS:
            # The regulations' checklist (study, opinions, talks, consent, materials) costs queries of its own per
            # meeting: the dashboard does not claim it is complete, and sends the secretary to it.
            meta.append(_("Attendance in order; the readiness checklist on its page shows what else is open."))
            action = _("See the readiness checklist")
        else:
            meta.append(_("Ready to be marked held."))
            action = _("Mark held")
    return {"label": str(meeting), "url": meeting.get_absolute_url(), "meta": " · ".join(meta), "action": action}


def manages_meetings(user) -> bool:
    """Whether the user manages any meeting: the question each app's dashboard sections ask first. One query
    a request (none for a user who manages no organisation), kept on the user object like their scope."""
    if user is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_manages_meetings", None)
    if cached is None:
        cached = Meeting.objects.managed_by(user).exists()
        user._manages_meetings = cached
    return cached


def dashboard_sections(user) -> list[Section]:
    """A secretary's meetings: those being prepared, each with what it still needs, and those held but
    not closed. A member's upcoming meetings are in materials.dashboard_sections, beside their materials."""
    if not manages_meetings(user):
        return []
    managed = Meeting.objects.managed_by(user)
    preparing = (
        managed.filter(status__in=Meeting.UPCOMING)
        .select_related("organisation")
        .only(*ENTRY_FIELDS)
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.only("meeting_id", "member_id", "role", "status"))
        )
        .order_by(F("held_on").asc(nulls_last=True), "id")[:20]
    )
    to_close = (
        managed.filter(status=Meeting.Status.HELD)
        .select_related("organisation")
        .only(*ENTRY_FIELDS)
        .order_by("held_on", "id")[:20]
    )
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
