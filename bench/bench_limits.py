"""The largest work one request may ask for: the largest diff and the largest Word import allowed.

    python bench/bench_limits.py            # every case, each in its own process

Each case runs twice in a child process: once for the time and the growth of the child's peak resident
memory (getrusage) during the operation, once under tracemalloc for the peak of Python allocations.

Diffs (core.diffs): two texts at the limit, MAX_DIFF_LINES lines each, every line changed; rewritten
paragraphs between blank lines were the case that made difflib cubic (1,000 lines took 11 s).
The side-by-side HTML table and the unified lines are both made. Target: under 1 s.

Word import (materials.services): `check_import_limits` then the reader (materials.word_import) and the
split into sections, on documents at the limits: MAX_IMPORT_ELEMENTS elements of the kinds mammoth, the
reader before it, was slowest on (empty
paragraphs, one-run paragraphs, bold runs, table cells), and MAX_UNPACKED_IMPORT bytes of text.
Target: a few seconds. Also the zip bomb of the review (72 KB unpacking to 20 MB; it took 38 s and
560 MB), which is now refused from the zip's directory.
"""

import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    "DEBUG": "1",
    "SECRET_KEY": "bench-only-not-a-secret",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "LANGUAGE_CODE": "en",
}
NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
# Elements outside the body: the two parts above (4 and 2), and the document and body elements.
OVERHEAD_ELEMENTS = 4 + 2 + 2


def _django():
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- inputs -------------------------------------------------------------------------------------------


def _texts(lines: int, width: int, blank_between: bool):
    """Two texts of `lines` lines of `width` characters, every paragraph rewritten; with a blank line
    between paragraphs (what made difflib cubic) or without."""
    rng = random.Random(1)
    words = "整改 措施 调查 研究 基层 群众 学习 理论 作风 建设 落实 责任".split()

    def paragraph(tag, i):
        text = f"{tag}{i} " + " ".join(rng.choice(words) for _ in range(width // 2))
        return text[:width]

    def text(tag):
        return "\n".join("" if blank_between and i % 2 else paragraph(tag, i) for i in range(lines))

    return text("旧"), text("新")


def _docx(body: str, extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}</w:body></w:document>',
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def _at_the_element_limit(unit: str, per_unit: int, text=lambda i: "") -> bytes:
    from materials.services import MAX_IMPORT_ELEMENTS

    count = (MAX_IMPORT_ELEMENTS - OVERHEAD_ELEMENTS) // per_unit
    return _docx("".join(unit.format(text=text(i)) for i in range(count)))


def _at_the_size_limit() -> bytes:
    """Text up to the unpacked limit, in paragraphs of about 5,000 characters (random, so it packs loosely)."""
    from materials.services import MAX_UNPACKED_IMPORT

    rng = random.Random(2)
    chars = "整改措施调查研究基层群众学习理论作风建设落实责任问题原因"
    budget = MAX_UNPACKED_IMPORT - 4096
    paragraphs = []
    while budget > 20_000:
        text = "".join(rng.choice(chars) for _ in range(5000))
        paragraphs.append(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
        budget -= len(paragraphs[-1].encode())
    return _docx("".join(paragraphs))


def _zip_bomb() -> bytes:
    paragraph = "<w:p><w:r><w:t>整改</w:t></w:r></w:p>"
    return _docx(paragraph * (20 * 1024 * 1024 // len(paragraph)))


WORD_CASES = {
    "word: empty paragraphs at the element limit": lambda: _at_the_element_limit("<w:p/>", 1),
    "word: one-run paragraphs at the element limit": lambda: _at_the_element_limit(
        "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>", 3, lambda i: f"第{i}段文字"
    ),
    "word: bold runs at the element limit": lambda: _at_the_element_limit(
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{text}</w:t></w:r></w:p>", 5, lambda i: f"要点{i}"
    ),
    "word: table cells at the element limit": lambda: _at_the_element_limit(
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>", 6, lambda i: str(i)
    ),
    "word: text at the unpacked-size limit": _at_the_size_limit,
    "word: the review's zip bomb (refused)": _zip_bomb,
}


# --- one case, in a child process ---------------------------------------------------------------------


def _prepare(case: str):
    """The input of a case and the operation to time on it."""
    if case.startswith("diff"):
        from core.diffs import MAX_DIFF_CHARS, MAX_DIFF_LINES, diff_table, unified_lines

        blank_between = "blank lines between" in case
        if "40 characters" in case:
            width = 40
        else:  # as long as the character limit allows
            width = (MAX_DIFF_CHARS - MAX_DIFF_LINES) // (MAX_DIFF_LINES // 2 if blank_between else MAX_DIFF_LINES)
        old, new = _texts(MAX_DIFF_LINES, width, blank_between)
        assert len(old.splitlines()) <= MAX_DIFF_LINES and len(old) <= MAX_DIFF_CHARS, (len(old), MAX_DIFF_CHARS)

        def run():
            table = diff_table(old, new, "old", "new")
            lines = unified_lines(old, new, "old", "new")
            assert "too long" not in table, "the case must be within the limits"
            return f"{len(old):,} + {len(new):,} characters, {len(lines):,} unified lines, {len(table):,} bytes of HTML"

        return run

    from django.core.exceptions import ValidationError

    from materials import word_import
    from materials.services import check_import_limits

    content = WORD_CASES[case]()

    def run():
        upload = io.BytesIO(content)
        upload.name = "bench.docx"
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
        size = f"{len(content) / 1024:,.0f} KB packed, {unpacked / 2**20:,.1f} MB unpacked"
        try:
            check_import_limits(upload)
        except ValidationError as exc:
            return f"{size}: refused: {exc.messages[0]}"
        blocks = word_import.read_docx(upload)
        word_import.split_blocks(blocks, ["为民服务"])
        return f"{size}: {sum(len(b.markdown) for b in blocks):,} characters of text"

    return run


def child(case: str, traced: bool) -> None:
    _django()
    run = _prepare(case)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    what = run()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "traced_mb": peak / 2**20, "rss_mb": rss / 1024,
                      "rss_growth_mb": (rss - before) / 1024, "what": what}))  # fmt: skip


def _run_child(case: str, traced: bool) -> dict:
    args = [sys.executable, __file__, "--case", case] + (["--traced"] if traced else [])
    output = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    if "--case" in sys.argv:
        child(sys.argv[sys.argv.index("--case") + 1], "--traced" in sys.argv)
        return 0
    cases = [
        "diff: 10,000 lines of 40 characters a side, blank lines between",
        "diff: 10,000 lines of 40 characters a side, no blank lines",
        "diff: 10,000 lines, 1,000,000 characters a side, blank lines between",
        "diff: 10,000 lines, 1,000,000 characters a side, no blank lines",
    ]
    cases += list(WORD_CASES)
    print(f"{'case':70} {'time':>7} {'py peak':>9} {'rss +':>8}  what")
    worst_diff = 0.0
    for case in cases:
        timed = _run_child(case, traced=False)
        traced = _run_child(case, traced=True)
        if case.startswith("diff"):
            worst_diff = max(worst_diff, timed["seconds"])
        seconds, python_mb, rss_mb = timed["seconds"], traced["traced_mb"], timed["rss_growth_mb"]
        print(f"{case:70} {seconds:6.2f}s {python_mb:7.1f}MB {rss_mb:6.0f}MB  {timed['what']}", flush=True)
    print(f"largest diff allowed: {worst_diff:.2f} s (target < 1 s)")
    return 0 if worst_diff < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
