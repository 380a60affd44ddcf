"""The meetings app's part of /dashboard/.

Each section is a dict: {"title", "items": [{"label", "url", "meta"}], "empty", "more_url"}.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from members.permissions import member_for

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
    member = member_for(user)
    if member is not None:
        upcoming = (
            Meeting.objects.filter(attendances__member=member)
            .exclude(pk__in=managed.values("pk"))
            .filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.PREPARING])
            .select_related("organisation")
            .order_by("held_on")
            .distinct()[:20]
        )
        items = [
            {
                "label": str(m),
                "url": m.get_absolute_url(),
                "meta": m.held_on.isoformat() if m.held_on else m.organisation.name,
            }
            for m in upcoming
        ]
        if items:
            sections.append(
                {
                    "title": _("My upcoming meetings"),
                    "items": items,
                    "empty": "",
                    "more_url": reverse("meetings:list"),
                }
            )
    return sections
