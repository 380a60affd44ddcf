from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import Meeting
from members.models import Member

from .querysets import InspectionMaterialQuerySet


def material_upload_to(instance, filename):
    return f"materials/{instance.material.meeting_id}/{instance.material_id}/{filename}"


class InspectionMaterial(models.Model):
    """A comparison-inspection material (对照检查材料), personal or on behalf of the group."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    #: The author may still write: draft, or returned with comments.
    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="materials")
    author = models.ForeignKey(Member, verbose_name=_("author"), on_delete=models.PROTECT, related_name="materials")
    on_behalf_of_group = models.BooleanField(_("on behalf of the group"), default=False)
    title = models.CharField(_("title"), max_length=300, blank=True)
    preamble = models.TextField(
        _("opening paragraphs"),
        blank=True,
        help_text=_("Markdown: the paragraphs before “一、”, e.g. why and on whose request the material is written."),
    )
    problems = models.TextField(_("problems found"), blank=True, help_text=_("Markdown."))
    problem_sections = models.JSONField(
        _("problems by aspect"),
        default=list,
        blank=True,
        help_text=_("A list of {aspect, text}: the problems found under each aspect of the theme."),
    )
    causes = models.TextField(_("causes"), blank=True, help_text=_("Markdown."))
    measures = models.TextField(_("rectification measures"), blank=True, help_text=_("Markdown."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_comments = models.TextField(_("review comments"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted on behalf of the author by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The secretary who writes the group's material for a presider without a login account."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Incremented on every save."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = InspectionMaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("comparison-inspection material")
        verbose_name_plural = _("comparison-inspection materials")
        ordering = ["meeting", "-on_behalf_of_group", "author__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author", "on_behalf_of_group"],
                name="material_one_per_author_per_meeting",
                violation_error_message=_("This member already has a material for this meeting."),
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status"], name="material_meeting_status_idx")]

    def __str__(self):
        return self.title or _("Material of %(author)s") % {"author": self.author}

    def get_absolute_url(self):
        return reverse("materials:detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        """Seen by its author alone."""
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self) -> bool:
        """Waiting for review."""
        return self.status == self.Status.SUBMITTED

    @property
    def is_returned(self) -> bool:
        """Returned to its author with review comments."""
        return self.status == self.Status.RETURNED

    @property
    def is_approved(self) -> bool:
        """Locked, and readable by the meeting's attendees."""
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class MaterialRevision(models.Model):
    """The text of a material as it stood at one submission."""

    material = models.ForeignKey(
        InspectionMaterial, verbose_name=_("material"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    preamble = models.TextField(_("opening paragraphs"), blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    problem_sections = models.JSONField(_("problems by aspect"), default=list, blank=True)
    causes = models.TextField(_("causes"), blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    review_comments = models.TextField(_("review comments"), blank=True)

    class Meta:
        verbose_name = _("material revision")
        verbose_name_plural = _("material revisions")
        ordering = ["material", "number"]
        constraints = [models.UniqueConstraint(fields=["material", "number"], name="material_revision_unique_number")]

    def __str__(self):
        return f"{self.material} #{self.number}"


class MaterialAttachment(models.Model):
    material = models.ForeignKey(
        InspectionMaterial, verbose_name=_("material"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=material_upload_to)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    is_source_document = models.BooleanField(_("imported Word document"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["material", "uploaded_at"]

    def __str__(self):
        return self.original_name


class MaterialSignOff(models.Model):
    """The higher organisation's (or the supervision group's) sign-off of a material before the
    meeting: agreed, or changes needed, with comments. A record: kept, never edited."""

    class Decision(models.TextChoices):
        AGREED = "agreed", _("agreed")
        NEEDS_CHANGES = "needs_changes", _("needs changes")

    material = models.ForeignKey(
        InspectionMaterial, verbose_name=_("material"), on_delete=models.PROTECT, related_name="sign_offs"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer_name = models.CharField(_("reviewer's name"), max_length=100, blank=True)
    capacity = models.CharField(_("as"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    signed_at = models.DateTimeField(_("signed off at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["material", "signed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="agreed") | ~Q(comment=""),
                name="signoff_changes_have_comment",
                violation_error_message=_("Say what needs to change."),
            ),
        ]

    def __str__(self):
        return f"{self.material} — {self.get_decision_display()}"

    @property
    def is_agreed(self) -> bool:
        return self.decision == self.Decision.AGREED
