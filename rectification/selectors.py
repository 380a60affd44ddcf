"""Reads of the ledger (整改台账): its filters and sorting, its rows, the summary above it and the
choices of its filter form.

Everything here works on a queryset already scoped by `RectificationItem.objects.visible_to(user)`,
so other organisations' items never reach a page, an export or a count.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Case, Count, F, FloatField, Func, Q, Sum, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dashboard import Section
from core.text import BIGINT_MAX, bounded_int
from meetings.models import Meeting
from members.models import Member, Organisation
from members.permissions import is_secretary, is_secretary_of, member_for

from .charts import completion_chart
from .models import Problem, RectificationItem, RectificationPlan

S = RectificationItem.Status

SORTS = {
    "deadline": ("deadline", "id"),
    "status": ("status", "id"),
    "progress": ("progress_percent", "id"),
    "responsible": ("responsible_member__name", "id"),
    "organisation": ("plan__organisation__name", "id"),
    "meeting": ("plan__meeting__held_on", "plan_id", "number"),
    "number": ("plan_id", "number", "id"),
}
SORT_LABELS = {
    "deadline": gettext_lazy("deadline"),
    "status": gettext_lazy("status"),
    "progress": gettext_lazy("progress"),
    "responsible": gettext_lazy("responsible member"),
    "organisation": gettext_lazy("organisation"),
    "meeting": gettext_lazy("meeting"),
    "number": gettext_lazy("plan and number"),
}
FILTER_KEYS = ("organisation", "meeting", "source", "status", "responsible", "overdue", "sort")


# The id a filter gets when the one asked for cannot exist: it matches nothing.
NO_SUCH_ID = -1


def _int(value):
    """An id from the query string: None when the filter is not given, NO_SUCH_ID when it is not an id
    any row can have (a word, a negative number, a 20-digit id that would overflow the query on SQLite
    and PostgreSQL), so the ledger answers with no items rather than ignoring the filter."""
    if value in (None, ""):
        return None
    number = bounded_int(value, maximum=BIGINT_MAX)
    return NO_SUCH_ID if number is None else number


def parse_filters(params) -> dict:
    """The ledger's filters from a GET QueryDict; never an error: an unknown status, source or sort is
    ignored, an id that cannot exist matches nothing."""
    sort = params.get("sort") or "number"
    if sort.lstrip("-") not in SORTS:
        sort = "number"
    status = params.get("status") or ""
    source = params.get("source") or ""
    return {
        "organisation": _int(params.get("organisation")),
        "meeting": _int(params.get("meeting")),
        "source": source if source in Problem.Source.values or source == "none" else "",
        "status": status if status in S.values or status == "overdue" else "",
        "responsible": _int(params.get("responsible")),
        "overdue": params.get("overdue") in ("1", "on", "true"),
        "sort": sort,
    }


def apply_filters(qs, f: dict, today=None):
    today = today or timezone.localdate()
    if f["organisation"]:
        qs = qs.filter(plan__organisation_id=f["organisation"])
    if f["meeting"]:
        qs = qs.filter(plan__meeting_id=f["meeting"])
    if f["source"] == "none":
        qs = qs.filter(problem__isnull=True)
    elif f["source"]:
        qs = qs.filter(problem__source=f["source"])
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["responsible"]:
        qs = qs.filter(responsible_member_id=f["responsible"])
    if f["overdue"]:
        qs = qs.overdue(today)
    return qs


def apply_sort(qs, sort: str):
    fields = SORTS[sort.lstrip("-")]
    if sort.startswith("-"):
        return qs.order_by(*(f"-{name}" for name in fields))
    return qs.order_by(*fields)


def ledger_rows(qs):
    return qs.select_related(
        "plan__meeting", "plan__organisation", "responsible_member", "responsible_leader", "problem"
    )


#: What a row of the ledger page shows (rectification/ledger.html): not the items' reasons and notes, not the
#: meetings' texts. (A field read beyond these costs a query per row: tests/rectification/test_ledger.py counts.)
LEDGER_PAGE_FIELDS = (
    "plan",
    "problem",
    "responsible_member",
    "number",
    "measure",
    "status",
    "deadline",
    "progress_percent",
    "plan__meeting",
    "plan__organisation",
    *(f"plan__meeting__{field}" for field in ("title", "year", "kind")),
    "plan__organisation__name",
    "problem__description",
    "problem__source",
    "responsible_member__name",
)


def ledger_page_rows(qs):
    """The rows of a page of the ledger, with what each shows."""
    return qs.select_related("plan__meeting", "plan__organisation", "responsible_member", "problem").only(
        *LEDGER_PAGE_FIELDS
    )


class DaysBetween(Func):
    """Whole days from `start` to `end` (two dates) as a number: cheap to sum, on PostgreSQL and SQLite."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        end, start = (compiler.compile(e) for e in self.get_source_expressions())
        params = [*end[1], *start[1]]
        if connection.vendor == "postgresql":
            return f"(({end[0]}) - ({start[0]}))", params
        return f"(julianday({end[0]}) - julianday({start[0]}))", params


