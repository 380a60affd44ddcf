"""Who may do what with a meeting: one answer per action.

Scope is per organisation: the secretaries (and deputy secretaries) of a meeting's
organisation manage it; members who attend (or preside) read it. Superusers may do
everything.
"""

from members.permissions import is_secretary_of, member_for


def can_manage_meeting(user, meeting) -> bool:
    """Plan, record, move along: the secretaries of the meeting's organisation."""
    return is_secretary_of(user, meeting.organisation_id)


def can_import_members(user, organisation) -> bool:
    return is_secretary_of(user, organisation.pk)


def can_see_confidential(user, meeting) -> bool:
    """Talk summaries in full: secretaries only. (Members see the talks they took part in.)"""
    return can_manage_meeting(user, meeting)


def visible_talks(user, meeting, talks):
    """The heart-to-heart talks this user may read: all for secretaries, their own for members."""
    if can_see_confidential(user, meeting):
        return list(talks)
    member = member_for(user)
    if member is None:
        return []
    return [t for t in talks if member.pk in (t.member_a_id, t.member_b_id)]
