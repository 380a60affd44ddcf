"""The meetings app's part of /dashboard/.

Each section is a dict: {"title", "items": [{"label", "url", "meta"}], "empty", "more_url"}.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import InspectionMaterial, Meeting


def dashboard_sections(user) -> list[dict]:
    sections = []
    managed = Meeting.objects.managed_by(user)
    if managed.exists():
        preparing = managed.filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.PREPARING]).select_related(
            "organisation"
        )[:20]
        sections.append(
            {
                "title": _("Meetings being prepared"),
                "items": [
                    {"label": str(m), "url": m.get_absolute_url(), "meta": m.organisation.name} for m in preparing
                ],
                "empty": _("No meeting is being prepared."),
                "more_url": reverse("meetings:list"),
            }
        )
        waiting = (
            InspectionMaterial.objects.filter(meeting__in=managed, status=InspectionMaterial.Status.SUBMITTED)
            .select_related("author", "meeting")
            .order_by("submitted_at")[:20]
        )
        sections.append(
            {
                "title": _("Materials waiting for my review"),
                "items": [
                    {"label": f"{m.author} — {m.meeting}", "url": m.get_absolute_url(), "meta": ""} for m in waiting
                ],
                "empty": _("No material is waiting for review."),
                "more_url": "",
            }
        )
        to_close = managed.filter(status=Meeting.Status.HELD).select_related("organisation")[:20]
        sections.append(
            {
                "title": _("Meetings held, waiting to be closed"),
                "items": [
                    {"label": str(m), "url": m.get_absolute_url(), "meta": m.organisation.name} for m in to_close
                ],
                "empty": _("No held meeting is waiting to be closed."),
                "more_url": reverse("meetings:list") + "?status=held",
            }
        )
    # A member's upcoming meetings are in meetings.material_dashboard, beside their materials.
    return sections
