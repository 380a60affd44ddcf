"""The format of /dashboard/ ("what is waiting for me"): each app's selectors contribute sections.

An app's `dashboard_sections(user) -> list[Section]` returns the sections that concern the
user (none when nothing does); config.views.dashboard shows them in the apps' order. A
section lists at most a screenful of entries and links to the full list when there is one.
Each entry says what to do (`action`, a verb) and links to the page where it is done; the
dashboard shows the sections with entries first, then the sentences of those without.
"""

from typing import TypedDict


class Entry(TypedDict):
    label: str  # what the entry is, e.g. a meeting's title
    url: str  # where it is dealt with
    meta: str  # a short line under it: a date, a status, what is still missing
    action: str  # what to do there, a verb: "Review", "Write the material", "Verify"


class Section(TypedDict):
    title: str
    items: list[Entry]
    empty: str  # said when there are no entries
    more_url: str  # the full list, or "" when the section shows everything
