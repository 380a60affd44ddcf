"""`{{ record.history_change_reason|history_reason }}`: a history entry in the reader's language (core.history)."""

from django import template

from core.history import render_reason

register = template.Library()


@register.filter
def history_reason(stored):
    return render_reason(stored)