def _per_organisation(qs, today):
    """One grouped query: per organisation, every count the summary and the chart need."""
    open_q = Q(status__in=RectificationItem.OPEN)
    days = DaysBetween(F("completed_on"), F("plan__meeting__held_on"))
    # The on-time rate counts the items that are due (deadline passed) or verified, with a deadline and
    # not cancelled; on time means finished by the deadline and verified. An overdue item counts as late.
    due_q = Q(deadline__isnull=False) & ~Q(status=S.CANCELLED) & (Q(status=S.VERIFIED) | Q(deadline__lt=today))
    return list(
        qs.order_by()
        .values("plan__organisation_id")
        .annotate(
            total=Count("id"),
            overdue=Count("id", filter=open_q & Q(deadline__lt=today)),
            reopened=Count("id", filter=Q(reopened_count__gt=0)),
            due=Count("id", filter=due_q),
            on_time=Count("id", filter=Q(status=S.VERIFIED, deadline__isnull=False, completed_on__lte=F("deadline"))),
            days_sum=Sum(days, filter=Q(status=S.VERIFIED)),
            days_n=Count(
                "id", filter=Q(status=S.VERIFIED, completed_on__isnull=False, plan__meeting__held_on__isnull=False)
            ),
            **{f"n_{value}": Count("id", filter=Q(status=value)) for value in S.values},
        )
    )


def _summary(groups) -> dict:
    keys = ["total", "overdue", "reopened", "due", "on_time", "days_n"] + [f"n_{value}" for value in S.values]
    totals = {key: sum(g[key] for g in groups) for key in keys}
    days_sum = sum(float(g["days_sum"] or 0) for g in groups)
    rate = round(100 * totals["on_time"] / totals["due"], 1) if totals["due"] else None
    return {
        "total": totals["total"],
        "by_status": [{"value": v, "label": label, "count": totals[f"n_{v}"]} for v, label in S.choices],
        "verified": totals[f"n_{S.VERIFIED}"],
        "overdue": totals["overdue"],
        "reopened": totals["reopened"],
        "on_time_rate": rate,
        "on_time": totals["on_time"],
        "due": totals["due"],
        "avg_days_to_close": round(days_sum / totals["days_n"], 1) if totals["days_n"] else None,
    }


def overview(qs, today=None) -> tuple[dict, dict]:
    """The summary above the ledger and the completion chart, from one grouped query (plus one for names)."""
    groups = _per_organisation(qs, today or timezone.localdate())
    groups.sort(key=lambda g: (-g["total"], g["plan__organisation_id"]))
    return _summary(groups), completion_chart(groups)


def summary(qs, today=None) -> dict:
    """The summary alone (the print view): the grouped query, without the chart's names."""
    return _summary(_per_organisation(qs, today or timezone.localdate()))


OVERVIEW_CACHE_SECONDS = 120
VERSION_KEY = "rectification:ledger:version"


