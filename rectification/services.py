"""Every write of the rectification app: check permission, validate, change state, history, notify."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import history
from core.uploads import validate_upload
from meetings.models import Meeting
from members.models import Member

from . import permissions
from .models import (
    Evidence,
    Problem,
    ProgressReport,
    RectificationItem,
    RectificationPlan,
    ReportBack,
    Verification,
)

S = RectificationItem.Status

# History entries written before core.history held these phrases as text, in the writer's language.
history.legacy("Created", "Reported done", "Verified")


class ItemConflict(ValidationError):
    """The item was saved by someone else since the form was loaded. Nothing was written."""

    def __init__(self, current: RectificationItem):
        super().__init__(
            _(
                "Someone else changed this item meanwhile. Nothing was overwritten: "
                "your values are still in the form; what was saved meanwhile is shown above it. "
                "Save again to replace it with yours."
            ),
            code="conflict",
        )
        self.current = current


def _save_item(item: RectificationItem, *, by, reason: str) -> RectificationItem:
    """Save with a bumped version, the acting user and a change reason in the item's history."""
    item.version += 1
    item._history_user = by
    item._change_reason = reason
    item.full_clean()
    item.save()
    return item


def _require_verifier(organisation, responsible_member) -> None:
    """An item is never left with nobody able to verify it: someone other than the member responsible
    (a secretary, deputy or appointed staff of the organisation or of one above it) must be able to."""
    from .rollup import verifiers_for

    if responsible_member is not None and not verifiers_for(organisation, responsible_member.pk):
        raise ValidationError(
            {
                "responsible_member": _(
                    "Nobody but %(name)s could verify this item: appoint a deputy secretary or staff member of "
                    "%(organisation)s, or make the organisation above it its parent, first."
                )
                % {"name": responsible_member.name, "organisation": organisation}
            }
        )


def _progress_before_done(item: RectificationItem) -> int:
    """The progress an item really has once its "done" is withdrawn (not confirmed, or reopened).

    100 % said the work was finished; that no longer holds, so the item goes back to the last
    progress reported below 100 % (0 when there was none). The history keeps the 100 %."""
    if item.progress_percent < 100:
        return item.progress_percent
    last = (
        ProgressReport.objects.filter(item=item, percent__lt=100)
        .order_by("-date", "-id")
        .values_list("percent", flat=True)
        .first()
    )
    return last or 0


