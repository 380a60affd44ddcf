from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.models import Meeting
from members.models import Organisation

from .querysets import NoticeQuerySet


class Notice(models.Model):
    """The published article telling the public that the meeting was held."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", _("Simplified Chinese")
        EN = "en", _("English")

    #: The statuses under which a notice is public once its publish_at has come (see is_live, live()).
    LIVE = frozenset({Status.PUBLISHED, Status.SCHEDULED})
    #: The language tag of each language as HTML's lang and hreflang and XML's xml:lang write it (BCP 47).
    LANGUAGE_TAGS = {Language.ZH_HANS: "zh-Hans", Language.EN: "en"}

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        default=Language.ZH_HANS,
        help_text=_("The language the notice is written in."),
    )
    translation_of = models.OneToOneField(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translation",
        help_text=_("The notice in the other language that this one translates; each links to the other."),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=False, blank=True)
    source_organ = models.CharField(_("source"), max_length=200, blank=True)
    dateline = models.DateField(_("dateline"), null=True, blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_vector"])
    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="notice_status_publish_idx"),
            # The public page cache's generation token reads MAX(updated_at) every few seconds.
            models.Index(fields=["updated_at"], name="notice_updated_idx"),
            # Newest first: lists, the feed, and search's "newest matches" walk this index.
            models.Index(fields=["-publish_at", "-id"], name="notice_publish_desc_idx"),
            # Search finds the few notices whose vector is not computed yet through this.
            models.Index(fields=["id"], condition=Q(search_vector__isnull=True), name="notice_vector_missing_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(translation_of=models.F("id")), name="notice_not_translation_of_itself"
            ),
        ]
        # Search reads SearchEntry (live notices only) under its own GIN index; the notices' GIN index of
        # migration notices_search_gin was dropped by migration notices_search_entries.
        permissions = [("publish_notice", _("Can publish, schedule and withdraw notices"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:detail", kwargs={"year": self.url_year, "pk": self.pk, "slug": self.slug or "notice"})

    def clean(self):
        super().clean()
        translation = Notice.objects.filter(translation_of_id=self.pk).first() if self.pk else None
        if translation is not None and translation.language == self.language:
            raise ValidationError({"language": _("Its translation is in this language: choose the other one.")})
        original = self.translation_of
        if original is None:
            return
        if self.pk and original.pk == self.pk:
            raise ValidationError({"translation_of": _("A notice cannot be a translation of itself.")})
        if original.language == self.language:
            raise ValidationError({"translation_of": _("A translation is in the other language than its original.")})
        if original.translation_of_id is not None:
            raise ValidationError({"translation_of": _("That notice is itself a translation: link to its original.")})
        if Notice.objects.filter(translation_of_id=original.pk).exclude(pk=self.pk).exists():
            raise ValidationError({"translation_of": _("That notice already has a translation.")})
        if translation is not None:
            raise ValidationError({"translation_of": _("This notice has a translation of its own: it is an original.")})

    @property
    def lang_tag(self) -> str:
        """The language as HTML's lang and hreflang write it (zh-Hans, en)."""
        return self.LANGUAGE_TAGS.get(self.language, self.language)

    def other_version(self) -> Notice | None:
        """The same notice in the other language: its original or its translation (either way round)."""
        if self.translation_of_id:
            return self.translation_of
        try:
            return self.translation
        except Notice.DoesNotExist:
            return None

    @property
    def url_year(self) -> int:
        """The year in the public address: the (local) year of publication."""
        when = self.publish_at or self.created_at
        return timezone.localtime(when).year if when else timezone.localdate().year

    @property
    def is_live(self) -> bool:
        """On the public site: published, or scheduled and its time has come (as NoticeQuerySet.live())."""
        return self.status in self.LIVE and self.publish_at is not None and self.publish_at <= timezone.now()

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_scheduled(self) -> bool:
        """Scheduled: public once publish_at has come (then is_live too)."""
        return self.status == self.Status.SCHEDULED

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def is_withdrawable(self) -> bool:
        """Published or scheduled (the LIVE statuses), whether or not its time has come."""
        return self.status in self.LIVE


class SearchEntry(models.Model):
    """A live notice's search vector again, in a narrow table of its own (``notices.search``).

    Only notices whose status is one of ``Notice.LIVE`` and that have a vector are here, with
    their ``publish_at`` (the rest of ``NoticeQuerySet.live()``: a scheduled notice goes live
    when that time comes). Counting the matches of a common word visits every matching row's
    page; here 100,000 rows fit in about 1,600 pages (the vector is kept out of line), against
    the notices' 42,000. Kept current by ``search.update_search_vectors``, which every notice
    service calls; on PostgreSQL only (SQLite searches the notices with icontains)."""

    notice = models.OneToOneField(
        Notice, verbose_name=_("notice"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    publish_at = models.DateTimeField(_("publish at"))
    vector = SearchVectorField(_("search vector"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [models.Index(fields=["-publish_at", "-notice"], name="search_entry_date_idx")]
        # The GIN index on vector and the out-of-line storage of the vector are set by migration
        # notices_search_entries (PostgreSQL only).

    def __str__(self):
        return str(self.notice_id)


def notice_image_upload_to(instance, filename):
    return f"notices/{instance.notice_id}/{filename}"


class NoticeImage(models.Model):
    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("image"), upload_to=notice_image_upload_to)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice image")
        verbose_name_plural = _("notice images")

    def __str__(self):
        return self.caption or self.image.name
