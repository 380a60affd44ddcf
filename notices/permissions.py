"""Who may work in the newsroom and what they may do with a notice: each question once.

`in_newsroom` is the filter NoticeQuerySet.visible_to applies (the public site reads
`Notice.objects.live()` instead: a state, not a permission). Nothing here imports the
notices models: the querysets import this module.
"""

from django.db.models import Q

from meetings.permissions import can_manage_meeting
from members.permissions import is_publisher, is_secretary, secretary_organisation_ids

__all__ = [
    "can_draft",
    "can_edit",
    "can_publish",
    "can_read",
    "can_use_newsroom",
    "editable",
    "in_newsroom",
]


def can_use_newsroom(user) -> bool:
    """Publishers, and secretaries (who draft the notices of their organisations)."""
    return is_publisher(user) or is_secretary(user)


def in_newsroom(user) -> Q:
    """The notices the user sees in the newsroom: all for publishers; for secretaries, those of
    their organisations (directly or through the meeting) and those they wrote."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or is_publisher(user):
        return Q()
    org_ids = secretary_organisation_ids(user)
    return Q(organisation_id__in=org_ids) | Q(meeting__organisation_id__in=org_ids) | Q(author=user)


def can_read(user, notice) -> bool:
    """The instance form of `in_newsroom` (drafts, previews, history, images of unpublished notices)."""
    return type(notice).objects.filter(in_newsroom(user), pk=notice.pk).exists()


def can_draft(user, meeting) -> bool:
    """Drafting a notice from the record: the secretaries of the meeting's organisation."""
    return can_manage_meeting(user, meeting)


def editable(user, model) -> Q:
    """Publishers edit any notice; a secretary edits their organisation's notice (directly, or through
    its meeting) while it is a draft. `model` is Notice (the querysets import this module)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or is_publisher(user):
        return Q()
    org_ids = secretary_organisation_ids(user)
    return Q(status=model.Status.DRAFT) & (
        Q(organisation_id__in=org_ids) | Q(organisation__isnull=True, meeting__organisation_id__in=org_ids)
    )


def can_edit(user, notice) -> bool:
    """The instance form of `editable`."""
    if is_publisher(user):
        return True
    model = type(notice)
    return model.objects.filter(editable(user, model), pk=notice.pk).exists()


def can_publish(user, notice) -> bool:
    """Publishing, scheduling, withdrawing: the `notices.publish_notice` permission."""
    return is_publisher(user)
