"""Signals that let apps further up the dependency chain take part in a meeting's life
without meetings importing them (core <- members <- meetings <- materials <- rectification <- notices).

`meeting_held` is sent by the service that marks a meeting held, inside its
transaction, with `meeting` and `by` (the user). The rectification app takes the
report-back snapshot of the previous meeting's plan when it receives it.

`closing_checks` is sent with `meeting` when the app asks what is missing before the
meeting can be closed; each receiver returns a list of reasons (empty when it has none).
The materials app answers with the materials still in draft or returned.

`readiness_checks` is sent with `meeting` when the app draws the checklist of what the
regulations ask before a meeting is held; each receiver returns a list of
meetings.selectors.Check (label, done, detail, url, action). The materials app answers
with "every attendee's material approved" and "the group's material approved".

Both checks are also sent `shared`: a dict that lives for one request (or None), in which a receiver may keep
what it read so that the other check of the same page does not read it again (the record page draws the
checklist and says what is missing to close; both read the meeting's materials).
"""

from django.dispatch import Signal

meeting_held = Signal()
closing_checks = Signal()
readiness_checks = Signal()
