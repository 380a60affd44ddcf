"""Template tags through which meeting pages show rectification data without meetings
importing rectification.

    {% load rectification_tags %}
    {% report_back meeting %}   the previous meeting's items as reported at this meeting
"""

from django import template

register = template.Library()


@register.inclusion_tag("rectification/includes/report_back.html")
def report_back(meeting):
    return {"meeting": meeting, "entries": [], "totals": None}
