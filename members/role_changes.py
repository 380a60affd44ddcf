"""Changes of a user's roles into the audit log: the groups they are in (secretaries, publishers…)
and the permissions they hold directly (publishing may be granted that way, members/roles.py).

Connected in members.apps.MembersConfig.ready(). m2m_changed is sent from every path that changes
these relations (the admin's user and group forms, a shell, load_demo): both directions are read
(user.groups.add(group) and group.user_set.add(user)); a clear() is recorded with the rows it
removed, read just before they go. One AuditEvent of kind ROLE_CHANGED per user and change, naming
the user whose roles changed and, in its detail, what changed and who changed it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models.signals import m2m_changed
from simple_history.models import HistoricalRecords

from . import audit
from .models import AuditEvent

CHANGES = {"post_add": "added", "post_remove": "removed", "post_clear": "removed"}


def _label(thing) -> str:
    if isinstance(thing, Permission):
        return f"permission {thing.content_type.app_label}.{thing.codename}"
    return f"group {thing}"


def _pairs(instance, reverse: bool, rows) -> list[tuple]:
    """(user, group or permission) for each row of the change."""
    if reverse:  # instance is the group or permission; rows are users
        return [(user, instance) for user in rows]
    return [(instance, thing) for thing in rows]


def _rows(model, pk_set):
    rows = model._default_manager.filter(pk__in=pk_set)
    return rows.select_related("content_type") if model is Permission else rows


def on_roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        # After the clear the rows are gone: read them now.
        if reverse:
            relation = "user_set"
        else:
            relation = "groups" if sender is get_user_model().groups.through else "user_permissions"
        rows = getattr(instance, relation).all()
        instance._roles_cleared = list(rows.select_related("content_type") if rows.model is Permission else rows)
        return
    if action not in CHANGES:
        return
    rows = instance.__dict__.pop("_roles_cleared", []) if action == "post_clear" else list(_rows(model, pk_set or ()))
    if not rows:
        return
    by_user: dict = {}
    for user, thing in _pairs(instance, reverse, rows):
        by_user.setdefault(user, []).append(_label(thing))
    request = getattr(HistoricalRecords.context, "request", None)  # set by simple_history's middleware
    actor = getattr(request, "user", None)
    by = f" by {actor.get_username()}" if actor is not None and actor.is_authenticated else ""
    for user, labels in by_user.items():
        detail = f"{CHANGES[action]}: {', '.join(sorted(labels))}{by}"
        audit.record(AuditEvent.Kind.ROLE_CHANGED, request=request, user=user, detail=detail)


def connect() -> None:
    User = get_user_model()
    m2m_changed.connect(on_roles_changed, sender=User.groups.through, dispatch_uid="members.audit.groups_changed")
    m2m_changed.connect(
        on_roles_changed, sender=User.user_permissions.through, dispatch_uid="members.audit.permissions_changed"
    )
