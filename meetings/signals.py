"""Signals that let apps further up the dependency chain react to meeting events
without meetings importing them (rectification -> meetings -> members).

`meeting_held` is sent by the service that marks a meeting held, inside its
transaction, with `meeting` and `by` (the user). The rectification app takes the
report-back snapshot of the previous meeting's plan when it receives it.
"""

from django.dispatch import Signal

meeting_held = Signal()
