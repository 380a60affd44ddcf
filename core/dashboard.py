"""The format of /dashboard/ ("what is waiting for me"): each app's selectors contribute sections.

An app's `dashboard_sections(user) -> list[Section]` returns the sections that concern the
user (none when nothing does); config.views.dashboard shows them in the apps' order. A
section lists at most a screenful of entries and links to the full list when there is one.
"""

from typing import TypedDict


class Entry(TypedDict):
    label: str  # what the entry is, e.g. a meeting's title
    url: str  # where it is dealt with
    meta: str  # a short line under it: a date, a status, an organisation


class Section(TypedDict):
    title: str
    items: list[Entry]
    empty: str  # said when there are no entries
    more_url: str  # the full list, or "" when the section shows everything
