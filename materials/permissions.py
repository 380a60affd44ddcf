"""Who may read, write and review comparison-inspection materials: each question once.

`readable` is the filter InspectionMaterialQuerySet.visible_to applies; `can_read` is
built from it, so a list and a page cannot disagree. A member's draft is theirs alone
until submitted; approved materials are read by everyone who attends the meeting (the
presider included); materials never reach the public site. Nothing here imports the
materials models: the querysets import this module.
"""

from django.db.models import Q

from meetings.permissions import attends, can_oversee_meeting, is_attendee, overseen
from members.models import Membership
from members.permissions import is_secretary_of, member_for, secretary_organisation_ids

__all__ = [
    "can_draft_for_presider",
    "can_edit_material",
    "can_read",
    "can_review_material",
    "can_see_revisions",
    "can_sign_off",
    "can_start_material",
    "can_write_for_group",
    "is_attendee",
    "is_author",
    "readable",
]


def readable(user, model) -> Q:
    """Own materials in any state; submitted ones to the meeting's secretaries; approved ones
    to the meeting's attendees and presider. `model` is InspectionMaterial (passed in: the
    querysets import this module, so it cannot import the models)."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    status = model.Status
    q = Q(meeting__organisation_id__in=secretary_organisation_ids(user)) & ~Q(status=status.DRAFT)
    # The higher organisation and the supervision group read what is submitted, to sign it off.
    q |= overseen(user, prefix="meeting__") & ~Q(status=status.DRAFT)
    # The secretary drafting the group's material for a presider without an account.
    q |= Q(drafted_by=user)
    member = member_for(user)
    if member is not None:
        q |= Q(author=member) | (Q(status=status.APPROVED) & attends(member, prefix="meeting__"))
    return q


def can_read(user, material) -> bool:
    model = type(material)
    return model.objects.filter(readable(user, model), pk=material.pk).exists()


def is_author(user, material) -> bool:
    """Who writes the material: its author, or the secretary drafting it on behalf of a presider
    without a login account (while they still manage the organisation)."""
    if material.drafted_by_id is not None and user is not None and material.drafted_by_id == user.pk:
        return is_secretary_of(user, material.meeting.organisation_id)
    member = member_for(user)
    return member is not None and material.author_id == member.pk


def writer_q(user) -> Q:
    """The materials `user` may be the writer of, as a filter: those they author or draft (is_author
    decides for one material: a drafter must still manage the organisation)."""
    member = member_for(user)
    return Q(drafted_by_id=user.pk) | (Q(author=member) if member is not None else Q(pk__in=[]))


def can_draft_for_presider(user, meeting) -> bool:
    """A secretary of the organisation drafts the group's material when its presider has no login account."""
    presider = meeting.presider
    return (
        presider is not None
        and presider.user_id is None
        and not meeting.is_closed
        and is_secretary_of(user, meeting.organisation_id)
    )


def can_sign_off(user, material) -> bool:
    """The higher organisation's secretaries and the meeting's supervisors sign off a submitted or
    approved material, before the meeting is held."""
    meeting = material.meeting
    return not material.is_draft and meeting.is_upcoming and can_oversee_meeting(user, meeting)


def can_edit_material(user, material) -> bool:
    """Only the author writes their material, and only while it is a draft or returned."""
    return is_author(user, material) and material.status in material.EDITABLE


def can_review_material(user, material) -> bool:
    """Secretaries of the meeting's organisation (and superusers) review materials."""
    return is_secretary_of(user, material.meeting.organisation_id)


def can_see_revisions(user, material) -> bool:
    return is_author(user, material) or (
        material.status != material.Status.DRAFT and can_review_material(user, material)
    )


def can_write_for_group(member, meeting) -> bool:
    """The group's material is written by its principal leader: the presider, or the organisation's secretary."""
    if member is None:
        return False
    if meeting.presider_id is not None:
        return meeting.presider_id == member.pk
    return (
        Membership.objects.current()
        .filter(member=member, organisation_id=meeting.organisation_id, role=Membership.Role.SECRETARY)
        .exists()
    )


def can_start_material(user, meeting) -> bool:
    return not meeting.is_closed and is_attendee(member_for(user), meeting)
