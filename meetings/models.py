import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Organisation

from .querysets import MeetingQuerySet


class Meeting(models.Model):
    """A life meeting of one organisation: prepared, held, recorded, closed."""

    class Kind(models.TextChoices):
        DEMOCRATIC_LIFE = "democratic_life", _("democratic life meeting")
        ORGANISATIONAL_LIFE = "organisational_life", _("organisational life meeting")
        SPECIAL_DEMOCRATIC_LIFE = "special_democratic_life", _("special-topic democratic life meeting")
        OTHER = "other", _("other meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        PREPARING = "preparing", _("preparing")
        HELD = "held", _("held")
        CLOSED = "closed", _("closed")

    #: Still to come: the meeting is being planned or prepared.
    UPCOMING = frozenset({Status.PLANNED, Status.PREPARING})
    #: The meeting has taken place: its record may be read, its notice drafted, its rectification followed.
    TAKEN_PLACE = frozenset({Status.HELD, Status.CLOSED})

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.DEMOCRATIC_LIFE)
    title = models.CharField(
        _("title"),
        max_length=300,
        blank=True,
        help_text=_("Left empty, the title is made from the year and kind."),
    )
    year = models.PositiveSmallIntegerField(_("year covered"))
    theme = models.TextField(_("theme"), blank=True)
    aspects = models.TextField(
        _("aspects of the theme"),
        blank=True,
        help_text=_("One per line: the aspects the theme names; materials group their problems under them."),
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    presider = models.ForeignKey(
        Member,
        verbose_name=_("presider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="presided_meetings",
    )
    presider_posts = models.CharField(
        _("presider's posts on the day"),
        max_length=500,
        blank=True,
        help_text=_("The presider's posts as they stood on the day of the meeting."),
    )
    previous_meeting = models.ForeignKey(
        "self",
        verbose_name=_("previous meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_meetings",
        help_text=_("The meeting whose rectification is reported at this one."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(_("summary"), blank=True)
    # The higher organisation's consent to hold the meeting (the regulations ask for it beforehand).
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_by = models.CharField(
        _("consent given by"),
        max_length=200,
        blank=True,
        help_text=_("The higher organisation (and who in it) that agreed to the meeting being held."),
    )
    consent_reference = models.CharField(
        _("consent reference"), max_length=200, blank=True, help_text=_("The reply's document number or note.")
    )
    hold_override_reason = models.TextField(
        _("reason for holding with open checklist items"),
        blank=True,
        help_text=_("Written by the secretary who marked the meeting held with its readiness checklist open."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Raised by each save of the meeting's details: a form loaded with an older version is stale.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-year", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-held_on"], name="meeting_org_held_idx"),
            models.Index(fields=["status"], name="meeting_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1921) & Q(year__lte=2200),
                name="meeting_year_plausible",
                violation_error_message=_("The year covered must be between 1921 and 2200."),
            ),
            models.CheckConstraint(
                condition=~Q(previous_meeting=F("id")),
                name="meeting_not_its_own_previous",
                violation_error_message=_("A meeting cannot be its own previous meeting."),
            ),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        return _("%(year)s %(kind)s") % {"year": self.year, "kind": self.get_kind_display()}

    @property
    def aspect_list(self) -> list[str]:
        return [line.strip() for line in self.aspects.splitlines() if line.strip()]

    @property
    def has_consent(self) -> bool:
        return self.consent_on is not None and bool(self.consent_by.strip())

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_preparing(self) -> bool:
        return self.status == self.Status.PREPARING

    @property
    def is_held(self) -> bool:
        """Held and not yet closed: its record may still be completed."""
        return self.status == self.Status.HELD

    @property
    def is_closed(self) -> bool:
        """Closed: the record is final and read-only."""
        return self.status == self.Status.CLOSED

    @property
    def is_upcoming(self) -> bool:
        return self.status in self.UPCOMING

    @property
    def has_taken_place(self) -> bool:
        return self.status in self.TAKEN_PLACE

    def clean(self):
        super().clean()
        prev = self.previous_meeting
        if prev is not None:
            if self.pk and prev.pk == self.pk:
                raise ValidationError({"previous_meeting": _("A meeting cannot be its own previous meeting.")})
            if prev.held_on and self.held_on and self.held_on <= prev.held_on:
                raise ValidationError(
                    {
                        "held_on": _("The meeting must be held after its previous meeting (%(date)s).")
                        % {"date": prev.held_on}
                    }
                )
            if self.organisation_id and prev.organisation_id != self.organisation_id:
                raise ValidationError(
                    {"previous_meeting": _("The previous meeting must belong to the same organisation.")}
                )
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The meeting must end after it starts.")})


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        PREVIOUS_RECTIFICATION = "previous_rectification", _("report on the previous meeting's rectification")
        SOLICITED_OPINIONS = "solicited_opinions", _("report on opinions solicited")
        GROUP_INSPECTION = "group_inspection", _("the group's comparison inspection")
        INDIVIDUAL_INSPECTION = "individual_inspection", _("individual inspection and criticism")
        CONCLUDING_SPEECH = "concluding_speech", _("concluding speech")
        SUPERVISION_REMARKS = "supervision_remarks", _("supervision group remarks")
        STUDY = "study", _("study")
        OTHER = "other", _("other")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    presenter = models.ForeignKey(
        Member, verbose_name=_("presenter"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record = models.TextField(_("record"), blank=True, help_text=_("What was said and decided under this item."))

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    class Role(models.TextChoices):
        PRESIDER = "presider", _("presider")
        PARTICIPANT = "participant", _("participant")
        NON_VOTING = "non_voting", _("non-voting attendee")
        OBSERVER = "observer", _("observer")

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        ON_LEAVE = "on_leave", _("on leave")

    #: The roles expected to attend (and to write a material); the others are guests.
    SHOULD_ATTEND = frozenset({Role.PRESIDER, Role.PARTICIPANT})

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("For attendees who are not members, e.g. a supervision group."),
    )
    affiliation = models.CharField(_("affiliation or post"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PRESENT)
    reason = models.CharField(_("reason for absence"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=100)
    signed_in_at = models.DateTimeField(
        _("signed in at"), null=True, blank=True, help_text=_("When the member signed in with the meeting's QR code.")
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_unique_member_per_meeting",
                violation_error_message=_("This member is already on the attendance sheet of this meeting."),
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(name=""),
                name="attendance_member_or_name",
                violation_error_message=_("An attendee needs a member or a name."),
            ),
            models.CheckConstraint(
                condition=Q(status="present") | ~Q(reason=""),
                name="attendance_absence_has_reason",
                violation_error_message=_("An absence needs a reason."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.member.name if self.member_id else self.name

    @property
    def should_attend(self) -> bool:
        return self.role in self.SHOULD_ATTEND

    @property
    def is_present(self) -> bool:
        return self.status == self.Status.PRESENT


class PreparationActivity(models.Model):
    class Kind(models.TextChoices):
        STUDY = "study", _("study session")
        OPINION_SOLICITATION = "opinion_solicitation", _("opinion solicitation")
        HEART_TO_HEART = "heart_to_heart", _("heart-to-heart talks")
        MATERIAL_DRAFTING = "material_drafting", _("material drafting")
        OTHER = "other", _("other")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="preparation_activities"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.STUDY)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    participants = models.ManyToManyField(Member, verbose_name=_("participants"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("preparation activity")
        verbose_name_plural = _("preparation activities")
        ordering = ["meeting", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(date__isnull=True) | Q(end_date__gte=F("date")),
                name="preparation_end_after_start",
                violation_error_message=_("An activity cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title


class SolicitedOpinion(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="opinions")
    activity = models.ForeignKey(
        PreparationActivity,
        verbose_name=_("solicitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
    )
    source = models.CharField(_("source"), max_length=200, help_text=_("Who gave the opinion, e.g. grassroots units."))
    content = models.TextField(_("content"))
    addressed_to = models.ForeignKey(
        Member,
        verbose_name=_("addressed to member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions_received",
        help_text=_("Empty: addressed to the group as a whole."),
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)

    class Meta:
        verbose_name = _("solicited opinion")
        verbose_name_plural = _("solicited opinions")
        ordering = ["meeting", "id"]

    def __str__(self):
        return self.content[:60]

    @property
    def addressed_to_group(self) -> bool:
        return self.addressed_to_id is None


class HeartToHeartTalk(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="talks")
    member_a = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    member_b = models.ForeignKey(Member, verbose_name=_("talked with"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        ordering = ["meeting", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(member_a=F("member_b")),
                name="talk_two_different_members",
                violation_error_message=_("A heart-to-heart talk is between two different members."),
            ),
        ]

    def __str__(self):
        return f"{self.member_a} ↔ {self.member_b}"


class CriticismRecord(models.Model):
    """One entry of criticism and self-criticism at the meeting."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="criticisms")
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_member = models.ForeignKey(Member, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    to_member = models.ForeignKey(
        Member,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for self-criticism."),
    )
    content = models.TextField(_("content"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criticism record")
        verbose_name_plural = _("criticism records")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.content[:60]

    @property
    def is_self_criticism(self) -> bool:
        return self.to_member_id is None or self.to_member_id == self.from_member_id


class Speech(models.Model):
    class Kind(models.TextChoices):
        CONCLUDING = "concluding", _("concluding speech")
        REPORT = "report", _("report")
        INSPECTION = "inspection", _("comparison inspection statement")
        SUPERVISION = "supervision", _("supervision group remarks")
        OTHER = "other", _("other speech")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="speeches")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="speeches",
    )
    speaker = models.ForeignKey(
        Member, verbose_name=_("speaker"), null=True, blank=True, on_delete=models.PROTECT, related_name="speeches"
    )
    speaker_name = models.CharField(_("speaker (not a member)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["meeting", "order", "id"]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} — {self.display_speaker}"

    @property
    def is_concluding(self) -> bool:
        return self.kind == self.Kind.CONCLUDING

    @property
    def display_speaker(self) -> str:
        return self.speaker.name if self.speaker_id else self.speaker_name

    @property
    def key_points_numbered_in_text(self) -> bool:
        """True when every key point already starts with its own enumerator (一要…, 二是…, （一）, 1.):
        the minutes then list them as written instead of numbering them a second time ("1. 一要…")."""
        points = self.key_points.all()
        return bool(points) and all(ENUMERATED.match(point.text.lstrip()) for point in points)


# How a Chinese (or Western) text numbers its own points: 一要 / 二是 / 三、 / （一） / 第一 / 1. / 1、 / (1)
_CN = "一二三四五六七八九十"
ENUMERATED = re.compile(rf"([{_CN}]+[要是、，,.．]|第[{_CN}]+|[（(][{_CN}\d]+[）)]|\d+[.、．)])")


class KeyPoint(models.Model):
    speech = models.ForeignKey(Speech, verbose_name=_("speech"), on_delete=models.CASCADE, related_name="key_points")
    order = models.PositiveIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("key point")
        verbose_name_plural = _("key points")
        ordering = ["speech", "order"]
        constraints = [
            models.UniqueConstraint(fields=["speech", "order"], name="keypoint_unique_order"),
            models.CheckConstraint(condition=~Q(text=""), name="keypoint_text_not_empty"),
        ]

    def __str__(self):
        return self.text[:60]


class SupervisionAppointment(models.Model):
    """A member of the supervision group (督导组) the higher organisation appoints to a meeting: they
    read its record, materials and ledger, and sign off materials before it, but change nothing."""

    class Role(models.TextChoices):
        LEADER = "leader", _("supervision group leader")
        MEMBER = "member", _("supervision group member")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="supervisors"
    )
    member = models.ForeignKey(Member, verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    group_name = models.CharField(
        _("supervision group"),
        max_length=200,
        blank=True,
        help_text=_("e.g. the municipal committee's third supervision group."),
    )
    appointed_by = models.ForeignKey(
        Organisation,
        verbose_name=_("appointed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("supervision appointment")
        verbose_name_plural = _("supervision appointments")
        ordering = ["meeting", "role", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="supervision_one_per_member_per_meeting",
                violation_error_message=_("This member is already appointed to supervise this meeting."),
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_role_display()}"
