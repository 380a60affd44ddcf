"""Template tags through which meeting pages show rectification data without meetings
importing rectification.

    {% load rectification_tags %}
    {% report_back meeting %}          the previous meeting's items as reported at this meeting
    {% rectification_links meeting %}  links to the meeting's plan, to record a problem, to its ledger:
                                       only those the signed-in user may follow (at most two queries)
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .. import permissions
from ..models import RectificationItem, RectificationPlan, ReportBack

register = template.Library()

S = RectificationItem.Status
# The order in which the totals read: "18 measures: 15 completed, 3 in progress".
# The words are the statuses' own, as the ledger and the item pages show them.
TOTAL_PARTS = [
    (S.VERIFIED, lambda n: ngettext("%(n)s verified", "%(n)s verified", n)),
    (S.DONE, lambda n: ngettext("%(n)s done (awaiting verification)", "%(n)s done (awaiting verification)", n)),
    (S.IN_PROGRESS, lambda n: ngettext("%(n)s in progress", "%(n)s in progress", n)),
    (S.OPEN, lambda n: ngettext("%(n)s open", "%(n)s open", n)),
    (S.CANCELLED, lambda n: ngettext("%(n)s cancelled", "%(n)s cancelled", n)),
]


def report_back_data(meeting) -> dict:
    """The entries and totals of the report on the previous meeting's rectification (at most two queries).

    Once the meeting is held, its snapshot (ReportBack) is shown, so later changes do not rewrite
    what was reported; before that, the items' current state."""
    empty = {"meeting": meeting, "entries": [], "totals": None, "live": False}
    if meeting is None or not getattr(meeting, "previous_meeting_id", None):
        return empty
    labels = dict(S.choices)
    snapshot = ReportBack.objects.filter(meeting_id=meeting.pk).select_related("item__responsible_member")
    entries = [
        {
            "item": rb.item,
            "status": rb.status,
            "status_label": labels.get(rb.status, rb.status),
            "percent": rb.progress_percent,
            "note": rb.note,
        }
        for rb in snapshot.order_by("item__plan_id", "item__number", "item_id")
    ]
    live = False
    if not entries:
        live = True
        items = RectificationItem.objects.filter(plan__meeting_id=meeting.previous_meeting_id).select_related(
            "responsible_member"
        )
        entries = [
            {
                "item": item,
                "status": item.status,
                "status_label": labels.get(item.status, item.status),
                "percent": item.progress_percent,
                "note": item.status_reason,
            }
            for item in items.order_by("plan_id", "number", "id")
        ]
    if not entries:
        return empty
    counts = {value: 0 for value in S.values}
    for entry in entries:
        counts[entry["status"]] = counts.get(entry["status"], 0) + 1
    total = len(entries)
    parts = [make(counts[status]) % {"n": counts[status]} for status, make in TOTAL_PARTS if counts[status]]
    between = pgettext("between phrases", ", ")
    sentence = ngettext("%(n)s measure", "%(n)s measures", total) % {"n": total} + _(": ") + between.join(parts)
    return {
        "meeting": meeting,
        "entries": entries,
        "live": live,
        "totals": {"total": total, "counts": counts, "completed": counts[S.VERIFIED], "sentence": sentence},
    }


@register.inclusion_tag("rectification/includes/report_back.html")
def report_back(meeting, standalone=False, level=3):
    """The report on the previous meeting's rectification; inside the minutes it links to its own page.
    Its heading is an h3 inside the minutes' sections, an h2 on a page of its own or under a page's h1."""
    return {**report_back_data(meeting), "standalone": standalone, "level": 2 if standalone else level}


def meeting_links(user, meeting) -> dict:
    """Where a user goes from a meeting for its rectification: at most one query (the plan), plus the
    user's secretary roles, read once per request."""
    empty = {"meeting": meeting, "plan": None, "can_manage": False, "ledger_url": "", "problem_url": ""}
    if meeting is None or user is None or not user.is_authenticated:
        return empty
    can_manage = permissions.can_manage_meeting(user, meeting)
    plan = (
        RectificationPlan.objects.visible_to(user)
        .filter(meeting_id=meeting.pk)
        .order_by("pk")
        .only("pk", "title", "meeting_id", "organisation_id")
        .first()
    )
    query = f"?meeting={meeting.pk}"
    return {
        "meeting": meeting,
        "plan": plan,
        "can_manage": can_manage,
        # The ledger of this meeting shows something only to those who see its plan.
        "ledger_url": reverse("rectification:ledger") + query if plan is not None else "",
        "problem_url": reverse("rectification:problem_create") + query if can_manage else "",
        # How the previous meeting's measures went: reported at this one.
        "report_back_url": (
            reverse("rectification:report_back", args=[meeting.pk]) if meeting.previous_meeting_id else ""
        ),
    }


@register.inclusion_tag("rectification/includes/meeting_links.html", takes_context=True)
def rectification_links(context, meeting):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return {"links": {**meeting_links(user, meeting), "on_ledger": False}}


@register.inclusion_tag("rectification/includes/progress_bar.html")
def progress_bar(item):
    """An item's progress, coloured by its state (the item's own is_verified, is_cancelled, ...)."""
    return {"percent": item.progress_percent or 0, "item": item}


@register.filter
def person(user) -> str:
    """A user's full name, else username; empty for None."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