def bump_version(**kwargs) -> None:
    """Any change of an item or plan makes every cached overview stale (connected to post_save/post_delete)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def cached_overview(user, f: dict, qs, today=None) -> tuple[dict, dict]:
    """The overview for this user's scope and these filters, cached until an item or plan changes.

    Over 100,000 items the grouped query is the dearest part of the ledger page; the answer is the
    same for every request of the same scope and filters until something is written."""
    today = today or timezone.localdate()
    version = cache.get_or_set(VERSION_KEY, 1, None)
    if user.is_superuser:
        scope = "all"
    else:
        member = member_for(user)
        plan_ids = sorted(RectificationPlan.objects.managed_ids(user))
        plans = hashlib.md5(",".join(map(str, plan_ids)).encode()).hexdigest()
        scope = f"{plans}:{member.pk if member else 0}"
    filters = ":".join(f"{k}={f[k]}" for k in FILTER_KEYS if k != "sort")
    key = "rectification:overview:" + hashlib.md5(f"{version}|{today}|{scope}|{filters}".encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = overview(qs, today)
        cache.set(key, result, OVERVIEW_CACHE_SECONDS)
    return result


FILTER_OPTIONS_LIMIT = 300


def meeting_title(title: str, year: int, kind: str) -> str:
    """Meeting.display_title from the fields it reads, for rows read as values (no instance, no query)."""
    return Meeting(title=title or "", year=year, kind=kind).display_title


def filter_options(user, visible, f: dict) -> dict:
    """Choices for the filter form: three bounded queries that read plans rather than every item."""
    if user.is_superuser:
        org_q = Q(pk__in=RectificationPlan.objects.values("organisation_id"))
        meeting_q = Q(pk__in=RectificationPlan.objects.values("meeting_id"))
    else:
        plans = RectificationPlan.objects.filter(pk__in=RectificationPlan.objects.managed_ids(user))
        own = RectificationItem.objects.none()
        member = member_for(user)
        if member is not None:
            own = RectificationItem.objects.filter(Q(responsible_member=member) | Q(responsible_leader=member))
        org_q = Q(pk__in=plans.values("organisation_id")) | Q(pk__in=own.values("plan__organisation_id"))
        meeting_q = Q(pk__in=plans.values("meeting_id")) | Q(pk__in=own.values("plan__meeting_id"))
    organisations = list(
        Organisation.objects.filter(org_q).order_by("name").values_list("pk", "name")[:FILTER_OPTIONS_LIMIT]
    )
    if f["organisation"] and f["organisation"] not in {pk for pk, _name in organisations}:
        # The chosen organisation stays selectable however long the list is.
        organisations += list(Organisation.objects.filter(org_q, pk=f["organisation"]).values_list("pk", "name"))
    meetings = Meeting.objects.filter(meeting_q)
    if f["organisation"]:
        meetings = meetings.filter(organisation_id=f["organisation"])
    meetings = list(
        meetings.order_by("-held_on", "-id").values_list(
            "pk", "title", "year", "kind", "held_on", "organisation__name"
        )[:FILTER_OPTIONS_LIMIT]
    )
    if f["organisation"] and is_secretary_of(user, f["organisation"]):
        members = Member.objects.filter(memberships__organisation_id=f["organisation"]).distinct()
    elif user.is_superuser:
        members = Member.objects.all()  # everyone may be responsible somewhere; no scan of every item
    else:
        # Only names the user may see: those responsible for the items they see (of the chosen
        # organisation); never the members of an organisation named in the address.
        responsible = visible.filter(plan__organisation_id=f["organisation"]) if f["organisation"] else visible
        members = Member.objects.filter(pk__in=responsible.order_by().values("responsible_member_id"))
    members = list(members.order_by("name").values_list("pk", "name")[:FILTER_OPTIONS_LIMIT])
    return {
        "organisations": organisations,
        "meetings": [
            (pk, f"{meeting_title(title, year, kind)} · {org}" + (f" · {held_on:%Y-%m-%d}" if held_on else ""))
            for pk, title, year, kind, held_on, org in meetings
        ],
        "members": members,
        "sources": [*Problem.Source.choices, ("none", _("added by hand"))],
        "statuses": S.choices,
        "sorts": [(key, label) for key, label in SORT_LABELS.items()],
    }


# --- /dashboard/ ---------------------------------------------------------------------------


#: The columns a dashboard entry of an item reads (its measure, state, progress, dates, who is responsible).
ITEM_ENTRY_FIELDS = ("measure", "status", "progress_percent", "deadline", "completed_on", "updated_at")


def _due(item: RectificationItem) -> list[str]:
    """When an item is due, and by how much it is late."""
    meta = []
    if item.deadline:
        meta.append(_("due %(date)s") % {"date": item.deadline.isoformat()})
    if item.is_overdue:
        meta.append(_("overdue by %(days)s days") % {"days": item.overdue_days})
    return meta


def my_items_section(user) -> Section | None:
    """Items I am responsible for and that are still mine to work on, overdue ones first, each with a link
    to report progress (or, once claimed done, to the item awaiting verification)."""
    member = member_for(user)
    if member is None:
        return None
    today = timezone.localdate()
    overdue_first = Case(
        When(status__in=RectificationItem.OPEN, deadline__lt=today, then=0),
        When(status__in=RectificationItem.OPEN, then=1),
        default=2,
    )
    items = (
        RectificationItem.objects.filter(responsible_member=member)
        .exclude(status__in=RectificationItem.CLOSED)
        .only(*ITEM_ENTRY_FIELDS)
        .order_by(overdue_first, F("deadline").asc(nulls_last=True), "id")[:20]
    )
    rows = []
    for item in items:
        meta = [item.get_status_display(), f"{item.progress_percent}%", *_due(item)]
        if item.is_open:
            url = reverse("rectification:item_progress", args=[item.pk]) + "#report-progress"
            action = _("Report progress")
        else:
            url, action = item.get_absolute_url(), _("Read")
        rows.append({"label": str(item), "url": url, "meta": " · ".join(meta), "action": action})
    return {
        "title": _("My rectification items"),
        "items": rows,
        "empty": _("You have no rectification item to work on."),
        "more_url": reverse("rectification:ledger") + f"?responsible={member.pk}",
    }


def dashboard_sections(user) -> list[Section]:
    """A member's own items (when they have any); a secretary's items awaiting verification and overdue items."""
    from .rollup import dashboard_section

    sections = dashboard_section(user)
    mine = my_items_section(user)
    if mine is not None and mine["items"]:
        sections.append(mine)
    if is_secretary(user):
        visible = (
            RectificationItem.objects.visible_to(user)
            .select_related("responsible_member")
            .only(*ITEM_ENTRY_FIELDS, "responsible_member", "responsible_member__name")
        )
        awaiting = visible.awaiting_verification().order_by("updated_at", "id")[:20]
        sections.append(
            {
                "title": _("Rectification items awaiting verification"),
                "items": [
                    {
                        "label": str(i),
                        "url": reverse("rectification:item_verify", args=[i.pk]) + "#verify",
                        "meta": " · ".join([i.responsible_member.name, *_claimed(i)]),
                        "action": _("Verify"),
                    }
                    for i in awaiting
                ],
                "empty": _("No item is awaiting verification. Items appear here when members report them done."),
                "more_url": reverse("rectification:ledger") + f"?status={RectificationItem.Status.DONE}",
            }
        )
        overdue = visible.overdue().order_by("deadline", "id")[:20]
        sections.append(
            {
                "title": _("Overdue rectification items"),
                "items": [
                    {
                        "label": str(i),
                        "url": i.get_absolute_url(),
                        "meta": " · ".join([i.responsible_member.name, f"{i.progress_percent}%", *_due(i)]),
                        "action": _("Follow up"),
                    }
                    for i in overdue
                ],
                "empty": _("No item is overdue."),
                "more_url": reverse("rectification:ledger") + "?overdue=1",
            }
        )
    return sections


def _claimed(item: RectificationItem) -> list[str]:
    if item.completed_on is None:
        return []
    return [_("reported done on %(date)s") % {"date": item.completed_on.isoformat()}]


def plan_with_items(user, pk: int) -> tuple[RectificationPlan, object]:
    """A plan the user may read (404 otherwise) and, in order, the items of it they may see: what its page, its
    PDF and its Word document show."""
    plans = RectificationPlan.objects.visible_to(user).select_related("meeting", "organisation")
    plan = get_object_or_404(plans, pk=pk)
    items = (
        RectificationItem.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("responsible_member", "responsible_leader", "problem")
        .order_by("number", "pk")
    )
    return plan, items
