"""The minutes (会议记录) as an official Word document (core.official_docx).

The document is written from the same record the print view shows (meetings/includes/
meeting_minutes.html, rendered with the reader's permissions), so the two cannot drift: every line
of the print view is a line of the .docx. Its sections become the levels of the standard: each
section "一、", the parts under it "（一）", lists numbered from 1 each.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.official_docx import OfficialDocument
from core.text import one_line

from . import selectors

# h1 is the document's title; h2 the first level (一、), h3 the second (（一）)…
HEADING_LEVELS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}


def write_minutes(meeting, user, stream, *, request=None) -> None:
    context = selectors.minutes(meeting, user)
    context["can_manage"] = False  # no editing links in a document
    html = render_to_string("meetings/includes/meeting_minutes.html", context, request=request)
    title = one_line(f"{meeting} — {_('Minutes')}")
    doc = OfficialDocument(title=title, author=str(meeting.organisation), subject=str(meeting), created=None)
    doc.add_html(html, heading_levels=HEADING_LEVELS)
    doc.save(stream)
