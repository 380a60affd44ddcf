"""Template helpers of the publishing feature."""

from django import template

from notices.permissions import can_use_newsroom

register = template.Library()


@register.filter
def in_newsroom(user) -> bool:
    """Whether the user works in the newsroom (publishers and secretaries)."""
    return bool(user and user.is_authenticated and can_use_newsroom(user))


@register.filter
def effective_status(notice) -> str:
    """The state a reader sees: a scheduled notice whose time has come is published (live)."""
    if notice.is_scheduled and notice.is_live:
        return notice.Status.PUBLISHED
    return notice.status


@register.filter
def effective_status_label(notice) -> str:
    from notices.models import Notice

    return Notice.Status(effective_status(notice)).label
