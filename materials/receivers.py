"""What the materials app answers when a meeting asks whether it may close."""

from django.utils.translation import gettext as _

from .models import InspectionMaterial


def unfinished_materials(sender, meeting, **kwargs) -> list[str]:
    """Materials still in draft or returned keep the meeting open."""
    pending = (
        InspectionMaterial.objects.filter(meeting=meeting, status__in=InspectionMaterial.EDITABLE)
        .select_related("author")
        .order_by("author__name")
    )
    return [
        _("The material of %(author)s is still %(status)s.")
        % {"author": material.author.name, "status": material.get_status_display()}
        for material in pending
    ]
