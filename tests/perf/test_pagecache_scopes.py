"""A change shows on the pages of those who may see it, and leaves the others' kept pages be.

The records versions are per organisation (members.pagecache): a meeting, a material or an item
raises its organisation's number, and a user's kept page is made again only when a number they see
moves: their organisations', those below them for the higher organisation, "all" for a change to
users, members, memberships or roles.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting
from members import pagecache
from members.models import Membership, Organisation
from tests.factories import (
    AttendanceFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    NoticeFactory,
    UserFactory,
)

from .test_signed_in_pages import KEPT_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response.content.decode()


@pytest.fixture
def committee(org, other_org):
    """The committee above both party groups, and its secretary (who oversees both)."""
    top = Organisation.objects.create(name="Municipal Party Committee", kind=Organisation.Kind.PARTY_COMMITTEE)
    Organisation.objects.filter(pk__in=[org.pk, other_org.pk]).update(parent=top)
    user = UserFactory(username="committee")
    MembershipFactory(member=MemberFactory(user=user), organisation=top, role=Membership.Role.SECRETARY)
    return user


class Browser:
    """One signed-in browser per user (its own cookies: session and CSRF)."""

    def __init__(self, client_class, user):
        self.client = client_class()
        self.client.force_login(user)

    def kept(self, url):
        """Asks three times: the first gets the CSRF cookie, the second makes the page, the third is the
        kept page."""
        _get(self.client, url)
        _get(self.client, url)
        return _get(self.client, url)


@pytest.fixture
def meetings(org, other_org):
    a = MeetingFactory(organisation=org, title="Meeting of group A", status=Meeting.Status.PREPARING)
    b = MeetingFactory(organisation=other_org, title="Meeting of group B", status=Meeting.Status.PREPARING)
    return a, b


def test_a_change_in_one_organisation_leaves_anothers_kept_pages_served(
    client, meetings, secretary, other_secretary, committee
):
    a, b = meetings
    browsers = {
        "A": (Browser(type(client), secretary), reverse("meetings:detail", args=[a.pk])),
        "B": (Browser(type(client), other_secretary), reverse("meetings:detail", args=[b.pk])),
        "committee": (Browser(type(client), committee), reverse("meetings:detail", args=[a.pk])),
        "B's dashboard": (Browser(type(client), other_secretary), reverse("dashboard")),
        "committee's dashboard": (Browser(type(client), committee), reverse("dashboard")),
    }
    for browser, url in browsers.values():
        count, _body = browser.kept(url)
        assert count == KEPT_PAGE_QUERIES

    a = Meeting.objects.get(pk=a.pk)
    a.location = "The new great hall"
    a.save()  # as A's secretary would, through any server

    for name in ("B", "B's dashboard"):
        browser, url = browsers[name]
        count, body = _get(browser.client, url)
        assert count == KEPT_PAGE_QUERIES, name  # still the kept page
    for name in ("A", "committee"):
        browser, url = browsers[name]
        count, body = _get(browser.client, url)
        assert count > KEPT_PAGE_QUERIES and "The new great hall" in body, name
    browser, url = browsers["committee's dashboard"]
    assert _get(browser.client, url)[0] > KEPT_PAGE_QUERIES  # the committee sees A: made again


def test_a_change_to_memberships_or_roles_is_seen_by_everyone(client, meetings, secretary, other_secretary):
    _a, b = meetings
    browser = Browser(type(client), other_secretary)
    url = reverse("meetings:detail", args=[b.pk])
    assert browser.kept(url)[0] == KEPT_PAGE_QUERIES
    # A's secretary is made secretary of B too: B's page now names them among its secretaries' people.
    MembershipFactory(member=secretary.member, organisation=b.organisation, role=Membership.Role.SECRETARY)
    assert _get(browser.client, url)[0] > KEPT_PAGE_QUERIES
    assert browser.kept(url)[0] == KEPT_PAGE_QUERIES
    other_secretary.groups.create(name="Some role group")  # a role: m2m of the user
    assert _get(browser.client, url)[0] > KEPT_PAGE_QUERIES


def test_someone_newly_on_a_meetings_attendance_sheet_sees_it_at_once(client, meetings, other_member):
    a, _b = meetings
    browser = Browser(type(client), other_member)  # a member of B
    url = reverse("dashboard")
    browser.kept(url)
    assert browser.client.get(reverse("meetings:detail", args=[a.pk])).status_code == 404
    AttendanceFactory(meeting=a, member=other_member.member)  # invited to A's meeting
    count, _body = _get(browser.client, url)
    assert count > KEPT_PAGE_QUERIES
    assert browser.client.get(reverse("meetings:detail", args=[a.pk])).status_code == 200


def test_an_attendee_from_another_organisation_sees_a_change_to_the_meeting_they_attend(client, meetings, other_member):
    """A member of B on A's attendance sheet reads A's meeting: A's changes reach their kept pages too
    (pagecache.VISIBLE_THROUGH), though A is not one of their organisations."""
    a, _b = meetings
    AttendanceFactory(meeting=a, member=other_member.member)
    browser = Browser(type(client), other_member)
    url = reverse("meetings:detail", args=[a.pk])
    assert browser.kept(url)[0] == KEPT_PAGE_QUERIES
    a = Meeting.objects.get(pk=a.pk)
    a.location = "The new great hall"
    a.save()  # raises A's number only: no one is named anew
    count, body = _get(browser.client, url)
    assert count > KEPT_PAGE_QUERIES and "The new great hall" in body


def test_a_supervisor_sees_the_meeting_they_are_appointed_to_and_its_changes(client, meetings, other_member):
    """A member of B appointed to supervise A's meeting reads it from the appointment on, and A's changes
    reach their kept pages."""
    from meetings.models import SupervisionAppointment

    a, _b = meetings
    browser = Browser(type(client), other_member)
    url = reverse("meetings:detail", args=[a.pk])
    browser.kept(reverse("dashboard"))
    assert browser.client.get(url).status_code == 404
    SupervisionAppointment.objects.create(meeting=a, member=other_member.member, group_name="3rd group")
    assert browser.kept(url)[0] == KEPT_PAGE_QUERIES
    a = Meeting.objects.get(pk=a.pk)
    a.location = "The new great hall"
    a.save()
    count, body = _get(browser.client, url)
    assert count > KEPT_PAGE_QUERIES and "The new great hall" in body


def test_a_publishers_dashboard_shows_a_draft_saved_in_any_organisation(client, meetings, publisher):
    """A publisher belongs to no organisation and publishes every organisation's notices: a draft saved
    in one of them reaches their kept dashboard (pagecache.EVERYTHING)."""
    a, _b = meetings
    browser = Browser(type(client), publisher)
    url = reverse("dashboard")
    assert browser.kept(url)[0] == KEPT_PAGE_QUERIES
    NoticeFactory(meeting=a, organisation=a.organisation, title="Group A holds its meeting")
    count, body = _get(browser.client, url)
    assert count > KEPT_PAGE_QUERIES and "Group A holds its meeting" in body


def test_a_bulk_update_followed_by_a_post_in_the_organisation_shows_there(
    client, meetings, secretary, member_user, other_secretary
):
    a, b = meetings
    reader = Browser(type(client), secretary)
    url = reverse("meetings:detail", args=[a.pk])
    reader.kept(url)
    other = Browser(type(client), other_secretary)
    other_url = reverse("meetings:detail", args=[b.pk])
    other.kept(other_url)
    Meeting.objects.filter(pk=a.pk).update(location="Written elsewhere, without a signal")
    writer = Browser(type(client), member_user)  # a member of A posts anything at all
    writer.client.post(reverse("set_language"), {"language": "en", "next": "/"})
    _count, body = _get(reader.client, url)
    assert "Written elsewhere, without a signal" in body
    assert _get(other.client, other_url)[0] == KEPT_PAGE_QUERIES  # B's page: B's records did not change


def test_an_attendance_sheet_saved_in_one_organisation_leaves_anothers_kept_pages_served(
    client, meetings, secretary, member_user, other_secretary
):
    """The sheet is saved with bulk writes (no signals): the service places them itself, so another
    organisation's pages stay kept while the organisation's own and each attendee's are made again."""
    from tests.meetings.test_meeting_views import _sheet_post

    a, b = meetings
    other = Browser(type(client), other_secretary)
    other_url = reverse("meetings:detail", args=[b.pk])
    other.kept(other_url)
    attendee = Browser(type(client), member_user)
    attendee.kept(reverse("dashboard"))
    reader = Browser(type(client), secretary)
    url = reverse("meetings:detail", args=[a.pk])
    reader.kept(url)

    sheet = _sheet_post([secretary.member, member_user.member], meeting=a)
    response = reader.client.post(reverse("meetings:attendance", args=[a.pk]), sheet)
    assert response.status_code == 302
    assert a.attendances.count() == 2

    count, body = _get(reader.client, url)
    assert count > KEPT_PAGE_QUERIES and "Member" in body  # A's record page made again, with its attendee
    assert _get(attendee.client, reverse("dashboard"))[0] > KEPT_PAGE_QUERIES
    assert _get(other.client, other_url)[0] == KEPT_PAGE_QUERIES  # B's page: B's records did not change


