"""Who may do what with rectification data: one answer per action.

The services refuse what these functions refuse, and the item page shows only the forms these
functions allow, so a user is never offered an action that would then be refused."""

from members.permissions import is_secretary_of, member_for

from .models import RectificationItem

S = RectificationItem.Status
REPORTABLE_STATUSES = (S.OPEN, S.IN_PROGRESS)
CLOSED_STATUSES = RectificationItem.CLOSED


def is_responsible(user, item) -> bool:
    member = member_for(user)
    return member is not None and item.responsible_member_id == member.pk


def can_manage_item(user, item) -> bool:
    """Secretaries of the plan's organisation (and superusers) build plans, verify, reopen, cancel."""
    return is_secretary_of(user, item.plan.organisation_id)


def can_report_progress(user, item) -> bool:
    return is_responsible(user, item)


def can_verify(user, item) -> bool:
    """A secretary verifies (or does not confirm) an item, but never one they are responsible for."""
    return can_manage_item(user, item) and not is_responsible(user, item)


def can_reopen(user, item) -> bool:
    return can_manage_item(user, item)


def can_cancel(user, item) -> bool:
    return can_manage_item(user, item)


def can_edit(user, item) -> bool:
    return can_manage_item(user, item)


def item_actions(user, item) -> dict[str, bool]:
    """What the user may do with the item in its present state: the forms its page shows.

    The same role checks as the services, and the same states they accept."""
    closed = item.status in CLOSED_STATUSES
    return {
        "report": can_report_progress(user, item) and item.status in REPORTABLE_STATUSES,
        "verify": can_verify(user, item) and item.status == S.DONE,
        "reopen": can_reopen(user, item) and closed,
        "cancel": can_cancel(user, item) and not closed,
        "edit": can_edit(user, item) and not closed,
    }


def can_manage_meeting(user, meeting) -> bool:
    """Secretaries of the meeting's organisation record its problems and build its plan."""
    return is_secretary_of(user, meeting.organisation_id)


def can_manage_plan(user, plan) -> bool:
    """Secretaries of the plan's organisation add items to it."""
    return is_secretary_of(user, plan.organisation_id)
