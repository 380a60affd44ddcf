"""The rectification app's part of /dashboard/ (same section format as meetings.dashboard)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from members.permissions import is_secretary

from .models import RectificationItem


def dashboard_sections(user) -> list[dict]:
    sections = []
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
                "more_url": reverse("rectification:ledger") + "?status=done",
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