def test_a_bulk_write_in_a_request_that_no_signal_tells_of_raises_every_scope(client, meetings, other_secretary):
    _a, b = meetings
    browser = Browser(type(client), other_secretary)
    url = reverse("meetings:detail", args=[b.pk])
    browser.kept(url)
    watch = pagecache.WriteWatch()
    pagecache.watch_writes(watch)
    try:
        with connection.execute_wrapper(watch):
            AttendanceFactory._meta.model.objects.bulk_create(
                [AttendanceFactory.build(meeting=b, member=MemberFactory())]
            )
    finally:
        pagecache.watch_writes(None)
    assert watch.settle(own_scopes_enough=True)  # a new attendee names who sees B: "all"
    watch = pagecache.WriteWatch()
    watch.look('UPDATE "meetings_meeting" SET "location" = %s WHERE "meetings_meeting"."id" = %s')
    assert not watch.settle(own_scopes_enough=True)  # the writer's organisations cover it
    assert watch.settle(own_scopes_enough=False)
    watch = pagecache.WriteWatch()
    watch.look('UPDATE "meetings_meeting" SET "organisation_id" = %s WHERE "meetings_meeting"."id" = %s')
    assert watch.settle(own_scopes_enough=True)  # moved to another organisation: "all"
    watch = pagecache.WriteWatch()  # moved too, the organisation set after a subquery's WHERE
    watch.look(
        'UPDATE "meetings_meeting" SET "title" = (SELECT U0."title" FROM "meetings_meeting" U0 WHERE U0."id" = %s), '
        '"organisation_id" = %s WHERE "meetings_meeting"."id" = %s'
    )
    assert watch.settle(own_scopes_enough=True)
    watch = pagecache.WriteWatch()  # a notice's search words (notices.search, raw SQL on PostgreSQL)
    watch.look("UPDATE notices_notice AS n SET search_vector = to_tsvector(v.t) FROM (VALUES (1, 'a')) AS v(id, t)")
    watch.look("DELETE FROM notices_searchentry WHERE notice_id = ANY(%s)")
    watch.look("INSERT INTO notices_searchentry (notice_id, publish_at, vector) SELECT 1")
    assert not watch.settle(own_scopes_enough=True)
    watch = pagecache.WriteWatch()  # a bulk_update of the attendance sheet: names nobody new
    watch.look(
        'UPDATE "meetings_attendance" SET "role" = (CASE WHEN ("meetings_attendance"."id" = %s) THEN %s '
        'ELSE NULL END) WHERE "meetings_attendance"."id" IN (%s)'
    )
    assert not watch.settle(own_scopes_enough=True)
    watch.look("TRUNCATE meetings_attendance")
    assert watch.settle(own_scopes_enough=True)  # not placed: "all"


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_raises_its_organisations_number_only(org, other_org):
    a_scope, b_scope = pagecache.org_scope(org.pk), pagecache.org_scope(other_org.pk)
    before = {scope: pagecache.records_version(scope) for scope in (a_scope, b_scope, pagecache.GLOBAL)}
    with transaction.atomic():
        meeting = MeetingFactory(organisation=org, presider=None)
        AttendanceFactory(meeting=meeting, member=MemberFactory())
    after = {scope: pagecache.records_version(scope) for scope in before}
    assert after[a_scope] == before[a_scope] + 1
    assert after[b_scope] == before[b_scope]
    meeting.organisation = other_org  # moved: both organisations' pages showed or will show it
    meeting.save()
    assert pagecache.records_version(pagecache.GLOBAL) > after[pagecache.GLOBAL]
