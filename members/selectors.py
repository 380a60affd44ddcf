"""Reads about organisations and members, scoped to the user who asks."""

from .models import Member, Membership, Organisation
from .permissions import managed_organisations


def organisations_managed_by(user):
    """The organisations the user manages, for pickers and the 404-or-object fetch of a page."""
    return Organisation.objects.filter(managed_organisations(user))


def current_members(organisation_ids):
    """Members with a current membership of one of these organisations, by name."""
    member_ids = Membership.objects.current().filter(organisation_id__in=organisation_ids).values("member_id")
    return Member.objects.filter(pk__in=member_ids).order_by("name")


def members_managed_by(user):
    """The current members of the organisations the user manages."""
    return current_members(organisations_managed_by(user).values("pk"))
