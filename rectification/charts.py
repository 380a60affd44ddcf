"""The ledger's completion chart: bar geometry per organisation for an inline SVG (no JavaScript)."""

from members.models import Organisation

from .models import RectificationItem

S = RectificationItem.Status

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
