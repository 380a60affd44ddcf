"""Who may do what, answered in one place per question.

Scope is per organisation: a secretary (or deputy secretary) of an organisation
manages that organisation's meetings. Superusers may do everything. Publishers are
users holding the `notices.publish_notice` permission, which the "publishers" group carries (members/roles.py).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from .roles import PUBLISH_PERMISSION


def member_for(user):
    """The Member record of a signed-in user, or None."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    cached = getattr(user, "_member_cache_value", "unset")
    if cached != "unset":
        return cached
    from .models import Member

    member = Member.objects.filter(user=user).first()
    user._member_cache_value = member
    return member


def secretary_organisation_ids(user) -> set[int]:
    """Ids of the organisations where the user currently holds a secretary role."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_secretary_org_ids", None)
    if cached is not None:
        return cached
    from .models import Membership

    ids = set(
        Membership.objects.current().secretaries().filter(member__user=user).values_list("organisation_id", flat=True)
    )
    user._secretary_org_ids = ids
    return ids


def member_organisation_ids(user) -> set[int]:
    """Ids of the organisations where the user currently holds any membership."""
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_member_org_ids", None)
    if cached is not None:
        return cached
    from .models import Membership

    ids = set(Membership.objects.current().filter(member__user=user).values_list("organisation_id", flat=True))
    user._member_org_ids = ids
    return ids


def is_secretary_of(user, organisation_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or organisation_id in secretary_organisation_ids(user)


def is_secretary(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or bool(secretary_organisation_ids(user))


def is_publisher(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_publisher", None)
    if cached is None:
        # One query (has_perm would load every permission of the user and their groups).
        from django.contrib.auth.models import Permission

        app_label, codename = PUBLISH_PERMISSION.split(".")
        cached = (
            user.is_active
            and Permission.objects.filter(
                Q(user=user) | Q(group__user=user), content_type__app_label=app_label, codename=codename
            ).exists()
        )
        user._is_publisher = cached
    return cached
