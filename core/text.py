"""Text that stays text: which characters a form accepts, and what an export can carry.

Two kinds of callers use this module:

- the forms (through `core.forms`), for what a user types now;
- the exports and feeds (.docx, .xlsx, Atom, sitemap, search, calendar), for what is already
  stored: text saved before these checks existed, or through the admin or an import, may hold
  characters that XML cannot carry. `xml_safe` removes them, so one bad character never breaks
  a whole file for everyone who downloads it.

Control characters here are C0 (U+0000–U+001F) other than tab, line feed and carriage return,
DEL (U+007F), C1 (U+0080–U+009F), the noncharacters U+FFFE and U+FFFF and lone surrogates.
XML 1.0 forbids C0 (but tab, LF, CR), U+FFFE/U+FFFF and surrogates outright — lxml refuses to
write them and LibreOffice, Excel and feed readers refuse the whole file; C1 and DEL are legal
XML but never meant as text. Nobody types any of them on purpose: they come from pasting out of
other programs (a vertical tab is Word's manual line break, a form feed a PDF's page break).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Everything XML 1.0 cannot carry, plus DEL and C1 (legal XML, never text).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# What may break a line when the text is shown: CR, LF, VT, FF, the C0 separators, NEL, U+2028/U+2029.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Word's manual line break (VT) and a page break (FF) pasted into a multi-line box become line breaks.
_BREAK_LIKE = re.compile("[\x0b\x0c]")

# Dates a user may type: the party's founding year (1921) to 2100.
DATE_MIN = datetime.date(1921, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)

# Numbers a user may type where the field sets no bounds of its own: what every database's
# integer column holds (PostgreSQL's `integer`), so no number ever overflows a query.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# The largest id a row can have (ids are 64-bit).
BIGINT_MAX = 2**63 - 1

# Longest text of one multi-line box (a material's section, a notice's body) and of a
# one-line field that names no length of its own.
MAX_TEXT_CHARS = 100_000
MAX_LINE_CHARS = 1_000


def xml_safe(value):
    """`value` without the characters XML cannot carry (and DEL, C1): for exports and feeds.

    Tabs and line breaks are kept. Anything that is not a string is returned as it is, so a row
    of mixed values can be passed through."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value)


def strip_control(text: str) -> str:
    """A multi-line text as stored: control characters removed, line breaks and tabs kept;
    vertical tab and form feed (Word's manual line break, a page break) become line breaks."""
    return _CONTROL.sub("", _BREAK_LIKE.sub("\n", text))


def one_line(value):
    """`value` made safe for a one-line place (a title in a feed, a cell's heading): control
    characters removed and line breaks turned into spaces. Non-strings are returned as they are."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", _LINE_BREAK.sub(" ", value))


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def check_one_line(value: str) -> None:
    """Refuse a line break, a tab or any control character in a one-line field (a title, a name,
    a place, a reason), naming the character so the user can find it."""
    if match := _LINE_BREAK.search(value):
        raise ValidationError(
            _("This field must be one line: remove the line break (%(code)s).") % {"code": _code(match.group())},
            code="line_break",
        )
    if "\t" in value:
        raise ValidationError(_("This field must be one line: remove the tab (U+0009)."), code="tab")
    check_no_control(value)


def check_no_control(value: str) -> None:
    """Refuse any control character (NUL included) in a value that is not free text (a number, a
    date, a choice): it cannot be meant, and some databases refuse it outright."""
    if match := _CONTROL.search(value):
        raise ValidationError(
            _(
                "This field contains an invisible control character (%(code)s) that cannot be saved; "
                "delete the text around it and type it again."
            )
            % {"code": _code(match.group())},
            code="control_character",
        )


def check_date(value: datetime.date) -> None:
    """Refuse a date (or the date of a date and time) outside 1921–2100."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s.") % {"min": DATE_MIN.year, "max": DATE_MAX.year},
            code="date_out_of_range",
        )


def bounded_int(value, *, minimum: int = 1, maximum: int = INT_MAX) -> int | None:
    """An integer read from a GET parameter (an id, a year), or None when it is not a whole number in
    [minimum, maximum]: an out-of-range id then filters nothing instead of overflowing a query."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not text or len(text) > 20 or not text.lstrip("-").isascii() or not text.lstrip("-").isdigit():
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None
