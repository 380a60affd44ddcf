"""Diffs take bounded work: an exact line alignment in near-linear time, and a plain side-by-side
view with a message beyond the size limits."""

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from core.diffs import MAX_DIFF_LINES, diff_table, opcodes, unified_lines

LINES = st.lists(st.sampled_from(["", "a", "b", "c", "## Causes", "- item"]), max_size=25)


def _lcs_length(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(LINES, LINES)
def test_opcodes_cover_both_texts_and_keep_a_longest_common_part(a, b):
    codes = opcodes(a, b)
    i = j = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    assert sum(i2 - i1 for tag, i1, i2, _j1, _j2 in codes if tag == "equal") == _lcs_length(a, b)


def _rewritten(n):
    """Every paragraph rewritten, blank lines between them: what made difflib cubic (1,000 lines took 11 s)."""
    old = "\n".join("" if i % 2 else f"old paragraph {i}" for i in range(n))
    new = "\n".join("" if i % 2 else f"new paragraph {i}" for i in range(n))
    return old, new


def test_a_long_rewritten_text_is_compared_quickly():
    old, new = _rewritten(3000)
    start = time.perf_counter()
    table = diff_table(old, new, "old", "new")
    lines = unified_lines(old, new, "old", "new")
    assert time.perf_counter() - start < 3  # difflib took minutes
    assert '<td class="diff_chg">new paragraph 0</td>' in table
    assert ("removed", "-old paragraph 2998") in lines and ("added", "+new paragraph 2998") in lines
    assert "too long" not in table


def test_texts_beyond_the_limit_are_shown_side_by_side_with_a_message():
    old = "\n".join(f"line {i}" for i in range(MAX_DIFF_LINES + 1))
    new = old.replace("line 5\n", "changed\n")
    table = diff_table(old, new, "old", "new")
    assert "The texts are too long to compare line by line" in table
    assert "<td>changed</td>" in table and "diff_chg" not in table  # shown, not marked
    [(kind, message)] = unified_lines(old, new, "old", "new")
    assert kind == "hunk" and "The texts are too long to compare line by line" in message
    # Lines split by a carriage return alone count as lines too.
    assert "too long" in diff_table("\r".join(["x"] * (MAX_DIFF_LINES + 1)), "y", "old", "new")
