"""Differences between two texts, line by line: a side-by-side HTML table (materials' revisions and
edit conflicts) and a unified list of lines (notices' history and edit conflicts)."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

_HEADING = re.compile(r"^#{1,6}\s+")


def _diff_cell(line: str | None, number: int | None, css: str) -> str:
    """One side of a diff row: line number and text. Markdown headings show as bold text, not as '## '."""
    if line is None:
        return '<td class="diff_header"></td><td class="diff_empty"></td>'
    text = escape(line)
    if _HEADING.match(line):
        text = f"<strong>{escape(_HEADING.sub('', line))}</strong>"
    css_attr = f' class="{css}"' if css else ""
    return f'<td class="diff_header">{number}</td><td{css_attr}>{text}</td>'


def diff_table(a_text: str, b_text: str, a_label: str, b_label: str) -> str:
    """A side-by-side HTML diff of two texts, line by line: labelled sides, line numbers, changed lines
    marked (diff_add, diff_chg, diff_sub). Everything from the texts and labels is escaped here."""
    a_lines, b_lines = a_text.splitlines(), b_text.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
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
    return mark_safe(f'<table class="diff table table-sm">{head}<tbody>{"".join(rows)}</tbody></table>')  # noqa: S308


def unified_lines(old: str, new: str, old_label: str, new_label: str) -> list[tuple[str, str]]:
    """A unified diff (one line of context) as (kind, line) pairs, kind being "added", "removed",
    "hunk" or "same"; the two file header lines are left out (a removed "---" line of the text is
    kept). The template escapes the lines."""
    lines = difflib.unified_diff(
        (old or "").splitlines(), (new or "").splitlines(), fromfile=old_label, tofile=new_label, lineterm="", n=1
    )
    out = []
    for number, line in enumerate(lines):
        if number < 2:  # "--- old_label" and "+++ new_label"
            continue
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        out.append((kind, line))
    return out
