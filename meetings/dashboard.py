"""The meetings app's part of /dashboard/.

Each section is a dict: {"title", "items": [{"label", "url", "meta"}], "empty", "more_url"}.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Meeting


def dashboard_sections(user) -> list[dict]:
    sections = []
    managed = Meeting.objects.managed_by(user)
    if managed.exists():
        preparing = managed.filter(status__in=Meeting.UPCOMING).select_related("organisation")[:20]
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
        to_close = managed.filter(status=Meeting.Status.HELD).select_related("organisation")[:20]
        sections.append(
            {
                "title": _("Meetings held, waiting to be closed"),
                "items": [
                    {"label": str(m), "url": m.get_absolute_url(), "meta": m.organisation.name} for m in to_close
                ],
                "empty": _("No held meeting is waiting to be closed."),
                "more_url": reverse("meetings:list") + f"?status={Meeting.Status.HELD}",
            }
        )
    # A member's upcoming meetings are in materials.dashboard, beside their materials.
    return sections
