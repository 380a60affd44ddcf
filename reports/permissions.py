"""Who may read or write a meeting's report after the meeting: asked once, here.

The secretaries of the meeting's organisation (its deputy included) draft, edit, approve and file
it; the higher organisation's secretaries and the meeting's supervisors read it. Members do not see it.
"""

from meetings.permissions import can_manage_meeting, can_oversee_meeting


def can_write_report(user, meeting) -> bool:
    return can_manage_meeting(user, meeting)


def can_read_report(user, meeting) -> bool:
    return can_manage_meeting(user, meeting) or can_oversee_meeting(user, meeting)
