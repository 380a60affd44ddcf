"""The ledger (整改台账): filters, sorting, the summary, the chart and the .xlsx export.

Everything here works on a queryset already scoped by `RectificationItem.objects.visible_to(user)`,
so other organisations' items never reach a page, an export or a count.
"""

import hashlib
import tempfile
from copy import copy

from django.core.cache import cache
from django.db.models import Count, F, FloatField, Func, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Meeting
from members.models import Member, Organisation
from members.permissions import member_for

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


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_filters(params) -> dict:
    """The ledger's filters from a GET QueryDict; unknown values are ignored, never an error."""
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
    open_q = Q(status__in=[S.OPEN, S.IN_PROGRESS])
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


def overview(qs, today=None) -> tuple[dict, dict]:
    """The summary above the ledger and the completion chart, from one grouped query (plus one for names)."""
    today = today or timezone.localdate()
    groups = _per_organisation(qs, today)
    keys = ["total", "overdue", "reopened", "due", "on_time", "days_n"] + [f"n_{value}" for value in S.values]
    totals = {key: sum(g[key] for g in groups) for key in keys}
    days_sum = sum(float(g["days_sum"] or 0) for g in groups)
    rate = round(100 * totals["on_time"] / totals["due"], 1) if totals["due"] else None
    summary = {
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
    groups.sort(key=lambda g: (-g["total"], g["plan__organisation_id"]))
    return summary, completion_chart(groups)


def summary(qs, today=None) -> dict:
    return overview(qs, today)[0]


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


CHART_MAX_ORGANISATIONS = 15
CHART_BAR_HEIGHT = 22
CHART_ROW_HEIGHT = 36  # room for a label of two lines beside each bar
CHART_LABEL_WIDTH = 260
CHART_BAR_WIDTH = 360
CHART_LABEL_UNITS = 40  # what fits in the label column at 12px: a latin letter is one unit, a CJK character two


def _units(char: str) -> int:
    return 2 if ord(char) >= 0x2E80 else 1


def wrap_label(text: str, width: int = CHART_LABEL_UNITS, lines: int = 2) -> list[str]:
    """The organisation's name in at most `lines` lines of `width` units, broken at spaces where it can
    (CJK names have none and break anywhere); an ellipsis ends a name that still does not fit."""
    text = " ".join(text.split())
    result = []
    while text and len(result) < lines:
        used, cut = 0, len(text)
        for index, char in enumerate(text):
            used += _units(char)
            if used > width:
                cut = index
                break
        if cut == len(text):
            result.append(text)
            text = ""
            break
        space = text.rfind(" ", 0, cut + 1)
        if space > 0:
            cut = space
        result.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        last = result[-1]
        while last and sum(map(_units, last)) + 1 > width:
            last = last[:-1]
        result[-1] = last.rstrip() + "…"
    return result


def completion_chart(groups) -> dict:
    """Completion per organisation as bar geometry for an inline SVG (no JavaScript): the largest first."""
    rows = groups[:CHART_MAX_ORGANISATIONS]
    more = len(groups) > CHART_MAX_ORGANISATIONS
    names = {}
    if rows:
        names = {
            pk: (name, short_name)
            for pk, name, short_name in Organisation.objects.filter(
                pk__in=[r["plan__organisation_id"] for r in rows]
            ).values_list("pk", "name", "short_name")
        }
    bars = []
    for index, row in enumerate(rows):
        share = row[f"n_{S.VERIFIED}"] / row["total"] if row["total"] else 0
        name, short_name = names.get(row["plan__organisation_id"], ("", ""))
        top = index * CHART_ROW_HEIGHT
        bar_y = top + (CHART_ROW_HEIGHT - CHART_BAR_HEIGHT) // 2
        lines = wrap_label(short_name or name)
        # One line sits level with the bar's middle; two lines straddle it.
        first_y = bar_y + CHART_BAR_HEIGHT // 2 + 4 - (7 if len(lines) > 1 else 0)
        bars.append(
            {
                "name": name,
                "lines": [{"text": line, "y": first_y + 14 * n} for n, line in enumerate(lines)],
                "organisation_id": row["plan__organisation_id"],
                "total": row["total"],
                "verified": row[f"n_{S.VERIFIED}"],
                "percent": round(100 * share),
                "y": bar_y,
                "text_y": bar_y + CHART_BAR_HEIGHT // 2 + 4,
                "width": round(CHART_BAR_WIDTH * share, 1),
            }
        )
    return {
        "bars": bars,
        "more": more,
        "height": len(bars) * CHART_ROW_HEIGHT,
        "label_width": CHART_LABEL_WIDTH,
        "bar_width": CHART_BAR_WIDTH,
        "bar_height": CHART_BAR_HEIGHT,
        "value_x": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 8,
        "total_width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 130,
    }


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
    if f["organisation"]:
        members = Member.objects.filter(memberships__organisation_id=f["organisation"]).distinct()
    elif user.is_superuser:
        members = Member.objects.all()  # everyone may be responsible somewhere; no scan of every item
    else:
        members = Member.objects.filter(pk__in=visible.order_by().values("responsible_member_id"))
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


# --- export -----------------------------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EXPORT_COLUMNS = [
    # (header, width, wrap)
    (gettext_lazy("No."), 6, False),
    (gettext_lazy("Organisation"), 32, False),
    (gettext_lazy("Meeting"), 40, False),
    (gettext_lazy("Meeting date"), 12, False),
    (gettext_lazy("Source"), 16, False),
    (gettext_lazy("Problem"), 45, True),
    (gettext_lazy("Measure"), 50, True),
    (gettext_lazy("Type"), 16, False),
    (gettext_lazy("Responsible member"), 16, False),
    (gettext_lazy("Responsible leader"), 16, False),
    (gettext_lazy("Deadline"), 12, False),
    (gettext_lazy("Status"), 18, False),
    (gettext_lazy("Progress (%)"), 10, False),
    (gettext_lazy("Overdue days"), 10, False),
    (gettext_lazy("Completed on"), 12, False),
]

