"""Who may do what with rectification data: one answer per action."""

from members.permissions import is_secretary_of, member_for


def is_responsible(user, item) -> bool:
    member = member_for(user)
    return member is not None and item.responsible_member_id == member.pk


def can_manage_item(user, item) -> bool:
    """Secretaries of the plan's organisation (and superusers) build plans, verify, reopen, cancel."""
    return is_secretary_of(user, item.plan.organisation_id)


def can_report_progress(user, item) -> bool:
    return is_responsible(user, item)


def can_verify(user, item) -> bool:
    return can_manage_item(user, item) and not is_responsible(user, item)
