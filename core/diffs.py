"""Differences between two texts, line by line: a side-by-side HTML table (materials' revisions and
edit conflicts) and a unified list of lines (notices' history and edit conflicts).

The work is bounded whatever the texts. difflib's matcher is quadratic to cubic on texts with
many repeated lines (Markdown's blank lines between rewritten paragraphs: 1,000 lines took 11 s),
so the alignment here is a longest common subsequence of lines computed with bit-parallel integers
(Allison–Dix / Hyyrö): one pass of a few big-integer operations per line, O(n·m/64) machine words
of time and n·m bits of memory once the common beginning and end are set aside. Beyond
`MAX_DIFF_LINES` lines or `MAX_DIFF_CHARS` characters on a side the texts are not aligned: the
table shows them side by side line for line, and both outputs say why.
bench/bench_limits.py measures the largest diff allowed.
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

_HEADING = re.compile(r"^#{1,6}\s+")

# The largest texts compared line by line (each side): 10,000 lines × 10,000 lines is 12.5 MB of
# bits and well under a second (bench/bench_limits.py).
MAX_DIFF_LINES = 10_000
MAX_DIFF_CHARS = 1_000_000


def too_long_message() -> str:
    return _(
        "The texts are too long to compare line by line (more than %(lines)s lines or %(chars)s characters): "
        "they are shown side by side without marking the changes."
    ) % {"lines": f"{MAX_DIFF_LINES:,}", "chars": f"{MAX_DIFF_CHARS:,}"}


def _lines(a_text: str, b_text: str) -> tuple[list[str], list[str], bool]:
    """Both texts split into lines, and whether they are small enough to be aligned."""
    a_lines, b_lines = a_text.splitlines(), b_text.splitlines()
    small = max(len(a_text), len(b_text)) <= MAX_DIFF_CHARS and max(len(a_lines), len(b_lines)) <= MAX_DIFF_LINES
    return a_lines, b_lines, small


def _lcs_path(a: list, b: list) -> list[int]:
    """The edit path of a longest common subsequence of two lists of hashable items:
    0 = the same item in both, 1 = an item of `a` only, 2 = an item of `b` only.

    Row i of the table is kept as one integer whose bit j says whether LCS(a[:i], b[:j+1])
    equals LCS(a[:i], b[:j]) (a 1) or is one more (a 0); each row follows from the one before in
    a few big-integer operations, and the path is read back from the rows in n + m steps."""
    masks: dict = {}
    for j, item in enumerate(b):
        masks[item] = masks.get(item, 0) | (1 << j)
    full = (1 << len(b)) - 1
    row = full
    rows = [row]
    for item in a:
        match = row & masks.get(item, 0)
        row = ((row + match) | (row - match)) & full
        rows.append(row)
    i, j, path = len(a), len(b), []
    while i and j:
        if a[i - 1] == b[j - 1]:
            path.append(0)
            i, j = i - 1, j - 1
        elif (rows[i] >> (j - 1)) & 1:  # dropping b[j-1] keeps the length: an insertion
            path.append(2)
            j -= 1
        else:
            path.append(1)
            i -= 1
    path.extend([1] * i)
    path.extend([2] * j)
    path.reverse()
    return path


def opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes ("equal", "replace", "delete", "insert", i1, i2, j1, j2) aligning two
    lists of lines, computed in bounded time (see the module's docstring)."""
    prefix = 0
    while prefix < len(a) and prefix < len(b) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(a) - prefix and suffix < len(b) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    ids: dict[str, int] = {}
    a_mid = [ids.setdefault(line, len(ids)) for line in a[prefix : len(a) - suffix]]
    b_mid = [ids.setdefault(line, len(ids)) for line in b[prefix : len(b) - suffix]]
    path = [0] * prefix + _lcs_path(a_mid, b_mid) + [0] * suffix
    codes = []
    i = j = 0
    k = 0
    while k < len(path):
        i0, j0 = i, j
        if path[k] == 0:
            while k < len(path) and path[k] == 0:
                i, j, k = i + 1, j + 1, k + 1
            codes.append(("equal", i0, i, j0, j))
            continue
        while k < len(path) and path[k] != 0:
            if path[k] == 1:
                i += 1
            else:
                j += 1
            k += 1
        tag = "replace" if i > i0 and j > j0 else ("delete" if i > i0 else "insert")
        codes.append((tag, i0, i, j0, j))
    return codes


