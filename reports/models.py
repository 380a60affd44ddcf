"""The report after the meeting (情况报告): what the organisation tells the higher organisation about
its democratic life meeting, within 15 days of it (the regulations' deadline).

    draft → approved → filed        (approved may go back to draft for a correction)
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import Meeting

#: The regulations' deadline: the report reaches the higher organisation within 15 days of the meeting.
DAYS_TO_REPORT = 15


def due_date(meeting: Meeting) -> datetime.date | None:
    return meeting.held_on + datetime.timedelta(days=DAYS_TO_REPORT) if meeting.held_on else None


class MeetingReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        FILED = "filed", _("filed")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="situation_report"
    )
    title = models.CharField(_("title"), max_length=300)
    addressed_to = models.CharField(
        _("addressed to"), max_length=200, blank=True, help_text=_("The higher organisation the report goes to.")
    )
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown. Each line starting with ## begins a numbered section.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    filed_reference = models.CharField(
        _("filing reference"), max_length=200, blank=True, help_text=_("The document number it was sent under.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report after the meeting")
        verbose_name_plural = _("reports after the meeting")
        ordering = ["-meeting__held_on", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.meeting_id])

    @property
    def due_on(self) -> datetime.date | None:
        return due_date(self.meeting)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_filed(self) -> bool:
        return self.status == self.Status.FILED

    @property
    def is_overdue(self) -> bool:
        due = self.due_on
        if due is None:
            return False
        filed = self.filed_on if self.is_filed else None
        return (filed or timezone.localdate()) > due
