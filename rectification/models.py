from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from materials.models import InspectionMaterial
from meetings.models import CriticismRecord, HeartToHeartTalk, Meeting, SolicitedOpinion
from members.models import Member, Organisation

from .querysets import ProblemQuerySet, RectificationItemQuerySet, RectificationPlanQuerySet

#: A percentage: the model's validators (forms built from it, the admin) as well as the database's check.
PERCENT = [
    MinValueValidator(0, message=_("Progress is a percentage from 0 to 100.")),
    MaxValueValidator(100, message=_("Progress is a percentage from 0 to 100.")),
]


class Problem(models.Model):
    """A problem found: in a material, in criticism, in opinions, in talks or by supervisors."""

    class Source(models.TextChoices):
        SELF_INSPECTION = "self_inspection", _("self-inspection")
        CRITICISM = "criticism", _("criticism")
        SOLICITED_OPINION = "solicited_opinion", _("solicited opinion")
        HEART_TO_HEART = "heart_to_heart", _("heart-to-heart talk")
        SUPERVISION = "supervision", _("supervision feedback")
        HIGHER_LEVEL = "higher_level", _("higher-level feedback")

    class Severity(models.TextChoices):
        LOW = "low", _("minor")
        MEDIUM = "medium", _("significant")
        HIGH = "high", _("serious")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="problems")
    source = models.CharField(_("source"), max_length=30, choices=Source.choices, default=Source.SELF_INSPECTION)
    about_member = models.ForeignKey(
        Member,
        verbose_name=_("about member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
        help_text=_("Empty: a problem of the group as a whole."),
    )
    aspect = models.CharField(_("aspect"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    material = models.ForeignKey(
        InspectionMaterial,
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="marked_problems",
    )
    criticism = models.ForeignKey(
        CriticismRecord, verbose_name=_("criticism"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion = models.ForeignKey(
        SolicitedOpinion,
        verbose_name=_("solicited opinion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    talk = models.ForeignKey(
        HeartToHeartTalk,
        verbose_name=_("heart-to-heart talk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["meeting", "id"]

    def __str__(self):
        return self.description[:80]

    @property
    def about_group(self) -> bool:
        return self.about_member_id is None


class RectificationPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("in force")
        COMPLETED = "completed", _("completed")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="plans")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="rectification_plans"
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RectificationPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["-meeting__held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                name="plan_one_per_meeting_and_organisation",
                violation_error_message=_("This meeting already has a rectification plan for this organisation."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("rectification:plan_detail", args=[self.pk])


class RectificationItem(models.Model):
    class Type(models.TextChoices):
        IMMEDIATE = "immediate", _("fix immediately")
        DEADLINE = "deadline", _("fix by a deadline")
        LONG_TERM = "long_term", _("keep up long-term")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done, awaiting verification")
        VERIFIED = "verified", _("verified")
        CANCELLED = "cancelled", _("cancelled")

    #: Work still to do: the responsible member reports progress on these.
    OPEN = frozenset({Status.OPEN, Status.IN_PROGRESS})
    #: Nothing more happens unless a secretary reopens it.
    CLOSED = frozenset({Status.VERIFIED, Status.CANCELLED})

    plan = models.ForeignKey(RectificationPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="items")
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    number = models.PositiveIntegerField(_("number"), default=0)
    measure = models.TextField(_("measure"))
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.DEADLINE)
    responsible_member = models.ForeignKey(
        Member, verbose_name=_("responsible member"), on_delete=models.PROTECT, related_name="rectification_items"
    )
    responsible_leader = models.ForeignKey(
        Member,
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_rectification_items",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT)
    completion_note = models.TextField(_("completion note"), blank=True)
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the item was cancelled, reopened or not confirmed.")
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["plan", "number", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="item_status_deadline_idx"),
            models.Index(fields=["responsible_member", "status"], name="item_responsible_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="item_number_unique_per_plan",
                violation_error_message=_("This plan already has an item with this number."),
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0) & Q(progress_percent__lte=100),
                name="item_progress_0_100",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(type="long_term") | Q(deadline__isnull=False),
                name="item_deadline_unless_long_term",
                violation_error_message=_("Only a long-term item may go without a deadline."),
            ),
        ]

    def __str__(self):
        return self.measure[:80]

    def get_absolute_url(self):
        return reverse("rectification:item_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.deadline and self.plan_id:
            held_on = self.plan.meeting.held_on
            if held_on and self.deadline < held_on:
                raise ValidationError(
                    {"deadline": _("The deadline cannot be before the meeting (%(date)s).") % {"date": held_on}}
                )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def is_overdue(self) -> bool:
        return bool(self.deadline and self.status in self.OPEN and self.deadline < timezone.localdate())

    @property
    def overdue_days(self) -> int:
        if not self.is_overdue:
            return 0
        return (timezone.localdate() - self.deadline).days

    @property
    def is_awaiting_verification(self) -> bool:
        """Done, waiting for a secretary to verify it (as RectificationItemQuerySet.awaiting_verification())."""
        return self.status == self.Status.DONE

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


def evidence_upload_to(instance, filename):
    return f"evidence/{instance.report.item_id}/{instance.report_id}/{filename}"


class ProgressReport(models.Model):
    item = models.ForeignKey(
        RectificationItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("percent"), validators=PERCENT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["item", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="progress_report_percent_0_100",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
        ]

    def __str__(self):
        return f"{self.item} — {self.percent}%"


class Evidence(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.original_name


class Verification(models.Model):
    item = models.ForeignKey(
        RectificationItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="verifications"
    )
    confirmed = models.BooleanField(_("confirmed"))
    comment = models.TextField(_("comment"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["item", "verified_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed=True) | ~Q(comment=""),
                name="verification_refusal_has_reason",
                violation_error_message=_("Say why the item is not confirmed."),
            ),
        ]

    def __str__(self):
        return f"{self.item} — {'✓' if self.confirmed else '✗'}"


class ReportBack(models.Model):
    """An item's status as reported at a later meeting: a snapshot taken when that meeting is held."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("reported at meeting"), on_delete=models.PROTECT, related_name="report_backs"
    )
    item = models.ForeignKey(
        RectificationItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="report_backs"
    )
    status = models.CharField(_("status"), max_length=20, choices=RectificationItem.Status.choices)
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT)
    note = models.TextField(_("note"), blank=True)
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report-back entry")
        verbose_name_plural = _("report-back entries")
        ordering = ["meeting", "item__number", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "item"], name="reportback_unique_item_per_meeting"),
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0) & Q(progress_percent__lte=100),
                name="reportback_percent_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.item}"


class ReminderLog(models.Model):
    """One reminder email per member per day: makes the daily command safe to run twice."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("sent on"))
    item_count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["member", "sent_on"], name="reminder_once_per_member_per_day")]

    def __str__(self):
        return f"{self.member} {self.sent_on}"
