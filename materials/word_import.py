"""Word import: a .docx read into blocks (title, headings, paragraphs, tables), then sorted under the
material's sections. Nothing is dropped but the labels of the sections themselves.

The document is read from its XML with python-docx's package reader (lxml), in document order:
paragraphs (with their automatic numbering rendered as Word shows it: "一、", "（一）", "1.", "（1）"),
tables (as Markdown tables), content controls and text boxes, footnotes and endnotes (as Markdown
footnotes, at the end of the section that refers to them); bold and italic runs are kept as Markdown
emphasis. Deleted tracked changes, field codes, comments, page headers and footers and images are left
out (the document itself stays attached to the material).

Sorting (`split_blocks`): a heading of the top level ("一、…", a Word heading of the highest level used,
or a paragraph wholly in bold) about causes or about rectification measures starts that section; a
heading naming an aspect of the theme starts that aspect. Numbered items ("1.", "（1）") are never
section headings, whatever words they contain. A heading that is only the section's label (for example
"二、问题产生的原因") is taken as the section and not repeated; every other line stays, in the section
where it stands. The first line, when it looks like a title (Word's Title style, or centred or bold and
short), is the material's title; the paragraphs between it and the first section are the preamble.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

CAUSE_WORDS = ("cause", "reason", "原因", "根源")
MEASURE_WORDS = ("measure", "rectification", "整改", "措施", "努力方向")
PROBLEM_WORDS = ("problem", "问题")
# Words that may stand beside a section's name in its heading: such a heading is only a label.
LABEL_WORDS = (
    "对照检查", "检查", "查摆", "发现", "存在", "主要", "突出", "具体", "情况", "方面", "产生", "深层次", "剖析",
    "分析", "思想", "下一步", "今后", "打算", "方向", "努力", "及其", "及", "和", "与", "的", "在", "个人",
    "found", "main", "existing", "analysis", "of", "the", "and", "their", "my", "aspect", "s",
)  # fmt: skip
SENTENCE_END = re.compile(r"[。；;！!？?]")

LABEL_KINDS = (
    ("cn", re.compile(r"^[一二三四五六七八九十百]+[、.．]")),
    ("paren_cn", re.compile(r"^[（(][一二三四五六七八九十百]+[)）]")),
    ("num", re.compile(r"^\d+[.．、](?!\d)")),
    ("paren_num", re.compile(r"^[（(]\d+[)）]")),
)


@dataclass
class Block:
    """One paragraph or table of the document."""

    kind: str  # "para", "heading", "title", "table", "list"
    markdown: str  # as it goes into the editor
    plain: str = ""  # its text, for sorting
    level: int | None = None  # a heading's outline level (0 = Heading 1)
    centred: bool = False
    bold: bool = False  # wholly bold
    notes: list[str] = field(default_factory=list)  # its footnotes and endnotes, as Markdown definitions

    @property
    def label_kind(self) -> str | None:
        text = self.plain.strip()
        return next((kind for kind, pattern in LABEL_KINDS if pattern.match(text)), None)


# ----------------------------------------------------------------------------- numbering

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十", hundred: str = "百") -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = (
            ""
            if not rest
            else (
                digits[0] + digits[rest]
                if rest < 10
                else (digits[1] if rest < 20 else "") + _chinese(rest, digits, ten, hundred)
            )
        )
        return digits[n // 100] + hundred + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    """A counter as Word shows it in the number format `fmt` (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "koreanCounting", "ideographTraditional"):  # fmt: skip
        return _chinese(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _chinese(n, _CN_LEGAL, "拾", "佰")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "none":
        return ""
    return str(n)


def _val(element, tag: str, default=None):
    found = element.find(W + tag) if element is not None else None
    return found.get(W + "val", default) if found is not None else default


def _on(element, tag: str) -> bool | None:
    """A toggle property (w:b, w:i) of rPr: True, False, or None when not set."""
    found = element.find(W + tag) if element is not None else None
    if found is None:
        return None
    return found.get(W + "val", "true").lower() not in ("0", "false", "off", "none")


class _Numbering:
    """Word's automatic numbering: counters per list, rendered as lvlText says ("%1、", "（%2）")."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, dict]] = {}  # abstractNumId → ilvl → {fmt, text, start}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.findall(W + "abstractNum"):
            levels = {}
            for lvl in abstract.findall(W + "lvl"):
                levels[int(lvl.get(W + "ilvl", "0"))] = {
                    "fmt": _val(lvl, "numFmt", "decimal"),
                    "text": _val(lvl, "lvlText", ""),
                    "start": int(_val(lvl, "start", "1") or 1),
                    "legal": lvl.find(W + "isLgl") is not None,
                }
            self.levels[abstract.get(W + "abstractNumId")] = levels
        for num in root.findall(W + "num"):
            overrides = {}
            for override in num.findall(W + "lvlOverride"):
                start = _val(override, "startOverride")
                if start is not None:
                    overrides[int(override.get(W + "ilvl", "0"))] = int(start)
            self.nums[num.get(W + "numId")] = (_val(num, "abstractNumId"), overrides)

    def label(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """The label of the next paragraph of list `num_id` at level `ilvl`, and its number format."""
        abstract_id, overrides = self.nums.get(num_id, (None, {}))
        levels = self.levels.get(abstract_id)
        if not levels or ilvl not in levels:
            return "", ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in overrides.items():  # a list restarted where Word restarts it
                counters[level] = start - 1
        start = levels[ilvl]["start"]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]

        def number(match):
            k = int(match.group(1)) - 1
            info = levels.get(k, {"fmt": "decimal", "start": 1, "legal": False})
            value = counters.get(k, info["start"])
            return format_number(value, "decimal" if level["legal"] and k != ilvl else info["fmt"])

        if level["fmt"] == "bullet":
            return "-", "bullet"
        return re.sub(r"%([1-9])", number, level["text"]), level["fmt"]


class _Styles:
    """What a paragraph or run takes from its style (and the styles it is based on)."""

    def __init__(self, document):
        self.styles: dict[str, object] = {}
        try:
            root = document.styles.element
        except (KeyError, AttributeError):
            return
        for style in root.findall(W + "style"):
            self.styles[style.get(W + "styleId")] = style

    def _chain(self, style_id):
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            style_id = _val(style, "basedOn")

    def name(self, style_id) -> str:
        style = self.styles.get(style_id)
        return (_val(style, "name", "") or "") if style is not None else ""

    def paragraph_property(self, style_id, tag: str):
        for style in self._chain(style_id):
            found = style.find(W + "pPr")
            if found is not None and found.find(W + tag) is not None:
                return found.find(W + tag)
        return None

    def run_toggle(self, style_id, tag: str) -> bool | None:
        for style in self._chain(style_id):
            value = _on(style.find(W + "rPr"), tag)
            if value is not None:
                return value
        return None


# ----------------------------------------------------------------------------- reading

_INLINE_ESCAPES = (("\\", "\\\\"), ("`", "\\`"), ("*", "\\*"), ("_", "\\_"), ("[", "\\["), ("]", "\\]"), ("<", "&lt;"))
# What Markdown would read as structure at the head of a paragraph: a heading, a quote, a list item
# (a typed "1. " too: the document shows it as a paragraph, numbered as typed), a rule.
_LINE_START = re.compile(r"^(\s*)([#>+]|[-*](?=\s)|-{3,}|\d+(?=\.\s))")


def escape(text: str) -> str:
    """Document text as Markdown that shows it as it is."""
    for char, escaped in _INLINE_ESCAPES:  # str.replace: ten times faster than str.translate on long text
        if char in text:
            text = text.replace(char, escaped)
    return text


def _escape_start(match) -> str:
    lead, mark = match.group(1), match.group(2)
    return f"{lead}{mark}\\" if mark[0].isdigit() else f"{lead}\\{mark}"


def _emphasis(text: str, bold: bool, italic: bool) -> str:
    if not text.strip() or not (bold or italic):
        return text
    marker = "***" if bold and italic else "**" if bold else "*"
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{text.strip()}{marker}{trail}"


class _Reader:
    def __init__(self, document):
        self.document = document
        self.styles = _Styles(document)
        self.numbering = _Numbering(document)
        self.blocks: list[Block] = []
        self.notes: dict[tuple[str, str], object] = {}  # ("footnote"|"endnote", id) → its element
        self.note_count = 0
        self.pending_notes: list = []
        for rel in document.part.rels.values():
            kind = {RT.FOOTNOTES: "footnote", RT.ENDNOTES: "endnote"}.get(rel.reltype)
            if kind and not rel.is_external:
                for note in parse_xml(rel.target_part.blob).findall(W + kind):
                    if note.get(W + "type") in (None, "normal"):
                        self.notes[(kind, note.get(W + "id"))] = note

    def read(self) -> list[Block]:
        self._container(self.document.element.body)
        return self.blocks

    def _container(self, element) -> None:
        for child in element:
            if child.tag == W + "p":
                self._paragraph(child)
            elif child.tag == W + "tbl":
                self.blocks.append(self._table(child))
            elif child.tag in (W + "sdt",):
                content = child.find(W + "sdtContent")
                if content is not None:
                    self._container(content)
            elif child.tag in (W + "customXml", W + "ins", W + "moveTo", W + "txbxContent"):
                self._container(child)
            elif child.tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    self._container(choice)

    # -- paragraphs

    def _runs(self, element, pieces: list, boxes: list) -> None:
        """The text pieces (text, bold, italic) of a paragraph's content, in order; text boxes aside."""
        for child in element:
            tag = child.tag
            if tag == W + "r":
                self._run(child, pieces, boxes)
            elif tag in (W + "del", W + "moveFrom", W + "pPr", W + "rPr"):
                continue
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    self._runs(choice, pieces, boxes)
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    self._runs(content, pieces, boxes)
            else:  # hyperlink, smartTag, ins, fldSimple, customXml, moveTo …
                self._runs(child, pieces, boxes)

    def _run(self, run, pieces: list, boxes: list) -> None:
        properties = run.find(W + "rPr")
        style = _val(properties, "rStyle")
        bold = _on(properties, "b")
        italic = _on(properties, "i")
        bold = bold if bold is not None else bool(self.styles.run_toggle(style, "b"))
        italic = italic if italic is not None else bool(self.styles.run_toggle(style, "i"))
        for child in run:
            tag = child.tag
            if tag == W + "t":
                pieces.append((child.text or "", bold, italic))
            elif tag in (W + "tab", W + "ptab"):
                pieces.append((" ", False, False))
            elif tag in (W + "br", W + "cr"):
                if child.get(W + "type") not in ("page", "column"):
                    pieces.append(("\n", False, False))
            elif tag in (W + "footnoteReference", W + "endnoteReference"):
                note = self.notes.get((tag[len(W) :].replace("Reference", ""), child.get(W + "id")))
                if note is not None:
                    self.note_count += 1
                    pieces.append((f"{_NOTE}{self.note_count}{_NOTE}", False, False))
                    self.pending_notes.append((self.note_count, note))
            elif tag == W + "noBreakHyphen":
                pieces.append(("-", bold, italic))
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    boxes.extend(choice.iter(W + "txbxContent"))
            elif tag in (W + "drawing", W + "pict", W + "object"):
                boxes.extend(child.iter(W + "txbxContent"))

    def _numbering_of(self, properties, style_id) -> tuple[str | None, int]:
        num_pr = properties.find(W + "numPr") if properties is not None else None
        if num_pr is None:
            num_pr = self.styles.paragraph_property(style_id, "numPr")
        if num_pr is None:
            return None, 0
        num_id = _val(num_pr, "numId")
        return (None if num_id in (None, "0") else num_id), int(_val(num_pr, "ilvl", "0") or 0)

    def _paragraph_parts(self, paragraph) -> tuple[str, str, list, bool]:
        pieces, boxes = [], []
        self._runs(paragraph, pieces, boxes)
        # Runs of the same emphasis together, then marked; a line break ends a Markdown line.
        merged: list[list] = []
        for text, bold, italic in pieces:
            if merged and merged[-1][1:] == [bold, italic] and text != "\n" and merged[-1][0] != "\n":
                merged[-1][0] += text
            else:
                merged.append([text, bold, italic])
        plain = "".join(text for text, _b, _i in merged)
        markdown = "".join(
            "  \n" if text == "\n" else _emphasis(escape(text), bold, italic) for text, bold, italic in merged
        )
        wholly_bold = bool(plain.strip()) and all(bold for text, bold, _i in merged if text.strip())
        return plain, markdown, boxes, wholly_bold

    def _note_definitions(self) -> list[str]:
        """The notes referred to since the last call, as Markdown footnote definitions ("[^1]: …")."""
        definitions = []
        while self.pending_notes:
            number, note = self.pending_notes.pop(0)
            lines = []
            for paragraph in note.iter(W + "p"):
                _plain, markdown, _boxes, _bold = self._paragraph_parts(paragraph)
                if markdown.strip():
                    lines.append(_notes_as_markdown(markdown.strip().replace("  \n", " ")))
            definitions.append(f"[^{number}]: " + (" ".join(lines) or " "))
        return definitions

    def _paragraph(self, paragraph) -> None:
        properties = paragraph.find(W + "pPr")
        style_id = _val(properties, "pStyle")
        plain, markdown, boxes, wholly_bold = self._paragraph_parts(paragraph)
        num_id, ilvl = self._numbering_of(properties, style_id)
        label, fmt = self.numbering.label(num_id, ilvl) if num_id and plain.strip() else ("", "")
        if plain.strip():
            block = self._block(properties, style_id, _notes_as_plain(plain), _notes_as_markdown(markdown), label, fmt,
                                wholly_bold)  # fmt: skip
            block.notes = self._note_definitions()
            self.blocks.append(block)
        for box in boxes:
            self._container(box)

    def _block(self, properties, style_id, plain, markdown, label, fmt, wholly_bold) -> Block:
        name = self.styles.name(style_id).lower()
        outline = _val(properties, "outlineLvl") if properties is not None else None
        if outline is None:
            found = self.styles.paragraph_property(style_id, "outlineLvl")
            outline = found.get(W + "val") if found is not None else None
        heading = re.match(r"^(?:heading|标题)\s*(\d)$", name)
        level = int(outline) if outline is not None and outline.isdigit() and int(outline) < 9 else None
        if level is None and heading:
            level = int(heading.group(1)) - 1
        jc = _val(properties, "jc") if properties is not None else None
        if jc is None:
            found = self.styles.paragraph_property(style_id, "jc")
            jc = found.get(W + "val") if found is not None else None
        centred = jc == "center"
        plain = plain.strip()
        markdown = markdown.strip()
        kind = "title" if name in ("title", "标题") else "heading" if level is not None else "para"
        if label == "-":
            return Block("list", f"- {markdown}", plain, centred=centred, bold=wholly_bold)
        if label:
            plain = f"{label}{'' if label.endswith(('、', '）', ')')) else ' '}{plain}"
            if fmt == "decimal" and re.fullmatch(r"\d+\.", label) and kind == "para":
                return Block("list", f"{label} {markdown}", plain, centred=centred, bold=wholly_bold)
            markdown = escape(label) + ("" if label.endswith(("、", "）", ")")) else " ") + markdown
        if kind == "heading":
            return Block("heading", "#" * min(4 + level, 6) + " " + markdown.replace("  \n", " "), plain, level,
                         centred, wholly_bold)  # fmt: skip
        markdown = _LINE_START.sub(_escape_start, markdown)
        return Block(kind, markdown, plain, level, centred, wholly_bold)

    # -- tables

    def _cell_text(self, cell) -> tuple[str, str]:
        """A cell's Markdown (its paragraphs joined by <br>) and its plain text (a line a paragraph)."""
        lines, plains = [], []
        for child in cell.iter(W + "p"):  # a nested table's paragraphs too: nothing is lost
            plain, markdown, _boxes, _bold = self._paragraph_parts(child)
            if markdown.strip():
                lines.append(markdown.strip().replace("  \n", "<br>").replace("|", "\\|"))
                plains.append(plain.strip())
        return "<br>".join(lines), "\n".join(plains)

    def _table(self, table) -> Block:
        rows = []
        for tr in table.findall(W + "tr"):
            cells = []
            for tc in _cells(tr):
                properties = tc.find(W + "tcPr")
                merge = properties.find(W + "vMerge") if properties is not None else None
                continued = merge is not None and merge.get(W + "val", "continue") == "continue"
                cells.append(("", "") if continued else self._cell_text(tc))
                span = int(_val(properties, "gridSpan", "1") or 1) if properties is not None else 1
                cells.extend([("", "")] * (span - 1))
            rows.append(cells)
        width = max((len(r) for r in rows), default=0)
        if not width:
            return Block("table", "", "")
        rows = [r + [("", "")] * (width - len(r)) for r in rows]

        def line(row):
            return "| " + " | ".join(markdown or " " for markdown, _plain in row) + " |"

        lines = [line(rows[0]), "|" + " --- |" * width] + [line(row) for row in rows[1:]]
        plain = "\n".join(plain for row in rows for _markdown, plain in row if plain)
        return Block("table", _notes_as_markdown("\n".join(lines)), _notes_as_plain(plain),
                     notes=self._note_definitions())  # fmt: skip


# A note's reference while a paragraph is read (escaping leaves it alone), then "[^n]" in Markdown, "[n]" in text.
_NOTE = "\x00"
_NOTE_REFERENCE = re.compile("\x00(\\d+)\x00")


def _notes_as_markdown(text: str) -> str:
    return _NOTE_REFERENCE.sub(r"[^\1]", text)


def _notes_as_plain(text: str) -> str:
    return _NOTE_REFERENCE.sub(r"[\1]", text)


def _cells(row):
    for child in row:
        if child.tag == W + "tc":
            yield child
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if content is not None:
                yield from _cells(content)


def read_docx(file) -> list[Block]:
    """The blocks of a Word document, in order. Raises on a file python-docx cannot open."""
    file.seek(0)
    document = docx.Document(file)
    return [b for b in _Reader(document).read() if b.markdown.strip()]


def blocks_from_markdown(markdown_text: str) -> list[Block]:
    """Blocks of Markdown text, a line each (a Markdown heading is a heading)."""
    blocks = []
    for line in markdown_text.splitlines():
        if not line.strip():
            continue
        match = re.match(r"^(#{1,6})\s+(.*)$", line.strip())
        if match:
            blocks.append(Block("heading", line.rstrip(), match.group(2).strip(), len(match.group(1)) - 1))
        elif re.match(r"^\s*(?:[-+*]|\d+\.)\s", line):
            blocks.append(Block("list", line.rstrip(), re.sub(r"^\s*(?:[-+*]|\d+\.)\s+", "", line).strip()))
        else:
            blocks.append(Block("para", line.rstrip(), line.strip().strip("*_")))
    return blocks


# ----------------------------------------------------------------------------- sorting


def _key(text: str) -> str:
    return re.sub(r"[\s*_`#：:。.、,，（）()“”\"'‘’]+", "", text).lower()


def _strip_label(text: str) -> str:
    text = text.strip().strip("*_")
    for _kind, pattern in LABEL_KINDS:
        text = pattern.sub("", text, count=1)
    return text.strip()


def _is_only_label(text: str, words) -> bool:
    """Whether a heading says nothing but the section's name (and words such as 存在的, 方面, 主要)."""
    rest = _key(_strip_label(text))
    for word in sorted({_key(w) for w in words if _key(w)}, key=len, reverse=True):
        rest = rest.replace(word, "")
    for word in sorted(LABEL_WORDS, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(rest) <= 1


@dataclass
class Sorted:
    title: str
    preamble: str
    sections: dict[str, str]  # aspect → text
    problems: str
    causes: str
    measures: str


def _heading_level(block: Block, top_label: str | None, top_outline: int | None) -> str | None:
    """ "top" for a heading that may start a section, "sub" for one that may start only an aspect, else None."""
    label = block.label_kind
    if block.kind in ("table", "list", "title") or (label in ("num", "paren_num") and block.kind != "heading"):
        return None
    short = len(_strip_label(block.plain)) <= 40 and not SENTENCE_END.search(_strip_label(block.plain)[:-1] or "")
    if block.kind == "heading":  # a Word heading: the document says it is one
        return "top" if top_outline is None or block.level == top_outline else "sub"
    if label is not None:
        if label == top_label and short:
            return "top"
        return "sub"
    if block.bold and short and top_label is None and top_outline is None:
        return "top"
    return None


def split_blocks(blocks: list[Block], aspects: list[str], *, find_title: bool = True) -> Sorted:
    """Sort blocks under the material's sections (see the module's docstring)."""
    labels = {b.label_kind for b in blocks if b.kind in ("para", "heading")}
    top_label = "cn" if "cn" in labels else "paren_cn" if "paren_cn" in labels else None
    outlines = [b.level for b in blocks if b.kind == "heading" and b.level is not None]
    top_outline = min(outlines) if outlines else None
    aspect_keys = [(a, _key(a)) for a in aspects if _key(a)]

    title = ""
    start = 0
    if find_title and blocks:
        first = blocks[0]
        plain = first.plain.strip()
        looks = first.kind == "title" or (
            (first.centred or first.bold or first.kind == "heading")
            and len(plain) <= 80
            and not SENTENCE_END.search(plain)
            and first.label_kind is None
        )
        if looks and _section_of(first, aspect_keys, "top") is None:
            title = plain
            start = 1

    preamble: list[Block] = []
    buckets = {"problems": [], "causes": [], "measures": []}
    by_aspect = {a: [] for a in aspects}
    target = None  # before the first section: the preamble
    carried = list(blocks[0].notes) if start else []  # notes of a line not kept (the title, a label)
    for block in blocks[start:]:
        level = _heading_level(block, top_label, top_outline)
        section = _section_of(block, aspect_keys, level) if level else None
        if section is not None:
            name, words = section
            target = by_aspect[name] if name in by_aspect else buckets[name]
            if _is_only_label(block.plain, words):
                carried += block.notes
                continue
        if carried:
            block = Block(**{**block.__dict__, "notes": carried + block.notes})
            carried = []
        (preamble if target is None else target).append(block)
    if carried:
        (preamble if target is None else target).append(Block("para", "", notes=carried))

    if target is None:  # no section at all: the text is the problems found
        buckets["problems"], preamble = preamble, []

    def joined(items: list[Block]) -> str:
        out = []
        for i, block in enumerate(items):
            if i and block.markdown.strip():
                together = block.kind == "list" and items[i - 1].kind == "list"
                out.append("\n" if together else "\n\n")
            out.append(block.markdown.strip())
        notes = [note for block in items for note in block.notes]  # at the end of the section they belong to
        return ("".join(out).strip() + ("\n\n" + "\n".join(notes) if notes else "")).strip()

    return Sorted(
        title=title[:300],
        preamble=joined(preamble),
        sections={a: joined(items) for a, items in by_aspect.items()},
        problems=joined(buckets["problems"]),
        causes=joined(buckets["causes"]),
        measures=joined(buckets["measures"]),
    )


def _section_of(block: Block, aspect_keys, level) -> tuple[str, tuple] | None:
    """The section a heading starts: an aspect's name, "causes", "measures" or "problems"; else None."""
    if level is None:
        return None
    key = _key(_strip_label(block.plain))
    if not key:
        return None
    for aspect, aspect_key in aspect_keys:
        if aspect_key in key or (key in aspect_key and len(key) >= max(2, len(aspect_key) // 2)):
            return aspect, (aspect,)
    if level != "top":
        return None
    for name, words in (("causes", CAUSE_WORDS), ("measures", MEASURE_WORDS), ("problems", PROBLEM_WORDS)):
        if any(w in key for w in words):
            return name, words + PROBLEM_WORDS if name != "problems" else words
    return None
