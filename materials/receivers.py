"""What the materials app answers when a meeting asks whether it may close, and what it adds to the
meeting's readiness checklist."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .models import InspectionMaterial


def _materials(meeting, shared: dict | None) -> list[InspectionMaterial]:
    """The meeting's materials with their authors, by author's name: read once for both checks of a page
    (meetings.signals: `shared`)."""
    if shared is not None and "materials" in shared:
        return shared["materials"]
    materials = list(
        InspectionMaterial.objects.filter(meeting=meeting)
        .select_related("author")
        .only("meeting", "author", "status", "on_behalf_of_group", "author__name")
        .order_by("author__name", "pk")
    )
    if shared is not None:
        shared["materials"] = materials
    return materials


def unfinished_materials(sender, meeting, shared=None, **kwargs) -> list[str]:
    """Materials still in draft or returned keep the meeting open."""
    pending = [m for m in _materials(meeting, shared) if m.status in InspectionMaterial.EDITABLE]
    return [
        _("The material of %(author)s is still %(status)s.")
        % {"author": material.author.name, "status": material.get_status_display()}
        for material in pending
    ]


def material_checks(sender, meeting, attendances=None, shared=None, **kwargs) -> list:
    """The materials' lines of the readiness checklist (meetings.selectors.Check): every member expected at
    the meeting has an approved material of their own, and the group's material is approved."""
    from meetings.selectors import expected_members

    materials = _materials(meeting, shared)
    approved = {m.author_id for m in materials if m.is_approved and not m.on_behalf_of_group}
    expected = expected_members(meeting, attendances)
    waiting = [member for member in expected if member.pk not in approved]
    status = {m.author_id: m.get_status_display() for m in materials if not m.on_behalf_of_group}
    if not expected:
        detail = _("List the members on the attendance sheet: each writes a material.")
    elif waiting:
        detail = _("Not yet approved: %(names)s.") % {
            "names": pgettext("between phrases", ", ").join(
                _("%(name)s (%(status)s)") % {"name": m.name, "status": status.get(m.pk, _("not started"))}
                for m in waiting
            )
        }
    else:
        detail = _("All %(n)s members' materials are approved.") % {"n": len(expected)}
    group = next((m for m in materials if m.on_behalf_of_group), None)
    url = reverse("materials:meeting_list", args=[meeting.pk])
    return [
        {
            "key": "materials",
            "label": gettext_lazy("Every attendee's comparison-inspection material approved"),
            "done": bool(expected) and not waiting,
            "detail": detail,
            "url": url,
            "action": _("Review the materials"),
        },
        {
            "key": "group_material",
            "label": gettext_lazy("The group's comparison-inspection material approved"),
            "done": group is not None and group.is_approved,
            "detail": (
                _("Not started yet.")
                if group is None
                else _("%(status)s, written by %(author)s.")
                % {"status": group.get_status_display(), "author": group.author.name}
            ),
            "url": url,
            "action": _("Review the materials"),
        },
    ]
