"""Reads a page needs, scoped to the user who asks."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Section
from meetings.models import Meeting
from members.permissions import member_for

from .models import InspectionMaterial

# --- /dashboard/ ---------------------------------------------------------------------------


LIMIT = 20


def dashboard_sections(user) -> list[Section]:
    return review_sections(user) + member_sections(user)


def review_sections(user) -> list[Section]:
    """A secretary's review queue: the submitted materials of the meetings they manage."""
    managed = Meeting.objects.managed_by(user)
    if not managed.exists():
        return []
    waiting = (
        InspectionMaterial.objects.filter(meeting__in=managed, status=InspectionMaterial.Status.SUBMITTED)
        .select_related("author", "meeting")
        .order_by("submitted_at")[:LIMIT]
    )
    return [
        {
            "title": _("Materials waiting for my review"),
            "items": [{"label": f"{m.author} — {m.meeting}", "url": m.get_absolute_url(), "meta": ""} for m in waiting],
            "empty": _("No material is waiting for review."),
            "more_url": "",
        }
    ]


def member_sections(user) -> list[Section]:
    member = member_for(user)
    if member is None:
        return []
    upcoming = (
        Meeting.objects.attended_by(member)
        .filter(status__in=Meeting.UPCOMING)
        .select_related("organisation")
        .distinct()
        .order_by("held_on", "id")[:LIMIT]
    )
    materials = list(
        InspectionMaterial.objects.filter(author=member)
        .select_related("meeting", "author")
        .order_by("-meeting__year", "-meeting__held_on", "-on_behalf_of_group")[:LIMIT]
    )
    with_material = {m.meeting_id for m in materials}
    upcoming_items = []
    for meeting in upcoming:
        when = meeting.held_on.isoformat() if meeting.held_on else _("date not set")
        written = meeting.pk in with_material
        upcoming_items.append(
            {
                "label": str(meeting),
                "url": meeting.get_absolute_url(),
                "meta": f"{when} · " + (_("material started") if written else _("material not started")),
            }
        )
    returned = [m for m in materials if m.is_returned]
    return [
        {
            "title": _("My upcoming meetings"),
            "items": upcoming_items,
            "empty": _("No meeting of yours is being prepared."),
            "more_url": reverse("meetings:list"),
        },
        {
            "title": _("My comparison-inspection materials"),
            "items": [
                {"label": f"{m.meeting} — {m.title or m}", "url": m.get_absolute_url(), "meta": m.get_status_display()}
                for m in materials
            ],
            "empty": _("You have not written a material yet."),
            "more_url": "",
        },
        {
            "title": _("Review comments waiting for me"),
            "items": [
                {
                    "label": _("Revise: %(meeting)s") % {"meeting": m.meeting},
                    "url": reverse("materials:edit", args=[m.pk]),
                    "meta": (m.review_comments[:80] + "…") if len(m.review_comments) > 80 else m.review_comments,
                }
                for m in returned
            ],
            "empty": _("No comments are waiting for you."),
            "more_url": "",
        },
    ]
