import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import MembershipQuerySet, OrganisationQuerySet


class Organisation(models.Model):
    """A party organisation: a tree of party committee > party group / branch."""

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "committee", _("party committee")
        PARTY_GROUP = "group", _("party group")
        GENERAL_BRANCH = "general_branch", _("general branch")
        BRANCH = "branch", _("branch")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BRANCH)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    source_organ = models.CharField(
        _("source organ"),
        max_length=200,
        blank=True,
        help_text=_("How published notices name their source, e.g. the municipal government's website."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def ancestors(self) -> list["Organisation"]:
        chain, node = [], self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain


class Member(models.Model):
    """A person in the party organisation, optionally able to sign in."""

    class Gender(models.TextChoices):
        MALE = "m", _("male")
        FEMALE = "f", _("female")

    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    posts = models.CharField(
        _("posts"),
        max_length=500,
        blank=True,
        help_text=_(
            "Current posts as written in notices, e.g. deputy secretary of the municipal party committee, mayor."
        ),
    )
    email = models.EmailField(_("email"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    organisations = models.ManyToManyField(
        Organisation, through="Membership", related_name="members", verbose_name=_("organisations")
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def contact_email(self) -> str:
        if self.email:
            return self.email
        return self.user.email if self.user_id else ""


class Membership(models.Model):
    """A member's place in an organisation: role, post title and dates."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("secretary")
        DEPUTY_SECRETARY = "deputy", _("deputy secretary")
        STAFF = "staff", _("appointed staff")
        MEMBER = "member", _("member")

    #: The roles that manage the organisation: the secretary, and those who do the secretary's work
    #: for it (a deputy secretary, a staff member appointed to it).
    SECRETARY_ROLES = frozenset({Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.STAFF})

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    post_title = models.CharField(_("post title"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=100, help_text=_("Order in attendance sheets."))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "order", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "organisation"],
                condition=Q(end_date__isnull=True),
                name="membership_one_current_per_organisation",
                violation_error_message=_("This member already holds a current membership of this organisation."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        """Held today: started, and not yet ended (as MembershipQuerySet.current())."""
        return self.is_current_on(timezone.localdate())

    def is_current_on(self, day) -> bool:
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or self.end_date >= day)

    @property
    def is_secretary(self) -> bool:
        return self.role in self.SECRETARY_ROLES


class AuditEvent(models.Model):
    """A security-relevant event: sign-ins, failures, lockouts, refusals. Written, never edited."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOCKED_OUT = "locked_out", _("locked out")
        LOGOUT = "logout", _("signed out")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        SECOND_FACTOR = "second_factor", _("second factor")
        FORBIDDEN = "forbidden", _("refused (403)")
        OUT_OF_SCOPE = "out_of_scope", _("not found or out of scope (404)")
        ROLE_CHANGED = "role_changed", _("role changed")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("user name given"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="audit_kind_created_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.username or self.user_id or '-'}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class FeedKey(models.Model):
    """A user's key for their personal feed addresses (the calendar feed). The addresses are signed
    with it and with the user's password hash: a new key, or a new password, retires every address
    made before."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="feed_key"
    )
    key = models.CharField(_("key"), max_length=64, default=new_feed_key)
    rotated_at = models.DateTimeField(_("renewed at"), auto_now=True)

    class Meta:
        verbose_name = _("feed key")
        verbose_name_plural = _("feed keys")

    def __str__(self):
        return str(self.user)


class RecordsVersion(models.Model):
    """A number that goes up after every committed change to the records of its scope (members.pagecache):
    "all" (what belongs to no one organisation: users, members, memberships, organisations), "org:<id>"
    (an organisation's meetings, materials, ledger, reports, notices) or "user:<id>" (what one user
    sees changed). A signed-in page kept in a server's memory is served again only while the numbers of
    the scopes its user sees are the ones it was made under, so every app server sees a change at once.
    (The scopes' names are made in members.pagecache: GLOBAL, org_scope(), user_scope().)"""

    scope = models.CharField(_("scope"), max_length=40, unique=True)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("records version")
        verbose_name_plural = _("records versions")

    def __str__(self):
        return f"{self.scope}: {self.value}"