EXPORT_FIELDS = (
    "number",
    "plan__organisation__name",
    "plan__meeting__title",
    "plan__meeting__year",
    "plan__meeting__kind",
    "plan__meeting__held_on",
    "problem__source",
    "problem__description",
    "measure",
    "type",
    "responsible_member__name",
    "responsible_leader__name",
    "deadline",
    "status",
    "progress_percent",
    "completed_on",
)


def safe_text(value):
    """Strings that a spreadsheet could take for a formula are kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return value, True
    return value, False


def write_xlsx(qs, fileobj, today=None) -> int:
    """Write the items of `qs` (already filtered and sorted) into an .xlsx workbook in `fileobj`.

    openpyxl's write-only workbook: rows go to disk as they are made, memory stays flat.
    One query, read in chunks."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    today = today or timezone.localdate()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("Rectification ledger"))[:31])
    ws.freeze_panes = "A2"
    for index, (_header, width, _wrap) in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    prototype = WriteOnlyCell(ws, value="")
    prototype.alignment = Alignment(wrap_text=True, vertical="top")
    wrap_style = copy(prototype._style)
    prototype.alignment = Alignment(vertical="top")
    top_style = copy(prototype._style)
    header = []
    for title, _width, _wrap in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=str(title))
        cell.font = bold
        header.append(cell)
    ws.append(header)

    # Labels resolved to plain strings once, not a lazy translation per cell.
    sources = {key: str(label) for key, label in Problem.Source.choices}
    types = {key: str(label) for key, label in RectificationItem.Type.choices}
    statuses = {key: str(label) for key, label in S.choices}
    by_hand = str(_("added by hand"))
    open_statuses = {S.OPEN, S.IN_PROGRESS}
    meeting_titles = {}  # one title made per distinct meeting, not per row
    wrap_columns = {i for i, (_h, _w, w) in enumerate(EXPORT_COLUMNS) if w}
    count = 0
    rows = qs.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
    for (
        number,
        org,
        m_title,
        m_year,
        m_kind,
        held_on,
        source,
        problem,
        measure,
        type_,
        responsible,
        leader,
        deadline,
        status,
        percent,
        completed_on,
    ) in rows:
        m_label = meeting_titles.get((m_title, m_year, m_kind))
        if m_label is None:
            m_label = meeting_titles[(m_title, m_year, m_kind)] = meeting_title(m_title, m_year, m_kind)
        overdue = (today - deadline).days if deadline and status in open_statuses and deadline < today else None
        values = [
            number,
            org,
            m_label,
            held_on,
            sources.get(source, source) if source else by_hand,
            problem or "",
            measure,
            types.get(type_, type_),
            responsible,
            leader or "",
            deadline,
            statuses.get(status, status),
            percent,
            overdue,
            completed_on,
        ]
        row = []
        for index, value in enumerate(values):
            value, as_text = safe_text(value)
            if as_text or index in wrap_columns:
                cell = WriteOnlyCell(ws, value=value)
                # Copying a prepared style array is much cheaper than setting the alignment on every cell.
                cell._style = copy(wrap_style if index in wrap_columns else top_style)
                if as_text:
                    cell.data_type = "s"
                row.append(cell)
            else:
                row.append(value)
        ws.append(row)
        count += 1
    wb.save(fileobj)
    return count


def export_tempfile(qs):
    """The workbook in a temporary file (deleted on close), rewound, ready to stream."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(qs, tmp)
    tmp.seek(0)
    return tmp