def _require_reason(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


@transaction.atomic
def problem_create(
    *,
    meeting: Meeting,
    by,
    description: str,
    source: str = Problem.Source.SELF_INSPECTION,
    aspect: str = "",
    severity: str = Problem.Severity.MEDIUM,
    about_member: Member | None = None,
    material=None,
    criticism=None,
    opinion=None,
    talk=None,
) -> Problem:
    if not permissions.can_manage_meeting(by, meeting):
        raise PermissionDenied
    for linked in (material, criticism, opinion, talk):
        if linked is not None and linked.meeting_id != meeting.pk:
            raise ValidationError(_("The problem's source belongs to another meeting."))
    problem = Problem(
        meeting=meeting,
        source=source,
        description=(description or "").strip(),
        aspect=aspect or "",
        severity=severity,
        about_member=about_member,
        material=material,
        criticism=criticism,
        opinion=opinion,
        talk=talk,
        created_by=by,
    )
    problem.full_clean()
    problem.save()
    return problem


@transaction.atomic
def problem_from_material(*, material, by, index: int) -> Problem:
    """The n-th problem an approved material lists, recorded as a problem of its meeting (its aspect
    and text as the material gives them): the first step of a proposed rectification item. Twice the
    same problem gives the same record."""
    from materials.selectors import listed_problems

    if not permissions.can_manage_meeting(by, material.meeting):
        raise PermissionDenied
    if not material.is_approved:
        raise ValidationError(_("Only an approved material's problems become rectification items."))
    listed = listed_problems(material)
    if not 0 <= index < len(listed):
        raise ValidationError(_("The material does not list this problem (any more)."))
    entry = listed[index]
    existing = Problem.objects.filter(material=material, description=entry["text"]).first()
    if existing is not None:
        return existing
    aspect = entry["aspect"] if entry["aspect"] in material.meeting.aspect_list else ""
    return problem_create(
        meeting=material.meeting,
        by=by,
        description=entry["text"],
        source=Problem.Source.SELF_INSPECTION,
        aspect=aspect,
        about_member=None if material.on_behalf_of_group else material.author,
        material=material,
    )


@transaction.atomic
def plan_get_or_create(*, meeting: Meeting, by) -> RectificationPlan:
    if not permissions.can_manage_meeting(by, meeting):
        raise PermissionDenied
    plan, _created = RectificationPlan.objects.get_or_create(
        meeting=meeting,
        organisation_id=meeting.organisation_id,
        defaults={"title": _("Rectification plan of %(meeting)s") % {"meeting": meeting}},
    )
    return plan


@transaction.atomic
def item_create(
    *,
    plan: RectificationPlan,
    by,
    measure: str,
    type: str,
    responsible_member: Member,
    responsible_leader: Member | None = None,
    deadline: datetime.date | None = None,
    problem: Problem | None = None,
) -> RectificationItem:
    if not permissions.can_manage_plan(by, plan):
        raise PermissionDenied
    if problem is not None and problem.meeting_id != plan.meeting_id:
        raise ValidationError(_("The problem was found at another meeting."))
    _require_verifier(plan.organisation, responsible_member)
    # The plan's row lock makes concurrent additions to one plan take their numbers one after another.
    plan = RectificationPlan.objects.select_for_update().get(pk=plan.pk)
    last = RectificationItem.objects.filter(plan=plan).aggregate(last=Max("number"))["last"] or 0
    item = RectificationItem(
        plan=plan,
        problem=problem,
        number=last + 1,
        measure=(measure or "").strip(),
        type=type,
        responsible_member=responsible_member,
        responsible_leader=responsible_leader,
        deadline=deadline,
        version=0,
    )
    return _save_item(item, by=by, reason=history.reason(gettext_noop("Created")))


EDITABLE_FIELDS = ("measure", "type", "responsible_member", "responsible_leader", "deadline")


@transaction.atomic
def item_update(*, item: RectificationItem, by, version: int | None = None, **changes) -> RectificationItem:
    """A secretary changes the measure, type, responsible people or deadline of an item not yet closed.

    `version` is the item's version when the form was loaded: a different one means someone saved
    the item since, and ItemConflict is raised with nothing written (None: no check)."""
    item = RectificationItem.objects.select_for_update().select_related("plan__meeting").get(pk=item.pk)
    if not permissions.can_edit(by, item):
        raise PermissionDenied(_("Only a secretary of the organisation changes its items."))
    if item.is_closed:
        raise ValidationError(_("A closed item cannot be changed: reopen it first."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(item, name) != value]
    if not changed:
        return item
    if version is not None and version != item.version:
        raise ItemConflict(item)
    for name in changed:
        setattr(item, name, changes[name])
    if "responsible_member" in changed:
        _require_verifier(item.plan.organisation, item.responsible_member)
    labels = [RectificationItem._meta.get_field(name).verbose_name for name in changed]
    return _save_item(item, by=by, reason=history.reason(gettext_noop("Changed: %(fields)s"), {"fields": labels}))


@transaction.atomic
def item_report_progress(
    *, item: RectificationItem, by, text: str, percent: int, done: bool = False, files=()
) -> ProgressReport:
    item = RectificationItem.objects.select_for_update().select_related("plan__meeting").get(pk=item.pk)
    if not permissions.can_report_progress(by, item):
        raise PermissionDenied(_("Only the responsible member reports progress on this item."))
    if item.status not in (S.OPEN, S.IN_PROGRESS):
        raise ValidationError(
            _("Progress can be reported only on an open item or one in progress (this one is %(status)s).")
            % {"status": item.get_status_display()}
        )
    if percent is None or not 0 <= int(percent) <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."))
    percent = 100 if done else int(percent)
    text = _require_reason(text, _("Say what was done."))
    content_types = [validate_upload(f) for f in files]
    report = ProgressReport(item=item, text=text, percent=percent, author=by, date=timezone.localdate())
    report.full_clean()
    report.save()
    for f, content_type in zip(files, content_types, strict=True):
        Evidence.objects.create(
            report=report, file=f, original_name=f.name[:255], content_type=content_type, size=f.size
        )
    item.progress_percent = percent
    if done:
        item.status = S.DONE
        item.completed_on = timezone.localdate()
        item.completion_note = text
        reason = history.reason(gettext_noop("Reported done"))
    else:
        item.status = S.IN_PROGRESS
        reason = history.reason(gettext_noop("Progress reported: %(percent)s%%"), {"percent": percent})
    _save_item(item, by=by, reason=reason)
    return report


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by) -> None:
    """The responsible member takes a piece of evidence back while the item is still being worked on (open
    or in progress): once it is reported done, the evidence stays as the verifier saw it."""
    item = RectificationItem.objects.select_for_update().get(pk=evidence.report.item_id)
    if not permissions.can_report_progress(by, item):
        raise PermissionDenied(_("Only the responsible member removes evidence from this item's progress reports."))
    if item.status not in (S.OPEN, S.IN_PROGRESS):
        raise ValidationError(
            _("Evidence can be removed only while the item is open or in progress (this one is %(status)s).")
            % {"status": item.get_status_display()}
        )
    name = evidence.original_name
    evidence.file.delete(save=False)
    evidence.delete()
    _save_item(item, by=by, reason=history.reason(gettext_noop("Evidence removed: %(name)s"), {"name": name}))


@transaction.atomic
def item_verify(*, item: RectificationItem, by, confirmed: bool, comment: str = "") -> Verification:
    item = RectificationItem.objects.select_for_update().select_related("plan__meeting").get(pk=item.pk)
    if permissions.is_responsible(by, item):
        raise ValidationError(_("You are responsible for this item: another secretary must verify it."))
    if not permissions.can_verify(by, item):
        raise PermissionDenied(_("Only a secretary of the organisation verifies its items."))
    if item.status != S.DONE:
        raise ValidationError(
            _("Only an item reported done can be verified (this one is %(status)s).")
            % {"status": item.get_status_display()}
        )
    comment = (comment or "").strip()
    if not confirmed:
        comment = _require_reason(comment, _("Say why the item is not confirmed."))
    verification = Verification(item=item, confirmed=confirmed, comment=comment, verified_by=by)
    verification.full_clean()
    verification.save()
    if confirmed:
        item.status = S.VERIFIED
        item.verified_at = timezone.now()
        item.status_reason = ""
        reason = history.reason(gettext_noop("Verified"))
    else:
        item.status = S.IN_PROGRESS
        item.completed_on = None
        item.status_reason = comment
        item.progress_percent = _progress_before_done(item)
        reason = history.reason(gettext_noop("Not confirmed: %(reason)s"), {"reason": comment})
    _save_item(item, by=by, reason=reason)
    return verification


@transaction.atomic
def item_reopen(*, item: RectificationItem, by, reason: str) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().select_related("plan__meeting").get(pk=item.pk)
    if not permissions.can_reopen(by, item):
        raise PermissionDenied(_("Only a secretary of the organisation reopens its items."))
    if item.status not in RectificationItem.CLOSED:
        raise ValidationError(_("Only a closed item (verified or cancelled) can be reopened."))
    reason = _require_reason(reason, _("Say why the item is reopened."))
    item.status = S.IN_PROGRESS
    item.status_reason = reason
    item.verified_at = None
    item.completed_on = None
    item.progress_percent = _progress_before_done(item)
    item.reopened_count += 1
    return _save_item(item, by=by, reason=history.reason(gettext_noop("Reopened: %(reason)s"), {"reason": reason}))


@transaction.atomic
def item_cancel(*, item: RectificationItem, by, reason: str) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().select_related("plan__meeting").get(pk=item.pk)
    if not permissions.can_cancel(by, item):
        raise PermissionDenied(_("Only a secretary of the organisation cancels its items."))
    if item.is_closed:
        raise ValidationError(_("This item is already closed."))
    reason = _require_reason(reason, _("Say why the item is cancelled."))
    item.status = S.CANCELLED
    item.status_reason = reason
    return _save_item(item, by=by, reason=history.reason(gettext_noop("Cancelled: %(reason)s"), {"reason": reason}))


@transaction.atomic
def report_back_snapshot(*, meeting: Meeting) -> int:
    """Record, once, the status of every item of the previous meeting's plans as it stands now.

    Idempotent: entries already taken are kept as they were (history is not rewritten)."""
    if not meeting.previous_meeting_id:
        return 0
    items = RectificationItem.objects.filter(plan__meeting_id=meeting.previous_meeting_id).values_list(
        "pk", "status", "progress_percent", "status_reason"
    )
    entries = [
        ReportBack(meeting=meeting, item_id=pk, status=status, progress_percent=pct, note=note)
        for pk, status, pct, note in items
    ]
    ReportBack.objects.bulk_create(entries, ignore_conflicts=True, batch_size=1000)
    return len(entries)
