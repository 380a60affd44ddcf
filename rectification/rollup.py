"""Reads for the higher organisation and the supervision group: the roll-up of the organisations
below (each one's latest meeting, its materials, its ledger) and who can verify an item.

The roll-up costs the same number of queries whatever the number of organisations: the organisations
with their latest meeting (one query), those meetings with their counts (one), the items' counts by
organisation (one), plus the user's scope, read once per request.
"""

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from materials.models import InspectionMaterial, MaterialSignOff
from meetings.models import Attendance, Meeting, SupervisionAppointment
from members.models import Member, Membership, Organisation
from members.permissions import member_for, overseen_organisation_ids

from .models import RectificationItem

S = RectificationItem.Status


@dataclass
class RollupRow:
    organisation: Organisation
    meeting: Meeting | None = None
    supervised: bool = False
    materials_approved: int = 0
    materials_expected: int = 0
    materials_submitted: int = 0
    sign_offs: int = 0
    items_open: int = 0
    items_overdue: int = 0
    items_verified: int = 0
    items_total: int = 0


def _count(queryset, link: str = "meeting"):
    """A correlated count of `queryset` rows whose `link` is the outer meeting (0 when none)."""
    counted = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def oversees_anything(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or overseen_organisation_ids(user):
        return True
    member = member_for(user)
    return member is not None and SupervisionAppointment.objects.filter(member=member).exists()


def rollup_rows(user, today=None) -> list[RollupRow]:
    """One row per organisation the user oversees (with its latest meeting), and one per meeting they
    are appointed to supervise, ordered by organisation."""
    today = today or timezone.localdate()
    if user.is_superuser:
        org_filter = Q(meetings__isnull=False)
    else:
        org_filter = Q(pk__in=overseen_organisation_ids(user))
    latest = Meeting.objects.filter(organisation=OuterRef("pk")).order_by(
        "-year", F("held_on").desc(nulls_first=True), "-id"
    )
    organisations = list(
        Organisation.objects.filter(org_filter)
        .distinct()
        .annotate(latest_meeting_id=Subquery(latest.values("pk")[:1]))
        .order_by("name")
    )
    member = member_for(user)
    supervised = (
        SupervisionAppointment.objects.filter(member=member).values("meeting_id")
        if member is not None
        else SupervisionAppointment.objects.none().values("meeting_id")
    )
    latest_ids = [o.latest_meeting_id for o in organisations if o.latest_meeting_id]
    materials = InspectionMaterial.objects.all()
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(Q(pk__in=latest_ids) | Q(pk__in=supervised))
        .select_related("organisation")
        .annotate(
            n_approved=_count(materials.filter(status=InspectionMaterial.Status.APPROVED)),
            n_submitted=_count(materials.filter(status=InspectionMaterial.Status.SUBMITTED)),
            n_materials=_count(materials),
            n_attendees=_count(Attendance.objects.filter(role__in=Attendance.SHOULD_ATTEND, member__isnull=False)),
            n_sign_offs=_count(MaterialSignOff.objects.all(), link="material__meeting"),
            is_supervised=_count(SupervisionAppointment.objects.filter(member=member))
            if member is not None
            else Value(0),
        )
    }
    rows = [RollupRow(organisation=o, meeting=meetings.get(o.latest_meeting_id)) for o in organisations]
    covered = {row.meeting.pk for row in rows if row.meeting is not None}
    for meeting in sorted(meetings.values(), key=lambda m: (m.organisation.name, m.pk)):
        if meeting.pk not in covered:
            rows.append(RollupRow(organisation=meeting.organisation, meeting=meeting, supervised=True))
    org_ids = {row.organisation.pk for row in rows}
    counts = {
        c["plan__organisation_id"]: c
        for c in RectificationItem.objects.visible_to(user)
        .filter(plan__organisation_id__in=org_ids)
        .exclude(status=S.CANCELLED)
        .order_by()
        .values("plan__organisation_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=RectificationItem.OPEN)),
            overdue=Count("pk", filter=Q(status__in=RectificationItem.OPEN, deadline__lt=today)),
            verified=Count("pk", filter=Q(status=S.VERIFIED)),
        )
    }
    for row in rows:
        m = row.meeting
        if m is not None:
            row.supervised = row.supervised or bool(m.is_supervised)
            row.materials_approved = m.n_approved
            row.materials_submitted = m.n_submitted
            # Each attendee expected writes their own; the group's is one more.
            row.materials_expected = m.n_attendees + 1 if m.n_attendees else m.n_materials
            row.sign_offs = m.n_sign_offs
        c = counts.get(row.organisation.pk)
        if c:
            row.items_total, row.items_open = c["total"], c["open"]
            row.items_overdue, row.items_verified = c["overdue"], c["verified"]
    return rows


def verifiers(item) -> list[Member]:
    """Who can verify the item, by name: the secretaries, deputies and appointed staff of its
    organisation and of the organisations above it, with a login account, other than the member
    responsible for it (superusers, who can too, are not named)."""
    organisation = item.plan.organisation
    return verifiers_for(organisation, item.responsible_member_id)


def verifiers_for(organisation, responsible_member_id) -> list[Member]:
    org_ids = [organisation.pk, *(o.pk for o in organisation.ancestors())]
    memberships = (
        Membership.objects.current()
        .secretaries()
        .filter(organisation_id__in=org_ids, member__user__isnull=False, member__user__is_active=True)
        .exclude(member_id=responsible_member_id)
        .select_related("member", "organisation")
        .order_by("order", "member__name")
    )
    seen, people = set(), []
    rank = {pk: i for i, pk in enumerate(org_ids)}
    for ms in sorted(memberships, key=lambda ms: rank[ms.organisation_id]):
        if ms.member_id not in seen:
            seen.add(ms.member_id)
            ms.member.verifies_as = ms
            people.append(ms.member)
    return people


def dashboard_section(user) -> list:
    """For a secretary of a higher organisation: the way to the roll-up (no query beyond their scope)."""
    overseen = overseen_organisation_ids(user)
    if not overseen:
        return []
    count = len(overseen)
    return [
        {
            "title": _("Organisations below"),
            "items": [
                {
                    "label": _("Roll-up of the organisations below"),
                    "url": reverse("rectification:rollup"),
                    "meta": ngettext("%(n)s organisation", "%(n)s organisations", count) % {"n": count},
                    "action": _("Review"),
                }
            ],
            "empty": "",
            "more_url": "",
        }
    ]