def _diff_cell(line: str | None, number: int | None, css: str) -> str:
    """One side of a diff row: line number and text. Markdown headings show as bold text, not as '## '."""
    if line is None:
        return '<td class="diff_header"></td><td class="diff_empty"></td>'
    text = escape(line)
    if _HEADING.match(line):
        text = f"<strong>{escape(_HEADING.sub('', line))}</strong>"
    css_attr = f' class="{css}"' if css else ""
    return f'<td class="diff_header">{number}</td><td{css_attr}>{text}</td>'


def _side_by_side_rows(a_lines: list[str], b_lines: list[str]) -> list[str]:
    """Both texts line for line, not aligned and not marked: what is shown beyond the limits."""
    rows = []
    for k in range(max(len(a_lines), len(b_lines))):
        left = a_lines[k] if k < len(a_lines) else None
        right = b_lines[k] if k < len(b_lines) else None
        rows.append("<tr>" + _diff_cell(left, k + 1, "") + _diff_cell(right, k + 1, "") + "</tr>")
    return rows


def diff_table(a_text: str, b_text: str, a_label: str, b_label: str) -> str:
    """A side-by-side HTML diff of two texts, line by line: labelled sides, line numbers, changed lines
    marked (diff_add, diff_chg, diff_sub). Everything from the texts and labels is escaped here.

    Texts beyond the limits are shown side by side unaligned, under a message that says so."""
    a_lines, b_lines, small = _lines(a_text, b_text)
    note = ""
    if not small:
        note = f'<p class="alert alert-warning diff-too-long" role="status">{escape(too_long_message())}</p>'
        rows = _side_by_side_rows(a_lines, b_lines)
    else:
        rows = []
        for tag, i1, i2, j1, j2 in opcodes(a_lines, b_lines):
            for k in range(max(i2 - i1, j2 - j1)):
                left = a_lines[i1 + k] if i1 + k < i2 else None
                right = b_lines[j1 + k] if j1 + k < j2 else None
                if tag == "equal":
                    css_left = css_right = ""
                elif tag == "replace":
                    css_left = "diff_chg" if right is not None else "diff_sub"
                    css_right = "diff_chg" if left is not None else "diff_add"
                else:
                    css_left, css_right = "diff_sub", "diff_add"
                rows.append(
                    "<tr>" + _diff_cell(left, i1 + k + 1, css_left) + _diff_cell(right, j1 + k + 1, css_right) + "</tr>"
                )
    head = (
        f'<thead><tr><th scope="col" colspan="2" class="diff_side">{escape(a_label)}</th>'
        f'<th scope="col" colspan="2" class="diff_side">{escape(b_label)}</th></tr></thead>'
    )
    return mark_safe(f'{note}<table class="diff table table-sm">{head}<tbody>{"".join(rows)}</tbody></table>')  # noqa: S308


class _Grouped(difflib.SequenceMatcher):
    """difflib's grouping of opcodes into hunks with context, over opcodes computed here."""

    def __init__(self, codes):  # no matching of its own: the opcodes are given
        self._codes = codes

    def get_opcodes(self):
        return list(self._codes)


def _range(start: int, stop: int) -> str:
    """A hunk's range as `diff -u` writes it ("3", "3,4", "2,0")."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def unified_lines(old: str, new: str, old_label: str, new_label: str) -> list[tuple[str, str]]:
    """A unified diff (one line of context) as (kind, line) pairs, kind being "added", "removed",
    "hunk" or "same"; no file header lines (the labels are not shown). Texts beyond the limits give
    one "hunk" line saying they are too long to compare. The template escapes the lines."""
    a, b, small = _lines(old or "", new or "")
    if not small:
        return [("hunk", too_long_message())]
    out = []
    for group in _Grouped(opcodes(a, b)).get_grouped_opcodes(1):
        first, last = group[0], group[-1]
        out.append(("hunk", f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(("same", " " + line) for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                out.extend(("removed", "-" + line) for line in a[i1:i2])
            if tag in ("replace", "insert"):
                out.extend(("added", "+" + line) for line in b[j1:j2])
    return out
