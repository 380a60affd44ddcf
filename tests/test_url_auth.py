"""Every URL pattern × every role: one table per feature in tests/url_auth/.

A URL pattern without an entry fails `test_every_url_has_an_entry`, so a new page
cannot ship without saying who may see it.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Attendance
from notices.models import Notice

from .factories import AttendanceFactory, ItemFactory, MaterialFactory, NoticeFactory
from .url_auth import foundation, materials, meetings, notices, rectification, reports

TABLE = {
    **foundation.TABLE,
    **meetings.TABLE,
    **materials.TABLE,
    **notices.TABLE,
    **rectification.TABLE,
    **reports.TABLE,
}
ROLES = ["anonymous", "member", "other_member", "secretary", "other_secretary", "publisher", "superuser"]
#: Roles of the oversight and delegation (checked in the rows that name them): the secretary of the
#: organisation above `org` (the municipal committee), the supervisor appointed to `meeting`, and
#: `org`'s deputy secretary.
ROLES += ["higher_secretary", "supervisor", "deputy"]


def _names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def _skipped(name):
    return any(name.startswith(prefix) for prefix in foundation.SKIP_PREFIXES)


def test_every_url_has_an_entry():
    missing = sorted({n for n in _names() if not _skipped(n) and n not in TABLE})
    assert missing == [], f"URL patterns without a row in tests/url_auth/: {missing}"


@pytest.fixture
def objects(db, org, meeting, secretary, member_user, other_member, other_secretary, publisher, superuser):
    AttendanceFactory(meeting=meeting, member=member_user.member, role=Attendance.Role.PARTICIPANT)
    material = MaterialFactory(meeting=meeting, author=member_user.member, status=InspectionMaterial.Status.SUBMITTED)
    item = ItemFactory(plan__meeting=meeting, responsible_member=member_user.member)
    notice = NoticeFactory(
        organisation=org,
        meeting=meeting,
        status=Notice.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=1),
    )
    higher, supervisor, deputy = _oversight_users(org, meeting)
    return {
        "org": org,
        "meeting": meeting,
        "material": material,
        "item": item,
        "notice": notice,
        "users": {
            "anonymous": None,
            "member": member_user,
            "other_member": other_member,
            "secretary": secretary,
            "other_secretary": other_secretary,
            "publisher": publisher,
            "superuser": superuser,
            "higher_secretary": higher,
            "supervisor": supervisor,
            "deputy": deputy,
        },
    }


def _oversight_users(org, meeting):
    from meetings.models import SupervisionAppointment
    from members.models import Membership

    from .factories import MemberFactory, MembershipFactory, OrganisationFactory, UserFactory

    committee = OrganisationFactory(name="Municipal Party Committee", kind="committee")
    org.parent = committee
    org.save()
    users = []
    for username, organisation, role in [
        ("committee", committee, Membership.Role.SECRETARY),
        ("supervisor", None, None),
        ("deputy", org, Membership.Role.DEPUTY_SECRETARY),
    ]:
        user = UserFactory(username=username)
        member = MemberFactory(name=username.title(), user=user)
        if organisation is not None:
            MembershipFactory(member=member, organisation=organisation, role=role)
        else:
            SupervisionAppointment.objects.create(meeting=meeting, member=member, role="leader")
        users.append(user)
    return users


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TABLE))
def test_url_answers_each_role_as_the_table_says(client, objects, name):
    """One URL, every role in its row: the objects are built once, each role signs in in turn."""
    row = TABLE[name]
    kwargs = row["kwargs"](objects) if "kwargs" in row else {}
    url = reverse(name, kwargs=kwargs)
    wrong = []
    for role in ROLES:
        if role not in row["expect"]:
            continue
        client.logout()
        user = objects["users"][role]
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        expected = row["expect"][role]
        if expected == "login":
            ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
        else:
            ok = response.status_code == expected
        if not ok:
            wrong.append((role, expected, response.status_code))
    assert wrong == [], f"{url}: (role, expected, got) {wrong}"
