"""The ledger as an .xlsx workbook: the filtered, sorted items, streamed from a temporary file.

It prints as a table should: A4 landscape, fitted to the page's width (every column on each page),
the header row repeated on every printed page, rows as tall as their wrapped text, the organisation's
column as wide as its longest full name."""

import math
import tempfile
import unicodedata
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
    # (header, width, wrap): widths in Excel's character units (a Chinese character takes two); the
    # organisation's column is widened to its longest name in the export (organisation_width).
    (gettext_lazy("No."), 5, False),
    (gettext_lazy("Organisation"), 16, False),
    (gettext_lazy("Meeting"), 22, True),
    (gettext_lazy("Meeting date"), 11, False),
    (gettext_lazy("Source"), 10, True),
    (gettext_lazy("Problem"), 34, True),
    (gettext_lazy("Measure"), 36, True),
    (gettext_lazy("Type"), 10, True),
    (gettext_lazy("Responsible member"), 10, True),
    (gettext_lazy("Responsible leader"), 10, True),
    (gettext_lazy("Deadline"), 11, False),
    (gettext_lazy("Status"), 10, True),
    (gettext_lazy("Progress (%)"), 8, False),
    (gettext_lazy("Overdue days"), 8, False),
    (gettext_lazy("Completed on"), 11, False),
    (gettext_lazy("Last progress note"), 30, True),
    (gettext_lazy("Verification comment"), 24, True),
]
ORGANISATION_COLUMN = 1
MAX_ORGANISATION_WIDTH = 60
#: Points per line of wrapped 11-point text (CJK glyphs are taller than Latin ones), the cell's
#: padding, and Excel's limit.
LINE_HEIGHT = 16
ROW_PADDING = 3
MAX_ROW_HEIGHT = 409

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
    "last_progress_note",
    "last_verification_comment",
)


def display_width(text: str) -> int:
    """Columns the text takes in a spreadsheet: two for a wide (Chinese) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _quick_width(text: str) -> int:
    """display_width, estimated at C speed for the row heights of 100,000 rows: a character of three
    or more UTF-8 bytes (CJK, full-width punctuation) counts two, any other one."""
    if text.isascii():
        return len(text)
    extra = len(text.encode()) - len(text)  # 2 per CJK character, 1 per two-byte (Latin, Greek…) one
    return len(text) + extra // 2


def text_lines(text: str, width: int) -> int:
    """Lines the text wraps to in a column `width` characters wide (each paragraph on its own line)."""
    if not text:
        return 1
    usable = max(1, width - 1)
    return sum(max(1, math.ceil(_quick_width(line) / usable)) for line in text.split("\n"))


def organisation_width(names) -> int:
    """The organisation's column: wide enough for the longest full name (within reason)."""
    widest = max((display_width(name or "") for name in names), default=0)
    return min(MAX_ORGANISATION_WIDTH, max(EXPORT_COLUMNS[ORGANISATION_COLUMN][1], widest + 2))


def with_notes(qs):
    """The items with their last progress note and the comment of their last verification."""
    from django.db.models import OuterRef, Subquery

    from .models import ProgressReport, Verification

    last_note = ProgressReport.objects.filter(item=OuterRef("pk")).order_by("-date", "-id").values("text")[:1]
    last_comment = Verification.objects.filter(item=OuterRef("pk")).order_by("-verified_at", "-id").values("comment")
    return qs.annotate(last_progress_note=Subquery(last_note), last_verification_comment=Subquery(last_comment[:1]))


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
    Two queries: the organisations' names (for the column's width), then the rows, read in chunks."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    today = today or timezone.localdate()
    widths = [width for _header, width, _wrap in EXPORT_COLUMNS]
    widths[ORGANISATION_COLUMN] = organisation_width(
        qs.order_by().values_list("plan__organisation__name", flat=True).distinct()
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(_("Rectification ledger"))[:31])
    ws.freeze_panes = "A2"
    # Printing: A4 landscape, every column on one page's width, as many pages down as it takes, the
    # header row on each page, the cells' grid drawn.
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    prototype = WriteOnlyCell(ws, value="")
    prototype.alignment = Alignment(wrap_text=True, vertical="top")
    wrap_style = copy(prototype._style)
    prototype.alignment = Alignment(vertical="top")
    top_style = copy(prototype._style)
    prototype.number_format = "yyyy-mm-dd"
    date_style = copy(prototype._style)
    date_columns = {3, 10, 14}  # meeting date, deadline, completed on
    header = []
    for title, _width, _wrap in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, value=str(title))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    titles = [str(title) for title, _width, _wrap in EXPORT_COLUMNS]
    _set_height(ws, 1, max(text_lines(title, width) for title, width in zip(titles, widths, strict=True)))
    ws.append(header)

    # Labels resolved to plain strings once, not a lazy translation per cell.
    sources = {key: str(label) for key, label in Problem.Source.choices}
    types = {key: str(label) for key, label in RectificationItem.Type.choices}
    statuses = {key: str(label) for key, label in S.choices}
    by_hand = str(_("added by hand"))
    open_statuses = {S.OPEN, S.IN_PROGRESS}
    meeting_titles = {}  # one title made per distinct meeting, not per row
    wrap_columns = [i for i, (_h, _w, w) in enumerate(EXPORT_COLUMNS) if w]
    wrap_set = set(wrap_columns)
    cells = []
    for index in range(len(EXPORT_COLUMNS)):
        cell = WriteOnlyCell(ws)
        cell._style = copy(wrap_style if index in wrap_set else date_style if index in date_columns else top_style)
        cells.append(cell)
    count = 0
    rows = with_notes(qs).values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
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
        last_note,
        last_comment,
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
            last_note or "",
            last_comment or "",
        ]
        row = []
        for index, value in enumerate(values):
            value, as_text = safe_text(value)
            if value is None or value == "":
                row.append(None)
                continue
            # One styled cell per column, reused row after row (openpyxl writes a row as it is appended):
            # every cell at the top of its possibly tall row, at no cost per cell.
            cell = cells[index]
            cell.value = value
            if as_text:
                cell.data_type = "s"
            row.append(cell)
        lines = max(text_lines(values[i], widths[i]) if isinstance(values[i], str) else 1 for i in wrap_columns)
        count += 1
        _set_height(ws, count + 1, lines)
        ws.append(row)
        # The row is written: its height need not be kept (memory stays flat over 100,000 rows).
        ws.row_dimensions.pop(count + 1, None)
    wb.save(fileobj)
    return count


def _set_height(ws, row: int, lines: int):
    """A row tall enough for `lines` lines of wrapped text (readers that do not fit rows to their text,
    LibreOffice's and Excel's print among them, would otherwise cut it)."""
    if lines > 1:
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING)


def export_tempfile(qs):
    """The workbook in a temporary file (deleted on close), rewound, ready to stream."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(qs, tmp)
    tmp.seek(0)
    return tmp
