"""The ledger (整改台账): filters, sorting, the summary, the chart and the .xlsx export.

Everything here works on a queryset already scoped by `RectificationItem.objects.visible_to(user)`,
so other organisations' items never reach a page, an export or a count.
"""

import datetime
import tempfile

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Meeting
from members.models import Member, Organisation

from .models import Problem, RectificationItem

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


def summary(qs, today=None) -> dict:
    """Counts by status, overdue, on-time completion rate, average days to close, items reopened: one query."""
    today = today or timezone.localdate()
    open_q = Q(status__in=[S.OPEN, S.IN_PROGRESS])
    days = ExpressionWrapper(F("completed_on") - F("plan__meeting__held_on"), output_field=DurationField())
    agg = qs.order_by().aggregate(
        total=Count("id"),
        overdue=Count("id", filter=open_q & Q(deadline__lt=today)),
        reopened=Count("id", filter=Q(reopened_count__gt=0)),
        verified_with_deadline=Count("id", filter=Q(status=S.VERIFIED, deadline__isnull=False)),
        on_time=Count("id", filter=Q(status=S.VERIFIED, deadline__isnull=False, completed_on__lte=F("deadline"))),
        avg_days=Avg(days, filter=Q(status=S.VERIFIED)),
        **{f"n_{value}": Count("id", filter=Q(status=value)) for value in S.values},
    )
    by_status = [{"value": value, "label": label, "count": agg[f"n_{value}"]} for value, label in S.choices]
    avg = agg["avg_days"]
    if isinstance(avg, datetime.timedelta):
        avg_days = round(avg.total_seconds() / 86400, 1)
    elif avg is not None:  # some backends hand back microseconds
        avg_days = round(float(avg) / 86_400_000_000, 1)
    else:
        avg_days = None
    rate = None
    if agg["verified_with_deadline"]:
        rate = round(100 * agg["on_time"] / agg["verified_with_deadline"], 1)
    return {
        "total": agg["total"],
        "by_status": by_status,
        "verified": agg[f"n_{S.VERIFIED}"],
        "overdue": agg["overdue"],
        "reopened": agg["reopened"],
        "on_time_rate": rate,
        "avg_days_to_close": avg_days,
    }


CHART_MAX_ORGANISATIONS = 15
CHART_BAR_HEIGHT = 22
CHART_LABEL_WIDTH = 260
CHART_BAR_WIDTH = 360


def completion_chart(qs) -> dict:
    """Completion per organisation as bar geometry for an inline SVG (one query, no JavaScript)."""
    rows = list(
        qs.order_by()
        .values("plan__organisation_id", "plan__organisation__name")
        .annotate(total=Count("id"), verified=Count("id", filter=Q(status=S.VERIFIED)))
        .order_by("-total", "plan__organisation__name")[: CHART_MAX_ORGANISATIONS + 1]
    )
    more = len(rows) > CHART_MAX_ORGANISATIONS
    bars = []
    for index, row in enumerate(rows[:CHART_MAX_ORGANISATIONS]):
        share = row["verified"] / row["total"] if row["total"] else 0
        bars.append(
            {
                "name": row["plan__organisation__name"],
                "organisation_id": row["plan__organisation_id"],
                "total": row["total"],
                "verified": row["verified"],
                "percent": round(100 * share),
                "y": index * (CHART_BAR_HEIGHT + 6),
                "text_y": index * (CHART_BAR_HEIGHT + 6) + CHART_BAR_HEIGHT - 6,
                "width": round(CHART_BAR_WIDTH * share, 1),
            }
        )
    return {
        "bars": bars,
        "more": more,
        "height": len(bars) * (CHART_BAR_HEIGHT + 6),
        "label_width": CHART_LABEL_WIDTH,
        "bar_width": CHART_BAR_WIDTH,
        "bar_height": CHART_BAR_HEIGHT,
        "value_x": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 8,
        "total_width": CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 130,
    }


FILTER_OPTIONS_LIMIT = 300


def filter_options(user, visible, f: dict) -> dict:
    """Choices for the filter form: three queries, each bounded."""
    org_ids = visible.order_by().values("plan__organisation_id")
    organisations = list(Organisation.objects.filter(pk__in=org_ids).order_by("name").values_list("pk", "name"))
    meetings = Meeting.objects.filter(pk__in=visible.order_by().values("plan__meeting_id"))
    if f["organisation"]:
        meetings = meetings.filter(organisation_id=f["organisation"])
    meetings = list(
        meetings.order_by("-held_on", "-id").values_list("pk", "title", "year", "held_on", "organisation__name")[
            :FILTER_OPTIONS_LIMIT
        ]
    )
    members = Member.objects.filter(pk__in=visible.order_by().values("responsible_member_id"))
    if f["organisation"]:
        members = members.filter(memberships__organisation_id=f["organisation"])
    members = list(members.order_by("name").values_list("pk", "name")[:FILTER_OPTIONS_LIMIT])
    return {
        "organisations": organisations,
        "meetings": [
            (pk, f"{title or year} · {org}" + (f" · {held_on:%Y-%m-%d}" if held_on else ""))
            for pk, title, year, held_on, org in meetings
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
    (gettext_lazy("Organisation"), 28, True),
    (gettext_lazy("Meeting"), 30, True),
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
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    header = []
    for title, _width, _wrap in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=str(title))
        cell.font = bold
        header.append(cell)
    ws.append(header)

    sources = dict(Problem.Source.choices)
    types = dict(RectificationItem.Type.choices)
    statuses = dict(S.choices)
    open_statuses = {S.OPEN, S.IN_PROGRESS}
    wrap_columns = {i for i, (_h, _w, w) in enumerate(EXPORT_COLUMNS) if w}
    count = 0
    rows = qs.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
    for (
        number,
        org,
        m_title,
        m_year,
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
        overdue = (today - deadline).days if deadline and status in open_statuses and deadline < today else None
        values = [
            number,
            org,
            m_title or str(m_year),
            held_on,
            str(sources.get(source, "")) if source else str(_("added by hand")),
            problem or "",
            measure,
            str(types.get(type_, type_)),
            responsible,
            leader or "",
            deadline,
            str(statuses.get(status, status)),
            percent,
            overdue,
            completed_on,
        ]
        row = []
        for index, value in enumerate(values):
            value, as_text = safe_text(value)
            if as_text or index in wrap_columns:
                cell = WriteOnlyCell(ws, value=value)
                if as_text:
                    cell.data_type = "s"
                    cell.alignment = wrap if index in wrap_columns else top
                else:
                    cell.alignment = wrap
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
