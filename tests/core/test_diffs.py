"""Line diffs: the side-by-side table of materials and the unified lines of notices."""

from core.diffs import diff_table, unified_lines


def test_diff_table_marks_changed_lines_and_escapes_everything():
    table = diff_table("## Causes\nsame\nold <b>", "## Causes\nsame\nnew\nadded", "<a>", "B")
    assert "<strong>Causes</strong>" in table and "## Causes" not in table
    assert '<td class="diff_chg">old &lt;b&gt;</td>' in table
    assert '<td class="diff_add">added</td>' in table
    assert "&lt;a&gt;" in table and "<a>" not in table


def test_unified_lines_kinds_without_the_file_headers():
    lines = unified_lines("a\nb\nc", "a\nB\nc", "old", "new")
    assert lines == [("hunk", "@@ -1,3 +1,3 @@"), ("same", " a"), ("removed", "-b"), ("added", "+B"), ("same", " c")]
    assert unified_lines("same", "same", "old", "new") == []


def test_unified_lines_keep_a_removed_rule_line():
    """A Markdown rule ("---") taken out of the text is shown, not mistaken for a file header."""
    lines = unified_lines("a\n---\nb", "a\nb", "old", "new")
    assert ("removed", "----") in lines
