"""The signed-in pages a secretary and a member use most stay fast as the records grow.

- The dashboard, a meeting's record, the ledger and the material editor run the same number of
  queries with 5 and with 50 meetings, materials and rectification items.
- A page asked for again while nothing changed is served from the server's memory (members.pagecache)
  with three queries; any change, by anyone, through any server, is shown at the next request; a
  user never gets a page made for someone else, and a message is shown once only.
"""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from materials.models import InspectionMaterial
from meetings.models import Meeting
from members import pagecache
from members.models import RecordsVersion
from tests.factories import ItemFactory, MaterialFactory, MeetingFactory, PlanFactory

from ..meetings.helpers import filled_meeting

pytestmark = pytest.mark.django_db


#: Queries of a page served from memory: the session, the user, the records versions (one query).
KEPT_PAGE_QUERIES = 3


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response.content.decode()


def _records(org, secretary, member_user, n):
    """n meetings of the organisation, each with a material of the member and a plan with an item."""
    meetings = [
        MeetingFactory(organisation=org, title=f"Meeting {i}", status=Meeting.Status.PREPARING) for i in range(n)
    ]
    for meeting in meetings:
        MaterialFactory(meeting=meeting, author=member_user.member, status=InspectionMaterial.Status.DRAFT)
        ItemFactory(plan=PlanFactory(meeting=meeting), responsible_member=member_user.member)
    return meetings


def _page_urls(meetings, member_user):
    material = InspectionMaterial.objects.filter(author=member_user.member).order_by("pk").first()
    return {
        "dashboard": ("secretary", reverse("dashboard")),
        "record": ("secretary", reverse("meetings:detail", args=[meetings[0].pk])),
        "ledger": ("secretary", reverse("rectification:ledger")),
        "ledger, last page": ("secretary", reverse("rectification:ledger") + "?page=last"),
        "my items": ("member", reverse("rectification:ledger")),
        "editor": ("member", reverse("materials:edit", args=[material.pk])),
        "member's dashboard": ("member", reverse("dashboard")),
    }


def _first_requests(client, secretary, member_user, urls):
    counts = {}
    for name, (who, url) in urls.items():
        client.force_login(secretary if who == "secretary" else member_user)
        counts[name] = _get(client, url)[0]
    return counts


def test_each_page_runs_as_many_queries_with_50_records_as_with_5(client, org, other_org, secretary, member_user):
    small = _records(org, secretary, member_user, 5)
    few = _first_requests(client, secretary, member_user, _page_urls(small, member_user))
    large = _records(org, secretary, member_user, 45) + small
    filled_meeting(other_org, 20)  # someone else's records count for nothing
    many = _first_requests(client, secretary, member_user, _page_urls(large, member_user))
    assert many == few
    assert max(few.values()) <= 25, few


def test_the_record_page_costs_the_same_with_5_and_60_of_everything(client, org, secretary):
    small, _ = filled_meeting(org, 5)
    large, _ = filled_meeting(org, 60)
    client.force_login(secretary)
    few, _ = _get(client, reverse("meetings:detail", args=[small.pk]))
    pagecache.records_changed()  # as before the first: what the secretary sees is looked up again
    many, body = _get(client, reverse("meetings:detail", args=[large.pk]))
    assert few == many
    assert "60 should attend" in body


def test_a_page_asked_again_is_the_same_page_from_memory(client, org, secretary, member_user):
    meetings = _records(org, secretary, member_user, 5)
    for name, (who, url) in _page_urls(meetings, member_user).items():
        client.force_login(secretary if who == "secretary" else member_user)
        client.get(url)  # a browser has the CSRF cookie from its first page on
        pagecache.records_changed()  # as after any change: the next request makes the page
        first_count, first = _get(client, url)
        again_count, again = _get(client, url)
        assert again == first, name
        assert again_count == KEPT_PAGE_QUERIES < first_count, name


def test_a_change_by_someone_else_shows_at_the_next_request(client, org, secretary, member_user):
    meetings = _records(org, secretary, member_user, 2)
    client.force_login(secretary)
    url = reverse("meetings:detail", args=[meetings[0].pk])
    _get(client, url)
    _get(client, url)
    meeting = Meeting.objects.get(pk=meetings[0].pk)
    meeting.location = "The new great hall"
    meeting.save()  # as another user's request would, in another process or this one
    count, body = _get(client, url)
    assert "The new great hall" in body and count > KEPT_PAGE_QUERIES


def test_a_bulk_update_in_a_posted_form_shows_at_the_next_request(client, org, secretary, member_user):
    """Some services write with queryset.update() or bulk_update(), which send no signal: any POST is a change."""
    _records(org, secretary, member_user, 2)
    client.force_login(member_user)
    material = InspectionMaterial.objects.filter(author=member_user.member).order_by("pk").first()
    url = reverse("materials:edit", args=[material.pk])
    _get(client, url)
    _get(client, url)
    InspectionMaterial.objects.filter(pk=material.pk).update(problems="- Written elsewhere, without a signal.")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})  # any POST at all
    _count, body = _get(client, url)
    assert "Written elsewhere, without a signal." in body


def test_a_user_never_gets_a_page_made_for_someone_else(client, org, secretary, member_user, other_member_user):
    _records(org, secretary, member_user, 3)
    url = reverse("rectification:ledger")
    client.force_login(secretary)
    _count, secretarys = _get(client, url)
    client.force_login(other_member_user)  # responsible for nothing
    _count, others = _get(client, url)
    assert others != secretarys
    assert re.search(r"Measure \d", secretarys) and not re.search(r"Measure \d", others)


def test_a_message_is_shown_once_and_the_page_after_it_is_without(client, org, secretary, member_user):
    meetings = _records(org, secretary, member_user, 1)
    material = InspectionMaterial.objects.get(meeting=meetings[0])
    client.force_login(member_user)
    url = reverse("materials:edit", args=[material.pk])
    _get(client, url)
    data = {f: getattr(material, f) for f in ("problems", "causes", "measures")}
    response = client.post(url, {**data, "version": material.version, "action": "save"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    again = client.get(response.redirect_chain[-1][0]).content.decode()
    for text in shown:
        assert text not in again


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_raises_the_number_every_server_reads(org):
    scope = pagecache.org_scope(org.pk)
    before = pagecache.records_version(scope)
    with transaction.atomic():
        MeetingFactory(organisation=org)
        MeetingFactory(organisation=org)
        assert pagecache.records_version(scope) == before  # not before the commit
    assert RecordsVersion.objects.get(scope=scope).value == before + 1  # once per transaction
    with pytest.raises(RuntimeError), transaction.atomic():
        MeetingFactory(organisation=org)
        raise RuntimeError
    assert pagecache.records_version(scope) == before + 1  # nothing was committed


def test_switched_off_every_request_makes_the_page(client, org, secretary, member_user, settings):
    settings.PRIVATE_PAGE_CACHE = False
    _records(org, secretary, member_user, 2)
    client.force_login(secretary)
    first, _ = _get(client, reverse("dashboard"))
    again, _ = _get(client, reverse("dashboard"))
    assert again == first > KEPT_PAGE_QUERIES
