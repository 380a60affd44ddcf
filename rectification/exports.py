"""The ledger as an .xlsx workbook: the filtered, sorted items, streamed from a temporary file."""

import tempfile
from copy import copy

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import xml_safe

from .models import Problem, RectificationItem
from .selectors import meeting_title

S = RectificationItem.Status

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
    """A cell's value and whether it must be kept as text: characters XML cannot carry are left out
    (a control character saved in an item would otherwise break the whole workbook), and strings
    that a spreadsheet could take for a formula are kept as text."""
    value = xml_safe(value)
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
