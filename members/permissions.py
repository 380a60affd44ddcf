"""Who someone is and what they manage, answered once for every app.

Scope is per organisation: a secretary (or deputy secretary) with a current membership
manages that organisation. Superusers may do everything. Publishers hold the
`notices.publish_notice` permission, which the "publishers" group carries
(members/roles.py). Each answer is cached on the user object for the request.
"""

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from .models import Member, Membership, Organisation
from .roles import PUBLISH_PERMISSION


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def member_for(user) -> Member | None:
    """The Member record of a signed-in user, or None."""
    if not _signed_in(user):
        return None
    cached = getattr(user, "_member_cache_value", "unset")
    if cached == "unset":
        cached = Member.objects.filter(user=user).first()
        user._member_cache_value = cached
    return cached


def secretary_organisation_ids(user) -> set[int]:
    """The organisations the user manages: those where they currently hold a secretary role.

    (Superusers manage every organisation; callers that build querysets let them through.)"""
    if not _signed_in(user):
        return set()
    cached = getattr(user, "_secretary_org_ids", None)
    if cached is None:
        # In the same query: which of them have organisations below (the higher organisation's view).
        below = Organisation.objects.filter(parent_id=OuterRef("organisation_id"))
        rows = list(
            Membership.objects.current()
            .secretaries()
            .filter(member__user=user)
            .values_list("organisation_id", Exists(below))
        )
        cached = {org_id for org_id, _ in rows}
        user._secretary_org_ids = cached
        user._secretary_org_ids_with_children = {org_id for org_id, has_children in rows if has_children}
    return cached


def overseen_organisation_ids(user) -> set[int]:
    """The organisations below those the user manages (the higher organisation's view): their
    meetings, materials and ledgers are the user's to read and to sign off, never to change.

    One query over the tree (id, parent) however deep it is; cached on the user."""
    if not _signed_in(user):
        return set()
    cached = getattr(user, "_overseen_org_ids", None)
    if cached is None:
        managed = secretary_organisation_ids(user)
        cached = set()
        if getattr(user, "_secretary_org_ids_with_children", None):
            children: dict[int, list[int]] = {}
            for pk, parent_id in Organisation.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
                children.setdefault(parent_id, []).append(pk)
            todo = list(managed)
            while todo:
                for child in children.get(todo.pop(), []):
                    if child not in cached and child not in managed:
                        cached.add(child)
                        todo.append(child)
        user._overseen_org_ids = cached
    return cached


def oversees(user, organisation_id: int | None) -> bool:
    """Whether the user is a secretary of an organisation above this one."""
    return organisation_id in overseen_organisation_ids(user)


def managed_organisations(user) -> Q:
    """A filter on Organisation: the organisations the user manages (all for a superuser)."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return Q(pk__in=secretary_organisation_ids(user))


def is_secretary_of(user, organisation_id: int | None) -> bool:
    """Whether the user manages this organisation (the instance form of managed_organisations)."""
    if not _signed_in(user):
        return False
    return user.is_superuser or organisation_id in secretary_organisation_ids(user)


def is_secretary(user) -> bool:
    """Whether the user manages any organisation."""
    if not _signed_in(user):
        return False
    return user.is_superuser or bool(secretary_organisation_ids(user))


def is_publisher(user) -> bool:
    """Whether the user publishes notices: the `notices.publish_notice` permission."""
    if not _signed_in(user) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_publisher", None)
    if cached is None:
        # One query (has_perm would load every permission of the user and of their groups).
        app_label, codename = PUBLISH_PERMISSION.split(".")
        cached = Permission.objects.filter(
            Q(user=user) | Q(group__user=user), content_type__app_label=app_label, codename=codename
        ).exists()
        user._is_publisher = cached
    return cached
