"""Who may see or do what with rectification data: each question once.

The filters (`readable_problems`, `readable_plans`, `readable_items`) are what the
querysets apply; the instance checks are built from the same definitions. The services
refuse what these functions refuse, and the item page shows only the forms `item_actions`
allows, so a user is never offered an action that would then be refused. Nothing here
imports the rectification models: the querysets import this module (a model is passed in
where a filter needs one).
"""

from django.db.models import Q

from meetings.permissions import can_manage_meeting, overseen
from members.permissions import (
    is_secretary_of,
    member_for,
    overseen_organisation_ids,
    oversees,
    secretary_organisation_ids,
)

__all__ = [
    "can_cancel",
    "can_edit",
    "can_manage_item",
    "can_manage_meeting",
    "can_manage_plan",
    "can_read_item",
    "can_read_plan",
    "can_read_problem",
    "can_reopen",
    "can_report_progress",
    "can_verify",
    "is_responsible",
    "item_actions",
    "managed_plan_ids",
    "readable_items",
    "readable_plans",
    "readable_problems",
]

NOTHING = Q(pk__in=[])


def _anonymous(user) -> bool:
    return user is None or not user.is_authenticated


def managed_plan_ids(user, plan_model) -> list[int]:
    """Ids of the plans of the organisations the user manages (one query, cached on the user).

    Filtering items by plan id, not through a join to the plan's organisation, lets the database
    combine indexes (plan, responsible member, responsible leader) instead of scanning every item."""
    cached = getattr(user, "_rectification_plan_ids", None)
    if cached is None:
        org_ids = secretary_organisation_ids(user)
        cached = list(plan_model.objects.filter(organisation_id__in=org_ids).values_list("pk", flat=True))
        user._rectification_plan_ids = cached
    return cached


def overseen_plans(user, plan_model) -> Q:
    """A filter on items by plan: the plans the user oversees, read-only: those of the organisations
    below the ones they manage, and those of the meetings they supervise (both lists of ids, cached on
    the user). Lists, not subqueries: an `IN (subquery)` beside the other ORs of readable_items made
    PostgreSQL read every item (≈ 100 ms a query at 100,000 items) instead of combining indexes."""
    q = NOTHING
    overseen_ids = overseen_organisation_ids(user)
    if overseen_ids:
        cached = getattr(user, "_rectification_overseen_plan_ids", None)
        if cached is None:
            cached = list(plan_model.objects.filter(organisation_id__in=overseen_ids).values_list("pk", flat=True))
            user._rectification_overseen_plan_ids = cached
        q = Q(plan_id__in=cached)
    member = member_for(user)
    if member is not None:
        supervised = getattr(user, "_rectification_supervised_plan_ids", None)
        if supervised is None:
            supervised = list(
                plan_model.objects.filter(meeting__supervisors__member=member).values_list("pk", flat=True)
            )
            user._rectification_supervised_plan_ids = supervised
        if supervised:
            q |= Q(plan_id__in=supervised)
    return q


def readable_items(user, item_model) -> Q:
    """Members see the items they are responsible for or lead; secretaries their organisations' items;
    the higher organisation and the supervision group the items they oversee."""
    if _anonymous(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    plan_model = item_model._meta.get_field("plan").related_model
    q = Q(plan_id__in=managed_plan_ids(user, plan_model)) | overseen_plans(user, plan_model)
    member = member_for(user)
    if member is not None:
        q |= Q(responsible_member=member) | Q(responsible_leader=member)
    return q


def can_read_item(user, item) -> bool:
    model = type(item)
    return model.objects.filter(readable_items(user, model), pk=item.pk).exists()


def readable_plans(user) -> Q:
    """Secretaries see their organisations' plans; members the plans they have an item in."""
    if _anonymous(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    q = Q(organisation_id__in=secretary_organisation_ids(user)) | overseen(user, prefix="meeting__")
    member = member_for(user)
    if member is not None:
        q |= Q(items__responsible_member=member) | Q(items__responsible_leader=member)
    return q


def readable_problems(user) -> Q:
    """Secretaries see their meetings' problems; members the problems about them or that they fix."""
    if _anonymous(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    q = Q(meeting__organisation_id__in=secretary_organisation_ids(user)) | overseen(user, prefix="meeting__")
    member = member_for(user)
    if member is not None:
        q |= Q(about_member=member) | Q(items__responsible_member=member) | Q(items__responsible_leader=member)
    return q


def is_responsible(user, item) -> bool:
    member = member_for(user)
    return member is not None and item.responsible_member_id == member.pk


def can_manage_plan(user, plan) -> bool:
    """Secretaries of the plan's organisation add items to it."""
    return is_secretary_of(user, plan.organisation_id)


def can_manage_item(user, item) -> bool:
    """Secretaries of the plan's organisation (and superusers) build plans, verify, reopen, cancel."""
    return can_manage_plan(user, item.plan)


def can_report_progress(user, item) -> bool:
    return is_responsible(user, item)


def can_verify(user, item) -> bool:
    """A secretary of the organisation, its deputy or appointed staff, or a secretary of an organisation
    above it verifies (or does not confirm) an item, but never the member responsible for it."""
    if is_responsible(user, item):
        return False
    return can_manage_item(user, item) or oversees(user, item.plan.organisation_id)


def can_reopen(user, item) -> bool:
    return can_manage_item(user, item)


def can_cancel(user, item) -> bool:
    return can_manage_item(user, item)


def can_edit(user, item) -> bool:
    return can_manage_item(user, item)


def item_actions(user, item) -> dict[str, bool]:
    """What the user may do with the item in its present state: the forms its page shows.

    The same role checks as the services, and the same states they accept."""
    return {
        "report": can_report_progress(user, item) and item.is_open,
        "verify": can_verify(user, item) and item.is_awaiting_verification,
        "reopen": can_reopen(user, item) and item.is_closed,
        "cancel": can_cancel(user, item) and not item.is_closed,
        "edit": can_edit(user, item) and not item.is_closed,
    }


def can_read_plan(user, plan) -> bool:
    return type(plan).objects.filter(readable_plans(user), pk=plan.pk).exists()


def can_read_problem(user, problem) -> bool:
    return type(problem).objects.filter(readable_problems(user), pk=problem.pk).exists()
