"""Daily reminders: each responsible member gets one email with their items due within 7 days and overdue.

The email is queued in the outbox in the same transaction as the day's ReminderLog row, so a member
is reminded once a day whether or not the mail server answers; the outbox worker sends it.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.services import enqueue

from .models import RectificationItem, ReminderLog

DUE_WITHIN_DAYS = 7


def items_to_remind(today: datetime.date):
    return (
        RectificationItem.objects.open()
        .filter(deadline__isnull=False, deadline__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS))
        .select_related("responsible_member__user", "plan__meeting")
        .order_by("responsible_member_id", "deadline", "id")
    )


def _body(member, items, today) -> str:
    lines = [_("Dear %(name)s,") % {"name": member.name}, ""]
    overdue = [i for i in items if i.deadline < today]
    due = [i for i in items if i.deadline >= today]
    base = settings.SITE_URL.rstrip("/")
    if overdue:
        lines.append(_("Overdue:"))
        for i in overdue:
            lines.append(
                _("- %(measure)s (deadline %(date)s, %(days)s days overdue) %(url)s")
                % {"measure": i.measure, "date": i.deadline, "days": (today - i.deadline).days,
                   "url": base + reverse("rectification:item_progress", args=[i.pk])}
            )  # fmt: skip
        lines.append("")
    if due:
        lines.append(_("Due within %(n)s days:") % {"n": DUE_WITHIN_DAYS})
        for i in due:
            lines.append(
                _("- %(measure)s (deadline %(date)s) %(url)s")
                % {"measure": i.measure, "date": i.deadline,
                   "url": base + reverse("rectification:item_progress", args=[i.pk])}
            )  # fmt: skip
    return "\n".join(lines)


def send_reminders(today: datetime.date | None = None) -> tuple[int, int]:
    """Queue today's reminders; returns (emails queued, members skipped: already reminded today or no address)."""
    today = today or timezone.localdate()
    by_member = defaultdict(list)
    members = {}
    for item in items_to_remind(today):
        by_member[item.responsible_member_id].append(item)
        members[item.responsible_member_id] = item.responsible_member
    already = set(
        ReminderLog.objects.filter(sent_on=today, member_id__in=by_member).values_list("member_id", flat=True)
    )
    sent = skipped = 0
    for member_id, items in by_member.items():
        member = members[member_id]
        address = member.contact_email
        if member_id in already or not address:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                # The log row is written first: a second run the same day (or a parallel one) stops here.
                ReminderLog.objects.create(member=member, sent_on=today, item_count=len(items))
                enqueue(
                    kind="rectification.reminder",
                    reference=f"members.member:{member.pk}:{today.isoformat()}",
                    subject=_("Rectification items due: %(n)s") % {"n": len(items)},
                    body=_body(member, items, today),
                    recipients=[address],
                )
        except IntegrityError:
            skipped += 1
            continue
        sent += 1
    return sent, skipped
