"""Who may read or write a meeting's report after the meeting: asked once, here.

The secretaries of the meeting's organisation draft, edit, approve and file it; the higher
organisation and the meeting's supervisors (meetings.permissions.can_oversee_meeting) read it.
Members do not see it.
"""

from meetings import permissions as meeting_permissions
from meetings.permissions import can_manage_meeting


def can_write_report(user, meeting) -> bool:
    return can_manage_meeting(user, meeting)


def can_read_report(user, meeting) -> bool:
    if can_manage_meeting(user, meeting):
        return True
    # The higher organisation's read-only oversight (issue 11) is looked up by name, so that this app
    # works with a meetings.permissions that does not have it yet.
    oversees = getattr(meeting_permissions, "can_oversee_meeting", None)
    return oversees is not None and oversees(user, meeting)
