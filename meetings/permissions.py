"""Who may see or do what with a meeting: each question answered once.

The filters (`readable`, `manageable`, `attends`) are what MeetingQuerySet uses; the
instance checks below are built from the same definitions, so a list and a page can
never disagree. Nothing here imports the meetings models: the querysets import this.
"""

from django.apps import apps
from django.db.models import Q

from members.permissions import (
    is_secretary_of,
    member_for,
    overseen_organisation_ids,
    oversees,
    secretary_organisation_ids,
)

__all__ = [
    "attends",
    "can_appoint_supervisors",
    "can_manage_meeting",
    "can_oversee_meeting",
    "can_read_meeting",
    "can_see_confidential",
    "is_attendee",
    "is_secretary_of",
    "manageable",
    "overseen",
    "readable",
    "visible_talks",
]


def attends(member, prefix: str = "") -> Q:
    """Who attends a meeting: on its attendance sheet, or its presider.

    `prefix` is the lookup from the filtered model to the meeting ("meeting__" for a material)."""
    if member is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}attendances__member": member}) | Q(**{f"{prefix}presider": member})


def is_attendee(member, meeting) -> bool:
    if member is None:
        return False
    return meeting.presider_id == member.pk or type(meeting).objects.filter(attends(member), pk=meeting.pk).exists()


def manageable(user, prefix: str = "") -> Q:
    """Meetings the user may plan, record and move along: those of the organisations they manage."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return Q(**{f"{prefix}organisation_id__in": secretary_organisation_ids(user)})


def can_manage_meeting(user, meeting) -> bool:
    """The instance form of `manageable`: the secretaries of the meeting's organisation."""
    return is_secretary_of(user, meeting.organisation_id)


def overseen(user, prefix: str = "") -> Q:
    """Meetings the user oversees, read-only: those of the organisations below the ones they manage
    (the higher organisation), and those they are appointed to supervise (the supervision group)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}organisation_id__in": overseen_organisation_ids(user)})
    member = member_for(user)
    if member is not None:
        # A subquery, not a join: a meeting list stays one row per meeting. (The model is looked up by
        # name: the models import this module through the querysets.)
        appointments = apps.get_model("meetings", "SupervisionAppointment")
        appointed = appointments.objects.filter(member=member).values("meeting_id")
        q |= Q(**{f"{prefix}id__in": appointed})
    return q


def is_supervisor(user, meeting) -> bool:
    member = member_for(user)
    return member is not None and meeting.supervisors.filter(member=member).exists()


def can_oversee_meeting(user, meeting) -> bool:
    """The instance form of `overseen`: the higher organisation's secretaries and the meeting's supervisors."""
    if user is None or not user.is_authenticated:
        return False
    return oversees(user, meeting.organisation_id) or is_supervisor(user, meeting)


def can_appoint_supervisors(user, meeting) -> bool:
    """The secretaries of an organisation above the meeting's appoint its supervision group."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or oversees(user, meeting.organisation_id)


def readable(user) -> Q:
    """Meetings the user may read: those they manage, those they attend, and those they oversee."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()  # (an empty Q would vanish in an OR below)
    return manageable(user) | attends(member_for(user)) | overseen(user)


def can_read_meeting(user, meeting) -> bool:
    return (
        can_manage_meeting(user, meeting)
        or is_attendee(member_for(user), meeting)
        or can_oversee_meeting(user, meeting)
    )


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
