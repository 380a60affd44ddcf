"""The rectification app's part of /dashboard/ (same section format as meetings.dashboard)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from members.permissions import is_secretary, member_for

from .models import RectificationItem


def my_items_section(user) -> dict | None:
    """Items I am responsible for and that are still mine to work on, with links to report progress."""
    member = member_for(user)
    if member is None:
        return None
    items = (
        RectificationItem.objects.filter(responsible_member=member)
        .exclude(status__in=RectificationItem.CLOSED)
        .select_related("plan__meeting")
        .order_by("deadline", "id")[:20]
    )
    rows = []
    for item in items:
        meta = [item.get_status_display(), f"{item.progress_percent}%"]
        if item.deadline:
            meta.append(_("due %(date)s") % {"date": item.deadline.isoformat()})
        if item.is_overdue:
            meta.append(_("overdue by %(days)s days") % {"days": item.overdue_days})
        url = reverse("rectification:item_progress", args=[item.pk]) if item.is_open else item.get_absolute_url()
        rows.append({"label": str(item), "url": url, "meta": " · ".join(meta)})
    return {
        "title": _("My rectification items"),
        "items": rows,
        "empty": _("You have no rectification item to work on."),
        "more_url": reverse("rectification:ledger") + f"?responsible={member.pk}",
    }


def dashboard_sections(user) -> list[dict]:
    sections = []
    mine = my_items_section(user)
    if mine is not None and mine["items"]:
        sections.append(mine)
    visible = RectificationItem.objects.visible_to(user).select_related("plan__meeting", "responsible_member")
    if is_secretary(user):
        awaiting = visible.awaiting_verification().order_by("updated_at")[:20]
        sections.append(
            {
                "title": _("Rectification items awaiting verification"),
                "items": [
                    {"label": str(i), "url": i.get_absolute_url(), "meta": str(i.responsible_member)} for i in awaiting
                ],
                "empty": _("No item is awaiting verification."),
                "more_url": reverse("rectification:ledger") + f"?status={RectificationItem.Status.DONE}",
            }
        )
        overdue = visible.overdue().order_by("deadline")[:20]
        sections.append(
            {
                "title": _("Overdue rectification items"),
                "items": [
                    {"label": str(i), "url": i.get_absolute_url(), "meta": str(i.responsible_member)} for i in overdue
                ],
                "empty": _("No item is overdue."),
                "more_url": reverse("rectification:ledger") + "?overdue=1",
            }
        )
    return sections
