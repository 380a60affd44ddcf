"""Search's true count follows every publication, schedule, withdrawal and edit, and paging by date
reaches the last match whichever way the matches are read (on PostgreSQL from the narrow table of
live notices' vectors, `SearchEntry`, which the notice services keep current)."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from notices import search as notice_search
from notices import services
from notices.models import Notice, SearchEntry
from notices.search import SearchResults, update_search_vectors
from tests.factories import NoticeFactory

from .helpers import published
from .search_helpers import BASE, dated_notices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]


def _summary(client, q, **params) -> str:
    """The page's "N notices found." (only that: the lines after it hold ids and dates)."""
    html = client.get("/search/", {"q": q, **params}).content.decode()
    return html.split('id="search-summary">')[1].split("</p>")[0]


def _total(q: str, **kwargs) -> int:
    found = SearchResults(q, **kwargs)
    found.page(1, 10)
    return found.total


def _entries() -> set[int]:
    return set(SearchEntry.objects.values_list("notice_id", flat=True))


def test_a_publication_and_a_withdrawal_change_the_count_at_once(client, publisher):
    published(title="督导组 first", body="督导组到会指导。")
    draft = NoticeFactory(title="督导组 second", body="督导组到会指导。", status=Notice.Status.DRAFT, version=1)
    update_search_vectors(Notice.objects.filter(pk=draft.pk))
    assert re.search(r"\b1\b", _summary(client, "督导组"))
    assert _total("督导组") == 1

    services.notice_publish(notice=draft, by=publisher)
    assert re.search(r"\b2\b", _summary(client, "督导组"))
    assert _total("督导组") == 2

    services.notice_withdraw(notice=draft, by=publisher, reason="Published by mistake")
    assert re.search(r"\b1\b", _summary(client, "督导组"))
    assert _total("督导组") == 1
    if connection.vendor == "postgresql":
        assert draft.pk not in _entries()


def test_a_scheduled_notice_counts_once_its_time_has_come_and_not_after_its_return_to_draft(publisher):
    notice = NoticeFactory(title="谈心谈话 notice", body="开展谈心谈话。", status=Notice.Status.DRAFT, version=1)
    later = timezone.now() + datetime.timedelta(hours=2)
    services.notice_schedule(notice=notice, by=publisher, publish_at=later)
    assert _total("谈心谈话") == 0
    assert _total("谈心谈话", now=later + datetime.timedelta(minutes=1)) == 1  # due: live without a write

    services.notice_unschedule(notice=Notice.objects.get(pk=notice.pk), by=publisher)
    assert _total("谈心谈话", now=later + datetime.timedelta(minutes=1)) == 0


def test_an_edit_changes_what_the_notice_is_found_by(publisher):
    notice = published(title="会议通知", body="会议研究了调查研究工作。", version=1)
    assert _total("调查研究") == 1
    services.notice_update(
        notice=notice, by=publisher, expected_version=notice.version, title="会议通知", source_organ="",
        dateline=None, body="会议研究了基层减负工作。",
    )  # fmt: skip
    assert _total("调查研究") == 0
    assert _total("基层减负") == 1


def _every_page(sort: str, per_page: int = 7) -> list[int]:
    seen, number = [], 1
    while True:
        page = SearchResults("整改", sort).page(number, per_page)
        seen += list(page.object_list)
        if not page.has_next():
            return seen
        number += 1


@pytest.mark.parametrize("read", ["along the date index", "sorted from the word index"])
def test_paging_by_date_reaches_the_last_match_whichever_way_the_matches_are_read(monkeypatch, read):
    notices = dated_notices(30)
    if read == "along the date index":
        monkeypatch.setattr(notice_search, "WALK_BASE", 10**9)
    else:
        monkeypatch.setattr(notice_search, "WALK_BASE", -(10**9))
    newest_first = [n.pk for n in notices]
    assert _every_page("date") == newest_first
    last = SearchResults("整改", "date").page(99, 7)  # past the end: the last page, as Django's get_page
    assert list(last.object_list) == newest_first[28:]
    assert sorted(_every_page("relevance")) == sorted(newest_first)


def test_a_notice_saved_without_its_vector_is_counted_and_paged_in_date_order(monkeypatch):
    notices = dated_notices(12)
    # Saved outside the services (a script, a fixture): no vector, no entry; found with icontains.
    stray = NoticeFactory(
        title="第099号通知", body="会议研究了整改措施。", status=Notice.Status.PUBLISHED,
        publish_at=BASE - datetime.timedelta(days=5, hours=12),
    )  # fmt: skip
    assert stray.pk not in _entries()
    order = [n.pk for n in notices[:6]] + [stray.pk] + [n.pk for n in notices[6:]]
    for walk_base in (10**9, -(10**9)):
        monkeypatch.setattr(notice_search, "WALK_BASE", walk_base)
        assert _total("整改") == 13
        assert _every_page("date", per_page=5) == order


def test_withdrawn_drafts_and_unindexed_drafts_are_never_counted():
    dated_notices(3)
    NoticeFactory(title="整改 draft", body="整改", status=Notice.Status.DRAFT)
    withdrawn = NoticeFactory(title="整改 withdrawn", body="整改", status=Notice.Status.WITHDRAWN, publish_at=BASE)
    update_search_vectors(Notice.objects.filter(pk=withdrawn.pk))
    # Without a vector and with its date passed: only its status keeps it out of the icontains part.
    NoticeFactory(title="整改 withdrawn unindexed", body="整改", status=Notice.Status.WITHDRAWN, publish_at=BASE)
    assert _total("整改") == 3
    assert _total("整改", sort="date") == 3


def test_the_next_page_of_a_query_is_not_counted_again_until_a_publication(client, publisher):
    """On PostgreSQL the count is remembered for the publication generation (SQLite counts in Python
    each time); on both the count shown is the true one before and after the publication."""
    from django.test.utils import CaptureQueriesContext

    dated_notices(25)
    postgres = connection.vendor == "postgresql"

    def counted(**params) -> bool:
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/search/", {"q": "整改", **params}).content.decode()
        assert len(re.findall(r'class="fw-semibold"', html)) == 10
        return any("count(" in q["sql"].lower() for q in queries.captured_queries)

    assert counted(sort="date") is postgres
    assert not counted(sort="date", page=2)  # remembered for this publication generation
    assert not counted(page=2)  # the other order too
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": "整改", "page": 3})
    assert not any("ts_rank" in q["sql"] for q in queries.captured_queries)  # its ranked window too
    assert re.search(r"\b25\b", _summary(client, "整改"))
    draft = NoticeFactory(title="整改 new", body="整改", status=Notice.Status.DRAFT, version=1)
    services.notice_publish(notice=draft, by=publisher)
    assert counted(sort="date", page=2) is postgres
    assert re.search(r"\b26\b", _summary(client, "整改"))


def test_a_remembered_count_follows_a_scheduled_notice_falling_due(client, publisher, monkeypatch):
    from notices import cache as page_cache_module

    published(title="谈心谈话 first", body="开展谈心谈话。")
    notice = NoticeFactory(title="谈心谈话 second", body="开展谈心谈话。", status=Notice.Status.DRAFT, version=1)
    when = timezone.now() + datetime.timedelta(minutes=30)
    services.notice_schedule(notice=notice, by=publisher, publish_at=when)
    assert re.search(r"\b1\b", _summary(client, "谈心谈话"))
    # Its time comes within the cache's check interval, without a write.
    later = when + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(page_cache_module, "_now", lambda: later.timestamp())
    assert re.search(r"\b2\b", _summary(client, "谈心谈话", sort="date"))  # another page than the one kept
