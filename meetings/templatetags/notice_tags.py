"""Template helpers of the publishing feature."""

from django import template

from members.permissions import is_publisher, is_secretary

register = template.Library()


@register.filter
def in_newsroom(user) -> bool:
    """Whether the user works in the newsroom (publishers and secretaries)."""
    return bool(user and user.is_authenticated and (is_publisher(user) or is_secretary(user)))
