"""Reads a page needs, scoped to the user who asks."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dashboard import Section
from meetings.models import Meeting
from meetings.selectors import ENTRY_FIELDS, manages_meetings
from members.permissions import is_publisher

from .models import Notice

# --- /dashboard/ ---------------------------------------------------------------------------


def dashboard_sections(user) -> list[Section]:
    sections = []
    list_url = reverse("newsroom:list")
    if is_publisher(user):
        drafts = (
            Notice.objects.filter(status=Notice.Status.DRAFT)
            .select_related("organisation")
            .only("title", "updated_at", "organisation", "organisation__name")  # not the body
            .order_by("-updated_at")[:20]
        )
        sections.append(
            {
                "title": _("Drafts to publish"),
                "items": [
                    {
                        "label": n.title,
                        "url": reverse("newsroom:edit", args=[n.pk]),
                        "meta": " · ".join(
                            [
                                *([n.organisation.name] if n.organisation_id else []),
                                _("last saved %(date)s")
                                % {"date": timezone.localtime(n.updated_at).strftime("%Y-%m-%d %H:%M")},
                            ]
                        ),
                        "action": _("Check and publish"),
                    }
                    for n in drafts
                ],
                "empty": _("No draft is waiting. Secretaries draft notices from their held meetings."),
                "more_url": f"{list_url}?status={Notice.Status.DRAFT}",
            }
        )
        scheduled = (
            Notice.objects.filter(status=Notice.Status.SCHEDULED, publish_at__gt=timezone.now())
            .only("title", "publish_at")
            .order_by("publish_at")[:20]
        )
        sections.append(
            {
                "title": _("Scheduled notices"),
                "items": [
                    {
                        "label": n.title,
                        "url": reverse("newsroom:edit", args=[n.pk]),
                        "meta": _("goes live %(time)s")
                        % {"time": timezone.localtime(n.publish_at).strftime("%Y-%m-%d %H:%M")},
                        "action": _("Check"),
                    }
                    for n in scheduled
                ],
                "empty": _("Nothing is scheduled. A notice scheduled from its page waits here until it goes live."),
                "more_url": f"{list_url}?status={Notice.Status.SCHEDULED}",
            }
        )
    if not user.is_superuser and manages_meetings(user):
        managed = Meeting.objects.managed_by(user)
        waiting = (
            managed.filter(status__in=Meeting.TAKEN_PLACE)
            .annotate(n=Count("notices", filter=~Q(notices__status=Notice.Status.WITHDRAWN)))
            .filter(n=0)
            .select_related("organisation")
            .only(*ENTRY_FIELDS)
            .order_by("-held_on", "-id")[:20]
        )
        sections.append(
            {
                "title": _("Held meetings without a notice"),
                "items": [
                    {
                        "label": str(m),
                        "url": reverse("newsroom:draft", args=[m.pk]),
                        "meta": " · ".join(
                            [m.organisation.name, _("held on %(date)s") % {"date": m.held_on.isoformat()}]
                            if m.held_on
                            else [m.organisation.name]
                        ),
                        "action": _("Draft a notice"),
                    }
                    for m in waiting
                ],
                "empty": _("Every held meeting has its notice."),
                "more_url": list_url,
            }
        )
    return sections
